"""Statements changing master data: a division's or a well's given fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from odm.queries.compose import Query

WELL_COLUMNS = (
    "well_name",
    "division_id",
    "well_type",
    "status",
    "first_production_date",
    "api_number",
    "uwi",
    "source_key",
)
DIVISION_COLUMNS = ("division_name",)


def update(table: str, key: str, key_value: int, changes: Mapping[str, Any]) -> Query:
    """UPDATE the given columns (only names from the fixed lists above) of one row."""
    allowed = WELL_COLUMNS if table == "odm_well" else DIVISION_COLUMNS
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"{table} has no changeable column {sorted(unknown)}")
    sets = ",\n    ".join(f"{column} = :{column}" for column in changes)
    sql = f"UPDATE {table}\nSET {sets}\nWHERE {key} = :{key}"
    return Query(f"update {table}", sql, {**changes, key: key_value})
