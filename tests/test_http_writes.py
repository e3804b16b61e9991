"""Writes over HTTP: counts that say what happened, all or nothing, fields left out kept,
retries that change nothing, totals that move with the rows, on every backend."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from odm.demo import SEED_DIVISION_ID, SEED_WELL_ID

DAILY = "/v1/production/daily"
NDJSON = {"content-type": "application/x-ndjson"}


def ndjson(records: list[dict[str, Any]]) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in records)


def days(client: TestClient, start: str = "2031-01-01") -> list[dict[str, Any]]:
    return list(client.get(DAILY, params={"well_id": SEED_WELL_ID, "start": start}).json())


def cumulative_oil(client: TestClient) -> float:
    return float(client.get(f"/v1/wells/{SEED_WELL_ID}").json()["cumulative_oil"])


def test_a_write_inserts_then_changes_nothing_when_repeated(fresh_client: TestClient) -> None:
    before = cumulative_oil(fresh_client)
    rows = [
        {"well_id": SEED_WELL_ID, "production_date": "2031-01-01", "oil": 100.5, "hours_on": 24},
        {"well_id": SEED_WELL_ID, "production_date": "2031-01-02", "oil": 50.25, "gas": 10},
    ]
    first = fresh_client.post(DAILY, json=rows)
    assert first.status_code == 200, first.text
    assert first.json() | {"warnings": {}} == {
        "written": True,
        "inserted": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "repeated": 0,
        "warnings": {},
        "rejections": [],
    }
    again = fresh_client.post(DAILY, content=ndjson(rows), headers=NDJSON).json()
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert [d["oil"] for d in days(fresh_client)] == [100.5, 50.25]
    assert cumulative_oil(fresh_client) == pytest.approx(before + 150.75, abs=1e-4)


def test_fields_left_out_keep_their_values_and_null_clears(fresh_client: TestClient) -> None:
    day = {"well_id": SEED_WELL_ID, "production_date": "2031-02-01"}
    fresh_client.post(DAILY, json=[day | {"oil": 10.0, "gas": 5.0, "water": 1.0}])
    changed = fresh_client.post(DAILY, json=[day | {"gas": 6.0, "water": None}]).json()
    assert (changed["updated"], changed["unchanged"]) == (1, 0)
    (stored,) = days(fresh_client, "2031-02-01")
    assert (stored["oil"], stored["gas"], stored["water"]) == (10.0, 6.0, None)


def test_one_bad_record_writes_nothing_and_is_named(fresh_client: TestClient) -> None:
    rows = [
        {"well_id": SEED_WELL_ID, "production_date": "2031-03-01", "oil": 1.0},
        {"well_id": SEED_WELL_ID, "production_date": "2031-03-02", "oil": "lots"},
        {"well_id": SEED_WELL_ID, "production_date": "2031-03-32", "oil": 1.0},
        {"well_id": SEED_WELL_ID, "production_date": "2031-03-04", "pressure": 1.0},
    ]
    response = fresh_client.post(DAILY, json=rows)
    assert response.status_code == 422
    body = response.json()
    assert body["written"] is False and body["rejected"] == 3
    reasons = {r["position"]: r["reason"] for r in body["rejections"]}
    assert set(reasons) == {2, 3, 4}
    assert "oil 'lots' is not a number" in reasons[2]
    assert "production_date" in reasons[3] and "unknown field 'pressure'" in reasons[4]
    assert days(fresh_client, "2031-03-01") == []


def test_unknown_wells_are_a_conflict_and_skip_writes_the_rest(fresh_client: TestClient) -> None:
    rows = [
        {"well_id": SEED_WELL_ID, "production_date": "2031-04-01", "oil": 1.0},
        {"well_id": 77, "production_date": "2031-04-01", "oil": 1.0},
        {"uwi": "no-such-uwi", "production_date": "2031-04-01", "oil": 1.0},
    ]
    refused = fresh_client.post(DAILY, json=rows)
    assert refused.status_code == 409 and refused.json()["rejected"] == 2
    skipped = fresh_client.post(DAILY, params={"on_error": "skip"}, json=rows).json()
    assert (skipped["written"], skipped["inserted"], skipped["rejected"]) == (True, 1, 2)
    assert [r["position"] for r in skipped["rejections"]] == [2, 3]
    assert len(days(fresh_client, "2031-04-01")) == 1
    # A malformed record is a client's bug: it fails the write even when skipping.
    broken = [rows[0] | {"production_date": "2031-04-02"}, rows[1] | {"oil": "x"}]
    refused = fresh_client.post(DAILY, params={"on_error": "skip"}, json=broken)
    assert refused.status_code == 422 and refused.json()["written"] is False
    assert len(days(fresh_client, "2031-04-01")) == 1


def test_any_identifier_names_the_well(fresh_client: TestClient) -> None:
    well = fresh_client.get(f"/v1/wells/{SEED_WELL_ID}").json()
    rows = [
        {"well_name": well["well_name"], "production_date": "2031-05-01", "oil": 1.0},
        {"api_number": well["api_number"], "production_date": "2031-05-02", "oil": 2.0},
        {
            "well_id": SEED_WELL_ID,
            "well_name": well["well_name"],
            "production_date": "2031-05-03",
            "oil": 3.0,
        },
    ]
    assert fresh_client.post(DAILY, json=rows).json()["inserted"] == 3
    other = fresh_client.get("/v1/wells", params={"limit": 1, "sort": "well_id"}).json()[0]
    clash = [
        {"well_id": SEED_WELL_ID, "well_name": other["well_name"], "production_date": "2031-05-04"}
    ]
    assert fresh_client.post(DAILY, json=clash).status_code == 409


def test_a_key_given_twice_keeps_its_last_record(fresh_client: TestClient) -> None:
    day = {"well_id": SEED_WELL_ID, "production_date": "2031-06-01"}
    result = fresh_client.post(DAILY, json=[day | {"oil": 1.0}, day | {"oil": 2.0}]).json()
    assert (result["inserted"], result["repeated"]) == (1, 1)
    assert [d["oil"] for d in days(fresh_client, "2031-06-01")] == [2.0]


def test_real_world_values_are_warnings_not_rejections(fresh_client: TestClient) -> None:
    rows = [
        {"well_id": SEED_WELL_ID, "production_date": "2031-10-26", "hours_on": 25, "oil": 5},
        {"well_id": SEED_WELL_ID, "production_date": "2031-10-27", "water": -0.4},
    ]
    result = fresh_client.post(DAILY, json=rows).json()
    assert result["inserted"] == 2
    assert result["warnings"] == {"hours_on above 24": 1, "water below 0": 1}
    too_long = [{"well_id": SEED_WELL_ID, "production_date": "2031-10-28", "hours_on": 26}]
    assert fresh_client.post(DAILY, json=too_long).status_code == 422


def test_idempotency_key_replays_the_first_answer(fresh_client: TestClient) -> None:
    rows = [{"well_id": SEED_WELL_ID, "production_date": "2031-07-01", "oil": 1.0}]
    headers = {"Idempotency-Key": "shift-2031-07-01"}
    first = fresh_client.post(DAILY, json=rows, headers=headers)
    fresh_client.post(DAILY, json=[rows[0] | {"oil": 9.0}])  # changed by someone since
    again = fresh_client.post(DAILY, json=rows, headers=headers)
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert [d["oil"] for d in days(fresh_client, "2031-07-01")] == [9.0]
    other = fresh_client.post(DAILY, json=[rows[0] | {"oil": 2.0}], headers=headers)
    assert other.status_code == 409 and "another request" in other.json()["detail"]


def test_deleting_days_moves_the_totals(fresh_client: TestClient) -> None:
    before = cumulative_oil(fresh_client)
    rows = [
        {"well_id": SEED_WELL_ID, "production_date": f"2031-08-0{d}", "oil": 10.0}
        for d in range(1, 4)
    ]
    fresh_client.post(DAILY, json=rows)
    params = {"well_id": SEED_WELL_ID, "start": "2031-08-02"}
    assert fresh_client.delete(DAILY, params=params).json() == {"deleted": 2}
    assert cumulative_oil(fresh_client) == pytest.approx(before + 10.0, abs=1e-4)
    assert fresh_client.delete(DAILY, params={"well_id": 77}).status_code == 404


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b"", {"content-type": "application/json"}, 422),
        (b"[{]", {"content-type": "application/json"}, 422),
        (b'{"well_id": 1}', {"content-type": "application/json"}, 422),
        (b"[]", {"content-type": "text/csv"}, 415),
    ],
)
def test_bodies_that_are_not_records_are_refused(
    fresh_client: TestClient, body: bytes, headers: dict[str, str], status: int
) -> None:
    response = fresh_client.post(DAILY, content=body, headers=headers)
    assert response.status_code == status, response.text
    assert "detail" in response.json() or response.json()["written"] is False


def test_monthly_rows_budgets_and_prices_are_written(fresh_client: TestClient) -> None:
    monthly = [
        {
            "entity_type": "field",
            "entity_key": "TROLL",
            "month": "2031-01",
            "division_id": SEED_DIVISION_ID,
            "oil": 1000.0,
            "days_on": 31.04,
        }
    ]
    result = fresh_client.post("/v1/production/monthly", json=monthly).json()
    assert (result["inserted"], result["warnings"]) == (1, {"days_on above 31": 1})
    stored = fresh_client.get("/v1/production/monthly", params={"entity_key": "TROLL"}).json()
    assert stored[0]["source"] == "api:tests" and stored[0]["month"] == "2031-01-01"
    no_division = [{k: v for k, v in monthly[0].items() if k != "division_id"}]
    assert fresh_client.post("/v1/production/monthly", json=no_division).status_code == 422
    budget = [{"well_id": SEED_WELL_ID, "month": "2031-01-01", "budget": 500.0}]
    assert fresh_client.post("/v1/budgets", json=budget).json()["inserted"] == 1
    price = [{"price_date": "2031-01-01", "price": 71.5}]
    assert fresh_client.post("/v1/prices/daily", json=price).json()["inserted"] == 1
    oil = [{"product": "oil", "month": "2031-01", "price": 70.0}]
    assert fresh_client.post("/v1/prices/monthly", json=oil).json()["inserted"] == 1
