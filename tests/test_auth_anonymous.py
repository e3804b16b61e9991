"""Who may be anonymous: nobody, unless ODM_AUTH=anonymous-read, and then only requests from
this machine to a loopback address (the quick start), for reads. `/health` stays open."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from odm.app import create_app
from odm.auth.identity import Role
from odm.cli import app as cli
from odm.config import Settings
from odm.demo import SEED_DIVISION_ID, SEED_WELL_ID, DemoData
from tests.access import make_key_sync
from tests.server import running_server

SEED_QUERY = f"well_id={SEED_WELL_ID}&division_id={SEED_DIVISION_ID}"
# The seed design's curl examples, as the README gives them (the port is the test server's).
SEED_EXAMPLES = [f"/well-summary?{SEED_QUERY}", f"/well-summary-by-day?{SEED_QUERY}"]


def _client(url: str, mode: str, host: str = "127.0.0.1", peer: str = "127.0.0.1") -> TestClient:
    """A client whose requests look as if sent from `peer` to a server listening on `host`."""
    app = create_app(Settings(database_url=url, auth=mode, rate_limit=0))  # type: ignore[arg-type]
    return TestClient(app, base_url=f"http://{host}:8000", client=(peer, 50000))


@pytest.fixture(scope="module")
def quick_start(demo_database: tuple[str, DemoData]) -> Iterator[TestClient]:
    with _client(demo_database[0], "anonymous-read") as client:
        yield client


def test_auth_is_required_unless_said_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ODM_AUTH", raising=False)
    assert Settings(_env_file=None).auth == "required"  # type: ignore[call-arg]


def test_the_quick_start_reads_anonymously_from_this_machine(quick_start: TestClient) -> None:
    for path in [*SEED_EXAMPLES, "/division-list", "/v1/production/daily?limit=2"]:
        assert quick_start.get(path).status_code == 200, path
    for host in ("localhost:8000", "[::1]:8000", "127.0.0.1"):
        assert quick_start.get("/division-list", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "odm.example.com"},  # a name pointed here, as by DNS rebinding
        {"Host": "10.1.2.3:8000"},
        {"X-Forwarded-For": "203.0.113.9"},  # relayed by a proxy on this machine
        {"Forwarded": "for=203.0.113.9"},
        {"X-Real-IP": "203.0.113.9"},
    ],
)
def test_relayed_or_renamed_requests_are_not_the_quick_start(
    quick_start: TestClient, headers: dict[str, str]
) -> None:
    response = quick_start.get("/division-list", headers=headers)
    assert response.status_code == 401 and response.json()["detail"]


@pytest.mark.parametrize(("host", "peer"), [("0.0.0.0", "203.0.113.9"), ("192.0.2.1", "127.0.0.1")])
def test_other_machines_need_a_key_even_in_anonymous_read(
    demo_database: tuple[str, DemoData], host: str, peer: str
) -> None:
    with _client(demo_database[0], "anonymous-read", host, peer) as client:
        response = client.get("/well-summary?" + SEED_QUERY)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="odm"'


@pytest.mark.parametrize(
    ("method", "path"),
    [("DELETE", "/v1/keys/anyone"), ("GET", "/v1/audit"), ("GET", "/v1/keys")],
)
def test_anonymous_callers_never_write_or_administer(
    quick_start: TestClient, method: str, path: str
) -> None:
    response = quick_start.request(method, path)
    assert response.status_code == 401 and "API key or token" in response.json()["detail"]


def test_keys_keep_their_scope_in_anonymous_read(
    quick_start: TestClient, demo_database: tuple[str, DemoData]
) -> None:
    key = make_key_sync(demo_database[0], "anon-mode-reader", Role.READER, frozenset({63}))
    divisions = quick_start.get("/v1/divisions", headers={"X-API-Key": key}).json()
    assert [d["division_id"] for d in divisions] == [63]


def test_required_mode_answers_401_from_this_machine_too(
    demo_database: tuple[str, DemoData],
) -> None:
    with _client(demo_database[0], "required") as client:
        response = client.get("/division-list")
        health = client.get("/health")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "authentication required: send Authorization: Bearer <API key or token>"
    }
    assert health.status_code == 200
    assert set(health.json()) == {"status", "version", "database", "schema_version"}


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.5", "odm.example.com"])
def test_serve_refuses_anonymous_read_beyond_loopback(
    monkeypatch: pytest.MonkeyPatch, host: str
) -> None:
    monkeypatch.setenv("ODM_AUTH", "anonymous-read")
    result = CliRunner().invoke(cli, ["serve", "--host", host])
    assert result.exit_code == 2 and "this machine only" in result.output


def _curl(url: str, *headers: str) -> tuple[int, Any]:
    """What `curl` gets, as the seed's examples run it: status and JSON body."""
    args = ["curl", "-sS", "-w", "\n%{http_code}", *[f"-H{h}" for h in headers], url]
    out = subprocess.run(args, capture_output=True, text=True, timeout=30, check=True).stdout
    body, _, status = out.rpartition("\n")
    return int(status), json.loads(body)


@pytest.mark.slow
def test_seed_curl_examples_on_the_quick_start_and_with_auth_required(
    demo_database: tuple[str, DemoData], backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("the quick start is embedded SQLite")
    url, data = demo_database
    key = make_key_sync(url, "curl-example", Role.READER, frozenset({SEED_DIVISION_ID}))
    with running_server(url) as server:  # ODM_AUTH=anonymous-read, as scripts/run sets it
        port = server.url.rsplit(":", 1)[1]
        anonymous = [_curl(f"http://localhost:{port}{path}") for path in SEED_EXAMPLES]
    assert [status for status, _ in anonymous] == [200, 200]
    seed_well = next(w for w in data.wells if w.well_id == SEED_WELL_ID)
    assert anonymous[0][1][0]["well_name"] == seed_well.name
    with running_server(url, ODM_AUTH="required") as server:
        port = server.url.rsplit(":", 1)[1]
        for path, (_, body) in zip(SEED_EXAMPLES, anonymous, strict=True):
            refused = _curl(f"http://localhost:{port}{path}")
            assert refused == (401, {"detail": refused[1]["detail"]})
            assert _curl(f"http://localhost:{port}{path}", f"Authorization: Bearer {key}") == (
                200,
                body,
            )
