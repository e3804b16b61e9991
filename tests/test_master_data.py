"""Master data over HTTP: divisions (admins) and wells (writers of the division) created,
changed and retired, identifiers unique, scope kept, every change audited."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from odm.auth.identity import Role
from odm.demo import SEED_DIVISION_ID, SEED_WELL_ID, DemoData
from tests.access import make_key_sync


def bearer(url: str, name: str, role: Role, divisions: frozenset[int] | None = None) -> dict:
    return {"Authorization": f"Bearer {make_key_sync(url, name, role, divisions)}"}


def test_a_new_division_and_well_take_rows_by_any_identifier(
    fresh_client: TestClient,
) -> None:
    division = fresh_client.post("/v1/divisions", json={"division_name": "North Sea"})
    assert division.status_code == 201, division.text
    division_id = division.json()["division_id"]
    assert division.headers["location"] == f"/v1/divisions/{division_id}"
    well = fresh_client.post(
        "/v1/wells",
        json={"well_name": "Volve F-1 C", "division_id": division_id, "source_key": "15/9-F-1 C"},
    )
    assert well.status_code == 201, well.text
    created = well.json()
    assert (created["source_key"], created["status"], created["days_on_record"]) == (
        "15/9-F-1 C",
        "producing",
        0,
    )
    rows = [{"source_key": "15/9-F-1 C", "production_date": "2031-01-01", "oil": 5.0}]
    assert fresh_client.post("/v1/production/daily", json=rows).json()["inserted"] == 1
    assert fresh_client.get(f"/v1/wells/{created['well_id']}").json()["cumulative_oil"] == 5.0


def test_identifiers_are_unique_where_set(fresh_client: TestClient) -> None:
    seed = fresh_client.get(f"/v1/wells/{SEED_WELL_ID}").json()
    same_name = {"well_name": seed["well_name"], "division_id": SEED_DIVISION_ID}
    refused = fresh_client.post("/v1/wells", json=same_name)
    assert refused.status_code == 409 and "well_name" in refused.json()["detail"]
    first = {"well_name": "A-1", "division_id": SEED_DIVISION_ID, "uwi": "100/01-01"}
    assert fresh_client.post("/v1/wells", json=first).status_code == 201
    second = {"well_name": "A-2", "division_id": SEED_DIVISION_ID, "uwi": "100/01-01"}
    assert fresh_client.post("/v1/wells", json=second).status_code == 409
    unset = {"well_name": "A-3", "division_id": SEED_DIVISION_ID}
    assert fresh_client.post("/v1/wells", json=unset).status_code == 201  # NULLs never clash


def test_changing_and_retiring_a_well(fresh_client: TestClient) -> None:
    changed = fresh_client.patch(f"/v1/wells/{SEED_WELL_ID}", json={"status": "shut_in"})
    assert changed.status_code == 200 and changed.json()["status"] == "shut_in"
    cleared = fresh_client.patch(f"/v1/wells/{SEED_WELL_ID}", json={"well_name": None})
    assert cleared.status_code == 409
    retired = fresh_client.delete(f"/v1/wells/{SEED_WELL_ID}").json()
    assert retired["status"] == "abandoned" and retired["retired_on"] is not None
    assert retired["cumulative_oil"] > 0  # the history stays
    assert fresh_client.patch("/v1/wells/77", json={"status": "shut_in"}).status_code == 404


def test_a_division_with_active_wells_is_not_retired(fresh_client: TestClient) -> None:
    refused = fresh_client.delete(f"/v1/divisions/{SEED_DIVISION_ID}")
    assert refused.status_code == 409 and "active wells" in refused.json()["detail"]
    empty = fresh_client.post("/v1/divisions", json={"division_id": 700}).json()
    assert empty["division_name"] is None
    renamed = fresh_client.patch("/v1/divisions/700", json={"division_name": "Spare"}).json()
    assert renamed["division_name"] == "Spare"
    assert fresh_client.delete("/v1/divisions/700").json()["retired_on"] is not None
    assert fresh_client.post("/v1/divisions", json={"division_id": 700}).status_code == 409


def test_roles_and_scope_of_master_data(
    fresh_client: TestClient, fresh_database: tuple[str, DemoData]
) -> None:
    url, data = fresh_database
    other = next(w for w in data.wells if w.division_id != SEED_DIVISION_ID)
    writer = bearer(url, "writer-63", Role.WRITER, frozenset({SEED_DIVISION_ID}))
    reader = bearer(url, "reader-63", Role.READER, frozenset({SEED_DIVISION_ID}))
    new = {"well_name": "W-63", "division_id": SEED_DIVISION_ID}
    assert fresh_client.post("/v1/wells", json=new, headers=reader).status_code == 403
    assert fresh_client.post("/v1/wells", json=new, headers=writer).status_code == 201
    elsewhere = {"well_name": "W-x", "division_id": other.division_id}
    # Another division's well or division answers exactly as an unknown one.
    assert fresh_client.post("/v1/wells", json=elsewhere, headers=writer).status_code == 404
    unknown = fresh_client.patch("/v1/wells/77", json={"status": "shut_in"}, headers=writer)
    hidden = fresh_client.patch(
        f"/v1/wells/{other.well_id}", json={"status": "shut_in"}, headers=writer
    )
    assert (hidden.status_code, hidden.json()["detail"]) == (
        404,
        unknown.json()["detail"].replace("77", str(other.well_id)),
    )
    assert fresh_client.post("/v1/divisions", json={}, headers=writer).status_code == 403
    audit = fresh_client.get("/v1/audit").json()
    assert {e["route"] for e in audit} >= {"/v1/wells"}


@pytest.mark.parametrize(
    "body",
    [
        {"well_name": ""},
        {"well_name": "x", "division_id": 63, "colour": "red"},
        {"division_id": 63},
    ],
)
def test_malformed_wells_are_422(fresh_client: TestClient, body: dict) -> None:
    assert fresh_client.post("/v1/wells", json=body).status_code == 422
