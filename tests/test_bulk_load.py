"""Bulk loads are one transaction that no per-round-trip timeout cuts short."""

from __future__ import annotations

import asyncio
from pathlib import Path

from odm.db import open_database
from odm.db.base import migrate
from odm.demo import DemoData, DemoSpec
from tests.backends import empty_database
from tests.isolation import isolated_settings


async def _count_rows(url: str, install: bool) -> int:
    db = open_database(isolated_settings(database_url=url), url)
    await db.open()
    try:
        if install:
            await migrate(db)
        rows = await db.fetch_all("SELECT COUNT(*) FROM odm_daily_production", {})
        return int(rows[0][0])
    finally:
        await db.close()


async def _load_with_tiny_timeout(url: str, data: DemoData) -> None:
    # 10 ms per round trip: any single statement of the load would overrun it. Only the load
    # runs under it (installing the schema and counting are not what is tested).
    db = open_database(isolated_settings(database_url=url, statement_timeout=0.01), url)
    await db.open()
    try:
        await db.write_tables(data.tables(), lambda n: None)
    finally:
        await db.close()


def test_a_bulk_load_is_not_cut_by_the_statement_timeout(backend: str, tmp_path: Path) -> None:
    data = DemoData(DemoSpec(wells=40, years=3))
    with empty_database(backend, tmp_path) as url:
        assert asyncio.run(_count_rows(url, install=True)) == 0
        asyncio.run(_load_with_tiny_timeout(url, data))
        assert asyncio.run(_count_rows(url, install=False)) == data.daily_row_count
