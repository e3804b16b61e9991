"""The lists' queries: typed filters in, SQL out.

Routers hand these functions filter values; every WHERE fragment, sort column and keyset
condition is written here, next to the SQL files it completes. A range whose start is after
its end selects nothing (as SQL's BETWEEN does).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from odm.queries import load_sql
from odm.queries.compose import (
    Conditions,
    DivisionScope,
    Query,
    SortColumn,
    SortKey,
    after_keys,
    order_by,
    render,
    statement,
)


@dataclass(frozen=True)
class ListQuery:
    """One list's SQL: the file, the conditions of its rows, the fixed expressions of its
    other placeholders, and the columns it may be sorted by.

    A grouped query (`{filters}` inside a GROUP BY, `{where}` outside) takes its conditions
    inside and resumes a page outside; a plain one takes both in `{where}`. A query that
    sums a union of parts takes each part's conditions in its own placeholder (`branches`)
    and resumes a page outside.
    """

    name: str
    dialect: str
    conditions: Conditions
    sortable: Mapping[str, SortColumn]
    default_sort: tuple[str, ...]
    fills: Mapping[str, str] = field(default_factory=dict)
    branches: Mapping[str, Conditions] = field(default_factory=dict)

    @property
    def grouped(self) -> bool:
        """Whether the query sums rows in groups (its conditions go inside)."""
        return bool(self.branches) or "{filters}" in load_sql(self.name, self.dialect)

    def keys(self, names: Sequence[tuple[str, bool]] = ()) -> tuple[SortKey, ...]:
        """Sort keys of (field, descending) pairs, completed by the default keys (which end
        with a unique one, so that the order, and so keyset paging, is total)."""
        keys = [SortKey(name, self.sortable[name], descending) for name, descending in names]
        chosen = {key.field for key in keys}
        for default in self.default_sort:  # `-name`: descending unless the client chose
            name = default.removeprefix("-")
            if name not in chosen:
                keys.append(SortKey(name, self.sortable[name], default.startswith("-")))
        return tuple(keys)

    def select(self, keys: Sequence[SortKey], after: Sequence[Any] | None = None) -> Query:
        """The statement listing the rows in key order, after the given key values."""
        resume = Conditions()
        if after is not None:
            sql, params = after_keys(keys, after)
            resume = resume.where(sql, **params)
        fills = {**self.fills, "order": order_by(keys)}
        if not self.grouped:
            rows = Conditions((*self.conditions.parts, *resume.parts), self.conditions.params)
            return statement(self.name, self.dialect, rows.with_params(**resume.params), fills)
        fills["where"] = resume.sql()
        params = {**self.conditions.params, **resume.params}
        if not self.branches:
            fills["filters"] = self.conditions.sql()
        for placeholder, conditions in self.branches.items():
            fills[placeholder] = conditions.sql()
            params = _merged(params, conditions.params)
        return Query(self.name, render(self.name, self.dialect, fills), params)


def _merged(params: Mapping[str, Any], more: Mapping[str, Any]) -> dict[str, Any]:
    """Both sets of parameters; a name bound to two values is a bug, not a choice."""
    clash = [name for name in more if name in params and params[name] != more[name]]
    if clash:
        raise ValueError(f"parameters {clash} already bound to other values")
    return {**params, **more}


@dataclass(frozen=True)
class Span:
    """The days (or months) a request covers; None is open."""

    start: dt.date | None = None
    end: dt.date | None = None

    def limit(self, conditions: Conditions, column: str, monthly: bool = False) -> Conditions:
        """Rows of `column` within the span (months from the start's month, if monthly)."""
        if self.start is not None:
            start = self.start.replace(day=1) if monthly else self.start
            conditions = conditions.where(f"{column} >= :start", start=start)
        if self.end is not None:
            conditions = conditions.where(f"{column} <= :end", end=self.end)
        return conditions


@dataclass(frozen=True)
class DailyFilter:
    """Which daily rows: a division's wells, a well, and a span of days."""

    division_id: int | None = None
    well_id: int | None = None
    span: Span = field(default_factory=Span)


DAILY_SORTABLE = {
    "well_id": SortColumn("p.well_id", int),
    "production_date": SortColumn("p.production_date", dt.date),
}


def daily_production(dialect: str, scope: DivisionScope, f: DailyFilter) -> ListQuery:
    """Daily rows of the caller's wells (/v1/production/daily)."""
    conditions = Conditions().wells_in_scope(scope, "p.well_id")
    if f.division_id is not None:
        conditions = conditions.where(
            "p.well_id IN (SELECT w.well_id FROM odm_well w WHERE w.division_id = :division_id)",
            division_id=f.division_id,
        )
    conditions = conditions.where_equal("p.well_id", "well_id", f.well_id)
    conditions = f.span.limit(conditions, "p.production_date")
    return ListQuery(
        "daily_production", dialect, conditions, DAILY_SORTABLE, ("well_id", "production_date")
    )


@dataclass(frozen=True)
class MonthlyFilter:
    """Which as-reported monthly rows: entity type and key, division, well, months."""

    entity_type: str | None = None
    entity_key: str | None = None
    division_id: int | None = None
    well_id: int | None = None
    span: Span = field(default_factory=Span)


MONTHLY_SORTABLE = {
    "entity_type": SortColumn("m.entity_type", str),
    "entity_key": SortColumn("m.entity_key", str),
    "month": SortColumn("m.month", dt.date),
    "division_id": SortColumn("m.division_id", int),
}


def monthly_conditions(scope: DivisionScope, f: MonthlyFilter) -> Conditions:
    """The monthly rows a request covers, in the caller's divisions."""
    conditions = Conditions().in_scope(scope, "m.division_id")
    for column in ("entity_type", "entity_key", "division_id", "well_id"):
        conditions = conditions.where_equal(f"m.{column}", column, getattr(f, column))
    return f.span.limit(conditions, "m.month", monthly=True)


def monthly_production(dialect: str, scope: DivisionScope, f: MonthlyFilter) -> ListQuery:
    """As-reported monthly rows (/v1/production/monthly)."""
    return ListQuery(
        "monthly_production",
        dialect,
        monthly_conditions(scope, f),
        MONTHLY_SORTABLE,
        ("entity_type", "entity_key", "month"),
    )


@dataclass(frozen=True)
class WellFilter:
    """Which wells: one well, a division's, by status, type or a name search."""

    well_id: int | None = None
    division_id: int | None = None
    status: str | None = None
    well_type: str | None = None
    name_contains: str | None = None


WELL_SORTABLE = {
    "well_id": SortColumn("w.well_id", int),
    "well_name": SortColumn("w.well_name", str),
    "division_id": SortColumn("w.division_id", int),
}


def wells(dialect: str, scope: DivisionScope, f: WellFilter) -> ListQuery:
    """Wells with their life-to-date totals (/v1/wells)."""
    conditions = Conditions().in_scope(scope, "w.division_id")
    conditions = conditions.where_equal("w.well_id", "well_id", f.well_id)
    conditions = conditions.where_equal("w.division_id", "division_id", f.division_id)
    conditions = conditions.where_equal("w.status", "status", f.status)
    conditions = conditions.where_equal("w.well_type", "well_type", f.well_type)
    if f.name_contains is not None:
        conditions = conditions.where(
            "LOWER(w.well_name) LIKE :name_pattern ESCAPE '\\'",
            name_pattern=f"%{_escape_like(f.name_contains.lower())}%",
        )
    return ListQuery("wells", dialect, conditions, WELL_SORTABLE, ("well_id",))


def _escape_like(text: str) -> str:
    """Search text matches literally: `%` and `_` are not wildcards here."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Only never-NULL columns sort: a NULL key would break keyset paging.
DIVISION_SORTABLE = {"division_id": SortColumn("d.division_id", int)}


def divisions(dialect: str, scope: DivisionScope, division_id: int | None = None) -> ListQuery:
    """Divisions with their well counts (/v1/divisions)."""
    conditions = Conditions().in_scope(scope, "d.division_id")
    conditions = conditions.where_equal("d.division_id", "division_id", division_id)
    return ListQuery("divisions", dialect, conditions, DIVISION_SORTABLE, ("division_id",))


DAILY_PRICE_SORTABLE = {"price_date": SortColumn("pr.price_date", dt.date)}
MONTHLY_PRICE_SORTABLE = {
    "product": SortColumn("mp.product", str),
    "month": SortColumn("mp.month", dt.date),
}


def daily_prices(dialect: str, span: Span) -> ListQuery:
    """The daily oil price (/v1/prices/daily)."""
    conditions = span.limit(Conditions(), "pr.price_date")
    return ListQuery("daily_prices", dialect, conditions, DAILY_PRICE_SORTABLE, ("price_date",))


def monthly_prices(dialect: str, product: str | None, span: Span) -> ListQuery:
    """Monthly prices by product (/v1/prices/monthly)."""
    conditions = Conditions().where_equal("mp.product", "product", product)
    conditions = span.limit(conditions, "mp.month", monthly=True)
    return ListQuery(
        "monthly_prices", dialect, conditions, MONTHLY_PRICE_SORTABLE, ("product", "month")
    )


AUDIT_SORTABLE = {"audit_id": SortColumn("a.audit_id", int)}


def audit(dialect: str, since: dt.date | None) -> ListQuery:
    """The audit log, newest first unless sorted otherwise (GET /v1/audit)."""
    conditions = Conditions()
    if since is not None:
        conditions = conditions.where("a.recorded_at >= :since", since=since)
    return ListQuery("audit", dialect, conditions, AUDIT_SORTABLE, ("-audit_id",))


def seed_query(
    name: str,
    dialect: str,
    scope: DivisionScope,
    well_id: int | None = None,
    division_id: int | None = None,
) -> Query:
    """One of the seed's four queries, limited to the caller's divisions."""
    column = "d.division_id" if well_id is None else "w.division_id"
    conditions = Conditions().in_scope(scope, column)
    if well_id is not None:
        conditions = conditions.with_params(well_id=well_id, division_id=division_id)
    return statement(name, dialect, conditions)


def named_ids(dialect: str, division_id: int | None, well_id: int | None) -> Query:
    """Whether a division exists and which division a well is in (for 404 answers)."""
    sql = load_sql("named_ids", dialect)
    return Query("named_ids", sql, {"division_id": division_id, "well_id": well_id})
