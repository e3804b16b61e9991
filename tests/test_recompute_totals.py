"""`recompute_totals` sets every well's running totals to fresh sums, on every backend."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from odm.db import open_database
from odm.demo import DemoData
from tests.isolation import isolated_settings
from tests.test_writes import run_sql

TOTALS = "SELECT well_id, day_count, oil, gas, sales_value, budget FROM odm_well_totals"
FRESH = """
SELECT w.well_id,
       (SELECT COUNT(*) FROM odm_daily_production p WHERE p.well_id = w.well_id),
       (SELECT COALESCE(SUM(p.oil), 0) FROM odm_daily_production p WHERE p.well_id = w.well_id),
       (SELECT COALESCE(SUM(p.gas), 0) FROM odm_daily_production p WHERE p.well_id = w.well_id),
       (SELECT COALESCE(SUM(p.sales_value), 0)
        FROM odm_daily_production p WHERE p.well_id = w.well_id),
       (SELECT COALESCE(SUM(b.budget), 0) FROM odm_well_budget b WHERE b.well_id = w.well_id)
FROM odm_well w
"""


async def _read(url: str, recompute: bool) -> tuple[list[Any], list[Any]]:
    db = open_database(isolated_settings(database_url=url), url)
    await db.open()
    try:
        if recompute:
            await db.recompute_totals()
        totals = await db.fetch_all(TOTALS + " ORDER BY well_id", {})
        fresh = await db.fetch_all(FRESH + " ORDER BY w.well_id", {})
        return [tuple(row) for row in totals], [tuple(row) for row in fresh]
    finally:
        await db.close()


def _same(totals: list[Any], fresh: list[Any]) -> bool:
    return len(totals) == len(fresh) and all(
        a == pytest.approx(b, rel=1e-12, abs=1e-9)
        for t, f in zip(totals, fresh, strict=True)
        for a, b in zip(t, f, strict=True)
    )


def test_recompute_replaces_drifted_totals_with_fresh_sums(
    fresh_database: tuple[str, DemoData],
) -> None:
    url, _ = fresh_database
    # Drift, exaggerated: totals that no longer match their rows.
    run_sql(
        url,
        "UPDATE odm_well_totals SET oil = oil + 0.5, day_count = day_count + 3, "
        "budget = budget - 7, gas = 0",
    )
    totals, fresh = asyncio.run(_read(url, recompute=False))
    assert not _same(totals, fresh)
    totals, fresh = asyncio.run(_read(url, recompute=True))
    assert len(totals) > 1 and _same(totals, fresh)


def test_recompute_keeps_totals_of_wells_without_rows_at_zero(
    fresh_database: tuple[str, DemoData],
) -> None:
    url, _ = fresh_database
    first_well = "(SELECT MIN(well_id) FROM odm_well)"
    run_sql(url, f"DELETE FROM odm_daily_production WHERE well_id = {first_well}")
    run_sql(url, "UPDATE odm_well_totals SET oil = 42, day_count = 42")
    totals, fresh = asyncio.run(_read(url, recompute=True))
    assert totals[0][1:3] == (0, 0.0) and _same(totals, fresh)
