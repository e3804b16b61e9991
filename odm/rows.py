"""Row transforms that address columns by name.

A query's rows arrive as tuples with the column names the cursor described. A `RowPlan`
binds its steps to those names once per query (each step finds the columns it needs by
name), checks that the result has exactly its model's fields in order, and only then turns
names into positions for the per-row work. A query whose SELECT list drifts from its model
(a reordered or renamed column) fails loudly instead of sending gas as oil.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from odm.db.base import Row

Columns = tuple[str, ...]
RowFn = Callable[[Row], Row]


class ShapeError(Exception):
    """A query's columns do not match the fields of the model it answers (a bug: HTTP 500)."""


@dataclass(frozen=True)
class Bound:
    """A step bound to the columns it receives: its output columns and its row function
    (None when rows pass unchanged)."""

    columns: Columns
    apply: RowFn | None = None


Step = Callable[[Columns], Bound]


def positions(columns: Columns, names: Sequence[str]) -> list[int]:
    """Where each named column is, or ShapeError naming the missing ones."""
    missing = [name for name in names if name not in columns]
    if missing:
        raise ShapeError(f"columns {missing} missing from {list(columns)}")
    return [columns.index(name) for name in names]


def getter(columns: Columns, *names: str) -> Callable[[Row], tuple[Any, ...]]:
    """A function returning the named values of a row, as a tuple in the order named."""
    index = positions(columns, names)
    if len(index) == 1:
        only = index[0]
        return lambda row: (row[only],)
    return operator.itemgetter(*index)


def pick(names: Columns) -> Step:
    """Keep only the named columns, in that order."""

    def bind(columns: Columns) -> Bound:
        if names == columns:
            return Bound(columns)
        get = getter(columns, *names)
        return Bound(names, lambda row: tuple(get(row)))

    return bind


def map_values(function: Callable[[Any], Any], names: Sequence[str] | None = None) -> Step:
    """Apply a function to every value (or to the named columns' values)."""

    def bind(columns: Columns) -> Bound:
        chosen = set(positions(columns, names) if names is not None else range(len(columns)))
        return Bound(
            columns,
            lambda row: tuple(function(v) if i in chosen else v for i, v in enumerate(row)),
        )

    return bind


def every_row(function: RowFn) -> Step:
    """A row function that needs no names (it treats every value alike)."""
    return lambda columns: Bound(columns, function)


def prepend(name: str, value: Any) -> Step:
    """Put a fixed value in a new first column (for example the day totals run to)."""
    return lambda columns: Bound((name, *columns), lambda row: (value, *row))


def _compose(functions: Sequence[RowFn]) -> RowFn | None:
    if not functions:
        return None
    if len(functions) == 1:
        return functions[0]

    def apply(row: Row) -> Row:
        for function in functions:
            row = function(row)
        return row

    return apply


@dataclass(frozen=True)
class RowPlan:
    """What becomes of a query's rows: steps over named columns that must yield exactly
    `fields` (the model's, in order), then an optional selection of them."""

    fields: Columns
    steps: tuple[Step, ...] = ()
    selected: Columns | None = None

    @property
    def output(self) -> Columns:
        """The fields of the rows a client receives."""
        return self.selected if self.selected is not None else self.fields

    def then(self, *steps: Step) -> RowPlan:
        """This plan with more steps."""
        return replace(self, steps=(*self.steps, *steps))

    def select(self, names: Columns | None) -> RowPlan:
        """This plan answering only the named fields (None: all)."""
        return replace(self, selected=names)

    def bind(self, columns: Sequence[str]) -> Bound:
        """The plan bound to the columns a query returned (names compared in lower case:
        Oracle reports unquoted names in capitals, the seed's fields are Title_Case)."""
        current: Columns = tuple(name.lower() for name in columns)
        functions = []
        for step in self.steps:
            bound = step(current)
            current = bound.columns
            if bound.apply is not None:
                functions.append(bound.apply)
        if tuple(name.lower() for name in current) != tuple(f.lower() for f in self.fields):
            raise ShapeError(f"rows have columns {list(current)}, the model {list(self.fields)}")
        if self.selected is not None:
            selection = pick(self.selected)(self.fields)
            if selection.apply is not None:
                functions.append(selection.apply)
        return Bound(self.output, _compose(functions))
