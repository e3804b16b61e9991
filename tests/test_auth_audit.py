"""The audit log: every authenticated write and key change (who, when, which route, how many
rows), readable by admins only; key changes over HTTP take effect at once."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from odm.auth.identity import Role
from odm.cli import app as cli
from odm.config import Settings
from odm.db import open_database
from odm.demo import DemoData
from tests.access import make_key_sync
from tests.test_auth_matrix import _with_a_write_route
from tests.test_v1_lists import parse


@pytest.fixture
def keys(fresh_database: tuple[str, DemoData]) -> dict[str, str]:
    url, _ = fresh_database
    made = {name: make_key_sync(url, name, role) for name, role in [("ops", Role.ADMIN)]}
    made["etl"] = make_key_sync(url, "etl", Role.WRITER, frozenset({63}))
    made["victim"] = make_key_sync(url, "victim", Role.READER, frozenset({63}))
    return made


@pytest.fixture
def api(fresh_database: tuple[str, DemoData]) -> Iterator[TestClient]:
    settings = Settings(database_url=fresh_database[0], rate_limit=0)
    with TestClient(_with_a_write_route(settings)) as client:
        yield client


def _as(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_revoking_over_http_is_immediate_and_audited(api: TestClient, keys: dict[str, str]) -> None:
    assert api.get("/v1/divisions", headers=_as(keys["victim"])).status_code == 200
    revoked = api.delete("/v1/keys/victim", headers=_as(keys["ops"]))
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked" and revoked.json()["revoked_at"]
    refused = api.get("/v1/divisions", headers=_as(keys["victim"]))
    assert refused.status_code == 401 and refused.json() == {"detail": "API key revoked"}
    assert api.delete("/v1/keys/victim", headers=_as(keys["ops"])).status_code == 404
    (event,) = api.get("/v1/audit", headers=_as(keys["ops"])).json()
    ops_id = keys["ops"].split("_")[1]
    assert {k: v for k, v in event.items() if k not in {"audit_id", "recorded_at"}} == {
        "actor": "ops",
        "subject": f"key:{ops_id}",
        "caller_role": "admin",
        "method": "DELETE",
        "route": "/v1/keys/{name}",
        "target": "key victim",
        "row_count": 1,
    }
    when = dt.datetime.fromisoformat(event["recorded_at"].replace("Z", "+00:00"))
    assert abs(dt.datetime.now(dt.UTC) - when) < dt.timedelta(minutes=5)


def test_writes_are_audited_with_their_rows(api: TestClient, keys: dict[str, str]) -> None:
    assert api.post("/test/writes", headers=_as(keys["etl"])).status_code == 200
    assert api.post("/test/writes", headers=_as(keys["victim"])).status_code == 403
    assert api.post("/test/writes").status_code == 401
    events = api.get("/v1/audit", headers=_as(keys["ops"])).json()
    assert [(e["actor"], e["method"], e["route"], e["row_count"]) for e in events] == [
        ("etl", "POST", "/test/writes", 3)
    ]


def test_the_audit_log_is_a_list_like_the_others(
    api: TestClient, keys: dict[str, str], fresh_database: tuple[str, DemoData]
) -> None:
    for _ in range(3):
        api.post("/test/writes", headers=_as(keys["etl"]))
    runner = CliRunner()
    made = runner.invoke(
        cli, ["keys", "create", "-d", fresh_database[0], "--name", "ci", "--role", "admin"]
    )
    assert made.exit_code == 0, made.output
    admin = _as(keys["ops"])
    events = api.get("/v1/audit", headers=admin).json()
    assert [e["route"] for e in events] == ["odm keys create"] + ["/test/writes"] * 3
    assert events[0]["subject"].startswith("cli:") and events[0]["method"] == "CLI"
    ids = [e["audit_id"] for e in events]
    assert ids == sorted(ids, reverse=True)
    page = api.get("/v1/audit", params={"limit": 2}, headers=admin | {"Prefer": "count=exact"})
    assert page.headers["x-total-count"] == "4" and len(page.json()) == 2
    csv_rows = parse(api.get("/v1/audit", params={"format": "csv"}, headers=admin).text, "csv")
    assert [r["route"] for r in csv_rows] == [e["route"] for e in events]
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    assert api.get("/v1/audit", params={"since": str(tomorrow)}, headers=admin).json() == []
    assert api.get("/v1/audit", params={"since": "0"}, headers=admin).status_code == 422


@pytest.mark.parametrize("who", ["etl", "victim"])
def test_only_admins_read_the_audit_log_and_the_keys(
    api: TestClient, keys: dict[str, str], who: str
) -> None:
    for path in ("/v1/audit", "/v1/keys"):
        response = api.get(path, headers=_as(keys[who]))
        assert response.status_code == 403 and "admin" in response.json()["detail"]


def test_keys_are_listed_without_secrets(api: TestClient, keys: dict[str, str]) -> None:
    response = api.get("/v1/keys", headers=_as(keys["ops"]))
    listed = {k["name"]: k for k in response.json()}
    assert listed["etl"]["role"] == "writer" and listed["etl"]["divisions"] == "63"
    assert listed["ops"]["divisions"] == "*" and listed["ops"]["status"] == "valid"
    assert all(key not in response.text for key in keys.values())
    assert "hash" not in response.text


async def _expire(url: str, name: str) -> None:
    db = open_database(Settings(database_url=url), url)
    await db.open()
    try:
        yesterday = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
        sql = "UPDATE odm_api_key SET expires_on = :day WHERE key_name = :name"
        await db.execute(sql, {"day": yesterday, "name": name})
    finally:
        await db.close()


def test_expired_and_malformed_keys_are_401(
    api: TestClient, keys: dict[str, str], fresh_database: tuple[str, DemoData]
) -> None:
    asyncio.run(_expire(fresh_database[0], "victim"))
    expired = api.get("/v1/divisions", headers=_as(keys["victim"]))
    assert expired.status_code == 401 and "expired" in expired.json()["detail"]
    forged = keys["ops"][:-4] + ("AAAA" if not keys["ops"].endswith("AAAA") else "BBBB")
    cases: list[dict[str, Any]] = [
        _as(forged),  # the right key id with a wrong secret
        _as("odm_0000000000000000_" + "A" * 43),  # an unknown key id
        {"X-API-Key": "not-a-key"},
        {"X-API-Key": keys["etl"], "Authorization": f"Bearer {keys['ops']}"},  # which one?
    ]
    for headers in cases:
        response = api.get("/v1/divisions", headers=headers)
        assert response.status_code == 401 and response.json()["detail"], headers
        assert 'error="invalid_token"' in response.headers["www-authenticate"]
    # An empty header is no credential; the same key twice is one.
    for headers in (
        {"X-API-Key": "", "Authorization": f"Bearer {keys['ops']}"},
        {"X-API-Key": keys["ops"], "Authorization": f"Bearer {keys['ops']}"},
    ):
        assert api.get("/v1/divisions", headers=headers).status_code == 200
