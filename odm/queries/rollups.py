"""The grouped queries: rollups of daily rows, cumulative volumes, budget vs actual, and
rollups of as-reported monthly rows. Typed filters in, SQL out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from odm.queries import periods
from odm.queries.compose import Conditions, DivisionScope, SortColumn, period_expression
from odm.queries.lists import ListQuery, MonthlyFilter, Span, monthly_conditions
from odm.queries.periods import Range

Level = Literal["well", "division", "company"]
Grain = Literal["month", "year"]

# Per level: the entity's id and name in a group of source rows (`s`, joined to its division).
ENTITY = {
    "well": ("s.well_id", "MAX(s.well_name)"),
    "division": ("s.division_id", "MAX(d.division_name)"),
    "company": ("CAST(NULL AS INTEGER)", "CAST(NULL AS VARCHAR(100))"),
}
GROUPED_SORTABLE = {
    "period": SortColumn("r.period", str),
    "entity_id": SortColumn("r.entity_id", int),
}


@dataclass(frozen=True)
class Part:
    """One part of a union a grouped query sums (see rollup.sql): the placeholder of its
    conditions, and its columns of division, well (None: a division's rows) and first day."""

    placeholder: str
    division: str
    well: str | None
    first_day: str


DIVISION_YEARS = Part("division_years", "y.division_id", None, "y.year_start")
DIVISION_MONTHS = Part("division_months", "dm.division_id", None, "dm.month")
WELL_MONTHS = Part("well_months", "w.division_id", "m.well_id", "m.month")
# The days of the first and the last month a range cuts (as_of cuts one).
FIRST_CUT_DAYS = Part("first_cut_days", "w.division_id", "p.well_id", "p.production_date")
LAST_CUT_DAYS = Part("last_cut_days", "w.division_id", "p.well_id", "p.production_date")
PRODUCTION_PARTS = (DIVISION_YEARS, DIVISION_MONTHS, WELL_MONTHS, FIRST_CUT_DAYS, LAST_CUT_DAYS)
# The parts budget_vs_actual.sql reads.
BUDGET_DIVISION_MONTHS = Part("division_months", "bm.division_id", None, "bm.month")
BUDGET_WELL_MONTHS = Part("well_months", "w.division_id", "b.well_id", "b.month")
BUDGET_PARTS = (BUDGET_DIVISION_MONTHS, BUDGET_WELL_MONTHS)


@dataclass(frozen=True)
class RollupFilter:
    """What a rollup sums: a level to group by, and a division, well and span of days."""

    level: Level = "well"
    division_id: int | None = None
    well_id: int | None = None
    span: Span = field(default_factory=Span)

    @property
    def by_division(self) -> bool:
        """Whether the division aggregates can answer (they cannot single out a well)."""
        return self.level != "well" and self.well_id is None


def _part_conditions(
    scope: DivisionScope, f: RollupFilter, part: Part, ranges: Sequence[Range]
) -> Conditions:
    """A part's conditions: the caller's divisions, the filters, and its periods (if none,
    the part is not read at all)."""
    conditions = Conditions().in_scope(scope, part.division)
    conditions = conditions.where_equal(part.division, "division_id", f.division_id)
    if part.well is not None:
        conditions = conditions.where_equal(part.well, "well_id", f.well_id)
    sql, params = periods.condition(part.first_day, ranges, part.placeholder)
    return conditions.where(sql, **params)


def _branches(
    scope: DivisionScope,
    f: RollupFilter,
    reads: Mapping[Part, Sequence[Range]],
    parts: Sequence[Part] = PRODUCTION_PARTS,
) -> dict[str, Conditions]:
    """Every part's conditions: the periods each reads, nothing from the others."""
    return {p.placeholder: _part_conditions(scope, f, p, reads.get(p, ())) for p in parts}


def _cut_days(cover: periods.Cover) -> dict[Part, tuple[Range, ...]]:
    """The days of the months a range cuts, each month its own part (one range each)."""
    return {FIRST_CUT_DAYS: cover.days[:1], LAST_CUT_DAYS: cover.days[1:]}


def _grouped(
    name: str,
    dialect: str,
    branches: Mapping[str, Conditions],
    level: Level,
    period: str | None,
    params: Mapping[str, Any] | None = None,
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
    conditions = Conditions().with_params(**(params or {}))
    return ListQuery(name, dialect, conditions, GROUPED_SORTABLE, default, fills, branches)


def rollup(dialect: str, scope: DivisionScope, grain: Grain, f: RollupFilter) -> ListQuery:
    """Daily rows summed per period and well, division or company (/v1/production/rollup).

    Whole months of a division come from its monthly aggregate, whole years from its yearly
    one; a year the span covers only in part counts its wells from their monthly rows.
    """
    # Whole years only where the division aggregates answer for years (else there are none).
    cover = periods.cover(f.span, whole_years=f.by_division and grain == "year")
    reads = {DIVISION_YEARS: cover.years, WELL_MONTHS: cover.months, **_cut_days(cover)}
    if f.by_division and grain == "month":
        reads = {DIVISION_MONTHS: cover.months, **_cut_days(cover)}
    period = period_expression(dialect, grain, "s.first_day")
    return _grouped("rollup", dialect, _branches(scope, f, reads), f.level, period)


def cumulative(dialect: str, scope: DivisionScope, as_of: dt.date, f: RollupFilter) -> ListQuery:
    """Life, year and month to date volumes up to a day (/v1/production/cumulative)."""
    # Years before as_of's (whole), then its year's months and days: year and month to date
    # tell the parts apart by their first day, so as_of's year is never read as a whole year.
    year_start = as_of.replace(month=1, day=1)
    before = periods.cover(Span(None, year_start - dt.timedelta(days=1)), f.by_division)
    this_year = periods.cover(Span(year_start, as_of))
    reads = {WELL_MONTHS: before.months + this_year.months, **_cut_days(this_year)}
    if f.by_division:
        reads = {
            DIVISION_YEARS: before.years,
            DIVISION_MONTHS: this_year.months,
            **_cut_days(this_year),
        }
    params = {"year_start": year_start, "month_start": as_of.replace(day=1)}
    branches = _branches(scope, f, reads)
    return _grouped("cumulative", dialect, branches, f.level, None, params)


def budget_vs_actual(
    dialect: str,
    scope: DivisionScope,
    grain: Grain,
    year: int | None,
    through: dt.date,
    f: RollupFilter,
) -> ListQuery:
    """Budget and actual spend per period, with the part up to the month `through`."""
    months: Range = periods.EVERYTHING
    if year is not None:
        months = (dt.date(year, 1, 1), dt.date(year, 12, 1))
    part = BUDGET_DIVISION_MONTHS if f.by_division else BUDGET_WELL_MONTHS
    reads = {part: (months,)}
    branches = _branches(scope, f, reads, BUDGET_PARTS)
    period = period_expression(dialect, grain, "s.first_day")
    params = {"through": through.replace(day=1)}
    return _grouped("budget_vs_actual", dialect, branches, f.level, period, params)


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
