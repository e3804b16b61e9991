"""The decline endpoints over HTTP on every backend: a well's fit, forecast and EUR agree
with each other and with the stored volumes; lists, reserves and type curves add up; units
convert; too little history is a 422 that says why."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import math
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from odm.app import create_app
from odm.config import Settings
from odm.db import open_database
from odm.db.base import TableRows
from odm.demo import SEED_DIVISION_ID, SEED_WELL_ID, DemoData
from odm.models import EntityDecline, WellDecline, field_names
from odm.units import M3_PER_BBL
from tests.access import as_admin
from tests.backends import empty_database, load_demo_sync
from tests.isolation import isolated_settings

WELL = f"/v1/wells/{SEED_WELL_ID}"


def _producers(data: DemoData, division_id: int | None = None) -> list[int]:
    return sorted(
        w.well_id
        for w in data.wells
        if w.well_type == "producer" and division_id in (None, w.division_id)
    )


def test_a_wells_fit_forecast_and_eur_agree(client: TestClient) -> None:
    fit = client.get(f"{WELL}/decline")
    assert fit.status_code == 200, fit.text
    body = fit.json()
    assert list(body) == list(field_names(WellDecline))
    assert body["status"] == "fitted" and body["model"] == "modified_hyperbolic"
    assert 0 <= body["b"] <= 2 and body["qi"] > 0 and 0 < body["di_effective"] < 1
    assert body["eur"] == pytest.approx(body["produced"] + body["remaining"])
    well = client.get(WELL).json()
    assert body["produced"] == pytest.approx(well["cumulative_oil"], abs=0.01)
    forecast = client.get(f"{WELL}/forecast").json()
    assert forecast[0]["month"] == "2026-11-01"  # the demo's history ends 2026-10-31
    assert sum(month["volume"] for month in forecast) == pytest.approx(body["remaining"])
    assert forecast[-1]["cumulative"] == pytest.approx(body["eur"])
    assert forecast[-1]["month"][:7] == body["forecast_end"][:7]


@pytest.mark.parametrize(
    "model", ["exponential", "hyperbolic", "harmonic", "stretched_exponential"]
)
def test_every_model_fits_a_demo_well(client: TestClient, model: str) -> None:
    body = client.get(f"{WELL}/decline", params={"model": model}).json()
    assert body["status"] == "fitted" and body["r_squared"] > 0.8, body
    assert (body["tau"] is None) == (model != "stretched_exponential")


def test_metric_units_convert_volumes_and_the_economic_limit(client: TestClient) -> None:
    field = client.get(f"{WELL}/decline", params={"economic_limit": 50}).json()
    metric = client.get(
        f"{WELL}/decline", params={"units": "metric", "economic_limit": 50 * M3_PER_BBL}
    )
    assert metric.headers["x-units"] == "metric"
    body = metric.json()
    for name in ("qi", "produced", "remaining", "eur"):
        assert body[name] == pytest.approx(field[name] * M3_PER_BBL, rel=1e-6)
    assert body["b"] == field["b"] and body["forecast_end"] == field["forecast_end"]


def test_gas_and_calendar_day_rates(client: TestClient) -> None:
    oil = client.get(f"{WELL}/decline", params={"model": "hyperbolic"}).json()
    gas = client.get(f"{WELL}/decline", params={"model": "hyperbolic", "phase": "gas"}).json()
    assert gas["phase"] == "gas" and gas["qi"] != oil["qi"]
    producing = client.get(f"{WELL}/decline").json()
    calendar = client.get(f"{WELL}/decline", params={"basis": "calendar"}).json()
    assert calendar["basis"] == "calendar" and calendar["excluded"] <= producing["excluded"]
    # Partial days count at their volume per calendar day: other rates, another curve.
    assert calendar["qi"] != producing["qi"]


def test_too_little_history_is_a_422_that_says_why(client: TestClient) -> None:
    for path in ("decline", "forecast"):
        late = client.get(f"{WELL}/{path}", params={"decline_start": "2026-10-15"})
        assert late.status_code == 422
        assert late.json()["detail"].startswith("too little history to fit: ")


def test_unknown_wells_and_divisions_are_404(client: TestClient) -> None:
    assert client.get("/v1/wells/12345/decline").status_code == 404
    assert client.get("/v1/decline", params={"division_id": 12345}).status_code == 404
    assert client.get("/v1/type-curves", params={"well_id": [12345]}).status_code == 404


def test_the_list_has_every_producer_and_reserves_add_up(
    client: TestClient, demo_database: tuple[str, DemoData]
) -> None:
    _, data = demo_database
    rows = client.get("/v1/decline").json()
    assert [row["well_id"] for row in rows] == _producers(data)
    assert {row["status"] for row in rows} <= {"fitted", "not_converged", "insufficient_history"}
    one = next(row for row in rows if row["well_id"] == SEED_WELL_ID)
    assert one == client.get(f"{WELL}/decline").json()
    reserves = {r["division_id"]: r for r in client.get("/v1/reserves").json()}
    for division_id, total in reserves.items():
        mine = [row for row in rows if row["division_id"] == division_id]
        assert total["wells"] == len(mine)
        assert total["remaining"] == pytest.approx(sum(r["remaining"] or 0 for r in mine))
        assert total["eur"] == pytest.approx(sum(r["produced"] for r in mine) + total["remaining"])
    listed = client.get("/v1/decline", params={"division_id": SEED_DIVISION_ID, "format": "csv"})
    table = list(csv.DictReader(io.StringIO(listed.text)))
    assert [int(r["well_id"]) for r in table] == _producers(data, SEED_DIVISION_ID)


def test_type_curves_are_ordered_profiles(client: TestClient) -> None:
    rows = client.get("/v1/type-curves", params={"division_id": SEED_DIVISION_ID}).json()
    assert [row["month"] for row in rows] == list(range(1, len(rows) + 1))
    assert all(r["p10"] >= r["p50"] >= r["p90"] > 0 and r["p10"] <= 1.0 for r in rows)
    assert rows[0]["wells"] >= rows[-1]["wells"] >= 1
    one = client.get(
        "/v1/type-curves", params={"well_id": [SEED_WELL_ID], "normalize": "none"}
    ).json()
    assert all(r["wells"] == 1 and r["p10"] == r["p50"] == r["p90"] for r in one)
    assert 100 < one[0]["p50"] < 5000  # bbl/d


# Two leases of monthly data: one declining for 4 years, one with 3 months only.
LEASE_QI, LEASE_D = 3000.0, 0.5  # bbl/d and nominal per year


def _lease_rows() -> Iterator[tuple[Any, ...]]:
    for n in range(48):
        month = dt.date(2020 + n // 12, n % 12 + 1, 1)
        days = ((month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - month).days
        rate = LEASE_QI * math.exp(-LEASE_D * (n + 0.5) / 12)
        yield ("lease", "L-1", month, SEED_DIVISION_ID, "Long Lease", days, rate * days, "t")
    for n in range(3):
        yield ("lease", "L-2", dt.date(2023, n + 1, 1), SEED_DIVISION_ID, "New", 30, 900, "t")


@pytest.fixture(scope="module")
def monthly_client(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """An app over the demo data plus two leases' monthly rows."""
    columns = ("entity_type", "entity_key", "month", "division_id", "entity_name")
    columns += ("days_on", "oil", "source")
    with empty_database(backend, tmp_path_factory.mktemp(f"monthly-{backend}")) as url:
        load_demo_sync(url)
        db = open_database(Settings(database_url=url), url)

        async def write() -> None:
            await db.open()
            table = TableRows("odm_monthly_production", columns, list(_lease_rows()))
            await db.write_tables([table], lambda n: None)
            await db.close()

        asyncio.run(write())
        with TestClient(as_admin(create_app(isolated_settings(database_url=url)))) as client:
            yield client


def test_monthly_entities_fit_forecast_and_list(monthly_client: TestClient) -> None:
    path = "/v1/monthly/lease/L-1"
    fit = monthly_client.get(f"{path}/decline", params={"model": "exponential"}).json()
    assert list(fit) == list(field_names(EntityDecline))
    assert fit["di_nominal"] == pytest.approx(LEASE_D, rel=0.01)
    assert fit["qi"] == pytest.approx(LEASE_QI, rel=0.01)
    assert fit["decline_start"] == "2020-01-01" and fit["last_day"] == "2023-12-31"
    forecast = monthly_client.get(f"{path}/forecast", params={"model": "exponential"}).json()
    assert forecast[0]["month"] == "2024-01-01"
    assert forecast[-1]["cumulative"] == pytest.approx(fit["eur"])
    short = monthly_client.get("/v1/monthly/lease/L-2/decline")
    assert short.status_code == 422 and "3 usable months" in short.json()["detail"]
    assert monthly_client.get("/v1/monthly/lease/nope/decline").status_code == 404
    rows = monthly_client.get("/v1/monthly/decline", params={"entity_type": "lease"}).json()
    assert [(r["entity_key"], r["status"]) for r in rows] == [
        ("L-1", "fitted"),
        ("L-2", "insufficient_history"),
    ]


def test_worker_processes_answer_as_the_worker_thread(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    threaded = client.get("/v1/decline", params={"format": "csv"}).text
    monkeypatch.setattr("odm.decline.runs.POOL_MIN_ENTITIES", 1)
    assert client.get("/v1/decline", params={"format": "csv"}).text == threaded
