"""Daily production partitioned by year on PostgreSQL (schema version 8): rows of each year
in its own partition, made as data arrives (a bulk load, a write over HTTP), the default
partition only a safety net; totals unchanged by it; pages and summaries read by index."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from odm.app import create_app
from odm.db import open_database
from odm.demo import DemoData
from odm.ingest import writer
from odm.ingest.targets import Target
from odm.queries import ingest, load_sql
from tests.access import authorized
from tests.backends import TEST_SPEC, app_settings, load_demo_sync, postgres_database
from tests.isolation import isolated_settings
from tests.polling import until

WRITE_STATEMENTS = ingest.write_statements


@pytest.fixture
def url() -> Iterator[str]:
    """A PostgreSQL database with the test demo data set."""
    with postgres_database() as made:
        load_demo_sync(made)
        yield made


def _rows_by_partition(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            b"SELECT tableoid::regclass::text, count(*) FROM odm_daily_production GROUP BY 1"
        ).fetchall()
        partitions = conn.execute(
            b"SELECT inhrelid::regclass::text FROM pg_inherits "
            b"WHERE inhparent = 'odm_daily_production'::regclass"
        ).fetchall()
    counts = {str(name): 0 for (name,) in partitions}
    counts.update({str(name): int(count) for name, count in rows})
    return counts


def _fresh_sums_differ(url: str) -> int:
    """Wells whose stored totals differ from a fresh sum of their daily rows."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            b"SELECT count(*) FROM odm_well_totals t LEFT JOIN ("
            b" SELECT well_id, count(*) AS n, sum(oil) AS oil FROM odm_daily_production"
            b" GROUP BY well_id) f ON f.well_id = t.well_id "
            b"WHERE t.day_count <> coalesce(f.n, 0) OR abs(t.oil - coalesce(f.oil, 0)) > 1e-6"
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_a_bulk_load_fills_one_partition_per_year(url: str) -> None:
    counts = _rows_by_partition(url)
    data = DemoData(TEST_SPEC)
    years = {int(day[:4]) for day in (data.days[0], data.days[-1])}
    years |= {dt.date.today().year, dt.date.today().year + 1}
    expected = {f"odm_daily_production_{year}" for year in range(min(years), max(years) + 1)}
    assert set(counts) == expected | {"odm_daily_production_default"}
    assert counts["odm_daily_production_default"] == 0
    assert sum(counts.values()) == data.daily_row_count
    assert _fresh_sums_differ(url) == 0


def test_a_write_makes_the_partition_of_a_new_year(url: str) -> None:
    with psycopg.connect(url) as conn:
        row = conn.execute(b"SELECT min(well_id) FROM odm_well").fetchone()
    assert row is not None
    body = [{"well_id": row[0], "production_date": "2031-06-01", "oil": 12.5}]
    app = create_app(app_settings(url, rate_limit=0))
    with TestClient(app, headers=authorized(url, "tests")) as client:
        response = client.post("/v1/production/daily", json=body)
        assert response.status_code == 200, response.text
        page = client.get(f"/v1/production/daily?well_id={row[0]}&start=2031-01-01&fields=oil")
    assert page.json() == [{"oil": 12.5}]
    counts = _rows_by_partition(url)
    assert counts["odm_daily_production_2031"] == 1
    assert counts["odm_daily_production_default"] == 0
    assert _fresh_sums_differ(url) == 0


def test_rows_in_the_default_partition_move_out_without_changing_totals(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            b"INSERT INTO odm_daily_production (well_id, production_date, oil) "
            b"SELECT min(well_id), DATE '2040-02-29', 3.0 FROM odm_well"
        )
        assert _rows_by_partition(url)["odm_daily_production_default"] == 1
        made = conn.execute(b"SELECT odm_daily_partitions_from_default()").fetchone()
    assert made == (1,)
    counts = _rows_by_partition(url)
    assert counts["odm_daily_production_default"] == 0
    assert counts["odm_daily_production_2040"] == 1
    assert _fresh_sums_differ(url) == 0


def _plan(url: str, sql: str, params: dict[str, Any]) -> dict[str, Any]:
    async def explain() -> Any:
        db = open_database(isolated_settings(database_url=url), url)
        await db.open()
        try:
            await db.execute("ANALYZE", {})
            rows = await db.fetch_all(f"EXPLAIN (FORMAT JSON) {sql}", params)
            return rows[0][0]
        finally:
            await db.close()

    plan = asyncio.run(explain())
    return dict((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"])


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def test_a_page_of_a_wells_year_reads_one_partition_by_its_index(url: str) -> None:
    sql = (
        "SELECT p.production_date, p.oil FROM odm_daily_production p "
        "WHERE p.well_id = :well_id AND p.production_date >= :start "
        "AND p.production_date <= :end ORDER BY p.well_id, p.production_date LIMIT 100"
    )
    params = {"well_id": 1, "start": dt.date(2025, 3, 1), "end": dt.date(2025, 9, 30)}
    scans = [n for n in _nodes(_plan(url, sql, params)) if "Relation Name" in n]
    assert [n["Relation Name"] for n in scans] == ["odm_daily_production_2025"]
    assert all(n["Node Type"] in {"Index Scan", "Index Only Scan"} for n in scans)


def test_the_division_summary_reads_no_daily_row(url: str) -> None:
    sql = load_sql("division_summary", "postgresql").replace("{scope}", "TRUE")
    relations = {n.get("Relation Name") for n in _nodes(_plan(url, sql, {}))}
    assert not any(str(name).startswith("odm_daily_production") for name in relations)


def test_writers_of_the_same_new_year_make_its_partition_once(url: str) -> None:
    barrier = threading.Barrier(4)

    def cover() -> int:
        with psycopg.connect(url, autocommit=True) as conn:
            barrier.wait()
            row = conn.execute(
                b"SELECT odm_daily_partitions_cover(DATE '2034-01-01', DATE '2034-12-31')"
            ).fetchone()
        assert row is not None
        return int(row[0])

    with ThreadPoolExecutor(4) as pool:
        made = sorted(pool.map(lambda _: cover(), range(4)))
    assert made == [0, 0, 0, 1]


def test_large_writes_into_days_the_table_lacks_or_holds_count_every_row(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A large write first asks whether the table holds any row in its days; when it holds
    # none, every staged row is new and no key is looked up. The counts, the rows and the
    # totals must come out as the key-by-key count gives them, for new days, stored days
    # and a mix, with a key given twice.
    monkeypatch.setattr(writer, "SPAN_CHECK_ROWS", 10)
    with psycopg.connect(url) as conn:
        wells = [w for (w,) in conn.execute(b"SELECT well_id FROM odm_well ORDER BY 1 LIMIT 3")]
    start = dt.date(2032, 3, 1)
    new = [
        {"well_id": w, "production_date": (start + dt.timedelta(days=d)).isoformat(), "oil": d}
        for w in wells
        for d in range(10)
    ]
    again = [dict(new[4], oil=99.5)]  # the key given twice: its last row counts
    app = create_app(app_settings(url, rate_limit=0))
    with TestClient(app, headers=authorized(url, "tests")) as client:
        first = client.post("/v1/production/daily", json=new + again)
        assert first.status_code == 200, first.text
        assert (first.json()["inserted"], first.json()["repeated"]) == (30, 1)
        later = [
            {"well_id": w, "production_date": (start + dt.timedelta(days=d)).isoformat()}
            | {"oil": d}
            for w in wells
            for d in range(5, 15)
        ]
        second = client.post("/v1/production/daily", json=later)
        assert second.status_code == 200, second.text
        counts = second.json()
        page = client.get(f"/v1/production/daily?well_id={wells[0]}&start=2032-03-01&fields=oil")
    # Days 5-9 were stored with oil = day (unchanged); days 10-14 are new.
    assert (counts["inserted"], counts["updated"], counts["unchanged"]) == (15, 0, 15)
    assert [r["oil"] for r in page.json()] == [0, 1, 2, 3, 99.5, *range(5, 15)]
    assert _rows_by_partition(url)["odm_daily_production_2032"] == 45
    assert _fresh_sums_differ(url) == 0


def test_large_writes_of_new_days_count_repeated_keys_only_when_there_are_some(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # New days given once each are inserted at once, without the GROUP BY that counts
    # repeated keys (here a statement that cannot run); a key given twice makes that insert
    # fail on the table's key, undone to its savepoint, and the write then goes the way that
    # counts and drops repeats, as before: the last row of the key stored, the sums fresh.
    monkeypatch.setattr(writer, "SPAN_CHECK_ROWS", 10)
    monkeypatch.setattr(writer, "SMALL_KEYS", 5)  # the database counts repeats, not Python
    with psycopg.connect(url) as conn:
        wells = [w for (w,) in conn.execute(b"SELECT well_id FROM odm_well ORDER BY 1 LIMIT 3")]

    def days(start: dt.date) -> list[dict[str, Any]]:
        return [
            {"well_id": w, "production_date": str(start + dt.timedelta(days=d)), "oil": d}
            for w in wells
            for d in range(10)
        ]

    app = create_app(app_settings(url, rate_limit=0))
    with TestClient(app, headers=authorized(url, "tests")) as client:
        monkeypatch.setattr(ingest, "write_statements", _without_repeats_count)
        once = client.post("/v1/production/daily", json=days(dt.date(2033, 3, 1)))
        monkeypatch.setattr(ingest, "write_statements", WRITE_STATEMENTS)
        twice = days(dt.date(2034, 3, 1))
        twice.append(dict(twice[4], oil=99.5))  # the last row of a key counts
        repeated = client.post("/v1/production/daily", json=twice)
        page = client.get(f"/v1/production/daily?well_id={wells[0]}&start=2034-03-01&fields=oil")
    assert once.status_code == 200, once.text
    assert (once.json()["inserted"], once.json()["repeated"]) == (30, 0)
    assert repeated.status_code == 200, repeated.text
    assert (repeated.json()["inserted"], repeated.json()["repeated"]) == (30, 1)
    assert [r["oil"] for r in page.json()] == [0, 1, 2, 3, 99.5, *range(5, 10)]
    assert _rows_by_partition(url)["odm_daily_production_2034"] == 30
    assert _fresh_sums_differ(url) == 0


def _without_repeats_count(dialect: str, target: Target) -> ingest.WriteStatements:
    """A write's statements, with the count of repeated keys made unable to run."""
    return dataclasses.replace(
        WRITE_STATEMENTS(dialect, target), repeated_keys="SELECT no_such_column"
    )


def test_making_a_partition_waits_no_longer_than_the_statement_timeout(url: str) -> None:
    # A new year's partition takes a lock on the default partition, which waits behind any
    # open transaction reading daily production (a long export); readers arriving after it
    # queue behind it. The statement that makes it runs under the session's timeout: the
    # write answers 503 in time rather than waiting for the reader.
    with psycopg.connect(url) as reader, psycopg.connect(url) as conn:
        row = conn.execute(b"SELECT min(well_id) FROM odm_well").fetchone()
        assert row is not None
        reader.execute(b"SELECT count(*) FROM odm_daily_production")  # holds its lock
        release = threading.Timer(30.0, reader.rollback)  # a write without a limit waits so long
        body = [{"well_id": row[0], "production_date": "2045-06-01", "oil": 1.0}]
        app = create_app(app_settings(url, rate_limit=0, statement_timeout=1.0))
        with TestClient(app, headers=authorized(url, "tests")) as client:
            release.start()
            started = time.monotonic()
            response = client.post("/v1/production/daily", json=body)
            waited = time.monotonic() - started
        release.cancel()
        release.join()
        reader.rollback()
    assert response.status_code == 503, response.text
    assert waited < 15  # the 1 s timeout, with room for a loaded machine; not the 30 s
    assert "odm_daily_production_2045" not in _rows_by_partition(url)


def test_a_server_makes_the_coming_years_partitions_at_start(url: str) -> None:
    # A write bringing a year without a partition would wait for every open export (the
    # partition's lock), and reads arriving after it would wait behind it: a server makes
    # this year's and next year's partitions ahead, at start and every few hours.
    next_year = f"odm_daily_production_{dt.date.today().year + 1}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP TABLE {next_year}".encode())  # empty: the data ends before it
    assert next_year not in _rows_by_partition(url)
    with TestClient(create_app(app_settings(url, rate_limit=0))):
        deadline = time.monotonic() + 60
        while next_year not in _rows_by_partition(url) and time.monotonic() < deadline:
            time.sleep(0.1)
    assert _rows_by_partition(url)[next_year] == 0
    assert _rows_by_partition(url)["odm_daily_production_default"] == 0


WAITING_LOCKS = (
    b"SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
    b"WHERE NOT l.granted AND c.relname = 'odm_daily_production_default'"
)


def test_making_partitions_ahead_gives_up_rather_than_hold_up_readers(url: str) -> None:
    # Behind an open export, making a missing partition would wait for its lock, and every
    # read of daily production arriving after it would wait behind it: the server's own
    # attempt gives up after a second (and tries again later), so no request stays queued.
    next_year = f"odm_daily_production_{dt.date.today().year + 1}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP TABLE {next_year}".encode())
    with psycopg.connect(url) as reader, psycopg.connect(url, autocommit=True) as watcher:
        reader.execute(b"SELECT count(*) FROM odm_daily_production")  # holds its lock
        with TestClient(create_app(app_settings(url, rate_limit=0))):

            def waiting() -> int:
                row = watcher.execute(WAITING_LOCKS).fetchone()
                return int(row[0]) if row else 0

            asked = until(lambda: waiting() == 1, 30, every=0.05)  # it asks for the lock...
            gave_up = until(lambda: waiting() == 0, 30, every=0.05)
            reader.rollback()
    assert asked is not None and gave_up is not None
    assert gave_up - asked < 5  # ...and stops waiting after its second, not the reader's 30
    assert next_year not in _rows_by_partition(url)  # made on a later try, or by a write
