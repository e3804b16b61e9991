"""Streaming through a real server: first bytes early, memory flat, failures visible."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import psycopg
import pytest

from odm.demo import DemoData, DemoSpec
from tests.backends import empty_database, load_demo_sync
from tests.polling import until
from tests.server import Server, running_server

# A little over a million daily rows: the size the core issue's memory promise names.
MILLION = DemoSpec(wells=380, years=10, seed=11)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def big_database(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, DemoData]]:
    """A database of about one million daily rows, shared by this module's tests."""
    if backend == "oracle":
        pytest.skip("server-process tests run on the embedded and PostgreSQL backends")
    with empty_database(backend, tmp_path_factory.mktemp("big")) as url:
        yield url, load_demo_sync(url, MILLION)


@pytest.fixture(scope="module")
def server(big_database: tuple[str, DemoData]) -> Iterator[Server]:
    """A real ODM server over the big database."""
    with running_server(big_database[0]) as running:
        yield running


def cursor_is_open(backend: str, database_url: str, server: Server) -> bool:
    """Whether the server still holds the export's database cursor (rows left to produce)."""
    if backend == "postgresql":
        with psycopg.connect(database_url, autocommit=True) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND application_name = 'odm' AND query ILIKE '%odm_stream%'"
                " AND state IN ('active', 'idle in transaction')"
            ).fetchone()
            return row is not None and row[0] > 0
    # SQLite: a read in progress holds one of the WAL's read locks, bytes 123 to 127 of the
    # -shm file (an idle connection holds byte 128 only, and a shared lock on the database).
    locks = [line.split() for line in Path("/proc/locks").read_text().splitlines()]
    return any(
        lock[-4] == str(server.process.pid) and lock[-2] in {"123", "124", "125", "126", "127"}
        for lock in locks
    )


def test_first_chunk_arrives_before_the_rows_are_all_produced(
    backend: str, big_database: tuple[str, DemoData], server: Server
) -> None:
    url, data = big_database
    # Idle, nothing is held (the feed's poll of the change log holds SQLite's locks for a
    # moment now and then, so the probe is asked until it sees a moment without).
    assert until(lambda: not cursor_is_open(backend, url, server), 5, every=0.05) is not None
    with httpx.stream("GET", server.url + "/v1/production/daily", timeout=60) as response:
        assert response.status_code == 200
        assert response.headers["transfer-encoding"] == "chunked"
        chunks = response.iter_bytes()
        first = next(chunks)
        assert first.startswith(b'[{"well_id":')
        assert cursor_is_open(backend, url, server)
        # Each row is a flat object: one closing brace per row, whatever the chunk bounds.
        size, rows, last = len(first), first.count(b"}"), first
        for chunk in chunks:
            size, rows, last = size + len(chunk), rows + chunk.count(b"}"), chunk
    assert last.endswith(b"]")
    assert rows == data.daily_row_count
    assert size > 50 * len(first)


def test_million_row_export_keeps_server_memory_flat(
    big_database: tuple[str, DemoData], server: Server
) -> None:
    _, data = big_database
    rows = 0
    with httpx.stream(
        "GET", server.url + "/v1/production/daily?format=ndjson", timeout=120
    ) as response:
        for line in response.iter_lines():
            rows += bool(line)
    assert rows == data.daily_row_count >= 1_000_000
    assert server.peak_rss_mb() < 150


def test_database_failure_mid_stream_is_not_a_complete_response(
    backend: str, big_database: tuple[str, DemoData], server: Server
) -> None:
    if backend != "postgresql":
        pytest.skip("the database is killed mid-stream from outside: a PostgreSQL backend")
    url, _ = big_database
    with (
        pytest.raises(httpx.RemoteProtocolError),
        httpx.stream("GET", server.url + "/v1/production/daily", timeout=60) as response,
    ):
        chunks = response.iter_bytes()
        next(chunks)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name = 'odm'"
            )
        for _chunk in chunks:
            pass
    # The pool replaces the killed connection: the service recovers by itself.
    assert httpx.get(server.url + "/division-list", timeout=30).status_code == 200


def test_unreachable_database_is_503_with_retry_after() -> None:
    with running_server("postgresql://postgres@127.0.0.1:1/odm", ODM_POOL_TIMEOUT="1") as srv:
        response = httpx.get(srv.url + "/division-list", timeout=30)
        health = httpx.get(srv.url + "/health", timeout=30)
    assert health.status_code == 503 and "retry-after" in health.headers
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json() == {"detail": "the database is unavailable; retry later"}


@pytest.mark.skipif(not os.path.exists("/proc/locks"), reason="needs Linux /proc")
def test_proc_locks_probe_sees_nothing_when_idle(tmp_path: Path) -> None:
    with empty_database("sqlite", tmp_path) as url:
        load_demo_sync(url, DemoSpec(wells=2, years=1))
        with running_server(url) as srv:
            httpx.get(srv.url + "/division-list", timeout=10)
            assert not cursor_is_open("sqlite", url, srv)


def test_clients_that_leave_mid_stream_release_their_connections(
    backend: str, big_database: tuple[str, DemoData], server: Server
) -> None:
    url, _ = big_database
    for _ in range(20):
        with httpx.stream("GET", server.url + "/v1/production/daily", timeout=30) as response:
            next(response.iter_bytes())
    assert until(lambda: not cursor_is_open(backend, url, server), 10) is not None
    assert httpx.get(server.url + "/division-list", timeout=10).status_code == 200


def test_a_stalled_client_is_cut_and_others_are_served(
    backend: str, big_database: tuple[str, DemoData]
) -> None:
    url, _ = big_database
    settings = {"ODM_SEND_TIMEOUT": "1", "ODM_POOL_SIZE": "2", "ODM_POOL_TIMEOUT": "2"}
    with (
        running_server(url, **settings) as srv,
        socket.create_connection(("127.0.0.1", int(srv.url.rsplit(":", 1)[1]))) as stalled,
    ):
        # A client that asks for everything and never reads a byte of the answer.
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stalled.sendall(b"GET /v1/production/daily HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert until(lambda: cursor_is_open(backend, url, srv), 5) is not None
        assert until(lambda: not cursor_is_open(backend, url, srv), 15) is not None
        for _ in range(3):
            assert httpx.get(srv.url + "/division-list", timeout=10).status_code == 200
