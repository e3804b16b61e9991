"""Statements the change log needs besides its own files: a large write's summary per
division, and the new totals of the wells a small write changed."""

from __future__ import annotations

from collections.abc import Sequence

from odm.ingest.targets import Target
from odm.queries.compose import Query
from odm.queries.ingest import staging_table


def _day_column(target: Target) -> str:
    return next(c for c in target.key if target.types[c] in ("date", "month"))


def summary(target: Target) -> str:
    """Per division: the write's rows, wells (or entities) and first and last day."""
    stage, day = staging_table(target), _day_column(target)
    span = f"MIN(s.{day}) AS first_day, MAX(s.{day}) AS last_day"
    if target.names_well:
        return (
            f"SELECT w.division_id, COUNT(*) AS row_count, "
            f"COUNT(DISTINCT s.well_id) AS well_count, {span}\n"
            f"FROM {stage} s\nJOIN odm_well w ON w.well_id = s.well_id\nGROUP BY w.division_id"
        )
    if "division_id" in target.types:
        return (
            f"SELECT s.division_id, COUNT(*) AS row_count, "
            f"COUNT(DISTINCT s.entity_key) AS entity_count, {span}\n"
            f"FROM {stage} s\nGROUP BY s.division_id"
        )
    return f"SELECT COUNT(*) AS row_count, {span}\nFROM {stage} s"


def well_totals(wells: Sequence[int]) -> Query:
    """The life-to-date totals and division of some wells."""
    params = {f"well_{i}": well for i, well in enumerate(wells)}
    marks = ", ".join(f":{name}" for name in params)
    sql = (
        "SELECT t.well_id, w.division_id, t.day_count, t.hours_on, t.oil, t.gas, t.water, "
        "t.water_injected, t.budget, t.actual\n"
        "FROM odm_well_totals t\nJOIN odm_well w ON w.well_id = t.well_id\n"
        f"WHERE t.well_id IN ({marks})"
    )
    return Query("well_totals", sql, params)
