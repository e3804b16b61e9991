"""Rows carry their names: every query's columns, as the database describes them, must be
its model's fields in order, on every backend; a SELECT list that drifts fails loudly."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import odm.queries
from odm.demo import SEED_DIVISION_ID, SEED_WELL_ID
from odm.queries import load_sql
from odm.rows import Bound, RowPlan, ShapeError, pick

SEED_IDS = {"well_id": SEED_WELL_ID, "division_id": SEED_DIVISION_ID}
# Every list and seed route, with the parameters it needs to answer rows.
ROUTES: list[tuple[str, dict[str, Any]]] = [
    ("/division-list", {}),
    ("/division-summary", {}),
    ("/well-summary", SEED_IDS),
    ("/well-summary-by-day", SEED_IDS),
    ("/v1/divisions", {}),
    (f"/v1/divisions/{SEED_DIVISION_ID}", {}),
    ("/v1/wells", {}),
    (f"/v1/wells/{SEED_WELL_ID}", {}),
    ("/v1/production/daily", {"limit": 3}),
    ("/v1/production/daily", {"well_id": SEED_WELL_ID}),
    ("/v1/production/monthly", {}),
    ("/v1/production/rollup", {"level": "division"}),
    ("/v1/production/rollup", {"level": "company", "grain": "year", "limit": 1}),
    ("/v1/production/cumulative", {"level": "well"}),
    ("/v1/budget-vs-actual", {"level": "well", "grain": "month"}),
    ("/v1/production/monthly/rollup", {}),
    ("/v1/prices/daily", {"limit": 3}),
    ("/v1/prices/monthly", {}),
    ("/v1/decline", {"division_id": SEED_DIVISION_ID}),
    (f"/v1/wells/{SEED_WELL_ID}/decline", {}),
    (f"/v1/wells/{SEED_WELL_ID}/forecast", {"horizon_years": 2}),
    ("/v1/reserves", {}),
    ("/v1/type-curves", {"division_id": SEED_DIVISION_ID}),
]


def model_fields(openapi: dict[str, Any], path: str) -> list[str]:
    """The properties, in order, of the model OpenAPI documents for a route's rows."""
    template = path
    for name, value in (("well_id", SEED_WELL_ID), ("division_id", SEED_DIVISION_ID)):
        template = template.replace(f"/{value}", "/{" + name + "}")
    schema = openapi["paths"][template]["get"]["responses"]["200"]["content"]["application/json"]
    ref = schema["schema"].get("items", schema["schema"])["$ref"]
    return list(openapi["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"])


@pytest.mark.parametrize(("path", "params"), ROUTES)
def test_rows_have_the_models_fields_in_order(
    client: TestClient, path: str, params: dict[str, Any]
) -> None:
    expected = model_fields(client.get("/openapi.json").json(), path)
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    rows = body if isinstance(body, list) else [body]
    assert all(list(row) == expected for row in rows)
    if path.startswith("/v1/") and isinstance(body, list):
        # The CSV header comes from the cursor's description even when no row follows.
        csv = client.get(path, params=params | {"format": "csv"})
        assert csv.text.splitlines()[0].split(",") == expected


@pytest.fixture
def queries_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the SQL files that a test may change, used instead of the package's."""
    copy = tmp_path / "queries"
    shutil.copytree(odm.queries.QUERIES_DIR, copy)
    monkeypatch.setattr(odm.queries, "QUERIES_DIR", copy)
    load_sql.cache_clear()
    yield copy
    load_sql.cache_clear()


OIL = "           COALESCE(SUM(s.oil), 0.0) AS oil,\n"
GAS = "           COALESCE(SUM(s.gas), 0.0) AS gas,\n"
# (SQL file, text of its SELECT list, the same with two columns swapped, a route using it)
SWAPS = [
    (
        "daily_production.sql",
        "p.oil,\n       p.gas,",
        "p.gas,\n       p.oil,",
        "/v1/production/daily",
    ),
    ("rollup.sql", OIL + GAS, GAS + OIL, "/v1/production/rollup"),
    (
        "well_summary.sql",
        "t.budget AS total_budget,\n       t.actual AS total_actual,",
        "t.actual AS total_actual,\n       t.budget AS total_budget,",
        "/well-summary",
    ),
    ("monthly_prices.sql", "mp.product, mp.month,", "mp.month, mp.product,", "/v1/prices/monthly"),
]


@pytest.mark.parametrize(("name", "select", "swapped", "path"), SWAPS)
def test_swapped_columns_are_refused_not_sent(
    client: TestClient, queries_dir: Path, name: str, select: str, swapped: str, path: str
) -> None:
    sql = queries_dir / name
    assert select in sql.read_text(), "the swap must change the query"
    sql.write_text(sql.read_text().replace(select, swapped))
    for params in ({}, {"limit": 2}, {"format": "csv"}):
        if path == "/well-summary":
            params = SEED_IDS
        response = client.get(path, params=params)
        assert response.status_code == 500, response.text
        assert response.json() == {
            "detail": "the service's query does not match its documented fields"
        }


def test_a_plan_addresses_columns_by_name_and_accepts_any_case() -> None:
    plan = RowPlan(("Well_Id", "oil", "boe")).then(
        lambda columns: Bound((*columns, "boe"), lambda row: (*row, row[columns.index("oil")] * 2)),
        pick(("well_id", "oil", "boe")),
    )
    bound = plan.bind(("OIL", "GAS", "WELL_ID"))  # Oracle's capitals, another order
    assert bound.columns == ("Well_Id", "oil", "boe")
    assert bound.apply is not None and bound.apply((5.0, 7.0, 42)) == (42, 5.0, 10.0)
    with pytest.raises(ShapeError, match="missing"):
        plan.bind(("well_id", "gas"))


def test_a_plan_refuses_columns_that_are_not_the_models() -> None:
    plan = RowPlan(("well_id", "oil", "gas"))
    assert plan.bind(("well_id", "oil", "gas")).apply is None
    with pytest.raises(ShapeError):
        plan.bind(("well_id", "gas", "oil"))
    selected = plan.select(("gas", "well_id")).bind(("well_id", "oil", "gas"))
    assert selected.columns == ("gas", "well_id")
    assert selected.apply is not None and selected.apply((1, 2.0, 3.0)) == (3.0, 1)
