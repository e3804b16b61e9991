"""Queries with their parameters and output fields, and the division scope every query takes.

SQL files hold `{scope}` or `{filters}` where a query takes conditions; these are filled
only with fixed column names and `:name` placeholders, never with values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from odm.queries import load_sql


@dataclass(frozen=True)
class DivisionScope:
    """The divisions a caller may see; `None` means all (access control narrows it)."""

    divisions: frozenset[int] | None = None

    def allows(self, division_id: int) -> bool:
        """Whether the caller may see this division."""
        return self.divisions is None or division_id in self.divisions

    def condition(self, column: str) -> tuple[str, dict[str, int]]:
        """A SQL condition limiting `column` (a division id) to the scope, and its params."""
        if self.divisions is None:
            return "1 = 1", {}
        if not self.divisions:
            return "1 = 0", {}
        params = {f"scope_{i}": d for i, d in enumerate(sorted(self.divisions))}
        return f"{column} IN ({', '.join(':' + name for name in params)})", params


ALL_DIVISIONS = DivisionScope()


@dataclass(frozen=True)
class Query:
    """SQL text ready for one dialect, its parameters and the names of its output fields."""

    name: str
    sql: str
    params: Mapping[str, Any]
    fields: tuple[str, ...]


@dataclass
class Conditions:
    """An AND-list of SQL conditions with their parameters."""

    parts: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    def add(self, sql: str, **params: Any) -> None:
        """Add one condition (using `:name` placeholders) and its parameters."""
        self.parts.append(sql)
        self.params.update(params)

    def add_scope(self, scope: DivisionScope, column: str) -> None:
        """Limit a division-id column to the caller's scope."""
        sql, params = scope.condition(column)
        self.add(sql, **params)

    def add_well_scope(self, scope: DivisionScope, column: str) -> None:
        """Limit a well-id column to the wells of the caller's divisions."""
        if scope.divisions is not None:
            sql, params = scope.condition("w.division_id")
            self.add(f"{column} IN (SELECT w.well_id FROM odm_well w WHERE {sql})", **params)

    def sql(self) -> str:
        """The conditions joined with AND (true when there are none)."""
        return "\n  AND ".join(self.parts) if self.parts else "1 = 1"


# How each dialect limits a result (appended after the ORDER BY).
LIMIT_CLAUSES = {
    "sqlite": "LIMIT :page_limit",
    "postgresql": "LIMIT :page_limit",
    "oracle": "FETCH FIRST :page_limit ROWS ONLY",
}


def build(
    name: str,
    dialect: str,
    fields: Sequence[str],
    conditions: Conditions,
    placeholder: str = "where",
    order: str | None = None,
    limit: int | None = None,
    fills: Mapping[str, str] | None = None,
) -> Query:
    """Fill query `name`'s placeholders: first the fixed `fills` (expressions of the code's
    own), then the conditions (`{where}`, `{scope}` or `{filters}`), then `{order}`; and
    append a row limit if one is given."""
    sql = load_sql(name, dialect)
    for marker, text in (fills or {}).items():
        sql = sql.replace("{" + marker + "}", text)
    for marker in {placeholder, "where", "scope", "filters"}:
        sql = sql.replace("{" + marker + "}", conditions.sql())
    if order is not None:
        sql = sql.replace("{order}", order)
    params = dict(conditions.params)
    if limit is not None:
        sql = f"{sql}\n{LIMIT_CLAUSES[dialect]}"
        params["page_limit"] = limit
    return Query(name, sql, params, tuple(fields))


# Period keys ('YYYY-MM' or 'YYYY') of a date column, per dialect.
PERIOD_EXPRESSIONS = {
    "sqlite": {"month": "substr({column}, 1, 7)", "year": "substr({column}, 1, 4)"},
    "postgresql": {"month": "to_char({column}, 'YYYY-MM')", "year": "to_char({column}, 'YYYY')"},
    "oracle": {"month": "TO_CHAR({column}, 'YYYY-MM')", "year": "TO_CHAR({column}, 'YYYY')"},
}


def period_expression(dialect: str, grain: str, column: str) -> str:
    """The SQL expression of a date column's period key for a grain (month or year)."""
    return PERIOD_EXPRESSIONS[dialect][grain].replace("{column}", column)


def count_query(query: Query) -> Query:
    """A query counting the rows `query` returns (for `Prefer: count=exact`)."""
    sql = f"SELECT COUNT(*) FROM (\n{query.sql}\n) counted"
    return Query(f"{query.name} count", sql, query.params, ("count",))
