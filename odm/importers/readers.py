"""Readers that stream a file's rows with their line numbers, never the whole file.

CSV is read as UTF-8 with an optional byte-order mark and any line ends; XLSX through
openpyxl's read-only mode. Each yields the header's column names, then one `SourceRow` per
line or sheet row after it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Cell = str | int | float | dt.date | None


class SourceError(ValueError):
    """A file that cannot be read as a table."""


@dataclass(frozen=True)
class SourceRow:
    """One data row: its 1-based line (or sheet row) number and its cells."""

    line: int
    cells: tuple[Cell, ...]

    def is_blank(self) -> bool:
        """Whether every cell is empty (a blank line)."""
        return all(
            cell is None or (isinstance(cell, str) and not cell.strip()) for cell in self.cells
        )


class SourceTable:
    """An open file: its header, its rows, and how far reading has got."""

    def __init__(
        self,
        header: list[str],
        rows: Iterator[SourceRow],
        size: int,
        position: Callable[[], int],
    ) -> None:
        self.header = [name.strip() for name in header]
        self.rows = rows
        self.size = size  # in the unit of `position()`: bytes (CSV) or rows (XLSX)
        self.position = position

    def index(self, column: str) -> int:
        """The position of a column in the header."""
        try:
            return self.header.index(column)
        except ValueError:
            raise SourceError(
                f"no column {column!r} in the header: {', '.join(self.header)}"
            ) from None


@contextmanager
def open_source(
    path: Path, header_line: int = 1, sheet: str | None = None
) -> Iterator[SourceTable]:
    """Open a CSV or XLSX file positioned after its header line."""
    if not path.is_file():
        raise SourceError(f"no such file: {path}")
    opener = _open_xlsx if path.suffix.lower() in {".xlsx", ".xlsm"} else _open_csv
    with opener(path, header_line, sheet) as table:
        yield table


@contextmanager
def _open_csv(path: Path, header_line: int, sheet: str | None) -> Iterator[SourceTable]:
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        reader = csv.reader(text)
        try:
            header = _skip_to_header(reader, header_line)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise SourceError(f"{path} is not a UTF-8 CSV file: {exc}") from exc
        yield SourceTable(header, _csv_rows(reader, path), path.stat().st_size, raw.tell)


def _skip_to_header(reader: Any, header_line: int) -> list[str]:
    header: list[str] | None = []
    while reader.line_num < header_line:
        header = next(reader, None)
        if header is None:
            raise SourceError(f"the file ends before its header line {header_line}")
    return header or []


def _csv_rows(reader: Any, path: Path) -> Iterator[SourceRow]:
    line = reader.line_num + 1
    try:
        for cells in reader:
            yield SourceRow(line, tuple(cells))
            line = reader.line_num + 1
    except (UnicodeDecodeError, csv.Error) as exc:
        raise SourceError(f"{path}, line {line}: cannot read: {exc}") from exc


@contextmanager
def _open_xlsx(path: Path, header_line: int, sheet: str | None) -> Iterator[SourceTable]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not XLSX
        raise SourceError(f"{path} is not a readable XLSX workbook: {exc}") from exc
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise SourceError(f"{path} has no sheet {sheet!r}: {book.sheetnames}")
        worksheet = book[sheet] if sheet else book.worksheets[0]
        rows = enumerate(worksheet.iter_rows(values_only=True), start=1)
        header = _xlsx_header(rows, header_line)
        count = [header_line]
        size = worksheet.max_row or 0
        yield SourceTable(header, _xlsx_rows(rows, count), size, lambda: count[0])
    finally:
        book.close()


def _xlsx_header(rows: Iterator[tuple[int, tuple[Any, ...]]], header_line: int) -> list[str]:
    for number, cells in rows:
        if number == header_line:
            return ["" if cell is None else str(cell) for cell in cells]
    raise SourceError(f"the sheet ends before its header line {header_line}")


def _xlsx_rows(
    rows: Iterator[tuple[int, tuple[Any, ...]]], count: list[int]
) -> Iterator[SourceRow]:
    for number, cells in rows:
        count[0] = number
        yield SourceRow(number, tuple(_xlsx_cell(cell) for cell in cells))


def _xlsx_cell(cell: Any) -> Cell:
    if isinstance(cell, dt.datetime):
        return cell.date() if cell.time() == dt.time() else cell
    if cell is None or isinstance(cell, str | int | float | dt.date):
        return cell
    return str(cell)
