"""Every write route takes the caller's role and division scope: a reader is refused (403),
and a writer's rows for another division's well are answered as for an unknown well."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from odm.auth.identity import Role
from odm.demo import SEED_DIVISION_ID, SEED_WELL_ID, DemoData
from tests.access import make_key_sync

DAY = {"production_date": "2031-01-01", "oil": 1.0}
WRITES: list[tuple[str, str, Any]] = [
    ("POST", "/v1/production/daily", [{"well_id": SEED_WELL_ID, **DAY}]),
    ("POST", "/v1/production/monthly", []),
    ("POST", "/v1/budgets", []),
    ("POST", "/v1/prices/daily", []),
    ("POST", "/v1/prices/monthly", []),
    ("DELETE", f"/v1/production/daily?well_id={SEED_WELL_ID}", None),
    ("POST", "/v1/wells", {"well_name": "R-1", "division_id": SEED_DIVISION_ID}),
    ("PATCH", f"/v1/wells/{SEED_WELL_ID}", {"status": "shut_in"}),
    ("DELETE", f"/v1/wells/{SEED_WELL_ID}", None),
    ("POST", "/v1/divisions", {"division_name": "X"}),
    ("PATCH", f"/v1/divisions/{SEED_DIVISION_ID}", {"division_name": "X"}),
    ("DELETE", f"/v1/divisions/{SEED_DIVISION_ID}", None),
]


def _bearer(url: str, name: str, role: Role) -> dict[str, str]:
    divisions = frozenset({SEED_DIVISION_ID})
    return {"Authorization": f"Bearer {make_key_sync(url, name, role, divisions)}"}


def test_a_reader_writes_nothing_anywhere(
    fresh_client: TestClient, fresh_database: tuple[str, DemoData]
) -> None:
    reader = _bearer(fresh_database[0], "reader-63", Role.READER)
    for method, path, body in WRITES:
        answer = fresh_client.request(method, path, json=body, headers=reader)
        assert answer.status_code == 403, (method, path, answer.text)


@pytest.mark.parametrize("row", [{"well_id": 77}, {"well_id": "other"}])
def test_another_divisions_well_is_written_as_an_unknown_one(
    fresh_client: TestClient, fresh_database: tuple[str, DemoData], row: dict[str, Any]
) -> None:
    url, data = fresh_database
    other = next(w.well_id for w in data.wells if w.division_id != SEED_DIVISION_ID)
    well = other if row["well_id"] == "other" else row["well_id"]
    writer = _bearer(url, f"writer-{row['well_id']}", Role.WRITER)
    answer = fresh_client.post(
        "/v1/production/daily", json=[{"well_id": well, **DAY}], headers=writer
    )
    assert answer.status_code == 409
    assert answer.json()["rejections"] == [{"position": 1, "reason": f"unknown well_id {well}"}]
    deleted = fresh_client.delete("/v1/production/daily", params={"well_id": well}, headers=writer)
    assert (deleted.status_code, deleted.json()) == (404, {"detail": f"well {well} not found"})
