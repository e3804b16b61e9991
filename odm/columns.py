"""The columnar counterpart of a `RowPlan`, for lists whose only transform is a unit
conversion: Arrow record batches from the driver are checked against the model by name,
converted by multiplying whole columns, and narrowed to the fields asked for.

One multiplication of a stored double gives the same bits in Arrow's compute kernels as in
Python, so these batches hold exactly the values the row path would send.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from odm.columnar import arrow_schema, double_scalar
from odm.rows import Columns, ShapeError


class Unsuitable(Exception):
    """A batch's types are not the model's (SQLite typed a column from a first batch of
    nulls): the list takes the row path instead, before anything was sent."""


# The Arrow types a driver may give each model type (SQLite gives dates as ISO text).
ACCEPTED: dict[type, tuple[pa.DataType, ...]] = {
    int: (pa.int64(), pa.int32(), pa.int16()),
    float: (pa.float64(),),
    str: (pa.string(), pa.large_string()),
    bool: (pa.bool_(),),
}


@dataclass(frozen=True)
class ColumnPlan:
    """The model's fields and kinds, the factor of each column that converts, and the
    fields a client asked for (None: all)."""

    fields: Columns
    kinds: Mapping[str, type]
    factors: Mapping[str, float]
    selected: Columns | None = None

    @property
    def output(self) -> Columns:
        """The fields of the batches a client receives."""
        return self.selected if self.selected is not None else self.fields

    @property
    def schema(self) -> pa.Schema:
        """The Arrow schema of the batches a client receives (dates as date32)."""
        return arrow_schema(self.output, self.kinds)

    def check(self, batch: pa.RecordBatch) -> None:
        """ShapeError when the columns are not the model's fields in order; Unsuitable when
        a column's type is not one the row path would have given."""
        names = tuple(name.lower() for name in batch.schema.names)
        if names != tuple(f.lower() for f in self.fields):
            raise ShapeError(f"rows have columns {list(names)}, the model {list(self.fields)}")
        for field, arrow_field in zip(self.fields, batch.schema, strict=True):
            if not _accepts(self.kinds.get(field, str), arrow_field.type, batch.num_rows):
                raise Unsuitable(f"{field} arrived as {arrow_field.type}")

    def apply(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        """The batch converted and narrowed to the output fields, with their model names."""
        columns = dict(zip(self.fields, batch.columns, strict=True))
        arrays = [self._column(name, columns[name]) for name in self.output]
        return pa.RecordBatch.from_arrays(arrays, names=list(self.output))

    def _column(self, name: str, array: Any) -> Any:
        if pa.types.is_null(array.type) or not len(array):
            array = pa.nulls(len(array), self.schema.field(name).type)
        factor = self.factors.get(name)
        return array if factor is None else pc.multiply(array, double_scalar(factor))


def _accepts(kind: type, arrow_type: pa.DataType, rows: int) -> bool:
    """Whether a column of this Arrow type gives the kind's values (an empty or all-null
    batch tells nothing, and converts as nulls)."""
    if pa.types.is_null(arrow_type) or rows == 0:
        return True
    if kind.__name__ == "date":
        return bool(pa.types.is_date32(arrow_type) or pa.types.is_string(arrow_type))
    return any(bool(arrow_type == accepted) for accepted in ACCEPTED.get(kind, ()))
