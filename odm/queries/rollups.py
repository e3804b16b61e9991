"""The grouped queries: rollups of daily rows, cumulative volumes, budget vs actual, and
rollups of as-reported monthly rows. Typed filters in, SQL out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from odm.queries.compose import Conditions, DivisionScope, SortColumn, period_expression
from odm.queries.lists import ListQuery, MonthlyFilter, Span, monthly_conditions

Level = Literal["well", "division", "company"]
Grain = Literal["month", "year"]

# Per level: the entity's id and name in a group of daily (or budget) rows.
ENTITY = {
    "well": ("w.well_id", "MAX(w.well_name)"),
    "division": ("w.division_id", "MAX(d.division_name)"),
    "company": ("CAST(NULL AS INTEGER)", "CAST(NULL AS VARCHAR(100))"),
}
GROUPED_SORTABLE = {
    "period": SortColumn("r.period", str),
    "entity_id": SortColumn("r.entity_id", int),
}


@dataclass(frozen=True)
class RollupFilter:
    """What a rollup sums: a level to group by, and a division, well and span of days."""

    level: Level = "well"
    division_id: int | None = None
    well_id: int | None = None
    span: Span = field(default_factory=Span)


def _well_conditions(scope: DivisionScope, f: RollupFilter, well_column: str) -> Conditions:
    conditions = Conditions().in_scope(scope, "w.division_id")
    conditions = conditions.where_equal("w.division_id", "division_id", f.division_id)
    return conditions.where_equal(well_column, "well_id", f.well_id)


def _grouped(
    name: str, dialect: str, conditions: Conditions, level: Level, period: str | None
) -> ListQuery:
    """A query grouped by period (if any) and entity (below company level)."""
    entity, entity_name = ENTITY[level]
    group = [g for g in (period, entity if level != "company" else None) if g]
    fills = {"entity": entity, "entity_name": entity_name}
    if period is not None:
        fills |= {"period": period, "group": ", ".join(group)}
    else:
        fills["group_by"] = f"GROUP BY {', '.join(group)}" if group else ""
    default: tuple[str, ...] = ("period",) if period is not None else ()
    default += ("entity_id",) if level != "company" else ()
    return ListQuery(name, dialect, conditions, GROUPED_SORTABLE, default, fills)


def rollup(dialect: str, scope: DivisionScope, grain: Grain, f: RollupFilter) -> ListQuery:
    """Daily rows summed per period and well, division or company (/v1/production/rollup)."""
    conditions = f.span.limit(_well_conditions(scope, f, "p.well_id"), "p.production_date")
    period = period_expression(dialect, grain, "p.production_date")
    return _grouped("rollup", dialect, conditions, f.level, period)


def cumulative(dialect: str, scope: DivisionScope, as_of: dt.date, f: RollupFilter) -> ListQuery:
    """Life, year and month to date volumes up to a day (/v1/production/cumulative)."""
    conditions = _well_conditions(scope, f, "p.well_id")
    conditions = conditions.where("p.production_date <= :as_of", as_of=as_of).with_params(
        year_start=as_of.replace(month=1, day=1), month_start=as_of.replace(day=1)
    )
    return _grouped("cumulative", dialect, conditions, f.level, None)


def budget_vs_actual(
    dialect: str,
    scope: DivisionScope,
    grain: Grain,
    year: int | None,
    through: dt.date,
    f: RollupFilter,
) -> ListQuery:
    """Budget and actual spend per period, with the part up to the month `through`."""
    conditions = _well_conditions(scope, f, "b.well_id")
    if year is not None:
        conditions = conditions.where(
            "b.month >= :year_start AND b.month <= :year_end",
            year_start=dt.date(year, 1, 1),
            year_end=dt.date(year, 12, 1),
        )
    conditions = conditions.with_params(through=through.replace(day=1))
    period = period_expression(dialect, grain, "b.month")
    return _grouped("budget_vs_actual", dialect, conditions, f.level, period)


MonthlyLevel = Literal["entity", "division", "company"]
# Per level: entity_key, entity_name, division_id and the extra GROUP BY column.
MONTHLY_GROUPING = {
    "entity": ("m.entity_key", "MAX(m.entity_name)", "MAX(m.division_id)", "m.entity_key"),
    "division": (
        "CAST(NULL AS VARCHAR(100))",
        "MAX(d.division_name)",
        "m.division_id",
        "m.division_id",
    ),
    "company": (
        "CAST(NULL AS VARCHAR(100))",
        "CAST(NULL AS VARCHAR(100))",
        "CAST(NULL AS INTEGER)",
        None,
    ),
}
MONTHLY_ROLLUP_SORTABLE = {
    "period": SortColumn("r.period", str),
    "entity_type": SortColumn("r.entity_type", str),
    "entity_key": SortColumn("r.entity_key", str),
    "division_id": SortColumn("r.division_id", int),
}
MONTHLY_ROLLUP_KEYS = {
    "entity": ("period", "entity_type", "entity_key"),
    "division": ("period", "entity_type", "division_id"),
    "company": ("period", "entity_type"),
}


def monthly_rollup(
    dialect: str, scope: DivisionScope, grain: Grain, level: MonthlyLevel, f: MonthlyFilter
) -> ListQuery:
    """As-reported monthly rows summed per period and entity type, per entity, division or
    company (/v1/production/monthly/rollup); entity types are never mixed."""
    entity_key, entity_name, division, extra = MONTHLY_GROUPING[level]
    period = period_expression(dialect, grain, "m.month")
    fills = {
        "period": period,
        "entity_key": entity_key,
        "entity_name": entity_name,
        "division": division,
        "group": ", ".join(g for g in (period, "m.entity_type", extra) if g),
    }
    return ListQuery(
        "monthly_rollup",
        dialect,
        monthly_conditions(scope, f),
        MONTHLY_ROLLUP_SORTABLE,
        MONTHLY_ROLLUP_KEYS[level],
        fills,
    )
