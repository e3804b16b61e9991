"""`/metrics`: each metric moves with what it counts, through a real server, and the
workers of `odm serve --workers 2` are summed."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
import orjson
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from odm.auth.identity import Role
from odm.demo import SEED_WELL_ID, DemoData, DemoSpec
from odm.metrics import render
from tests.access import make_key_sync
from tests.backends import empty_database, load_demo_sync
from tests.server import Server, running_server, serving_workers

pytestmark = pytest.mark.slow
TOKEN = "scraper-token-for-tests"
SCRAPER = {"Authorization": f"Bearer {TOKEN}"}
EXPORT = "/v1/production/daily"
# About 14 MB of JSON: more than the kernel buffers between a stalled client and the server.
BIGGER = DemoSpec(wells=64, years=4, seed=5)
IN_PROGRESS = "odm_http_requests_in_progress"
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(url: str) -> Samples:
    """Every sample of /metrics, by name and labels."""
    response = httpx.get(url + "/metrics", headers=SCRAPER, timeout=60)
    assert response.status_code == 200, response.text
    return parse(response.text)


def parse(text: str) -> Samples:
    """Every sample of metrics in Prometheus' text format, by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def total(samples: Samples, name: str, **labels: str) -> float:
    """The sum of a metric's samples that carry `labels` (among others)."""
    wanted = frozenset(labels.items())
    return sum(v for (n, found), v in samples.items() if n == name and wanted <= found)


def eventually(url: str, check: Callable[[Samples], bool], tries: int = 100) -> Samples:
    """Scrape until `check` holds (a gauge follows a request that is still starting)."""
    for _ in range(tries):
        samples = scrape(url)
        if check(samples):
            return samples
        time.sleep(0.1)
    return samples


@contextmanager
def stalled_export(url: str, headers: dict[str, str] | None = None) -> Iterator[None]:
    """An export whose client reads its first bytes, then nothing: with a tiny receive
    buffer the server soon waits to send, its stream (and connection) held open."""
    host, port = url.removeprefix("http://").split(":")
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect((host, int(port)))
        lines = [f"GET {EXPORT} HTTP/1.1", f"Host: {host}"]
        lines += [f"{name}: {text}" for name, text in (headers or {}).items()]
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        assert sock.recv(1024).startswith(b"HTTP/1.1 200")
        yield


@pytest.fixture
def database(backend: str, tmp_path: Path) -> Iterator[tuple[str, DemoData]]:
    if backend == "oracle":
        pytest.skip("server-process tests run on the embedded and PostgreSQL backends")
    with empty_database(backend, tmp_path) as url:
        yield url, load_demo_sync(url, BIGGER)


@pytest.fixture
def server(database: tuple[str, DemoData]) -> Iterator[Server]:
    # The row path: its export holds a pooled connection (the columnar path's is its own).
    row_path = {"ODM_COLUMNAR": "false"}
    with running_server(
        database[0], ODM_AUTH="required", ODM_METRICS_TOKEN=TOKEN, **row_path
    ) as running:
        yield running


def test_each_metric_moves(backend: str, database: tuple[str, DemoData], server: Server) -> None:
    admin = {"Authorization": f"Bearer {make_key_sync(database[0], 'metrics', Role.ADMIN)}"}
    before = scrape(server.url)
    assert httpx.get(server.url + "/division-list", headers=admin, timeout=60).status_code == 200
    day = {"well_id": SEED_WELL_ID, "production_date": "2031-01-01", "oil": 1.5}
    written = httpx.post(server.url + "/v1/production/daily", json=[day], headers=admin, timeout=60)
    assert written.status_code == 200
    with (
        httpx.stream("GET", server.url + "/v1/changes", headers=admin, timeout=30) as feed,
        stalled_export(server.url, admin),
    ):
        assert feed.status_code == 200
        during = eventually(
            server.url,
            lambda s: value(s, "odm_feed_subscribers") >= 1 and value(s, "odm_active_streams"),
        )
    # Both streams end when their client goes; the server notices each on its own time.
    after = eventually(
        server.url,
        lambda s: value(s, "odm_feed_subscribers") == 0 and value(s, "odm_active_streams") == 0,
    )

    route = {"method": "GET", "route": "/division-list"}
    assert value(after, "odm_http_requests_total", status="200", **route) == 1 + value(
        before, "odm_http_requests_total", status="200", **route
    )
    assert value(after, "odm_http_request_duration_seconds_count", **route) >= 1
    assert value(after, "odm_rows_streamed_total", query="division_list") >= 4
    assert value(after, "odm_bytes_streamed_total", query="division_list") > 100
    assert value(during, "odm_feed_subscribers") == 1
    assert value(during, "odm_active_streams") >= 1
    assert value(after, "odm_active_streams") == 0
    inserted = {"table": "odm_daily_production", "outcome": "inserted"}
    assert value(after, "odm_ingest_rows_total", **inserted) == 1
    if backend == "postgresql":  # the export holds a pooled connection; SQLite has no pool
        assert value(during, "odm_db_connections_in_use") >= 1


def test_requests_in_progress_follow_a_write(
    database: tuple[str, DemoData], server: Server
) -> None:
    writer = {"Authorization": f"Bearer {make_key_sync(database[0], 'writer', Role.WRITER)}"}
    headers = writer | {"content-type": "application/x-ndjson"}
    halfway, finish = threading.Event(), threading.Event()

    def body() -> Iterator[bytes]:
        for n, day in enumerate(("2031-01-01", "2031-01-02")):
            if n:
                halfway.set()
                finish.wait(30)
            yield orjson.dumps({"well_id": SEED_WELL_ID, "production_date": day}) + b"\n"

    posting = {"method": "POST"}
    with ThreadPoolExecutor(1) as pool:
        write = pool.submit(
            httpx.post,
            server.url + "/v1/production/daily",
            content=body(),
            headers=headers,
            timeout=60,
        )
        assert halfway.wait(30)
        during = eventually(server.url, lambda s: value(s, IN_PROGRESS, **posting) == 1)
        finish.set()
        assert write.result(timeout=30).status_code == 200
    after = eventually(server.url, lambda s: value(s, IN_PROGRESS, **posting) == 0)
    assert value(during, IN_PROGRESS, **posting) == 1
    assert value(after, IN_PROGRESS, **posting) == 0
    assert value(after, IN_PROGRESS, method="GET") == 1  # the scrape reading it


def test_pool_waits_and_database_errors_move(backend: str, database: tuple[str, DemoData]) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite has no pool: no request waits for a connection")
    one_connection = {"ODM_POOL_SIZE": "1", "ODM_POOL_TIMEOUT": "10", "ODM_METRICS_TOKEN": TOKEN}
    one_connection |= {"ODM_COLUMNAR": "false"}  # the export holds the pool's connection
    # The change feed's reader reads the log only when woken (no write here): it must not be
    # a second request waiting for the connection when the gauge is read.
    one_connection |= {"ODM_FEED_POLL_SECONDS": "60"}
    with (
        running_server(database[0], **one_connection) as server,
        stalled_export(server.url),  # holds the only connection
        httpx.Client(base_url=server.url, timeout=30) as other,
    ):
        before = scrape(server.url)
        with _in_background(lambda: other.get("/division-summary")) as waiting:
            during = eventually(server.url, lambda s: value(s, "odm_db_connections_waiting") >= 1)
        assert waiting() == 503
        after = scrape(server.url)
    assert value(during, "odm_db_connections_waiting") == 1
    assert value(during, "odm_db_connections_in_use") == 1
    unavailable = "odm_database_errors_total"
    assert value(after, unavailable, kind="unavailable") == 1 + value(
        before, unavailable, kind="unavailable"
    )


@contextmanager
def _in_background(call: Callable[[], httpx.Response]) -> Iterator[Callable[[], int]]:
    """Run a request in a thread; the block gets what waits for its status."""
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(call)
        yield lambda: future.result().status_code


def test_workers_share_their_metrics(backend: str, database: tuple[str, DemoData]) -> None:
    if backend != "sqlite":
        pytest.skip("one backend is enough to count requests across workers")
    env = {"ODM_LOG_LEVEL": "ERROR", "ODM_METRICS_TOKEN": TOKEN}
    with serving_workers(database[0], 2, **env) as server:
        for _ in range(40):  # new connections: the kernel spreads them over both workers
            assert httpx.get(server.url + "/division-list").status_code == 200
        key = ("odm_http_requests_total", "/division-list")
        samples = eventually(server.url, lambda s: _requests(s, key) == 40)
    assert _requests(samples, key) == 40


def _requests(samples: Samples, key: tuple[str, str]) -> float:
    name, route = key
    return value(samples, name, method="GET", route=route, status="200")


def test_methods_a_client_makes_up_are_counted_as_other(client: TestClient) -> None:
    # The metrics' method label takes the HTTP methods and OTHER: a client sending made-up
    # methods cannot add series without end.
    before = total(parse(render().decode()), "odm_http_requests_total", method="OTHER")
    for method in ("PURGE", "X-ODM-1", "X-ODM-2"):
        client.request(method, "/division-list")
    samples = parse(render().decode())
    series = [
        dict(labels)["method"] for name, labels in samples if name == "odm_http_requests_total"
    ]
    assert total(samples, "odm_http_requests_total", method="OTHER") == before + 3
    assert not {"PURGE", "X-ODM-1", "X-ODM-2"} & set(series)
