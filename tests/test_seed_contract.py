"""The published design's four endpoints, field by field, on every backend."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from odm.demo import SEED_DIVISION_ID, SEED_WELL_ID, UNNAMED_DIVISION_ID, DemoData

SEED = {"well_id": SEED_WELL_ID, "division_id": SEED_DIVISION_ID}
DIVISION_SUMMARY_FIELDS = [
    "Division_Id",
    "Division_Name",
    "Well_Count",
    "Total_Oil_Produced",
    "Total_Budget",
    "Total_Actual",
    "Total_Oil_Sales",
]
WELL_SUMMARY_FIELDS = [
    "well_id",
    "well_name",
    "division_id",
    "division_name",
    "total_oil_produced",
    "total_budget",
    "total_actual",
    "total_oil_sales",
]
WELL_DAY_FIELDS = [
    "well_id",
    "well_name",
    "division_id",
    "division_name",
    "date_value",
    "oil_produced",
    "oil_price",
    "oil_sales",
]


def test_division_list_has_named_divisions_in_id_order(client: TestClient) -> None:
    response = client.get("/division-list")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert [list(item) for item in body] == [["Division_Id", "Division_Name"]] * len(body)
    ids = [item["Division_Id"] for item in body]
    assert ids == sorted(ids) and SEED_DIVISION_ID in ids
    assert UNNAMED_DIVISION_ID not in ids
    assert all(isinstance(item["Division_Name"], str) for item in body)


def test_division_summary_fields_and_totals(
    client: TestClient, demo_database: tuple[str, DemoData]
) -> None:
    _, data = demo_database
    body = client.get("/division-summary").json()
    assert [list(item) for item in body] == [DIVISION_SUMMARY_FIELDS] * len(body)
    assert [d["Division_Id"] for d in body] == sorted(d["Division_Id"] for d in body)
    by_id = {d["Division_Id"]: d for d in body}
    for division_id in {w.division_id for w in data.wells}:
        wells = {w.well_id for w in data.wells if w.division_id == division_id}
        expected_oil = sum(r[3] or 0 for r in data.daily_rows() if r[0] in wells)
        expected_sales = sum(r[8] or 0 for r in data.daily_rows() if r[0] in wells)
        expected_budget = sum(r[2] for r in data.budget_rows() if r[0] in wells)
        summary = by_id[division_id]
        assert summary["Well_Count"] == len(wells)
        assert summary["Total_Oil_Produced"] == pytest.approx(expected_oil, abs=0.01)
        assert summary["Total_Oil_Sales"] == pytest.approx(expected_sales, abs=0.05)
        assert summary["Total_Budget"] == pytest.approx(expected_budget, abs=0.05)
        assert summary["Total_Actual"] > 0
    assert by_id[UNNAMED_DIVISION_ID]["Well_Count"] == 0
    assert by_id[UNNAMED_DIVISION_ID]["Total_Oil_Produced"] == 0.0


def test_well_summary_matches_its_days(client: TestClient) -> None:
    summary = client.get("/well-summary", params=SEED)
    days = client.get("/well-summary-by-day", params=SEED).json()
    assert summary.status_code == 200
    (well,) = summary.json()
    assert list(well) == WELL_SUMMARY_FIELDS
    assert well["well_id"] == SEED_WELL_ID and well["division_id"] == SEED_DIVISION_ID
    assert well["total_oil_produced"] == pytest.approx(
        sum(d["oil_produced"] for d in days), abs=0.01
    )
    assert well["total_oil_sales"] == pytest.approx(sum(d["oil_sales"] for d in days), abs=0.05)
    assert well["total_budget"] > 0 and well["total_actual"] > 0


def test_well_summary_by_day_one_element_per_day_in_order(
    client: TestClient, demo_database: tuple[str, DemoData]
) -> None:
    _, data = demo_database
    days = client.get("/well-summary-by-day", params=SEED).json()
    seed_well = next(w for w in data.wells if w.well_id == SEED_WELL_ID)
    assert len(days) == seed_well.row_count()
    assert all(list(day) == WELL_DAY_FIELDS for day in days)
    dates = [day["date_value"] for day in days]
    assert dates == sorted(set(dates))
    assert all(dt.date.fromisoformat(d).isoformat() == d for d in dates)
    assert all(isinstance(day["oil_price"], float) for day in days)
    shut_in = [day for day in days if day["oil_produced"] == 0]
    assert shut_in, "the demo well has downtime days"
    assert all(day["oil_sales"] == 0 for day in shut_in)


@pytest.mark.parametrize(
    ("path", "params", "detail"),
    [
        ("/well-summary", {"well_id": 4242, "division_id": 63}, "well 4242 not found"),
        ("/well-summary", {"well_id": SEED_WELL_ID, "division_id": 5}, "division 5 not found"),
        (
            "/well-summary",
            {"well_id": SEED_WELL_ID, "division_id": 10},
            f"well {SEED_WELL_ID} is not in division 10",
        ),
        ("/well-summary-by-day", {"well_id": 4242, "division_id": 63}, "well 4242 not found"),
        (
            "/well-summary-by-day",
            {"well_id": SEED_WELL_ID, "division_id": 99},
            f"well {SEED_WELL_ID} is not in division 99",
        ),
    ],
)
def test_unknown_or_mismatched_ids_are_404(
    client: TestClient, path: str, params: dict[str, int], detail: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 404
    assert response.json() == {"detail": detail}


BAD_IDS = [
    "abc",
    "1.5",
    "",
    "1;DROP TABLE odm_well",
    "1' OR '1'='1",
    "9223372036854775808",
    "99999999999999999999999",
    "-1",
    "0",
    "0x10",
    "１２",
]


@pytest.mark.parametrize("path", ["/well-summary", "/well-summary-by-day"])
@pytest.mark.parametrize("bad", BAD_IDS)
def test_malformed_ids_are_422(client: TestClient, path: str, bad: str) -> None:
    for params in (
        {"well_id": bad, "division_id": 63},
        {"well_id": SEED_WELL_ID, "division_id": bad},
    ):
        response = client.get(path, params=params)
        assert response.status_code == 422, (params, response.text)
        assert response.json()["detail"][0]["loc"][0] == "query"


@pytest.mark.parametrize("path", ["/well-summary", "/well-summary-by-day"])
def test_missing_parameters_are_422_naming_them(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 422
    missing = {error["loc"][1] for error in response.json()["detail"]}
    assert missing == {"well_id", "division_id"}


def test_sql_text_in_an_integer_id_is_refused_before_any_sql(client: TestClient) -> None:
    # Integer validation refuses it; SQL text that does reach the database as a string
    # parameter is tested in test_writes.py (test_hostile_text_in_string_parameters_...).
    params = {"well_id": "1;DROP TABLE odm_well", "division_id": 63}
    response = client.get("/well-summary", params=params)
    assert response.status_code == 422 and "well_id" in response.text
    assert client.get("/well-summary", params=SEED).status_code == 200


def test_unknown_path_and_method_are_json(client: TestClient) -> None:
    assert client.get("/nope").json() == {"detail": "Not Found"}
    response = client.post("/division-list")
    assert response.status_code == 405 and "detail" in response.json()


def test_openapi_documents_units(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    fields = schema["components"]["schemas"]["WellDay"]["properties"]
    assert "bbl" in fields["oil_produced"]["description"]
    assert "USD" in fields["oil_sales"]["description"]
    assert client.get("/docs").status_code == 200
