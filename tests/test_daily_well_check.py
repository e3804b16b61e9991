"""Daily rows name existing wells (on PostgreSQL checked once per statement, by triggers,
instead of a per-row foreign key): a row of an unknown well is refused, a well that rows name
cannot be deleted or renumbered, and a well being written to cannot be deleted under a
concurrent write."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from odm.config import Settings
from odm.db import open_database
from odm.db.base import ConstraintViolation, Database, DatabaseError
from odm.demo import DemoData

INSERT = (
    "INSERT INTO odm_daily_production (well_id, production_date, oil) VALUES (:well_id, :day, 1.0)"
)
NEW_DAY = dt.date(2031, 1, 1)


@asynccontextmanager
async def opened(url: str) -> AsyncIterator[Database]:
    db = open_database(Settings(database_url=url), url)
    await db.open()
    try:
        yield db
    finally:
        await db.close()


async def _wells(db: Database) -> list[int]:
    """The wells that have daily rows."""
    sql = "SELECT DISTINCT well_id FROM odm_daily_production ORDER BY well_id"
    return [int(row[0]) for row in await db.fetch_all(sql, {})]


def test_a_daily_row_of_an_unknown_well_is_refused(
    fresh_database: tuple[str, DemoData], backend: str
) -> None:
    url, _ = fresh_database

    async def run() -> None:
        async with opened(url) as db:
            wells = await _wells(db)
            known = wells[0]
            rows = "SELECT COUNT(*) FROM odm_daily_production"
            before = (await db.fetch_all(rows, {}))[0][0]
            with pytest.raises(ConstraintViolation) as refused:
                await db.execute(INSERT, {"well_id": max(wells) + 1000, "day": NEW_DAY})
            if backend == "postgresql":  # the daily table's own check, not an aggregate's key
                assert "odm_daily_production" in str(refused.value)
            # With a known well in the same statement, the statement is refused whole.
            both = INSERT.replace(
                "VALUES (:well_id, :day, 1.0)", "VALUES (:well_id, :day, 1.0), (:other, :day, 1.0)"
            )
            params = {"well_id": known, "other": max(wells) + 1000, "day": NEW_DAY}
            with pytest.raises(ConstraintViolation):
                await db.execute(both, params)
            assert (await db.fetch_all(rows, {}))[0][0] == before
            assert await db.execute(INSERT, {"well_id": known, "day": NEW_DAY}) == 1

    asyncio.run(run())


def test_a_well_named_by_daily_rows_stays(fresh_database: tuple[str, DemoData]) -> None:
    url, _ = fresh_database

    async def run() -> None:
        async with opened(url) as db:
            wells = await _wells(db)
            well = wells[0]
            with pytest.raises((ConstraintViolation, DatabaseError)):
                await db.execute("DELETE FROM odm_well WHERE well_id = :w", {"w": well})
            with pytest.raises((ConstraintViolation, DatabaseError)):
                await db.execute(
                    "UPDATE odm_well SET well_id = :n WHERE well_id = :w",
                    {"w": well, "n": max(wells) + 1000},
                )
            found = await db.fetch_all(
                "SELECT well_id FROM odm_well WHERE well_id = :w", {"w": well}
            )
            assert found == [(well,)]

    asyncio.run(run())


def test_postgresql_checks_wells_per_statement_not_per_row(
    fresh_database: tuple[str, DemoData], backend: str
) -> None:
    """The per-row foreign key is gone on PostgreSQL; the triggers that replace it exist, and
    the wells a write names are locked until it commits: a concurrent delete of such a well
    waits, then fails."""
    if backend != "postgresql":
        pytest.skip("PostgreSQL's check")
    import psycopg

    url, _ = fresh_database
    with psycopg.connect(url) as conn:
        keys = conn.execute(
            "SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f' "
            "AND conrelid = 'odm_daily_production'::regclass"
        ).fetchone()
        triggers = conn.execute(
            "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'odm_daily_wells_%' ORDER BY 1"
        ).fetchall()
        last = conn.execute("SELECT MAX(well_id) FROM odm_daily_production").fetchone()
    assert keys == (0,)
    assert [t[0] for t in triggers] == ["odm_daily_wells_insert", "odm_daily_wells_update"]
    assert last is not None
    well = last[0]
    with psycopg.connect(url) as writer, psycopg.connect(url, autocommit=True) as other:
        # One of the well's days written again, in a month it has other days in: the row
        # adds to an existing well-month, so only the check's lock holds the well.
        day = writer.execute(
            "SELECT MAX(production_date) FROM odm_daily_production WHERE well_id = %s", (well,)
        ).fetchone()
        writer.execute(
            "DELETE FROM odm_daily_production WHERE well_id = %s AND production_date = %s",
            (well, day[0] if day else None),
        )
        writer.commit()
        writer.execute(
            "INSERT INTO odm_daily_production (well_id, production_date) VALUES (%s, %s)",
            (well, day[0] if day else None),
        )
        other.execute("SET lock_timeout = '300ms'")
        with pytest.raises(psycopg.errors.LockNotAvailable):
            other.execute("DELETE FROM odm_well WHERE well_id = %s", (well,))
        writer.commit()
        with pytest.raises(psycopg.errors.ForeignKeyViolation):
            other.execute("DELETE FROM odm_well WHERE well_id = %s", (well,))
