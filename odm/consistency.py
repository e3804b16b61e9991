"""The consistency check (`odm check`): every aggregate the triggers keep, against a fresh sum
of the rows it sums.

Each aggregate is read beside its fresh sums in one statement (one snapshot: a write that
commits meanwhile cannot make a difference appear), ordered by key. Counts must be equal;
sums, which the triggers keep as running sums of floating-point numbers, may differ by
rounding only.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from odm.db.base import Batch, Database, Row
from odm.queries.compose import period_expression, render

# A running sum drifts from a fresh one by about 1e-16 of its largest partial sum per change.
RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Aggregate:
    """An aggregate table, the statement reading it beside its fresh sums, its key columns,
    and the grain and columns of its period (stored and in the summed rows), if it has one."""

    table: str
    query: str
    keys: tuple[str, ...]
    grain: str | None = None
    stored_period: str = ""
    fresh_period: str = ""

    def statement(self, dialect: str) -> str:
        """The statement for a dialect, periods as YYYY-MM or YYYY text on both sides."""
        fills = {}
        if self.grain is not None:
            fills = {
                "stored_period": period_expression(dialect, self.grain, self.stored_period),
                "fresh_period": period_expression(dialect, self.grain, self.fresh_period),
            }
        return render(self.query, dialect, fills)


AGGREGATES = (
    Aggregate(
        "odm_well_month",
        "well_months_stored_and_fresh",
        ("well_id", "month"),
        "month",
        "m.month",
        "p.production_date",
    ),
    Aggregate(
        "odm_division_month",
        "division_months_stored_and_fresh",
        ("division_id", "month"),
        "month",
        "dm.month",
        "p.production_date",
    ),
    Aggregate(
        "odm_division_year",
        "division_years_stored_and_fresh",
        ("division_id", "year"),
        "year",
        "dy.year_start",
        "p.production_date",
    ),
    Aggregate(
        "odm_division_budget_month",
        "division_budget_months_stored_and_fresh",
        ("division_id", "month"),
        "month",
        "bm.month",
        "b.month",
    ),
    Aggregate("odm_well_totals", "well_totals_stored_and_fresh", ("well_id",)),
)


@dataclass(frozen=True)
class Difference:
    """A value of an aggregate row that is not what its rows sum to; for a row that exists on
    one side only, the column is "(row)" and the values say which side has it."""

    table: str
    key: dict[str, Any]
    column: str
    stored: Any
    fresh: Any

    def __str__(self) -> str:
        key = ", ".join(f"{name} {value}" for name, value in self.key.items())
        if self.column == "(row)":
            found = "stored, but no rows sum to it" if self.stored else "missing"
            return f"{self.table} ({key}): {found}"
        return f"{self.table} ({key}): {self.column} is {self.stored}, its rows sum to {self.fresh}"


@dataclass
class Report:
    """How many keys of each aggregate were compared, and what differed."""

    keys: dict[str, int] = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        """Whether every aggregate equals the fresh sums of its rows."""
        return not self.differences


def agree(stored: Any, fresh: Any) -> bool:
    """Whether two values agree: counts exactly, sums within rounding."""
    if isinstance(stored, int) and isinstance(fresh, int):
        return stored == fresh
    bound = ABSOLUTE_TOLERANCE + RELATIVE_TOLERANCE * max(abs(stored), abs(fresh))
    return math.isclose(stored, fresh, rel_tol=0.0, abs_tol=bound)


def compare(
    aggregate: Aggregate, columns: Sequence[str], rows: Sequence[Row]
) -> Iterator[Difference]:
    """The differences between the stored and the fresh row of one key (rows: one or both,
    each starting with its side, then the key)."""
    width = len(aggregate.keys)
    key = dict(zip(aggregate.keys, rows[0][1 : 1 + width], strict=True))
    sides = {row[0]: row for row in rows}
    stored, fresh = sides.get("stored"), sides.get("fresh")
    if stored is None or fresh is None or len(rows) != 2:
        yield Difference(aggregate.table, key, "(row)", stored is not None, fresh is not None)
        return
    for i in range(1 + width, len(columns)):
        if not agree(stored[i], fresh[i]):
            yield Difference(aggregate.table, key, columns[i], stored[i], fresh[i])


async def _by_key(
    batches: AsyncIterator[Batch], width: int
) -> AsyncIterator[tuple[tuple[str, ...], list[Row]]]:
    """The rows of each key (the `width` columns after the side), across batches."""
    pending: list[Row] = []
    columns: tuple[str, ...] = ()
    async for batch in batches:
        columns = tuple(name.lower() for name in batch.columns)
        for row in batch.rows:
            if pending and row[1 : 1 + width] != pending[0][1 : 1 + width]:
                yield columns, pending
                pending = []
            pending.append(row)
    if pending:
        yield columns, pending


async def check(db: Database, batch_rows: int = 10_000) -> Report:
    """Compare every aggregate with fresh sums of the rows it sums."""
    report = Report()
    for aggregate in AGGREGATES:
        batches = db.stream(aggregate.statement(db.dialect), {}, batch_rows)
        report.keys[aggregate.table] = 0
        async for columns, rows in _by_key(batches, len(aggregate.keys)):
            report.keys[aggregate.table] += 1
            report.differences += compare(aggregate, columns, rows)
    return report
