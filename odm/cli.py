"""The `odm` command: thin wrappers that parse arguments and call library code."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time
from collections.abc import Coroutine
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from odm.config import Settings
from odm.db import open_database
from odm.db.base import Database, DatabaseError, DatabaseUnavailable, migrate
from odm.demo import DemoData, DemoSpec

app = typer.Typer(
    help="ODM: Operations Data Management.", no_args_is_help=True, add_completion=False
)
console = Console(stderr=True)
T = TypeVar("T")

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

    if database:
        os.environ["ODM_DATABASE_URL"] = database  # read by every worker process
    uvicorn.run(
        "odm.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
    )


def main() -> None:
    """Console-script entry point."""
    app()
