"""Turning one file row into one staged table row, or a reason to reject it: types, allowed
values and ranges (by the target's rules, as HTTP writes), the well named by any identifier,
and units."""

from __future__ import annotations

import datetime as dt
import math
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from odm.importers.mapping import ColumnSpec, Mapping, SumCheck
from odm.importers.readers import Cell, SourceRow, SourceTable
from odm.ingest.targets import MAX_MAGNITUDE, ColumnType
from odm.ingest.wells import NewWells, UnknownWell, WellKeys
from odm.ingest.writer import Staged
from odm.queries.ingest import bit

# What to do about rows rejected for their well, said once in the summary.
UNKNOWN_WELLS = (
    "they name wells ODM does not have: --create-missing (with --division ID) creates them"
)
WELL_IDS = (
    "well_id takes ODM's own well ids: map the file's well names or codes to well_name, uwi, "
    "api_number or source_key (with --create-missing for wells ODM does not have yet)"
)


class RowError(ValueError):
    """Why a row is rejected (the message is the reason reported), and what to do about
    rows rejected that way (`hint`), if there is something to say."""

    def __init__(self, reason: str, hint: str | None = None) -> None:
        super().__init__(reason)
        self.hint = hint


@dataclass(frozen=True)
class Context:
    """What rows get from the import rather than from the file."""

    source: str
    division_id: int | None = None
    wells: WellKeys | None = None
    new_wells: NewWells | None = None  # with --create-missing


def parse_text(cell: Cell) -> str | None:
    """Text with surrounding spaces removed; empty is missing. Leading zeros stay."""
    if cell is None:
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)  # an id a spreadsheet stored as a number
    text = cell.isoformat() if isinstance(cell, dt.date) else str(cell).strip()
    return text or None


def parse_number(cell: Cell) -> float | None:
    """A finite number; empty is missing (null), zero is zero."""
    if isinstance(cell, bool | dt.date):
        raise RowError(f"{cell!r} is not a number")
    if isinstance(cell, int | float):
        value = float(cell)
    else:
        text = parse_text(cell)
        if text is None:
            return None
        try:
            value = float(text)
        except ValueError:
            raise RowError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise RowError(f"{value!r} is not a finite number")
    return value


def parse_int(cell: Cell) -> int | None:
    """A whole number ("8.0" counts as 8)."""
    value = parse_number(cell)
    if value is None:
        return None
    if not value.is_integer():
        raise RowError(f"{value!r} is not a whole number")
    return int(value)


def parse_date(cell: Cell, date_format: str | None) -> dt.date | None:
    """A date from a spreadsheet date, or text in `date_format` (default ISO)."""
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = parse_text(cell)
    if text is None:
        return None
    try:
        return _day(text, date_format)
    except ValueError:
        raise RowError(f"{text!r} is not a date in {date_format or 'YYYY-MM-DD'}") from None


@lru_cache(maxsize=4096)
def _day(text: str, date_format: str | None) -> dt.date:
    """A date from its text, remembered: a file names the same days again and again (one
    object per day, not per row, and strptime is slow)."""
    if date_format:
        return dt.datetime.strptime(text, date_format).date()
    return dt.date.fromisoformat(text)


def month_of(year: Cell, month: Cell) -> dt.date | None:
    """The first day of a month given as a year and a month number."""
    y, m = parse_int(year), parse_int(month)
    if y is None or m is None:
        return None
    if not (1 <= m <= 12 and 1 <= y <= 9999):
        raise RowError(f"year {y} month {m} is not a month")
    return _first_day(y, m)


@lru_cache(maxsize=4096)
def _first_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


class RowConverter:
    """Converts the rows of one open file with one mapping."""

    def __init__(self, mapping: Mapping, table: SourceTable, context: Context) -> None:
        self.mapping = mapping
        self.context = context
        self.index = {name: table.index(name) for name in sorted(mapping.source_columns())}
        self.columns = tuple(mapping.target.types)
        self.naming = [n for n in ("well_id", *mapping.target.identifiers) if n in mapping.columns]
        # Every row gives the mapped columns, those the import fills, and its well.
        given = {*mapping.columns, *mapping.target.filled, *(self.naming and ["well_id"])}
        self.fieldset = sum(bit(mapping.target, name) for name in self.columns if name in given)
        self.sums: dict[str, float] = {}  # imported rows' totals of numeric file columns
        self.pending: dict[str, float] = {}
        self.warnings: list[str] = []  # the last converted row's unusual values
        self.numeric = tuple(
            dict.fromkeys(
                source
                for name, spec in mapping.columns.items()
                if mapping.target.types.get(name) == "float" and spec.how in ("one", "sum")
                for source in spec.sources
            )
        )

    def convert(self, row: SourceRow) -> Staged:
        """The staged row for a file row (the mapped columns given, the others left as
        stored); raises RowError with the reason to reject it."""
        numbers: dict[str, float] = {}
        self.warnings = []
        given = {
            name: self._value(name, spec, row, numbers)
            for name, spec in self.mapping.columns.items()
        }
        given |= {name: self._filled(name) for name in self.mapping.target.filled}
        if self.mapping.target.names_well:
            given["well_id"] = self._well(given)
        for check in self.mapping.checks:
            self._check_sum(check, row)
        self.pending = numbers
        return Staged(tuple([given.get(name) for name in self.columns]), self.fieldset)

    def count_pending(self) -> None:
        """Add the last converted row's file numbers to the totals (once it is imported)."""
        for name, value in self.pending.items():
            self.sums[name] = self.sums.get(name, 0.0) + value

    def packed_pending(self) -> bytes:
        """The last converted row's file numbers in 8 bytes each (NaN for none), to keep."""
        return array("d", [self.pending.get(name, math.nan) for name in self.numeric]).tobytes()

    def uncount(self, packed: bytes) -> None:
        """Take a replaced row's file numbers (from `packed_pending`) out of the totals."""
        numbers = array("d")
        numbers.frombytes(packed)
        for name, value in zip(self.numeric, numbers, strict=True):
            if not math.isnan(value):
                self.sums[name] -= value

    def _value(
        self, name: str, spec: ColumnSpec, row: SourceRow, numbers: dict[str, float]
    ) -> object:
        kind = self.mapping.target.types.get(name, "text")  # a well's identifiers are text
        try:
            value = self._typed(kind, spec, row, numbers)
        except RowError as exc:
            hint = WELL_IDS if name == "well_id" else None
            raise RowError(f"{name} ({self._described(spec)}): {exc}", hint) from None
        if value is None and name in self.mapping.target.key and name not in self.naming:
            raise RowError(f"{name} is missing ({self._described(spec)} is empty)")
        self._validate(name, value)
        return value

    def _well(self, given: dict[str, object]) -> int:
        """The id of the well the row names, by id or any identifier (a new well's, when
        the import creates missing wells)."""
        if all(given[name] is None for name in self.naming):
            spec = self.mapping.columns[self.naming[0]]
            raise RowError(f"{self.naming[0]} is missing ({self._described(spec)} is empty)")
        wells, new_wells = self.context.wells, self.context.new_wells
        if wells is None:
            raise RowError("wells are not known to this import")
        try:
            return wells.resolve({name: given[name] for name in self.naming}, new_wells)
        except UnknownWell as exc:
            if not exc.reference:
                raise RowError(str(exc)) from None
            by_id = str(exc).startswith("unknown well_id")
            hint = WELL_IDS if by_id or new_wells is not None else UNKNOWN_WELLS
            raise RowError(str(exc), hint) from None

    def _typed(
        self, kind: ColumnType, spec: ColumnSpec, row: SourceRow, numbers: dict[str, float]
    ) -> object:
        if spec.how == "constant":
            return _PARSERS[kind](spec.value, spec.date_format)
        cells = [self._cell(row, source) for source in spec.sources]
        if spec.how == "year_month":
            return month_of(cells[0], cells[1])
        if spec.how == "join":
            return _joined([parse_text(cell) for cell in cells], spec.separator)
        if kind != "float":
            return _PARSERS[kind](cells[0], spec.date_format)
        return self._number(spec, cells, numbers)

    def _number(
        self, spec: ColumnSpec, cells: list[Cell], numbers: dict[str, float]
    ) -> float | None:
        parsed = [parse_number(cell) for cell in cells]
        for source, value in zip(spec.sources, parsed, strict=True):
            if value is not None:
                numbers[source] = value
        if all(value is None for value in parsed):
            return None
        return math.fsum(value or 0.0 for value in parsed) * spec.factor

    def _validate(self, name: str, value: object) -> None:
        target = self.mapping.target
        if value is None:
            return
        if name in target.choices and value not in target.choices[name]:
            raise RowError(
                f"{name} {value!r} is not one of {', '.join(sorted(target.choices[name]))}"
            )
        if not isinstance(value, float):
            return
        low, high = target.bounds(name)
        if not low <= value <= high:
            raise RowError(f"{name} {value:g} is outside {low:g}..{high:g}")
        if abs(value) > MAX_MAGNITUDE:
            raise RowError(f"{name} {value:g} is beyond ±{MAX_MAGNITUDE:g}")
        warning = target.unusual(name, value)
        if warning is not None:
            self.warnings.append(warning)

    def _check_sum(self, check: SumCheck, row: SourceRow) -> None:
        total = parse_number(self._cell(row, check.total)) or 0.0
        parts = math.fsum(parse_number(self._cell(row, name)) or 0.0 for name in check.parts)
        # Decimal text summed in binary floating point: allow for its last-bit error.
        if abs(total - parts) > check.tolerance * (1 + 1e-9):
            raise RowError(
                f"{check.total} {total:g} differs from {' + '.join(check.parts)} = {parts:g} "
                f"by more than {check.tolerance:g}"
            )

    def _filled(self, name: str) -> object:
        return self.context.division_id if name == "division_id" else self.context.source

    def _cell(self, row: SourceRow, source: str) -> Cell:
        position = self.index[source]
        return row.cells[position] if position < len(row.cells) else None

    @staticmethod
    def _described(spec: ColumnSpec) -> str:
        return (
            "value" if spec.how == "constant" else "column " + " + ".join(map(repr, spec.sources))
        )


def _joined(parts: list[str | None], separator: str) -> str | None:
    """An id made of several columns; empty later parts are left out, a missing first one
    makes the id missing (a well's completion may be blank, its API number not)."""
    if parts[0] is None:
        return None
    return separator.join(part for part in parts if part is not None)


def _month(cell: Cell, date_format: str | None) -> dt.date | None:
    """A month column holds the first day of the month a date falls in."""
    day = parse_date(cell, date_format)
    return None if day is None else _first_day(day.year, day.month)


_PARSERS: dict[ColumnType, Callable[[Cell, str | None], object]] = {
    "text": lambda cell, _: parse_text(cell),
    "int": lambda cell, _: parse_int(cell),
    "float": lambda cell, _: parse_number(cell),
    "date": parse_date,
    "month": _month,
}
