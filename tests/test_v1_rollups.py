"""Rollups, cumulative volumes and budget vs actual agree with the daily and budget rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from fastapi.testclient import TestClient

from odm.demo import SEED_DIVISION_ID, SEED_WELL_ID, DemoData

Totals = dict[tuple[str, int], dict[str, float]]


def monthly_truth(data: DemoData, division_id: int | None = None) -> Totals:
    """Per (month, well): sums straight from the generated daily rows."""
    wells = {w.well_id: w.division_id for w in data.wells}
    totals: Totals = defaultdict(lambda: defaultdict(float))
    for well_id, day, hours, oil, gas, water, _inj, _sold, _value in data.daily_rows():
        if division_id is None or wells[well_id] == division_id:
            t = totals[(day[:7], well_id)]
            t["hours_on"] += hours or 0
            t["oil"] += oil or 0
            t["gas"] += gas or 0
            t["water"] += water or 0
            t["days"] += 1
    return totals


def test_monthly_well_rollup_equals_the_daily_rows(
    client: TestClient, demo_database: tuple[str, DemoData]
) -> None:
    _, data = demo_database
    truth = monthly_truth(data, SEED_DIVISION_ID)
    rows = client.get(
        "/v1/production/rollup", params={"level": "well", "division_id": SEED_DIVISION_ID}
    ).json()
    assert len(rows) == len(truth)
    for row in rows:
        expected = truth[(row["period"], row["entity_id"])]
        assert row["oil"] == pytest.approx(expected["oil"], abs=1e-3)
        assert row["gas"] == pytest.approx(expected["gas"], abs=1e-3)
        assert row["record_days"] == expected["days"]
        assert row["oil_rate_cd"] == pytest.approx(row["oil"] / row["calendar_days"], abs=1e-3)
        if row["hours_on"]:
            assert row["oil_rate_pd"] == pytest.approx(
                row["oil"] / (row["hours_on"] / 24), abs=1e-3
            )
            assert row["uptime"] == pytest.approx(
                row["hours_on"] / (24 * row["record_days"]), abs=1e-4
            )
        if row["oil"]:
            assert row["gor"] == pytest.approx(1000 * row["gas"] / row["oil"], rel=1e-5)
        assert row["boe"] == pytest.approx(row["oil"] + row["gas"] / 6, abs=1e-3)


def test_levels_and_grains_add_up(client: TestClient) -> None:
    wells = client.get("/v1/production/rollup", params={"level": "well"}).json()
    divisions = client.get("/v1/production/rollup", params={"level": "division"}).json()
    company = client.get("/v1/production/rollup", params={"level": "company"}).json()
    years = client.get("/v1/production/rollup", params={"level": "company", "grain": "year"}).json()
    by_month: dict[str, float] = defaultdict(float)
    for row in wells:
        by_month[row["period"]] += row["oil"]
    assert {r["period"]: r["oil"] for r in company} == pytest.approx(dict(by_month), abs=0.01)
    assert sum(r["oil"] for r in divisions) == pytest.approx(sum(by_month.values()), abs=0.01)
    for year in years:
        months = [r for r in company if r["period"].startswith(year["period"])]
        assert year["oil"] == pytest.approx(sum(r["oil"] for r in months), abs=0.01)
        assert year["entity_id"] is None


def test_a_divisions_monthly_oil_for_a_year_as_csv_in_bbl(client: TestClient) -> None:
    response = client.get(
        "/v1/production/rollup",
        params={
            "level": "division",
            "grain": "month",
            "division_id": SEED_DIVISION_ID,
            "start": "2025-01-01",
            "end": "2025-12-31",
            "units": "field",
            "fields": "period,entity_id,oil",
            "format": "csv",
        },
    )
    lines = response.text.splitlines()
    assert lines[0] == "period,entity_id,oil"
    assert [line.split(",")[0] for line in lines[1:]] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert response.headers["x-units"] == "field"


def test_metric_rollup_uses_the_exact_factors(client: TestClient) -> None:
    params = {"level": "company", "grain": "year"}
    field = client.get("/v1/production/rollup", params=params).json()
    metric = client.get("/v1/production/rollup", params=params | {"units": "metric"}).json()
    for f, m in zip(field, metric, strict=True):
        # Sums convert as summed (not rounded again), with 1 bbl = 0.158987294928 m³ and
        # 1 Mcf = 28.316846592 Sm³; the figures derived from them are rounded to 4 decimals.
        assert m["oil"] == f["oil"] * 0.158987294928
        assert m["gas"] == f["gas"] * 28.316846592
        assert m["gor"] == pytest.approx(f["gor"] * 0.028316846592 / 0.158987294928, abs=1e-4)
        assert m["water_cut"] == f["water_cut"]


def test_cumulative_ltd_ytd_mtd(client: TestClient, demo_database: tuple[str, DemoData]) -> None:
    _, data = demo_database
    as_of = dt.date(2026, 3, 10)
    (row,) = client.get(
        "/v1/production/cumulative",
        params={"level": "well", "well_id": SEED_WELL_ID, "as_of": as_of.isoformat()},
    ).json()
    days = [r for r in data.daily_rows() if r[0] == SEED_WELL_ID and r[1] <= as_of.isoformat()]
    assert row["ltd_oil"] == pytest.approx(sum(r[3] for r in days), abs=1e-3)
    assert row["ytd_oil"] == pytest.approx(
        sum(r[3] for r in days if r[1] >= "2026-01-01"), abs=1e-3
    )
    assert row["mtd_oil"] == pytest.approx(
        sum(r[3] for r in days if r[1] >= "2026-03-01"), abs=1e-3
    )
    assert row["as_of"] == "2026-03-10"
    (company,) = client.get("/v1/production/cumulative", params={"level": "company"}).json()
    assert company["entity_id"] is None and company["ltd_oil"] > row["ltd_oil"]


def test_budget_vs_actual(client: TestClient, demo_database: tuple[str, DemoData]) -> None:
    _, data = demo_database
    budgets = [
        r
        for r in data.budget_rows()
        if r[0] == SEED_WELL_ID and r[1] >= "2025-01-01" and r[1] <= "2025-12-01"
    ]
    (year,) = client.get(
        "/v1/budget-vs-actual",
        params={"level": "well", "well_id": SEED_WELL_ID, "year": 2025, "through": "2025-06-15"},
    ).json()
    to_june = [r for r in budgets if r[1] <= "2025-06-01"]
    assert year["budget"] == pytest.approx(sum(r[2] for r in budgets))
    assert year["budget_to_date"] == pytest.approx(sum(r[2] for r in to_june))
    assert year["actual_to_date"] == pytest.approx(sum(r[3] for r in to_june))
    assert year["variance"] == pytest.approx(year["actual_to_date"] - year["budget_to_date"])
    assert year["favourable"] == (year["variance"] <= 0)
    assert year["outlook"] == pytest.approx(
        year["actual_to_date"] + year["budget"] - year["budget_to_date"]
    )
    months = client.get(
        "/v1/budget-vs-actual",
        params={"grain": "month", "level": "well", "well_id": SEED_WELL_ID, "year": 2025},
    ).json()
    assert [m["period"] for m in months] == [f"2025-{m:02d}" for m in range(1, 13)]
    for month, (_, _, budget, actual) in zip(months, budgets, strict=True):
        assert (month["budget"], month["actual_to_date"]) == pytest.approx((budget, actual))
        assert month["variance_pct"] == pytest.approx((actual - budget) / budget * 100, abs=1e-3)
