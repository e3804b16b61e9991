"""One import: read a file, convert and check every row, upsert the good ones in one go."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from odm.db.base import Database, Row, TableRows
from odm.importers.duplicates import Earlier, RecentKeys
from odm.importers.mapping import Division, Mapping
from odm.importers.readers import Cell, SourceRow, SourceTable, open_source
from odm.importers.validate import Context, RowConverter, RowError, parse_number

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
    imported: int = 0
    rejected: int = 0
    duplicates: int = 0
    replaced: int = 0  # imported rows that replace an earlier row with the same key
    blank_lines: int = 0
    footer_line: int | None = None
    footer_totals: dict[str, float] = field(default_factory=dict)
    sums: dict[str, float] = field(default_factory=dict)

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
    duplicate_window: int = 10_000  # how many recent keys are checked for repeats
    on_reject: Callable[[Rejection], None] = lambda rejection: None
    on_progress: Callable[[int, int], None] = lambda done, total: None


async def import_file(
    db: Database, path: Path, mapping: Mapping, options: ImportOptions
) -> ImportReport:
    """Import one file into its mapping's table; idempotent (rows upsert on the key)."""
    report = ImportReport(path, mapping.name, mapping.target.table)
    context = await _context(db, path, mapping, options)
    with open_source(path, mapping.header_line, mapping.sheet) as table:
        run = _Run(mapping, table, context, options, report)
        tables = [*await _division_rows(db, mapping, options), run.table_rows()]
        await db.write_tables(tables, lambda count: None)
    return report


def division_for(mapping: Mapping, options: ImportOptions) -> Division | None:
    """The division rows go to: the user's choice, else the preset's default."""
    return options.division or mapping.division


async def _context(db: Database, path: Path, mapping: Mapping, options: ImportOptions) -> Context:
    division = division_for(mapping, options)
    if mapping.target.needs_division and division is None:
        raise ValueError(f"{mapping.target.table} rows need a division: give --division ID")
    wells = None
    if mapping.target.names_well:
        wells = frozenset(row[0] for row in await db.fetch_all("SELECT well_id FROM odm_well", {}))
    division_id = division.division_id if division else None
    return Context(source=path.name, division_id=division_id, known_wells=wells)


async def _division_rows(db: Database, mapping: Mapping, options: ImportOptions) -> list[TableRows]:
    """The division to create first, if the rows need one that does not exist yet."""
    division = division_for(mapping, options)
    if division is None or not mapping.target.needs_division:
        return []
    sql = "SELECT 1 FROM odm_division WHERE division_id = :division_id"
    if await db.fetch_all(sql, {"division_id": division.division_id}):
        return []
    row = (division.division_id, division.name)
    return [TableRows("odm_division", ("division_id", "division_name"), [row])]


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

    def table_rows(self) -> TableRows:
        """The rows to write, produced while the database consumes them."""
        target = self.mapping.target
        return TableRows(target.table, self.converter.columns, self.rows(), True, target.key)

    def rows(self) -> Iterator[Row]:
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
        if self.options.strict:
            self._fail_if_any_rejected()

    def _fail_if_any_rejected(self) -> None:
        """In strict mode, any rejection or footer mismatch rolls the whole import back."""
        failures = self.report.checksum_failures()
        if self.report.rejected or failures:
            raise StrictRejection(
                f"strict import: {self.report.rejected} rows rejected"
                + (f", footer totals differ for {', '.join(failures)}" if failures else "")
                + ": nothing imported"
            )

    def _accepted(self, source_row: SourceRow) -> Row | None:
        if source_row.is_blank():
            self.report.blank_lines += 1
            return None
        if self._is_footer(source_row):
            return None
        self.report.rows_read += 1
        try:
            row = self.converter.convert(source_row)
        except RowError as exc:
            self._reject(source_row, str(exc))
            return None
        key = tuple(row[i] for i in self.key_positions)
        numbers = self.converter.packed_pending()
        earlier = self.recent.seen(key, row, source_row.line, numbers)
        if earlier is not None and earlier.same:
            self._reject(source_row, f"duplicate of line {earlier.line}: counted once", True)
            return None
        if earlier is not None:
            self._replace(source_row, earlier)
        self.converter.count_pending()
        return row

    def _replace(self, row: SourceRow, earlier: Earlier) -> None:
        """A key repeated with different values: the later row wins, and is reported."""
        self.converter.uncount(earlier.extra)
        self.report.replaced += 1
        reason = f"same key as line {earlier.line} with different values: replaces it"
        self.options.on_reject(Rejection(row.line, reason, row.cells, replaces=earlier.line))

    def _reject(self, row: SourceRow, reason: str, duplicate: bool = False) -> None:
        if duplicate:
            self.report.duplicates += 1
        else:
            self.report.rejected += 1
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
