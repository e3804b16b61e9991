"""Statements from SQL files: placeholders filled exactly, conditions kept immutable, and
the division scope every query takes.

SQL files hold `{name}` placeholders where a query takes conditions or one of the code's
own fixed expressions. Each is filled by name, only with fixed column names and `:name`
parameter markers, never with values; a placeholder left unfilled, or a fill the text has
no place for, is an error rather than a silently different query.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from odm.queries import load_sql

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


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


def _frozen(params: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(params))


@dataclass(frozen=True)
class Query:
    """SQL text ready for one dialect, with its parameters."""

    name: str
    sql: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Conditions:
    """An AND-list of SQL conditions with their parameters; adding one makes a new list."""

    parts: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=lambda: _frozen({}))

    def where(self, sql: str, **params: Any) -> Conditions:
        """These conditions and one more (using `:name` placeholders)."""
        clash = [
            name for name in params if name in self.params and self.params[name] != params[name]
        ]
        if clash:
            raise ValueError(f"parameters {clash} already bound to other values")
        return Conditions((*self.parts, sql), _frozen({**self.params, **params}))

    def where_equal(self, column: str, name: str, value: Any) -> Conditions:
        """`column = :name` when a value is given; unchanged for None (any)."""
        return self if value is None else self.where(f"{column} = :{name}", **{name: value})

    def in_scope(self, scope: DivisionScope, column: str) -> Conditions:
        """Limited to the caller's divisions (`column` holds a division id)."""
        sql, params = scope.condition(column)
        return self.where(sql, **params)

    def wells_in_scope(self, scope: DivisionScope, column: str) -> Conditions:
        """Limited to the wells of the caller's divisions (`column` holds a well id)."""
        if scope.divisions is None:
            return self
        sql, params = scope.condition("w.division_id")
        return self.where(f"{column} IN (SELECT w.well_id FROM odm_well w WHERE {sql})", **params)

    def with_params(self, **params: Any) -> Conditions:
        """The same conditions with more parameters (used by the statement's other parts)."""
        return Conditions(self.parts, _frozen({**self.params, **params}))

    def sql(self) -> str:
        """The conditions joined with AND (true when there are none)."""
        return "\n  AND ".join(self.parts) if self.parts else "1 = 1"


def render(name: str, dialect: str, fills: Mapping[str, str]) -> str:
    """Query `name`'s text for a dialect with every `{placeholder}` filled from `fills`."""
    text = load_sql(name, dialect)
    wanted = set(_PLACEHOLDER.findall(text))
    if wanted != set(fills):
        raise ValueError(
            f"query {name!r} has placeholders {sorted(wanted)}, filled {sorted(fills)}"
        )
    return _PLACEHOLDER.sub(lambda match: fills[match.group(1)], text)


def statement(
    name: str, dialect: str, conditions: Conditions, fills: Mapping[str, str] | None = None
) -> Query:
    """A query whose conditions fill its one condition placeholder (`{where}`, or `{scope}`
    in the seed's queries), and whose other placeholders take `fills`."""
    marker = "scope" if "{scope}" in load_sql(name, dialect) else "where"
    sql = render(name, dialect, {**(fills or {}), marker: conditions.sql()})
    return Query(name, sql, conditions.params)


# How each dialect limits a result (appended after the ORDER BY).
LIMIT_CLAUSES = {
    "sqlite": "LIMIT :page_limit",
    "postgresql": "LIMIT :page_limit",
    "oracle": "FETCH FIRST :page_limit ROWS ONLY",
}


def limited(query: Query, dialect: str, limit: int) -> Query:
    """The query's first `limit` rows."""
    return Query(
        query.name, f"{query.sql}\n{LIMIT_CLAUSES[dialect]}", {**query.params, "page_limit": limit}
    )


def count_query(query: Query) -> Query:
    """A query counting the rows `query` returns (for `Prefer: count=exact`)."""
    sql = f"SELECT COUNT(*) AS row_count FROM (\n{query.sql}\n) counted"
    return Query(f"{query.name} count", sql, query.params)


# Period keys ('YYYY-MM' or 'YYYY') of a date column, per dialect.
PERIOD_EXPRESSIONS = {
    "sqlite": {"month": "substr({column}, 1, 7)", "year": "substr({column}, 1, 4)"},
    "postgresql": {"month": "to_char({column}, 'YYYY-MM')", "year": "to_char({column}, 'YYYY')"},
    "oracle": {"month": "TO_CHAR({column}, 'YYYY-MM')", "year": "TO_CHAR({column}, 'YYYY')"},
}


def period_expression(dialect: str, grain: str, column: str) -> str:
    """The SQL expression of a date column's period key for a grain (month or year)."""
    return PERIOD_EXPRESSIONS[dialect][grain].replace("{column}", column)


@dataclass(frozen=True)
class SortColumn:
    """A column a list may be ordered by: its SQL expression (never NULL) and the Python
    type of its values (int, str or datetime.date), which a cursor's values must have."""

    sql: str
    kind: type


@dataclass(frozen=True)
class SortKey:
    """One ORDER BY key of a list: its output field, column and direction."""

    field: str
    column: SortColumn
    descending: bool = False


def order_by(keys: Sequence[SortKey]) -> str:
    """The ORDER BY list of sort keys."""
    if not keys:
        return "1"  # a single-row result (a company-wide total) needs no order
    return ", ".join(f"{k.column.sql} DESC" if k.descending else k.column.sql for k in keys)


def after_keys(keys: Sequence[SortKey], values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """The condition of rows strictly after the given key values in the sort order
    (portable SQL, no row values), with its parameters."""
    branches = []
    for i, key in enumerate(keys):
        equal = [f"{k.column.sql} = :after_{j}" for j, k in enumerate(keys[:i])]
        equal.append(f"{key.column.sql} {'<' if key.descending else '>'} :after_{i}")
        branches.append("(" + " AND ".join(equal) + ")")
    return "(" + " OR ".join(branches) + ")", {f"after_{i}": v for i, v in enumerate(values)}
