"""The division scope every query takes: a caller limited to some divisions sees only them
(the seam that division-scoped access control will fill from the caller's identity)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from odm.api.deps import get_scope
from odm.app import create_app
from odm.demo import SEED_DIVISION_ID, SEED_WELL_ID, DemoData
from odm.queries.compose import DivisionScope
from tests.access import authorized
from tests.isolation import isolated_settings


@pytest.fixture(scope="module")
def scoped(demo_database: tuple[str, DemoData]) -> Iterator[TestClient]:
    """A client that may only see the seed division."""
    app = create_app(isolated_settings(database_url=demo_database[0]))
    app.dependency_overrides[get_scope] = lambda: DivisionScope(frozenset({SEED_DIVISION_ID}))
    with TestClient(app, headers=authorized(demo_database[0], "scope")) as client:
        yield client


def test_lists_show_only_the_scope(scoped: TestClient, demo_database: tuple[str, DemoData]) -> None:
    _, data = demo_database
    ours = {w.well_id for w in data.wells if w.division_id == SEED_DIVISION_ID}
    assert [d["Division_Id"] for d in scoped.get("/division-list").json()] == [SEED_DIVISION_ID]
    assert [d["Division_Id"] for d in scoped.get("/division-summary").json()] == [SEED_DIVISION_ID]
    assert {w["well_id"] for w in scoped.get("/v1/wells").json()} == ours
    daily = scoped.get("/v1/production/daily", params={"format": "ndjson"}).text.splitlines()
    assert daily and {int(line.split(",")[0].split(":")[1]) for line in daily} == ours
    rollup = scoped.get("/v1/production/rollup", params={"level": "division"}).json()
    assert {r["entity_id"] for r in rollup} == {SEED_DIVISION_ID}


def test_other_divisions_and_their_wells_do_not_exist(
    scoped: TestClient, demo_database: tuple[str, DemoData]
) -> None:
    _, data = demo_database
    other = next(w for w in data.wells if w.division_id != SEED_DIVISION_ID)
    assert scoped.get("/v1/divisions/10").status_code == 404
    assert scoped.get("/v1/production/daily", params={"division_id": 10}).status_code == 404
    assert scoped.get("/v1/production/daily", params={"well_id": other.well_id}).status_code == 404
    summary = scoped.get(
        "/well-summary", params={"well_id": other.well_id, "division_id": other.division_id}
    )
    assert summary.status_code == 404
    seed = {"well_id": SEED_WELL_ID, "division_id": SEED_DIVISION_ID}
    assert scoped.get("/well-summary", params=seed).status_code == 200
