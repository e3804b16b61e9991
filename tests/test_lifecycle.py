"""SIGTERM to a real server: feed subscribers are told to reconnect, a write in flight
commits whole, an export still running after the grace is cut visibly, the process exits
cleanly; and readiness answers 503 once a shutdown has begun."""

from __future__ import annotations

import datetime as dt
import signal
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import orjson
import pytest
from fastapi.testclient import TestClient

from odm.app import create_app
from odm.auth.identity import Role
from odm.demo import SEED_WELL_ID, DemoData, DemoSpec
from tests.access import make_key_sync
from tests.backends import app_settings, empty_database, load_demo_sync
from tests.polling import until
from tests.server import Server, running_server
from tests.test_metrics import parse, total
from tests.test_write_atomicity import query

pytestmark = pytest.mark.slow
BIGGER = DemoSpec(wells=64, years=4, seed=5)  # an export larger than the socket buffers
WRITE_DAYS = 40
# Next year's days: their partition exists from the load on (PostgreSQL). Making a new year's
# partition waits for every open read of the daily table, the unread export's among them,
# which holds its lock until the grace cuts it: the write would race the shutdown.
WRITE_FROM = dt.date(dt.date.today().year + 1, 1, 1)
FINAL_CHUNK = b"0\r\n\r\n"


@pytest.fixture
def database(backend: str, tmp_path: Path) -> Iterator[tuple[str, DemoData]]:
    if backend == "oracle":
        pytest.skip("server-process tests run on the embedded and PostgreSQL backends")
    with empty_database(backend, tmp_path) as url:
        yield url, load_demo_sync(url, BIGGER)


def slow_body(started: threading.Event, signalled: threading.Event) -> Iterator[bytes]:
    """NDJSON days of the seed well, the second half sent only after the SIGTERM."""
    first = WRITE_FROM
    for n in range(WRITE_DAYS):
        if n == WRITE_DAYS // 2:
            started.set()
            signalled.wait(30)
            time.sleep(0.3)  # the server is draining by now
        day = (first + dt.timedelta(days=n)).isoformat()
        yield orjson.dumps({"well_id": SEED_WELL_ID, "production_date": day, "oil": 1.0}) + b"\n"


def open_export(server: Server) -> socket.socket:
    """An export that has started, whose client then stops reading: the server soon waits
    to send."""
    host, port = server.url.removeprefix("http://").split(":")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # no autotuning: stalls soon
    sock.connect((host, int(port)))
    sock.sendall(b"GET /v1/production/daily HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    head = sock.recv(1024)
    assert head.startswith(b"HTTP/1.1 200")
    return sock


def read_to_end(sock: socket.socket) -> bytes:
    chunks = [b"HTTP/1.1 200"]
    while chunk := sock.recv(1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


def follow_feed(server: Server, connected: threading.Event) -> list[str]:
    """The feed's lines until the server ends the stream (a transport error fails)."""
    lines = []
    with httpx.stream("GET", server.url + "/v1/changes", timeout=60) as feed:
        connected.set()
        for line in feed.iter_lines():
            lines.append(line)
    return lines


def metric(server: Server, name: str, **labels: str) -> float:
    """The sum of a metric's samples that carry `labels`, as the server reports it now."""
    return total(parse(httpx.get(server.url + "/metrics", timeout=30).text), name, **labels)


def until_in_progress(server: Server, method: str) -> bool:
    """Whether the server soon counts a request of `method` in progress (its metrics)."""

    def counted() -> bool:
        return metric(server, "odm_http_requests_in_progress", method=method) == 1

    return until(counted, 30) is not None


def until_stalled(server: Server) -> bool:
    """Whether the server's streamed bytes soon pass 1 MiB and stop growing: the export
    waits to send to its client that reads nothing."""
    sent = [-1.0]

    def stalled() -> bool:
        sent.append(metric(server, "odm_bytes_streamed_total"))
        return sent[-1] > 1 << 20 and sent[-1] == sent[-2]

    return until(stalled, 60, every=0.2) is not None


def wait_for_line(log: Path, text: str) -> None:
    """Until the server has logged a line holding `text` (a minute at most)."""
    for _ in range(600):
        if text in log.read_text():
            return
        time.sleep(0.1)
    raise AssertionError(f"the server never logged {text!r}")


def test_sigterm_drains_the_server(
    backend: str, database: tuple[str, DemoData], tmp_path: Path
) -> None:
    url, _ = database
    log = tmp_path / "server.log"
    writer = {"Authorization": f"Bearer {make_key_sync(url, 'writer', Role.WRITER)}"}
    started, signalled, connected = threading.Event(), threading.Event(), threading.Event()
    with (
        ThreadPoolExecutor(2) as pool,
        running_server(url, log=log, ODM_SHUTDOWN_GRACE="2") as server,
    ):
        feed: Future[list[str]] = pool.submit(follow_feed, server, connected)
        headers = writer | {"content-type": "application/x-ndjson"}
        body = slow_body(started, signalled)
        write = pool.submit(
            httpx.post,
            server.url + "/v1/production/daily",
            content=body,
            headers=headers,
            timeout=60,
        )
        with open_export(server) as export:
            assert started.wait(30) and connected.wait(30)
            # The write's first lines may still sit in the kernel's buffers, its connection
            # not yet taken in by the server: the signal would close it unanswered, as it
            # closes every idle connection. Signal once the server says it is handling it.
            assert until_in_progress(server, "POST")
            # and once the export waits to send, which the grace's end then cuts.
            assert until_stalled(server)
            server.process.send_signal(signal.SIGTERM)
            signalled.set()
            written = write.result(timeout=60)
            events = feed.result(timeout=60)
            wait_for_line(log, "shutdown grace over")  # the export has not been read meanwhile
            received = read_to_end(export)
        exit_code = server.process.wait(timeout=60)
    assert "event: reconnect" in events
    assert written.status_code == 200 and written.json()["inserted"] == WRITE_DAYS
    stored = query(
        url,
        "SELECT COUNT(*) FROM odm_daily_production "
        f"WHERE production_date >= '{WRITE_FROM.isoformat()}'",
    )
    assert stored[0][0] == WRITE_DAYS
    assert received.startswith(b"HTTP/1.1 200") and len(received) > 1 << 20
    assert not received.endswith(FINAL_CHUNK)  # cut: no client can take it for complete
    # uvicorn re-raises the SIGTERM once it has shut down cleanly: the lifespan's end was
    # reached (the database closed) before the process ended.
    assert exit_code in (0, -signal.SIGTERM) and "shutdown complete" in log.read_text()


def test_readiness_fails_once_draining(demo_database: tuple[str, DemoData]) -> None:
    url, _ = demo_database
    with TestClient(create_app(app_settings(url))) as client:
        assert client.get("/health/ready").status_code == 200
        assert client.get("/health/live").json() == {"status": "alive"}
        client.app.state.lifecycle.draining = True  # type: ignore[attr-defined]
        ready = client.get("/health/ready")
        assert client.get("/health").status_code == 200  # the published contract is unchanged
    assert ready.status_code == 503 and ready.headers["retry-after"] == "1"


def test_liveness_needs_no_database() -> None:
    app = create_app(app_settings("postgresql://odm@127.0.0.1:1/odm", pool_timeout=0.5))
    with TestClient(app) as client:
        assert client.get("/health/live").status_code == 200
        assert client.get("/health/ready").status_code == 503
