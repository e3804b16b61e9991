"""One import: read a file, convert and check every row, and write the good ones through the
ingest pipeline HTTP writes use (staged batch by batch, then counted and upserted in one
transaction)."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from odm.db.base import Database, Transaction
from odm.feed import log as feed
from odm.importers.duplicates import Earlier, RecentKeys
from odm.importers.mapping import Division, Mapping
from odm.importers.readers import Cell, SourceRow, SourceTable, open_source
from odm.importers.validate import Context, RowConverter, RowError, parse_number
from odm.ingest.wells import NewWells, load_well_keys
from odm.ingest.writer import Counts, Staged, Step, write
from odm.queries import load_sql
from odm.queries.compose import ALL_DIVISIONS

PROGRESS_EVERY = 1_000


class StrictRejection(Exception):
    """A strict import found rejected rows, so nothing was written."""


@dataclass(frozen=True)
class Rejection:
    """A row not imported, or imported over an earlier one: its line number, why, and its
    cells as read."""

    line: int
    reason: str
    cells: tuple[Cell, ...]
    duplicate: bool = False  # an exact repeat of an earlier row: counted once, not an error
    replaces: int | None = None  # the earlier line this row's different values replace


@dataclass
class ImportReport:
    """What an import read, wrote and rejected, and the file's own totals if it has any."""

    path: Path
    mapping: str
    table: str
    rows_read: int = 0
    imported: int = 0  # rows accepted and written (or, in a strict import, to be)
    rejected: int = 0
    duplicates: int = 0
    replaced: int = 0  # imported rows that replace an earlier row with the same key
    blank_lines: int = 0
    footer_line: int | None = None
    footer_totals: dict[str, float] = field(default_factory=dict)
    sums: dict[str, float] = field(default_factory=dict)
    counts: Counts = field(default_factory=Counts)  # what the write did to stored rows
    warnings: Counter[str] = field(default_factory=Counter)  # accepted unusual values
    hints: Counter[str] = field(default_factory=Counter)  # what to do about rejected rows
    new_wells: list[str] = field(default_factory=list)  # names of the wells created
    division: Division | None = None  # where new wells and division-bound rows went

    def checksums(self) -> list[tuple[str, float, float | None]]:
        """Per footer column: the footer's total and the sum of the imported rows."""
        return [(name, total, self.sums.get(name)) for name, total in self.footer_totals.items()]

    def checksum_failures(self) -> list[str]:
        """The footer columns whose total the imported rows do not add up to."""
        return [
            name
            for name, total, imported in self.checksums()
            if imported is not None and not totals_match(total, imported)
        ]


def totals_match(total: float, imported: float) -> bool:
    """Whether a file's stated total equals a sum, but for floating-point rounding."""
    return abs(total - imported) <= 1e-9 * max(1.0, abs(total))


@dataclass(frozen=True)
class ImportOptions:
    """Choices the user makes beyond the mapping."""

    division: Division | None = None
    strict: bool = False
    create_missing: bool = False  # create the wells rows name by identifiers no well has
    duplicate_window: int = 10_000  # how many recent keys are checked for repeats
    batch_rows: int = 500  # rows staged per round trip (memory holds one batch)
    after: tuple[Step, ...] = ()  # what else the write's transaction records (the audit)
    on_reject: Callable[[Rejection], None] = lambda rejection: None
    on_progress: Callable[[int, int], None] = lambda done, total: None


def _feed_step(db: Database, mapping: Mapping) -> Step:
    """Last in the transaction: the import's changes in the change log (a file of many rows is
    a summary per division, as any large write)."""

    async def log_changes(tx: Transaction, counts: Counts) -> None:
        entries = await feed.write_entries(tx, db.dialect, mapping.target, counts)
        await feed.append(tx, db.dialect, entries)

    return log_changes


async def import_file(
    db: Database, path: Path, mapping: Mapping, options: ImportOptions
) -> ImportReport:
    """Import one file into its mapping's table; idempotent (rows upsert on the key, and a
    row that changes nothing is not touched)."""
    report = ImportReport(path, mapping.name, mapping.target.table)
    report.division = division_for(mapping, options)
    context = await _context(db, path, mapping, options, report.division)
    with open_source(path, mapping.header_line, mapping.sheet) as table:
        run = _Run(mapping, table, context, options, report)
        report.counts = await write(
            db,
            mapping.target,
            run.batches(),
            before=[
                _division_step(db, mapping, report, context),
                _wells_step(db, mapping, context),
            ],
            after=[*options.after, _feed_step(db, mapping)],
            commit=lambda: not (options.strict and run.failures()),
        )
    if options.strict and run.failures():
        raise StrictRejection(f"strict import: {run.failures()}: nothing imported")
    if context.new_wells is not None:
        report.new_wells = context.new_wells.names()
    return report


def division_for(mapping: Mapping, options: ImportOptions) -> Division | None:
    """The division rows go to: the user's choice, else the preset's default."""
    return options.division or mapping.division


async def _context(
    db: Database, path: Path, mapping: Mapping, options: ImportOptions, division: Division | None
) -> Context:
    target = mapping.target
    if target.needs_division and division is None:
        raise ValueError(f"{target.table} rows need a division: give --division ID")
    if options.create_missing and not target.names_well:
        raise ValueError(f"--create-missing creates wells; {target.table} rows name none")
    if options.create_missing and division is None:
        raise ValueError(
            "--create-missing needs the division new wells belong to: give --division ID "
            "(and --division-name if it is new), or a [division] in the mapping"
        )
    wells = await load_well_keys(db, ALL_DIVISIONS) if target.names_well else None
    new_wells = None
    if options.create_missing and wells is not None and division is not None:
        new_wells = NewWells(division.division_id, max(wells.divisions, default=0) + 1)
    division_id = division.division_id if division else None
    return Context(path.name, division_id, wells, new_wells)


def _division_step(db: Database, mapping: Mapping, report: ImportReport, context: Context) -> Step:
    """Create the division the rows or new wells belong to, if it does not exist yet."""

    async def create(tx: Transaction, counts: Counts) -> None:
        division = report.division
        wells = context.new_wells.wells if context.new_wells else []
        rows = mapping.target.needs_division and report.imported
        if division is None or not (wells or rows):
            return
        found = await tx.fetch(
            load_sql("named_ids", db.dialect),
            {"division_id": division.division_id, "well_id": None},
        )
        if found.rows[0][0] is None:
            params = {"division_id": division.division_id, "division_name": division.name}
            await tx.execute(load_sql("insert_division", db.dialect), params)

    return create


def _wells_step(db: Database, mapping: Mapping, context: Context) -> Step:
    """Create the wells the rows name that no well had (with --create-missing)."""

    async def create(tx: Transaction, counts: Counts) -> None:
        if context.new_wells is not None:
            await context.new_wells.insert(tx, db.dialect, mapping.target)

    return create


class _Run:
    """The state of one pass over a file: converter, duplicate window, report."""

    def __init__(
        self,
        mapping: Mapping,
        table: SourceTable,
        context: Context,
        options: ImportOptions,
        report: ImportReport,
    ) -> None:
        self.mapping, self.table, self.options, self.report = mapping, table, options, report
        self.converter = RowConverter(mapping, table, context)
        self.key_positions = [self.converter.columns.index(k) for k in mapping.target.key]
        self.recent = RecentKeys(options.duplicate_window)

    async def batches(self) -> AsyncIterator[list[Staged]]:
        """The accepted rows in batches, read while the database stages the previous."""
        batch: list[Staged] = []
        for row in self.rows():
            batch.append(row)
            if len(batch) >= self.options.batch_rows:
                yield batch
                batch = []
        if batch:
            yield batch

    def rows(self) -> Iterator[Staged]:
        """Every accepted row; rejections go to the report as they are found."""
        for number, source_row in enumerate(self.table.rows, start=1):
            row = self._accepted(source_row)
            if row is not None and not (self.options.strict and self.report.rejected):
                self.report.imported += 1
                yield row
            if number % PROGRESS_EVERY == 0:
                self.options.on_progress(self.table.position(), self.table.size)
        self.options.on_progress(self.table.size, self.table.size)
        self.report.sums = self.converter.sums

    def failures(self) -> str:
        """Why a strict import writes nothing (rejected rows, footer totals that differ), or
        an empty string."""
        differ = self.report.checksum_failures()
        reasons = [f"{self.report.rejected} rows rejected"] if self.report.rejected else []
        reasons += [f"footer totals differ for {', '.join(differ)}"] if differ else []
        return ", ".join(reasons)

    def _accepted(self, source_row: SourceRow) -> Staged | None:
        if source_row.is_blank():
            self.report.blank_lines += 1
            return None
        if self._is_footer(source_row):
            return None
        self.report.rows_read += 1
        try:
            row = self.converter.convert(source_row)
        except RowError as exc:
            self._reject(source_row, str(exc), hint=exc.hint)
            return None
        key = tuple(row.values[i] for i in self.key_positions)
        numbers = self.converter.packed_pending()
        earlier = self.recent.seen(key, row.values, source_row.line, numbers)
        if earlier is not None and earlier.same:
            self._reject(source_row, f"duplicate of line {earlier.line}: counted once", True)
            return None
        if earlier is not None:
            self._replace(source_row, earlier)
        self.converter.count_pending()
        self.report.warnings.update(self.converter.warnings)
        return row

    def _replace(self, row: SourceRow, earlier: Earlier) -> None:
        """A key repeated with different values: the later row wins, and is reported."""
        self.converter.uncount(earlier.extra)
        self.report.replaced += 1
        reason = f"same key as line {earlier.line} with different values: replaces it"
        self.options.on_reject(Rejection(row.line, reason, row.cells, replaces=earlier.line))

    def _reject(
        self, row: SourceRow, reason: str, duplicate: bool = False, hint: str | None = None
    ) -> None:
        if duplicate:
            self.report.duplicates += 1
        else:
            self.report.rejected += 1
        if hint is not None:
            self.report.hints[hint] += 1
        self.options.on_reject(Rejection(row.line, reason, row.cells, duplicate))

    def _is_footer(self, row: SourceRow) -> bool:
        """A totals line ("Sum=1,323,122,722"): kept as a checksum, never imported."""
        prefix = self.mapping.footer_prefix
        totals = {
            self.table.header[i]: cell.strip()[len(prefix) :].replace(",", "")
            for i, cell in enumerate(row.cells)
            if prefix and isinstance(cell, str) and cell.strip().startswith(prefix)
        }
        if not totals:
            return False
        self.report.footer_line = row.line
        self.report.footer_totals = {k: parse_number(v) or 0.0 for k, v in totals.items()}
        return True
