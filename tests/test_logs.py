"""Log lines: JSON (or text) with the request id in every line of a request, the id echoed
to the client, and never a credential, through a real server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx2 as httpx

from odm.logs import redact
from tests.server import free_port, running_server

# Nothing listens there: every request that needs the database logs why it answered 503.
DOWN = "postgresql://odm:db-pass-7f3a@127.0.0.1:{port}/odm"
API_KEY = "odm_0123456789abcdef_" + "S3cr3t-part-of-the-key_0123456789abcdefghij"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzb21lb25lIn0.c2lnbmF0dXJlLXBhcnQ"


def lines(log: Path) -> list[dict[str, Any]]:
    """The JSON objects the server logged."""
    return [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]


def test_every_line_of_a_request_carries_its_id_and_no_secret(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    url = DOWN.format(port=free_port())
    with running_server(
        url, log=log, ODM_LOG_FORMAT="json", ODM_AUTH="required", ODM_POOL_TIMEOUT="1"
    ) as server:
        given = httpx.get(
            server.url + "/division-list?token=query-s3cret",
            headers={"X-Request-ID": "trace-42.a", "Authorization": f"Bearer {API_KEY}"},
        )
        made = httpx.get(
            server.url + "/v1/wells",
            headers={"X-Request-ID": "not allowed: spaces", "X-API-Key": API_KEY},
        )
        token = httpx.get(server.url + "/v1/divisions", headers={"Authorization": f"Bearer {JWT}"})
    assert given.status_code == 503 and given.headers["x-request-id"] == "trace-42.a"
    assert made.status_code == 503
    new_id = made.headers["x-request-id"]
    assert new_id != "not allowed: spaces" and len(new_id) == 32
    assert token.status_code == 401 and len(token.headers["x-request-id"]) == 32
    logged = lines(log)
    for request_id, path in (("trace-42.a", "/division-list"), (new_id, "/v1/wells")):
        mine = [line for line in logged if line["request_id"] == request_id]
        # The database's failure (logged inside the request) and the access line.
        assert {line["logger"] for line in mine} == {"odm.api", "odm.access"}
        assert any(line.get("path") == path and line["status"] == 503 for line in mine)
    text = log.read_text()
    for secret in (API_KEY, API_KEY[21:], JWT, "db-pass-7f3a", "query-s3cret"):
        assert secret not in text


def test_text_lines_carry_the_request_id(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    url = DOWN.format(port=free_port())
    with running_server(url, log=log, ODM_LOG_FORMAT="text", ODM_POOL_TIMEOUT="1") as server:
        httpx.get(server.url + "/division-list", headers={"X-Request-ID": "text-7"})
    access = [line for line in log.read_text().splitlines() if "odm.access" in line]
    assert any("[text-7] GET /division-list 503" in line for line in access)


def test_credentials_are_masked_wherever_they_appear() -> None:
    message = (
        f"failed: postgresql://odm:hunter2@db:5432/odm Authorization: Bearer {JWT} "
        f"key {API_KEY} password=pa55 oracle://u:pw%40x@h:1521/svc api_key: abc123"
    )
    masked = redact(message)
    for secret in ("hunter2", JWT, API_KEY[21:], "pa55", "pw%40x", "abc123"):
        assert secret not in masked
    assert "odm_0123456789abcdef_***" in masked  # the key's public id names it
    assert "postgresql://odm:***@db:5432/odm" in masked
