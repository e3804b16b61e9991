"""Limits: per-caller request rate and exports at once (429 with Retry-After); the body
(413), query string (414) and headers (431) of every request, each with a setting."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from fastapi import Request
from fastapi.testclient import TestClient

from odm.api.limits import ExportSlots, RateLimiter, TooManyRequests
from odm.app import create_app
from odm.auth.identity import Role
from odm.config import Settings
from odm.demo import DemoData, DemoSpec
from tests.access import make_key_sync
from tests.backends import load_demo_sync, sqlite_url
from tests.polling import until
from tests.server import running_server


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_rate_limit_is_a_token_bucket_per_caller() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=60, burst=3, clock=clock)
    for _ in range(3):
        limiter.take("key:a")
    with pytest.raises(TooManyRequests) as refused:
        limiter.take("key:a")
    assert refused.value.retry_after == 1
    limiter.take("key:b")  # another caller has its own bucket
    clock.now += 1.0  # one request a second comes back
    limiter.take("key:a")
    with pytest.raises(TooManyRequests):
        limiter.take("key:a")
    RateLimiter(per_minute=0, burst=1, clock=clock).take("x")  # 0: no limit


def test_export_slots_are_given_back_once() -> None:
    slots = ExportSlots(limit=1, retry_after=7)
    release = slots.take("key:a")
    with pytest.raises(TooManyRequests) as refused:
        slots.take("key:a")
    assert refused.value.retry_after == 7
    slots.take("key:b")()
    release()
    release()
    slots.take("key:a")
    assert slots.open == {"key:a": 1}


def _app(url: str, **settings: object) -> TestClient:
    app = create_app(Settings(database_url=url, **settings))  # type: ignore[arg-type]

    @app.post("/test/echo")
    async def echo(request: Request) -> dict[str, int]:
        """Reads a whole body, as write routes will."""
        return {"bytes": len(await request.body())}

    return TestClient(app)


@pytest.fixture(scope="module")
def keys(demo_database: tuple[str, DemoData]) -> dict[str, dict[str, str]]:
    return {
        name: {"X-API-Key": make_key_sync(demo_database[0], f"limits-{name}", Role.READER, None)}
        for name in ("a", "b")
    }


def test_a_caller_over_its_rate_is_429(
    demo_database: tuple[str, DemoData], keys: dict[str, dict[str, str]]
) -> None:
    with _app(demo_database[0], rate_limit=60, rate_burst=3) as client:
        # The bucket refills one request a second: a still clock keeps a slow run's
        # requests within the same instant.
        client.app.state.access.rate.clock = Clock()  # type: ignore[attr-defined]
        statuses = [client.get("/division-list", headers=keys["a"]).status_code for _ in range(4)]
        refused = client.get("/division-list", headers=keys["a"])
        other = client.get("/division-list", headers=keys["b"])
    assert statuses == [200, 200, 200, 429]
    assert refused.headers["retry-after"] == "1" and "rate limit" in refused.json()["detail"]
    assert other.status_code == 200


@pytest.fixture(scope="module")
def small(demo_database: tuple[str, DemoData]) -> Iterator[TestClient]:
    limits = {"max_body_bytes": 1000, "max_query_bytes": 300, "max_header_bytes": 2000}
    with _app(demo_database[0], **limits) as client:
        yield client


def test_oversized_requests_are_refused_before_any_route(
    small: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    query = small.get("/v1/wells", params={"q": "x" * 400}, headers=keys["a"])
    headers = small.get("/v1/wells", headers=keys["a"] | {"X-Padding": "x" * 2000})
    body = small.post("/v1/wells", content=b"x" * 1001, headers=keys["a"])
    assert [r.status_code for r in (query, headers, body)] == [414, 431, 413]
    assert all(r.json()["detail"] for r in (query, headers, body))
    assert "1000 bytes" in body.json()["detail"]


def _chunks(size: int) -> Iterator[bytes]:
    for _ in range(size // 100):
        yield b"y" * 100


def test_a_body_without_length_is_cut_at_the_limit(small: TestClient) -> None:
    assert small.post("/test/echo", content=_chunks(900)).json() == {"bytes": 900}
    refused = small.post("/test/echo", content=_chunks(5000))
    assert refused.status_code == 413 and refused.json()["detail"]


@pytest.mark.slow
def test_exports_at_once_per_key(tmp_path: Path) -> None:
    # An export larger than every buffer between the server and a client that reads nothing.
    url = sqlite_url(tmp_path)
    load_demo_sync(url, DemoSpec(wells=60, years=4, seed=3))
    keys = {name: {"X-API-Key": make_key_sync(url, name, Role.READER, None)} for name in ("a", "b")}
    settings = {"ODM_AUTH": "required", "ODM_MAX_EXPORTS": "1", "ODM_SEND_TIMEOUT": "60"}
    with running_server(url, **settings) as server:
        port = int(server.url.rsplit(":", 1)[1])
        export = server.url + "/v1/production/daily"
        with socket.create_connection(("127.0.0.1", port)) as stalled:
            # An export whose client reads nothing: it holds key a's only export slot.
            stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            request = "GET /v1/production/daily HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: "
            stalled.sendall(f"{request}{keys['a']['X-API-Key']}\r\n\r\n".encode())
            assert (
                until(
                    lambda: httpx.get(export, headers=keys["a"], timeout=10).status_code == 429, 15
                )
                is not None
            )
            refused = httpx.get(export, headers=keys["a"], timeout=10)
            assert refused.headers["retry-after"] and "exports" in refused.json()["detail"]
            paged = httpx.get(export, params={"limit": 10}, headers=keys["a"], timeout=10)
            assert paged.status_code == 200
            assert httpx.get(export, headers=keys["b"], timeout=30).status_code == 200
        # The client left: its slot is given back.
        assert (
            until(lambda: httpx.get(export, headers=keys["a"], timeout=30).status_code == 200, 15)
            is not None
        )
