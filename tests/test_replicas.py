"""Read replicas (ODM_REPLICA_URLS) against a real streaming replica the test builds: reads
land on the replica while it is healthy and close enough, writes and credentials on the
primary; a replica too far behind, or stopped, sends reads to the primary without an error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from fastapi.testclient import TestClient

from odm.app import create_app
from odm.db.base import Database
from odm.db.replicas import ReplicatedDatabase
from tests.access import authorized
from tests.backends import app_settings, load_demo_sync, postgres_database
from tests.replica import Replica, _until, streaming_replica

NEW_DAY = "2027-03-15"


@pytest.fixture(scope="module")
def replica() -> Iterator[Replica]:
    """A streaming replica of the test server, for this module."""
    with streaming_replica() as running:
        yield running


@pytest.fixture
def primary_url(replica: Replica) -> Iterator[str]:
    """A demo database made on the primary after the replica started, replayed there."""
    with postgres_database() as url:
        load_demo_sync(url)
        replica.wait_for(url)
        yield url


def _replica_url(replica: Replica, primary_url: str) -> str:
    return replica.url(urlsplit(primary_url).path.lstrip("/"))


def _client(primary_url: str, replica_url: str, max_lag: float) -> TestClient:
    settings = app_settings(
        primary_url,
        rate_limit=0,
        pool_timeout=2,
        replica_urls=replica_url,
        replica_max_lag_seconds=max_lag,
        replica_check_seconds=60,  # checked by the test, when it says so
    )
    return TestClient(create_app(settings), headers=authorized(primary_url, "tests"))


def _db(client: TestClient) -> ReplicatedDatabase:
    db = client.app.state.db  # type: ignore[attr-defined]
    assert isinstance(db, ReplicatedDatabase)
    return db


def _check(client: TestClient) -> None:
    """Run the replicas' periodic check now."""
    assert client.portal is not None
    client.portal.call(_db(client).check)


def _until_caught_up(client: TestClient) -> None:
    """Check the replicas until one takes reads at lag 0: other tests' writes on the shared
    primary leave brief moments where the replica has received WAL it has not replayed."""

    def caught_up() -> bool:
        _check(client)
        return _in_recovery(client, _db(client).for_reads())

    _until(caught_up, "the replica to be caught up at a check")


def _in_recovery(client: TestClient, db: Database) -> bool:
    assert client.portal is not None
    batch = client.portal.call(db.fetch, "SELECT pg_is_in_recovery() AS r", {})
    return bool(batch.rows[0][0])


def _well(primary_url: str) -> int:
    with psycopg.connect(primary_url) as conn:
        row = conn.execute(b"SELECT min(well_id) FROM odm_well").fetchone()
    assert row is not None
    return int(row[0])


def _new_day_oil(client: TestClient, well_id: int) -> list[Any]:
    """The well's oil on NEW_DAY as a read route answers it (empty: no such row)."""
    query = f"well_id={well_id}&start={NEW_DAY}&end={NEW_DAY}&fields=oil"
    response = client.get(f"/v1/production/daily?{query}")
    assert response.status_code == 200, response.text
    return [row["oil"] for row in response.json()]


def _write_new_day(client: TestClient, well_id: int, oil: float) -> None:
    body = [{"well_id": well_id, "production_date": NEW_DAY, "oil": oil}]
    response = client.post("/v1/production/daily", json=body)
    assert response.status_code == 200, response.text


def test_reads_on_the_replica_writes_on_the_primary(replica: Replica, primary_url: str) -> None:
    well_id = _well(primary_url)
    with _client(primary_url, _replica_url(replica, primary_url), max_lag=3600) as client:
        db = _db(client)
        assert _in_recovery(client, db.for_reads())
        assert not _in_recovery(client, db)
        replica.sql("SELECT pg_wal_replay_pause()")
        try:
            # The write goes to the primary (a replica refuses writes); the paused replica,
            # still within the hour's bound, answers the read without it.
            _write_new_day(client, well_id, 42.0)
            _check(client)
            assert _new_day_oil(client, well_id) == []
        finally:
            replica.sql("SELECT pg_wal_replay_resume()")
        replica.wait_for(primary_url)
        assert _new_day_oil(client, well_id) == [42.0]


def test_a_replica_past_the_lag_bound_gets_no_reads(replica: Replica, primary_url: str) -> None:
    well_id = _well(primary_url)
    with _client(primary_url, _replica_url(replica, primary_url), max_lag=0) as client:
        _until_caught_up(client)  # lag 0 when it has replayed all it received
        replica.sql("SELECT pg_wal_replay_pause()")
        try:
            _write_new_day(client, well_id, 7.0)
            received = "SELECT pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()"
            _until(lambda: bool(replica.sql(received)), "the replica to receive the write")
            _check(client)
            assert not _in_recovery(client, _db(client).for_reads())
            assert _new_day_oil(client, well_id) == [7.0]
        finally:
            replica.sql("SELECT pg_wal_replay_resume()")
        replica.wait_for(primary_url)
        _until_caught_up(client)


def test_a_stopped_replica_sends_reads_to_the_primary(replica: Replica, primary_url: str) -> None:
    well_id = _well(primary_url)
    with _client(primary_url, _replica_url(replica, primary_url), max_lag=3600) as client:
        _write_new_day(client, well_id, 9.5)
        replica.wait_for(primary_url)
        assert _new_day_oil(client, well_id) == [9.5]  # from the replica
        replica.stop()
        # Before any check notices: the read fails over to the primary, without an error.
        assert _new_day_oil(client, well_id) == [9.5]
        assert client.get("/division-summary").status_code == 200
        _check(client)
        assert not _in_recovery(client, _db(client).for_reads())
