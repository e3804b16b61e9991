"""Turning one file row into one table row, or a reason to reject it."""

from __future__ import annotations

import datetime as dt
import math
from array import array
from collections.abc import Callable
from dataclasses import dataclass

from odm.db.base import Row
from odm.importers.mapping import ColumnSpec, Mapping, SumCheck
from odm.importers.readers import Cell, SourceRow, SourceTable
from odm.ingest.targets import ColumnType


class RowError(ValueError):
    """Why a row is rejected (the message is the reason reported)."""


@dataclass(frozen=True)
class Context:
    """What rows get from the import rather than from the file."""

    source: str
    division_id: int | None = None
    known_wells: frozenset[int] | None = None


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
        if date_format:
            return dt.datetime.strptime(text, date_format).date()
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RowError(f"{text!r} is not a date in {date_format or 'YYYY-MM-DD'}") from None


def month_of(year: Cell, month: Cell) -> dt.date | None:
    """The first day of a month given as a year and a month number."""
    y, m = parse_int(year), parse_int(month)
    if y is None or m is None:
        return None
    if not (1 <= m <= 12 and 1 <= y <= 9999):
        raise RowError(f"year {y} month {m} is not a month")
    return dt.date(y, m, 1)


class RowConverter:
    """Converts the rows of one open file with one mapping."""

    def __init__(self, mapping: Mapping, table: SourceTable, context: Context) -> None:
        self.mapping = mapping
        self.context = context
        self.index = {name: table.index(name) for name in sorted(mapping.source_columns())}
        self.columns = (*mapping.columns, *mapping.target.filled)
        self.sums: dict[str, float] = {}  # imported rows' totals of numeric file columns
        self.pending: dict[str, float] = {}
        self.numeric = tuple(
            dict.fromkeys(
                source
                for name, spec in mapping.columns.items()
                if mapping.target.types[name] == "float" and spec.how in ("one", "sum")
                for source in spec.sources
            )
        )

    def convert(self, row: SourceRow) -> Row:
        """The table row for a file row; raises RowError with the reason to reject it."""
        numbers: dict[str, float] = {}
        values = [
            self._value(name, spec, row, numbers) for name, spec in self.mapping.columns.items()
        ]
        values += [self._filled(name) for name in self.mapping.target.filled]
        for check in self.mapping.checks:
            self._check_sum(check, row)
        self.pending = numbers
        return tuple(values)

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
        kind = self.mapping.target.types[name]
        try:
            value = self._typed(kind, spec, row, numbers)
        except RowError as exc:
            raise RowError(f"{name} ({self._described(spec)}): {exc}") from None
        if value is None and name in self.mapping.target.key:
            raise RowError(f"{name} is missing ({self._described(spec)} is empty)")
        self._validate(name, value)
        return value.isoformat() if isinstance(value, dt.date) else value

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
        low, high = target.ranges.get(name, (-math.inf, math.inf))
        if isinstance(value, float) and not low <= value <= high:
            raise RowError(f"{name} {value:g} is outside {low:g}..{high:g}")
        known = self.context.known_wells
        if name == "well_id" and target.names_well and known is not None and value not in known:
            raise RowError(f"unknown well_id {value} (no such well in odm_well)")

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
    return None if day is None else day.replace(day=1)


_PARSERS: dict[ColumnType, Callable[[Cell, str | None], object]] = {
    "text": lambda cell, _: parse_text(cell),
    "int": lambda cell, _: parse_int(cell),
    "float": lambda cell, _: parse_number(cell),
    "date": parse_date,
    "month": _month,
}
