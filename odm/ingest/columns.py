"""Reading a block of NDJSON records in columns: the fast path of large writes.

pyarrow's JSON reader parses the block in compiled code (off the event loop, without the
GIL), each column typed as stored, and each column is checked and converted as a whole. A
block takes this path only when every record in it is ordinary: one object per line, fields
that are columns of the target, values of their column's type inside its usual range, wells
and divisions known and in scope, and a column either given by every record (nulls included)
or by none. Anything else (a record to reject, a value to warn about, a field some records
leave out, a well named by another identifier) makes `read` answer None, and the block is
read record by record (odm.ingest.records), which gives the reasons. So both paths accept,
convert and store the same rows: the values are the same IEEE doubles, dates and text.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from odm.columnar import double_scalar, int_array, int_scalar, text_array, text_scalar
from odm.ingest.records import MAX_ID, MAX_TEXT, RecordReader
from odm.ingest.targets import INF, MAX_MAGNITUDE
from odm.ingest.writer import MIN_COLUMNAR_ROWS, Columns

ARROW_TYPES = {
    "float": pa.float64(),
    "int": pa.int64(),
    "date": pa.date32(),
    "month": pa.date32(),
    "text": pa.string(),
}
# Text the fast path takes as it is: printable ASCII at both ends (so that stripping it, as
# the row path does, changes nothing) and no control character anywhere.
PLAIN_ENDS = r"^[!-~](.*[!-~])?$"
CONTROL = r"[\x00-\x1f\x7f]"
# The days a Python date can hold, as days since 1970-01-01 (Arrow's date32).
FIRST_DAY = (dt.date(1, 1, 1) - dt.date(1970, 1, 1)).days
LAST_DAY = (dt.date(9999, 12, 31) - dt.date(1970, 1, 1)).days


class ColumnReader:
    """The fast path's reader of one write, with the same rules as its RecordReader."""

    def __init__(self, reader: RecordReader) -> None:
        self.reader = reader
        target = reader.target
        self.target = target
        self.known_wells = int_array(sorted(reader.wells.divisions)) if reader.wells else None
        self.divisions = int_array(sorted(reader.divisions))
        # Every column typed as stored (dates and months as their text): a field of another
        # type, or one that is not a column, fails the parse before any memory goes to it,
        # and the checks below need not look at the types.
        parsed = {"float": pa.float64(), "int": pa.int64()}
        schema = [(n, parsed.get(kind, pa.string())) for n, kind in target.types.items()]
        self.options = pj.ParseOptions(
            explicit_schema=pa.schema(schema), unexpected_field_behavior="error"
        )

    def read(self, block: bytes) -> Columns | None:
        """The block's rows in columns, or None when it must be read record by record.
        `block` holds whole lines, each ending with a newline."""
        lines = block.count(b"\n")
        if lines < MIN_COLUMNAR_ROWS or not _one_object_per_line(block, lines):
            return None
        options = pj.ReadOptions(use_threads=False, block_size=max(len(block), 1 << 20))
        try:
            table = pj.read_json(
                io.BytesIO(block), read_options=options, parse_options=self.options
            )
            if table.num_rows != lines:  # two objects on a line: not one record per line
                return None
            return self._checked(table, block, lines)
        except (pa.ArrowException, UnicodeDecodeError):  # a field name not UTF-8, say
            return None

    def _checked(self, table: Any, block: bytes, lines: int) -> Columns | None:
        reader, target = self.reader, self.target
        columns, fieldset = [], reader.default_bits
        for name, default in zip(reader.columns, reader.template, strict=True):
            column, kind = table.column(name), target.types[name]
            if column.null_count:
                # A field left out keeps the stored value (a column no record gives is the
                # default), a null clears it: nulls are taken in a column every record
                # gives, never in the key.
                if name in target.key:
                    return None
                if column.null_count == lines and _left_out(block, name):
                    columns.append(_repeated(default, ARROW_TYPES[kind], lines))
                    continue
                if _lines_giving(block, name) != lines:
                    return None
            converted = self._column(name, kind, column)
            if converted is None:
                return None
            columns.append(converted)
            fieldset |= reader.bits[name]
        if reader.names_well:
            if table.column("well_id").null_count:
                return None  # wells named by another identifier: the row path resolves them
            fieldset |= reader.well_bit
        if target.needs_division and not _all_in(table.column("division_id"), self.divisions):
            return None
        return Columns(pa.table(columns, names=reader.columns), fieldset)

    def _column(self, name: str, kind: str, column: Any) -> Any:
        """The column converted to its stored type and units, or None unless every value
        is ordinary."""
        if kind == "float":
            return self._number(name, column)
        if kind == "int":
            if not _between(column, 1, MAX_ID):
                return None
            if name == "well_id" and not _all_in(column, self.known_wells):
                return None
            return column
        if kind in ("date", "month"):
            return _dates(column, month=kind == "month")
        if not _plain_text(column):
            return None
        choices = self.target.choices.get(name)
        if choices is not None and not _all_in(column, text_array(sorted(choices))):
            return None
        return column

    def _number(self, name: str, raw: Any) -> Any:
        reader = self.reader
        low, high = self.target.bounds(name)
        usual_low, usual_high = self.target.usual.get(name, (-INF, INF))
        low, high = max(low, usual_low, -MAX_MAGNITUDE), min(high, usual_high, MAX_MAGNITUDE)
        if _negative_zeros(raw):
            return None  # -0 is the integer 0 to the row path, -0.0 the float: both read -0.0
        factor = reader.factors.get(name, 1.0)
        converted = raw if factor == 1.0 else pc.multiply(raw, double_scalar(factor))
        if not (_between(raw, low, high) and _between(converted, low, high)):
            return None  # NaN and infinities (which JSON has not) fail here too
        return converted


def _repeated(value: object, kind: Any, count: int) -> Any:
    """`count` copies of a default value (None: nulls)."""
    if value is None:
        return pa.nulls(count, kind)
    scalars = {pa.float64(): double_scalar, pa.int64(): int_scalar, pa.string(): text_scalar}
    return pa.repeat(scalars[kind](value), count)


def _one_object_per_line(block: bytes, lines: int) -> bool:
    """Whether every line starts an object (no blank line, no other value): the records are
    then the lines, counted as the row path counts them."""
    return block[:1] == b"{" and block.count(b"\n{") == lines - 1 and block[-1:] == b"\n"


def _left_out(block: bytes, name: str) -> bool:
    """Whether no line gives the field: its quoted name appears nowhere in the block. A
    column's name (letters, digits, underscores) can be written otherwise only with a \\u
    escape, and the block has none."""
    return b"\\u" not in block and block.count(b'"' + name.encode() + b'"') == 0


def _lines_giving(block: bytes, name: str) -> int:
    """How many lines (of one record each) give the field: its name followed by a colon,
    counted. It cannot appear inside a text value (whose quotes are escaped), and a record
    naming a field twice is refused by the parser; a name written otherwise (with an escape,
    or a space before the colon) is not counted, so that the block takes the row path."""
    return block.count(b'"' + name.encode() + b'":')


def _between(column: Any, low: float, high: float) -> bool:
    inside = pc.and_(
        pc.greater_equal(column, double_scalar(low)), pc.less_equal(column, double_scalar(high))
    )
    return bool(pc.all(inside, min_count=0).as_py())


def _all_in(column: Any, values: Any) -> bool:
    if values is None:  # no wells known to this write
        return False
    return bool(pc.all(pc.is_in(column, value_set=values), min_count=0).as_py())


def _dates(column: Any, month: bool) -> Any:
    """ISO dates (YYYY-MM-DD; a month also YYYY-MM, or its first day) as dates, or None."""
    if month:
        first_days = pc.binary_join_element_wise(column, text_scalar("-01"), text_scalar(""))
        seven = pc.equal(pc.utf8_length(column), int_scalar(7))
        column = pc.if_else(seven, first_days, column)
    days = column.cast(pa.date32())  # ArrowInvalid (the row path then) unless a real day
    # The cast takes a few forms fromisoformat would not: the text must be the day's own,
    # in the years a Python date has.
    if not bool(pc.all(pc.equal(days.cast(pa.string()), column), min_count=0).as_py()):
        return None
    if not _between(days.cast(pa.int32()), FIRST_DAY, LAST_DAY):
        return None
    if month and not _between(pc.day(days), 1, 1):
        return None
    return days


def _negative_zeros(column: Any) -> bool:
    zero, one = double_scalar(0.0), double_scalar(1.0)
    negative = pc.and_(pc.equal(column, zero), pc.less(pc.divide(one, column), zero))
    return bool(pc.any(negative, min_count=0).as_py())


def _plain_text(column: Any) -> bool:
    column.validate(full=True)  # ArrowInvalid (the row path then) unless UTF-8 throughout
    if not _between(pc.utf8_length(column), 1, MAX_TEXT):
        return False
    if not bool(pc.all(pc.match_substring_regex(column, PLAIN_ENDS), min_count=0).as_py()):
        return False
    return not bool(pc.any(pc.match_substring_regex(column, CONTROL), min_count=0).as_py())
