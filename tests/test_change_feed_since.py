"""`since_seconds` on the change feed: a client without an id (the dashboard's "last hour")
starts with the changes committed in that window, not with all kept or none."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from odm.demo import SEED_WELL_ID


def _write(client: TestClient, day: str) -> None:
    row = [{"well_id": SEED_WELL_ID, "production_date": day, "oil": 1.0}]
    assert client.post("/v1/production/daily", json=row).status_code == 200


def _days(client: TestClient, **params: object) -> list[str]:
    answer = client.get("/v1/changes", params={"format": "json", **params})
    assert answer.status_code == 200, answer.text
    return [change["payload"]["production_date"] for change in answer.json()]


def test_since_seconds_starts_with_the_changes_of_that_window(fresh_client: TestClient) -> None:
    _write(fresh_client, "2035-01-01")
    time.sleep(5.5)  # the first write falls out of a five-second window...
    _write(fresh_client, "2035-01-02")
    # ...and the second is in it: with room for a slow write and read on a loaded machine.
    assert _days(fresh_client, since_seconds=5) == ["2035-01-02"]
    assert _days(fresh_client, since_seconds=3600) == ["2035-01-01", "2035-01-02"]
    assert _days(fresh_client) == []  # without it: from now on, as before
    assert _days(fresh_client, since_seconds=3600, after=1) == ["2035-01-02"]  # an id wins


def test_since_seconds_is_checked(fresh_client: TestClient) -> None:
    for bad in ("0", "-5", "x", str(400 * 86400)):
        answer = fresh_client.get("/v1/changes", params={"format": "json", "since_seconds": bad})
        assert answer.status_code == 422 and "since_seconds" in answer.text
