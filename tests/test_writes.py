"""Summaries always agree with the daily rows, through inserts, updates and deletes."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient

from odm.db import open_database
from odm.db.base import DatabaseError
from odm.demo import SEED_DIVISION_ID, SEED_WELL_ID, DemoData
from tests.isolation import isolated_settings

SEED = {"well_id": SEED_WELL_ID, "division_id": SEED_DIVISION_ID}


def run_sql(url: str, sql: str, params: dict[str, Any] | None = None) -> int:
    """One data-changing statement in its own transaction."""

    async def run() -> int:
        db = open_database(isolated_settings(database_url=url), url)
        await db.open()
        try:
            return await db.execute(sql, params or {})
        finally:
            await db.close()

    return asyncio.run(run())


def live_oil(client: TestClient) -> float:
    return sum(
        day["oil_produced"] for day in client.get("/well-summary-by-day", params=SEED).json()
    )


def summary(client: TestClient) -> dict[str, Any]:
    result: dict[str, Any] = client.get("/well-summary", params=SEED).json()[0]
    return result


def division_oil(client: TestClient) -> float:
    body = client.get("/division-summary").json()
    return float(
        next(d for d in body if d["Division_Id"] == SEED_DIVISION_ID)["Total_Oil_Produced"]
    )


def test_totals_follow_inserts_updates_and_deletes(
    fresh_client: TestClient, fresh_database: tuple[str, DemoData]
) -> None:
    url, _ = fresh_database
    before, division_before = summary(fresh_client), division_oil(fresh_client)
    run_sql(
        url,
        "INSERT INTO odm_daily_production (well_id, production_date, hours_on, oil, "
        "sales_value) VALUES (:w, :d, 24, 1000.5, 70000)",
        {"w": SEED_WELL_ID, "d": dt.date(2030, 1, 1)},
    )
    after = summary(fresh_client)
    assert after["total_oil_produced"] == pytest.approx(before["total_oil_produced"] + 1000.5)
    assert after["total_oil_sales"] == pytest.approx(before["total_oil_sales"] + 70000)
    assert division_oil(fresh_client) == pytest.approx(division_before + 1000.5)
    run_sql(url, "UPDATE odm_daily_production SET oil = 10 WHERE well_id = :w", {"w": SEED_WELL_ID})
    assert summary(fresh_client)["total_oil_produced"] == pytest.approx(live_oil(fresh_client))
    run_sql(
        url, "DELETE FROM odm_daily_production WHERE well_id = :w AND oil = 10", {"w": SEED_WELL_ID}
    )
    assert summary(fresh_client)["total_oil_produced"] == pytest.approx(0.0, abs=1e-6)


def test_budget_totals_follow_changes(
    fresh_client: TestClient, fresh_database: tuple[str, DemoData]
) -> None:
    url, _ = fresh_database
    before = summary(fresh_client)
    run_sql(
        url,
        "UPDATE odm_well_budget SET budget = budget + 100, actual = actual + 50 WHERE well_id = :w",
        {"w": SEED_WELL_ID},
    )
    months = run_sql(
        url, "UPDATE odm_well_budget SET budget = budget WHERE well_id = :w", {"w": SEED_WELL_ID}
    )
    after = summary(fresh_client)
    assert after["total_budget"] == pytest.approx(before["total_budget"] + 100 * months)
    assert after["total_actual"] == pytest.approx(before["total_actual"] + 50 * months)


def test_a_failed_write_changes_nothing(
    fresh_client: TestClient, fresh_database: tuple[str, DemoData]
) -> None:
    url, _ = fresh_database
    before = summary(fresh_client)
    with pytest.raises(DatabaseError):
        # The second row breaks the hours_on check: the first must not stay behind.
        run_sql(
            url,
            "INSERT INTO odm_daily_production (well_id, production_date, hours_on, oil) "
            "VALUES (:w, :d1, 24, 5), (:w, :d2, 99, 5)",
            {"w": SEED_WELL_ID, "d1": dt.date(2031, 1, 1), "d2": dt.date(2031, 1, 2)},
        )
    assert summary(fresh_client) == before


def test_null_oil_counts_as_zero_and_missing_price_as_null(
    fresh_client: TestClient, fresh_database: tuple[str, DemoData]
) -> None:
    url, _ = fresh_database
    run_sql(
        url,
        "INSERT INTO odm_daily_production (well_id, production_date, hours_on) VALUES (:w, :d, 0)",
        {"w": SEED_WELL_ID, "d": dt.date(2040, 2, 29)},
    )
    last = fresh_client.get("/well-summary-by-day", params=SEED).json()[-1]
    assert last["date_value"] == "2040-02-29"
    assert (last["oil_produced"], last["oil_price"], last["oil_sales"]) == (0.0, None, 0.0)


def test_names_with_quotes_and_backslashes_stay_valid_json(
    fresh_client: TestClient, fresh_database: tuple[str, DemoData]
) -> None:
    url, _ = fresh_database
    name = 'O\'Brien "7" \\ Ærø 🛢'
    run_sql(
        url, "UPDATE odm_well SET well_name = :n WHERE well_id = :w", {"n": name, "w": SEED_WELL_ID}
    )
    assert summary(fresh_client)["well_name"] == name
    assert fresh_client.get("/well-summary-by-day", params=SEED).json()[0]["well_name"] == name


HOSTILE = "'; DROP TABLE odm_well; --"


def test_hostile_text_in_string_parameters_is_data_not_sql(
    fresh_client: TestClient, fresh_database: tuple[str, DemoData]
) -> None:
    """Quotes, a statement separator, a comment and LIKE wildcards in text that reaches
    the SQL as a parameter match literally, and every table survives."""
    url, _ = fresh_database
    wells = [
        w["well_id"] for w in fresh_client.get("/v1/wells", params={"fields": "well_id"}).json()
    ]
    other = next(w for w in wells if w != SEED_WELL_ID)
    rename = "UPDATE odm_well SET well_name = :n WHERE well_id = :w"
    run_sql(url, rename, {"n": f"50%_off{HOSTILE}", "w": SEED_WELL_ID})
    run_sql(url, rename, {"n": "50x-off", "w": other})
    for key in (HOSTILE, "A%_"):
        run_sql(
            url,
            "INSERT INTO odm_monthly_production (entity_type, entity_key, month, division_id, "
            "oil, source) VALUES ('lease', :k, :m, :d, 1, 'test')",
            {"k": key, "m": dt.date(2020, 1, 1), "d": SEED_DIVISION_ID},
        )

    def well_ids(q: str) -> list[int]:
        response = fresh_client.get("/v1/wells", params={"q": q, "fields": "well_id"})
        assert response.status_code == 200, response.text
        return [w["well_id"] for w in response.json()]

    def entity_keys(key: str) -> list[str]:
        response = fresh_client.get("/v1/production/monthly", params={"entity_key": key})
        assert response.status_code == 200, response.text
        return [m["entity_key"] for m in response.json()]

    for q in (HOSTILE, "%", "_", "50%_", "%_off'"):
        assert well_ids(q) == [SEED_WELL_ID], q  # "50x-off" would match a wildcard
    assert well_ids("50%x") == [] and well_ids("x-o") == [other]
    assert entity_keys(HOSTILE) == [HOSTILE]
    assert entity_keys("A%_") == ["A%_"]
    assert entity_keys("%") == entity_keys("A%") == entity_keys("A__") == []
    # Both tables are still there, whole.
    after = fresh_client.get("/v1/wells", params={"fields": "well_id"}).json()
    assert [w["well_id"] for w in after] == wells
    assert len(fresh_client.get("/v1/production/monthly").json()) == 2


def test_name_search_folds_non_ascii_case_on_every_backend(
    fresh_client: TestClient, fresh_database: tuple[str, DemoData]
) -> None:
    url, _ = fresh_database
    run_sql(
        url,
        "UPDATE odm_well SET well_name = :n WHERE well_id = :w",
        {"n": "ÅSGARD Ø-1", "w": SEED_WELL_ID},
    )
    for q in ("åsgard", "ÅSGARD", "ø-1"):
        found = fresh_client.get("/v1/wells", params={"q": q, "fields": "well_id"}).json()
        assert found == [{"well_id": SEED_WELL_ID}], q


def test_a_day_without_recorded_hours_is_not_downtime(
    fresh_client: TestClient, fresh_database: tuple[str, DemoData]
) -> None:
    url, _ = fresh_database
    run_sql(
        url,
        "INSERT INTO odm_daily_production (well_id, production_date, hours_on, oil) "
        "VALUES (:w, :d1, NULL, 10), (:w, :d2, 12, 20)",
        {"w": SEED_WELL_ID, "d1": dt.date(2041, 3, 1), "d2": dt.date(2041, 3, 2)},
    )
    (month,) = fresh_client.get(
        "/v1/production/rollup",
        params={"well_id": SEED_WELL_ID, "start": "2041-03-01", "end": "2041-03-31"},
    ).json()
    assert (month["record_days"], month["measured_days"], month["hours_on"]) == (2, 1, 12.0)
    assert month["uptime"] == 0.5
    assert month["oil"] == 30.0 and month["calendar_days"] == 31
