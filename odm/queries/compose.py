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


def build(
    name: str,
    dialect: str,
    fields: Sequence[str],
    conditions: Conditions,
    placeholder: str = "scope",
) -> Query:
    """Fill query `name`'s `{placeholder}` with the conditions."""
    sql = load_sql(name, dialect).replace("{" + placeholder + "}", conditions.sql())
    return Query(name, sql, dict(conditions.params), tuple(fields))
