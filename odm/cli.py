"""The `odm` command: thin wrappers that parse arguments and call library code."""

from __future__ import annotations

import asyncio
import datetime as dt
import getpass
import os
import tempfile
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from typer.core import TyperGroup

from odm import consistency, importers
from odm.api.auth import is_loopback_bind
from odm.auth.audit import Change, record, record_in
from odm.auth.identity import Caller, Role, format_divisions
from odm.auth.keystore import create_key, find_keys, revoke_key, today_utc
from odm.config import Settings
from odm.db import open_database
from odm.db.base import (
    Database,
    DatabaseError,
    DatabaseUnavailable,
    Transaction,
    migrate,
    migration_scripts,
)
from odm.demo import DemoData, DemoSpec
from odm.importers.guide import tables_guide
from odm.importers.mapping import mapping_from_flags
from odm.importers.report import describe, rejects_csv, too_many_rejected
from odm.importers.report import summary as import_summary
from odm.ingest.writer import Counts, Step
from odm.metrics import MULTIPROC_VARIABLE
from odm.queries.compose import ALL_DIVISIONS


class _Commands(TyperGroup):
    """Lists each command with the whole first sentence of its help, wrapped (Click cuts it
    to fit one line)."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:  # typer's own Click types
        found = [(name, self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        rows = [(n, c.get_short_help_str(limit=1_000)) for n, c in found if c and not c.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


# Click's own help layout, not rich's panels: it wraps long help (and the table list of
# `odm import --help`) at the terminal's width (up to 120 columns) instead of cutting it.
HELP_LAYOUT: dict[str, Any] = {
    "cls": _Commands,
    "no_args_is_help": True,
    "rich_markup_mode": None,
    "context_settings": {"max_content_width": 120},
}
app = typer.Typer(help="ODM: Operations Data Management.", add_completion=False, **HELP_LAYOUT)
console = Console(stderr=True)
T = TypeVar("T")
CHECK_TIMEOUT = 3600.0  # seconds one statement of `odm check` may take
CHECK_SHOWN = 50  # differences printed (all are counted)

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        "-d",
        help="Database URL (default: ODM_DATABASE_URL, "
        "the ORACLE_* settings, or sqlite:///var/odm.db).",
    ),
]


def _settings(database: str | None) -> Settings:
    settings = Settings()
    if database:
        settings.database_url = database
    return settings


def _run(work: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine; a database or settings problem is one clear line and exit code 1."""
    try:
        return asyncio.run(work)
    except (ValueError, DatabaseError, DatabaseUnavailable) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc


async def _with_db(settings: Settings) -> Database:
    db = open_database(settings)
    await db.open()
    return db


@app.command("init-db")
def init_db(database: DatabaseOption = None) -> None:
    """Create the schema, or upgrade it in place to the newest version."""

    async def run() -> list[int]:
        db = await _with_db(_settings(database))
        try:
            return await migrate(db)
        finally:
            await db.close()

    applied = _run(run())
    console.print(f"applied schema versions {applied}" if applied else "schema is up to date")


@app.command()
def demo(
    database: DatabaseOption = None,
    wells: Annotated[int, typer.Option(min=1, help="Number of wells.")] = DemoSpec.wells,
    years: Annotated[int, typer.Option(min=1, max=60, help="Years of history.")] = DemoSpec.years,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same data).")] = DemoSpec.seed,
    end: Annotated[str, typer.Option(help="Last production day, YYYY-MM-DD.")] = str(DemoSpec.end),
    if_empty: Annotated[bool, typer.Option(help="Do nothing if the database has wells.")] = False,
    replace: Annotated[bool, typer.Option(help="Delete all existing data first.")] = False,
) -> None:
    """Fill the database with a realistic demo data set (about wells × years × 270 rows)."""
    data = DemoData(DemoSpec(wells=wells, years=years, seed=seed, end=_parse_date(end)))

    async def run() -> bool:
        db = await _with_db(_settings(database))
        try:
            await migrate(db)
            if await db.fetch_all("SELECT 1 FROM odm_well", {}) and not replace:
                if if_empty:
                    return False
                raise typer.BadParameter("the database already has wells: use --replace")
            with _progress() as progress:
                task = progress.add_task("demo rows", total=data.daily_row_count)
                await db.write_tables(
                    data.tables(), lambda n: progress.advance(task, n), replace=replace
                )
            return True
        finally:
            await db.close()

    started = time.perf_counter()
    if _run(run()):
        rate = data.daily_row_count / (time.perf_counter() - started)
        console.print(
            f"wrote {len(data.wells)} wells, {data.daily_row_count:,} daily rows "
            f"({data.start} to {data.spec.end}), {rate:,.0f} rows/s"
        )
    else:
        console.print("the database already has wells: nothing written")


@app.command("recompute-totals")
def recompute_totals(database: DatabaseOption = None) -> None:
    """Recompute every well's life-to-date totals from its rows (removes rounding drift)."""

    async def run() -> None:
        db = await _with_db(_settings(database))
        try:
            await db.recompute_totals()
        finally:
            await db.close()

    _run(run())
    console.print("well totals recomputed from the daily and budget rows")


@app.command()
def check(database: DatabaseOption = None) -> None:
    """Check the monthly aggregates and well totals against fresh sums of the rows (exit 1 if
    any differs)."""

    async def run() -> consistency.Report:
        settings = _settings(database)
        # It sums every row: more time than one API statement gets.
        settings.statement_timeout = max(settings.statement_timeout, CHECK_TIMEOUT)
        db = await _with_db(settings)
        try:
            current, latest = await db.schema_version(), migration_scripts(db.dialect)[-1][0]
            if current < latest:
                raise ValueError(f"schema version {current}: `odm init-db` upgrades it first")
            return await consistency.check(db)
        finally:
            await db.close()

    report = _run(run())
    for difference in report.differences[:CHECK_SHOWN]:
        typer.echo(str(difference))
    if len(report.differences) > CHECK_SHOWN:
        typer.echo(f"... and {len(report.differences) - CHECK_SHOWN} more differences")
    compared = ", ".join(f"{count:,} rows of {table}" for table, count in report.keys.items())
    if not report.consistent:
        console.print(f"[red]{len(report.differences)} differences[/red] in {compared}")
        raise typer.Exit(1)
    console.print(f"no differences: {compared} equal fresh sums of the daily and budget rows")


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(f"not a YYYY-MM-DD date: {text!r}") from exc


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    )


PresetOption = Annotated[
    str | None,
    typer.Option(help="Built-in mapping: " + ", ".join(importers.preset_names()) + "."),
]
Pairs = list[str] | None


@app.command("import", epilog=tables_guide())
def import_command(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX file to import.")],
    database: DatabaseOption = None,
    preset: PresetOption = None,
    mapping: Annotated[Path | None, typer.Option(help="Mapping file (.toml or .json).")] = None,
    table: Annotated[str | None, typer.Option(help="Target table, with --column.")] = None,
    column: Annotated[
        Pairs, typer.Option(metavar="NAME=VALUE", help="TABLE_COLUMN=FILE_COLUMN.")
    ] = None,
    constant: Annotated[
        Pairs, typer.Option(metavar="NAME=VALUE", help="TABLE_COLUMN=VALUE.")
    ] = None,
    factor: Annotated[
        Pairs, typer.Option(metavar="NAME=VALUE", help="TABLE_COLUMN=FACTOR (unit).")
    ] = None,
    unit: Annotated[
        Pairs, typer.Option(metavar="NAME=UNIT", help="TABLE_COLUMN=UNIT the file uses (m3).")
    ] = None,
    date_format: Annotated[str | None, typer.Option(help="strptime format.")] = None,
    header_line: Annotated[int, typer.Option(min=1, help="Line of column names.")] = 1,
    division: Annotated[
        int | None, typer.Option(help="Division of the rows, and of the wells it creates.")
    ] = None,
    division_name: Annotated[str | None, typer.Option(help="Its name if new.")] = None,
    create_missing: Annotated[
        bool,
        typer.Option(
            "--create-missing",
            help="Create the wells rows name by a well_name, uwi, api_number or source_key "
            "no well has (in --division).",
        ),
    ] = False,
    strict: Annotated[bool, typer.Option(help="Import nothing if any row is rejected.")] = False,
    max_rejects: Annotated[
        int,
        typer.Option(
            min=0,
            help="Exit with status 1 if more rows than this are rejected (the accepted rows "
            "are imported all the same; --strict imports none).",
        ),
    ] = 0,
    rejects: Annotated[Path | None, typer.Option(help="Write rejected rows to CSV.")] = None,
) -> None:
    """Import a CSV or XLSX file through a preset, a mapping file or --column flags.

    Rows upsert on their table's key (importing a file again changes nothing), in one
    transaction. Exit status: 0 imported, 1 more rows rejected than --max-rejects (or any,
    with --strict), 2 the import could not run.
    """
    try:
        chosen = _import_mapping(
            file, preset, mapping, table, column, constant, factor, unit, date_format, header_line
        )
        options = importers.ImportOptions(
            division=importers.Division(division, division_name) if division else None,
            strict=strict,
            create_missing=create_missing,
        )
        report = _run_import(file, chosen, database, options, rejects)
    except (
        ValueError,
        OSError,
        importers.StrictRejection,
        DatabaseError,
        DatabaseUnavailable,
    ) as exc:
        console.print(
            f"[red]import failed:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True
        )
        raise typer.Exit(1 if isinstance(exc, importers.StrictRejection) else 2) from None
    for line in import_summary(report):
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    failed = too_many_rejected(report, max_rejects)
    if failed is not None:
        console.print(f"[red]error:[/red] {escape(failed)}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)


def _import_mapping(
    file: Path,
    preset: str | None,
    mapping: Path | None,
    table: str | None,
    column: list[str] | None,
    constant: list[str] | None,
    factor: list[str] | None,
    unit: list[str] | None,
    date_format: str | None,
    header_line: int,
) -> importers.Mapping:
    """The one mapping the flags ask for, or the preset the file's header fits."""
    if sum(x is not None for x in (preset, mapping, table)) > 1:
        raise ValueError("give only one of --preset, --mapping, --table")
    if preset:
        return importers.load_preset(preset)
    if mapping:
        return importers.load_mapping(mapping)
    if table:
        return mapping_from_flags(
            table, column or [], constant, factor, date_format, header_line, unit
        )
    if not file.is_file():
        raise ValueError(f"no such file: {file}")
    detected = importers.detect_preset(file)
    if detected is None:
        raise ValueError(
            "no preset fits the file's header: give --preset, --mapping FILE.toml or --table "
            "with --column (odm import --help lists the tables; the README's Importing files "
            "has a daily production mapping to copy)"
        )
    return detected


def _run_import(
    file: Path,
    mapping: importers.Mapping,
    database: str | None,
    options: importers.ImportOptions,
    rejects: Path | None,
) -> importers.ImportReport:
    """Run the import with a progress bar, printing each rejected row as it is found; the
    audit log records it in the import's transaction."""

    async def run(write_reject: Callable[[importers.Rejection], None]) -> importers.ImportReport:
        db = await _with_db(_settings(database))
        try:
            await migrate(db)
            with _progress() as progress:
                task = progress.add_task(f"importing {file.name}", total=None)
                chosen = replace(
                    options,
                    after=(_audited(db, f"{mapping.target.table} from {file.name}"),),
                    on_reject=write_reject,
                    on_progress=lambda done, total: progress.update(
                        task, completed=done, total=total
                    ),
                )
                return await importers.import_file(db, file, mapping, chosen)
        finally:
            await db.close()

    with rejects_csv(rejects) if rejects else nullcontext(None) as to_csv:

        def on_reject(rejection: importers.Rejection) -> None:
            console.print(describe(rejection), markup=False, highlight=False, soft_wrap=True)
            if to_csv is not None:
                to_csv(rejection)

        return asyncio.run(run(on_reject))


def _audited(db: Database, what: str) -> Step:
    """The step recording an import in the audit log, with the rows it wrote."""

    async def audit(tx: Transaction, counts: Counts) -> None:
        change = Change("CLI", "odm import", what, counts.inserted + counts.updated)
        await record_in(tx, db.dialect, _cli_caller(), change)

    return audit


keys_app = typer.Typer(
    help="API keys: create (the key is shown once), list, revoke.", **HELP_LAYOUT
)
app.add_typer(keys_app, name="keys")


def _cli_caller() -> Caller:
    """The person at the terminal, as the audit log names them: the OS user."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = "unknown"
    return Caller(user, Role.ADMIN, ALL_DIVISIONS, f"cli:{user}")


def _grant(role: Role, division: list[int] | None, all_divisions: bool) -> frozenset[int] | None:
    """The divisions a new key may see: every one for an admin, else exactly one choice."""
    if role is Role.ADMIN:
        if division:
            raise typer.BadParameter("an admin key sees every division: drop --division")
        return None
    if bool(division) == all_divisions:
        raise typer.BadParameter(f"a {role} key needs --division ID (repeat it) or --all-divisions")
    if division and min(division) < 1:
        raise typer.BadParameter("division ids are positive")
    return None if all_divisions else frozenset(division or [])


@keys_app.command("create")
def create_key_command(
    name: Annotated[str, typer.Option(help="Unique name (letters, digits, . _ @ -).")],
    role: Annotated[Role, typer.Option(help="reader, writer or admin.")],
    division: Annotated[
        list[int] | None, typer.Option(help="A division the key may see (repeat for more).")
    ] = None,
    all_divisions: Annotated[
        bool, typer.Option(help="Let a reader or writer see every division.")
    ] = False,
    expires: Annotated[
        str | None, typer.Option(help="Last valid day, YYYY-MM-DD (UTC); default: never.")
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Create an API key and print it once (on stdout); only its hash is stored."""
    divisions = _grant(role, division, all_divisions)
    expires_on = _parse_date(expires) if expires else None

    async def run() -> str:
        db = await _with_db(_settings(database))
        try:
            await migrate(db)
            key = await create_key(db, name, role, divisions, expires_on)
            target = f"key {name} ({role}, divisions {format_divisions(divisions)})"
            await record(db, _cli_caller(), Change("CLI", "odm keys create", target, 1))
            return key.text
        finally:
            await db.close()

    secret = _run(run())
    console.print(
        f"created {role} key {name!r}; it is shown only now, store it in a secret store:",
        highlight=False,
    )
    typer.echo(secret)


@keys_app.command("list")
def list_keys_command(database: DatabaseOption = None) -> None:
    """List every key (valid, expired or revoked) without secrets."""

    async def run() -> list[str]:
        db = await _with_db(_settings(database))
        try:
            await migrate(db)
            today = today_utc()
            return [
                f"{k.name}\t{k.key_id}\t{k.role}\t{k.divisions}\t{k.created_at}\t"
                f"{k.expires_on or 'never'}\t{k.status(today)}"
                for k in await find_keys(db)
            ]
        finally:
            await db.close()

    lines = _run(run())
    typer.echo("name\tkey_id\trole\tdivisions\tcreated_at\texpires_on\tstatus")
    for line in lines:
        typer.echo(line)


@keys_app.command("revoke")
def revoke_key_command(
    name: Annotated[str, typer.Argument(help="The key's name.")],
    database: DatabaseOption = None,
) -> None:
    """Revoke a key at once; it stays listed, and the change is audited."""

    async def run() -> bool:
        db = await _with_db(_settings(database))
        try:
            await migrate(db)
            if await revoke_key(db, name) is None:
                return False
            await record(db, _cli_caller(), Change("CLI", "odm keys revoke", f"key {name}", 1))
            return True
        finally:
            await db.close()

    if not _run(run()):
        console.print(f"[red]error:[/red] no valid key named {name!r}", highlight=False)
        raise typer.Exit(1)
    console.print(f"revoked key {name!r}", highlight=False)


WORKER_START_SECONDS = 60


@app.command()
def serve(
    database: DatabaseOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart on code changes.")] = False,
) -> None:
    """Serve the API (the same app as `uvicorn service:app`)."""
    import uvicorn

    try:
        settings = _settings(database)
    except ValueError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from None
    if settings.auth == "anonymous-read" and not is_loopback_bind(host):
        console.print(
            f"[red]error:[/red] ODM_AUTH=anonymous-read is for this machine only, not "
            f"--host {host}: serve on 127.0.0.1, or set ODM_AUTH=required and use keys",
            highlight=False,
        )
        raise typer.Exit(2)

    if database:
        os.environ["ODM_DATABASE_URL"] = database  # read by every worker process
    with metrics_folder(workers):
        uvicorn.run(
            "odm.app:app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            reload=reload,
            # Writes still running this long after SIGTERM are cancelled (and roll back).
            timeout_graceful_shutdown=int(settings.shutdown_grace * 2 + 5),
            # A worker importing the app on busy cores can take more than uvicorn's 5 s to
            # answer its supervisor, which then kills it (and aborts a SIGHUP restart).
            timeout_worker_healthcheck=WORKER_START_SECONDS,
        )


@contextmanager
def metrics_folder(workers: int) -> Iterator[None]:
    """With several workers, a fresh PROMETHEUS_MULTIPROC_DIR for them to share their
    metrics in (removed at exit); one already set is used as it is."""
    if workers == 1 or MULTIPROC_VARIABLE in os.environ:
        yield
        return
    with tempfile.TemporaryDirectory(prefix="odm-metrics-") as folder:
        os.environ[MULTIPROC_VARIABLE] = folder
        try:
            yield
        finally:
            del os.environ[MULTIPROC_VARIABLE]


def main() -> None:
    """Console-script entry point."""
    app()
