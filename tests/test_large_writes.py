"""Large writes keep their sums set by set (SQLite suspends the daily table's row triggers
inside the write's transaction): after inserts, partial updates, nulls, zero hours and keys
given twice, every aggregate equals fresh sums of the rows, the triggers are back, and a
large write that fails inside its transaction leaves rows, sums and triggers as they were."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import AsyncIterator, Sequence
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from odm import consistency
from odm.config import Settings
from odm.db import open_database
from odm.db.base import Database, Transaction
from odm.demo import DemoData
from odm.ingest.records import RecordReader
from odm.ingest.targets import DAILY_PRODUCTION
from odm.ingest.wells import load_well_keys
from odm.ingest.writer import SET_SUMS_ROWS, Counts, Staged, write
from odm.queries.compose import ALL_DIVISIONS
from odm.units import UnitSystem

DAILY = "/v1/production/daily"
NDJSON = {"content-type": "application/x-ndjson"}
TRIGGERS = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name",
    "postgresql": "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1",
    "oracle": "SELECT trigger_name FROM user_triggers ORDER BY 1",
}


async def _state(url: str) -> tuple[list[Any], consistency.Report, list[Any]]:
    """The triggers, the consistency report and a fingerprint of the daily rows."""
    db = open_database(Settings(database_url=url), url)
    await db.open()
    try:
        triggers = await db.fetch_all(TRIGGERS[db.dialect], {})
        report = await consistency.check(db)
        rows = await db.fetch_all(
            "SELECT COUNT(*), SUM(oil), SUM(hours_on), COUNT(water) FROM odm_daily_production", {}
        )
        return triggers, report, rows
    finally:
        await db.close()


def _records(wells: Sequence[int], rng: random.Random) -> list[dict[str, Any]]:
    """New days in 2031 for every well, and changes to days of the demo's last year: some
    give every field, some one, some clear a value, some give a key twice."""
    records: list[dict[str, Any]] = []
    start = dt.date(2031, 1, 1)
    for n in range(SET_SUMS_ROWS + 200):
        well = wells[n % len(wells)]
        day = start + dt.timedelta(days=n // len(wells))
        hours = rng.choice([24.0, 0.0, None, 12.5])
        records.append(
            {"well_id": well, "production_date": day.isoformat(), "hours_on": hours}
            | {"oil": round(rng.uniform(0, 900), 3), "gas": rng.uniform(0, 3000)}
        )
    for n in range(600):
        well = wells[n % len(wells)]
        day = (dt.date(2026, 10, 31) - dt.timedelta(days=n // len(wells) * 3)).isoformat()
        change = rng.choice([{"oil": rng.uniform(0, 500)}, {"hours_on": None}, {"water": None}])
        records.append({"well_id": well, "production_date": day} | change)
    records += rng.sample(records, 50)  # keys given twice: the last record of each counts
    return records


def test_a_large_write_keeps_every_sum_and_the_triggers(
    fresh_client: TestClient, fresh_database: tuple[str, DemoData]
) -> None:
    url, _ = fresh_database
    triggers, _, _ = asyncio.run(_state(url))
    wells = [w["well_id"] for w in fresh_client.get("/v1/wells").json()]
    body = b"".join(orjson.dumps(r) + b"\n" for r in _records(wells, random.Random(5)))
    answer = fresh_client.post(DAILY, content=body, headers=NDJSON)
    assert answer.status_code == 200, answer.text
    counts = answer.json()
    assert counts["inserted"] >= SET_SUMS_ROWS + 200 and counts["updated"] > 200, counts
    after, report, _ = asyncio.run(_state(url))
    assert [str(d) for d in report.differences] == []
    assert report.keys["odm_well_month"] > 0
    assert after == triggers
    again = fresh_client.post(DAILY, content=body, headers=NDJSON).json()
    assert again["unchanged"] == counts["inserted"] + counts["updated"] + counts["unchanged"]


class Refused(Exception):
    """What the failing step raises."""


def test_a_large_write_that_fails_in_its_transaction_changes_nothing(
    fresh_database: tuple[str, DemoData],
) -> None:
    url, _ = fresh_database
    before = asyncio.run(_state(url))

    async def failing_write() -> None:
        db = open_database(Settings(database_url=url), url)
        await db.open()
        try:
            await _write_then_fail(db)
        finally:
            await db.close()

    with pytest.raises(Refused):
        asyncio.run(failing_write())
    triggers, report, rows = asyncio.run(_state(url))
    assert (triggers, rows) == (before[0], before[2])
    assert [str(d) for d in report.differences] == []


async def _write_then_fail(db: Database) -> None:
    wells = await load_well_keys(db, ALL_DIVISIONS)
    reader = RecordReader(DAILY_PRODUCTION, UnitSystem.FIELD, wells, ALL_DIVISIONS)
    records = _records(sorted(wells.divisions), random.Random(9))
    staged = [reader.read(r) for r in records]

    async def batches() -> AsyncIterator[Sequence[Staged]]:
        yield staged

    async def fail(_tx: Transaction, counts: Counts) -> None:
        assert counts.inserted >= SET_SUMS_ROWS  # the rows moved, set by set, then:
        raise Refused

    await write(db, DAILY_PRODUCTION, batches(), after=[fail])


def test_a_body_that_breaks_after_batches_loaded_writes_nothing(
    fresh_client: TestClient,
) -> None:
    """Batches load while the next is read: a JSON array cut off after two batches' worth of
    records answers 422, leaves the rows as they were, and the next write goes through."""
    wells = [w["well_id"] for w in fresh_client.get("/v1/wells").json()]
    records = _records(wells, random.Random(3)) * 6
    body = orjson.dumps(records)[:-200]  # cut inside the last record
    before = fresh_client.get(DAILY, params={"start": "2031-01-01", "format": "csv"}).text
    answer = fresh_client.post(DAILY, content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 422, answer.text
    assert "not a JSON array" in answer.json()["detail"]
    after = fresh_client.get(DAILY, params={"start": "2031-01-01", "format": "csv"}).text
    assert after == before
    again = fresh_client.post(DAILY, json=records[:10])
    assert again.status_code == 200 and again.json()["written"]
