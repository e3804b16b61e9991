"""Statements of writes other than upserts: deleting a well's days."""

from __future__ import annotations

import datetime as dt

from odm.queries import load_sql
from odm.queries.compose import Conditions, Query


def delete_days(dialect: str, well_id: int, start: dt.date | None, end: dt.date | None) -> Query:
    """Delete one well's daily rows within a span of days."""
    conditions = Conditions().where("well_id = :well_id", well_id=well_id)
    if start is not None:
        conditions = conditions.where("production_date >= :start", start=start)
    if end is not None:
        conditions = conditions.where("production_date <= :end", end=end)
    sql = load_sql("delete_daily_production", dialect).replace("{where}", conditions.sql())
    return Query("delete_daily_production", sql, conditions.params)
