"""The leak matrix: every role against every endpoint and division, on every backend.

Callers limited to some divisions must see exactly what an admin sees of those divisions, in
every format, page and count; a division or well outside their scope answers exactly as an
unknown one; a cursor is bound to the key that made it; and each role reaches only its routes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

import pytest
from fastapi import Depends, Request
from fastapi.testclient import TestClient

from odm.api.auth import OPEN_PATHS, audit_write, require_role
from odm.app import create_app
from odm.auth.identity import Caller, Role
from odm.config import Settings
from odm.db import open_database
from odm.db.base import TableRows
from odm.demo import SEED_DIVISION_ID, SEED_WELL_ID, DemoData
from tests.access import make_key_sync
from tests.backends import empty_database, load_demo_sync
from tests.test_v1_lists import parse

OTHER_DIVISION = 10
UNKNOWN_DIVISION = 999_999
UNKNOWN_WELL = 999_999_999
AS_OF = {"as_of": "2026-06-30"}
THROUGH = {"through": "2026-06-30"}
MONTHLY_COLUMNS = ("entity_type", "entity_key", "month", "division_id", "well_id", "oil", "source")

# Every list, at every level it rolls up to.
LISTS: list[tuple[str, dict[str, Any]]] = [
    ("/division-list", {}),
    ("/division-summary", {}),
    ("/v1/divisions", {}),
    ("/v1/wells", {}),
    ("/v1/production/daily", {"start": "2026-01-01"}),
    ("/v1/production/monthly", {}),
    ("/v1/production/monthly/rollup", {"level": "entity", "grain": "month"}),
    ("/v1/production/monthly/rollup", {"level": "division"}),
    ("/v1/production/monthly/rollup", {"level": "company", "grain": "month"}),
    ("/v1/production/rollup", {"level": "well", "grain": "year"}),
    ("/v1/production/rollup", {"level": "division"}),
    ("/v1/production/rollup", {"level": "company", "grain": "year"}),
    ("/v1/production/cumulative", {"level": "well"} | AS_OF),
    ("/v1/production/cumulative", {"level": "division"} | AS_OF),
    ("/v1/production/cumulative", {"level": "company"} | AS_OF),
    ("/v1/budget-vs-actual", {"level": "well", "year": 2026} | THROUGH),
    ("/v1/budget-vs-actual", {"level": "division", "grain": "month"} | THROUGH),
    ("/v1/budget-vs-actual", {"level": "company"} | THROUGH),
]
FILTERLESS = {"/division-list", "/division-summary", "/v1/divisions"}
# Reference data that belongs to no division, open to every reader.
SHARED = ["/v1/prices/daily", "/v1/prices/monthly"]
ADMIN_ONLY = ["/v1/audit", "/v1/keys"]


@dataclass
class World:
    """An app over demo data (plus monthly rows), and a key per kind of caller."""

    client: TestClient
    data: DemoData
    keys: dict[str, str]
    scopes: dict[str, set[int] | None]

    def get(self, who: str, path: str, **kwargs: Any) -> Any:
        headers = kwargs.pop("headers", {})
        if who != "nobody":
            headers["Authorization"] = f"Bearer {self.keys[who]}"
        return self.client.get(path, headers=headers, **kwargs)

    @property
    def wells(self) -> dict[int, int]:
        return {w.well_id: w.division_id for w in self.data.wells}

    def well_in(self, division: int) -> int:
        return next(w for w, d in self.wells.items() if d == division)


def _monthly_rows(data: DemoData) -> TableRows:
    """Monthly rows (as imported) in the seed division and another one."""
    other_well = next(w.well_id for w in data.wells if w.division_id == OTHER_DIVISION)
    rows = []
    for month in (dt.date(2025, 1, 1), dt.date(2025, 2, 1)):
        rows += [
            ("well", str(SEED_WELL_ID), month, SEED_DIVISION_ID, SEED_WELL_ID, 100.0, "test"),
            ("lease", "G-063", month, SEED_DIVISION_ID, None, 300.0, "test"),
            ("well", str(other_well), month, OTHER_DIVISION, other_well, 200.0, "test"),
            ("lease", "P-010", month, OTHER_DIVISION, None, 500.0, "test"),
        ]
    return TableRows("odm_monthly_production", MONTHLY_COLUMNS, rows)


async def _add_monthly(url: str, data: DemoData) -> None:
    db = open_database(Settings(database_url=url), url)
    await db.open()
    try:
        await db.write_tables([_monthly_rows(data)], lambda n: None)
    finally:
        await db.close()


async def _write_rows(caller: Annotated[Caller, Depends(require_role("writer"))]) -> Caller:
    return caller


def _with_a_write_route(settings: Settings) -> Any:
    """The app plus a write route as future ones will be: writers only, audited."""
    app = create_app(settings)

    @app.post("/test/writes")
    async def write_rows(
        request: Request, caller: Annotated[Caller, Depends(require_role("writer"))]
    ) -> dict[str, str]:
        """A stand-in write of three rows."""
        await audit_write(request, caller, 3, "three test rows")
        return {"written_by": caller.name}

    return app


@pytest.fixture(scope="module")
def world(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with empty_database(backend, tmp_path_factory.mktemp(f"matrix-{backend}")) as url:
        data = load_demo_sync(url)
        asyncio.run(_add_monthly(url, data))
        scopes: dict[str, set[int] | None] = {
            "admin": None,
            "reader": {SEED_DIVISION_ID},
            "writer": {SEED_DIVISION_ID},
            "reader2": {SEED_DIVISION_ID},
            "pair": {21, 42},
        }
        roles = {"admin": Role.ADMIN, "writer": Role.WRITER}
        keys = {
            name: make_key_sync(
                url,
                name,
                roles.get(name, Role.READER),
                None if scope is None else frozenset(scope),
            )
            for name, scope in scopes.items()
        }
        app = _with_a_write_route(Settings(database_url=url, rate_limit=0))
        with TestClient(app) as client:
            yield World(client, data, keys, scopes)


def division_of(row: dict[str, Any], wells: dict[int, int]) -> int | None:
    """The division a row belongs to (None: a company-wide total or reference data)."""
    for name in ("Division_Id", "division_id"):
        if row.get(name) not in (None, ""):
            return int(row[name])
    if row.get("well_id") not in (None, ""):
        return wells[int(row["well_id"])]
    if row.get("entity_id") not in (None, ""):
        entity = int(row["entity_id"])
        return wells.get(entity, entity)
    return None


def _admin_view(world: World, path: str, params: dict[str, Any], division: int) -> Any:
    """What an admin sees of one division."""
    if path in FILTERLESS:
        rows = world.get("admin", path, params=params).json()
        return [r for r in rows if division_of(r, world.wells) == division]
    return world.get("admin", path, params=params | {"division_id": division}).json()


@pytest.mark.parametrize("caller", ["reader", "writer"])
@pytest.mark.parametrize(("path", "params"), LISTS)
def test_a_division_caller_sees_exactly_the_admins_view_of_it(
    world: World, caller: str, path: str, params: dict[str, Any]
) -> None:
    response = world.get(caller, path, params=params)
    assert response.status_code == 200, response.text
    expected = _admin_view(world, path, params, SEED_DIVISION_ID)
    assert response.json() == expected and expected


FORMATTED = [  # the seed's endpoints answer JSON only
    (path, params, fmt)
    for path, params in LISTS
    for fmt in (["json", "ndjson", "csv"] if path.startswith("/v1") else ["json"])
]


@pytest.mark.parametrize(("path", "params", "fmt"), FORMATTED)
def test_no_row_of_another_division_in_any_format(
    world: World, path: str, params: dict[str, Any], fmt: str
) -> None:
    for caller in ("reader", "pair"):
        response = world.get(caller, path, params=params | {"format": fmt})
        assert response.status_code == 200, response.text
        rows = parse(response.text, fmt)
        divisions = {division_of(row, world.wells) for row in rows} - {None}
        assert divisions <= (world.scopes[caller] or set())
        assert rows or caller == "pair"  # no monthly rows in the pair's divisions


@pytest.mark.parametrize(("path", "params"), [(p, q) for p, q in LISTS if p.startswith("/v1")])
def test_pages_counts_and_cursors(world: World, path: str, params: dict[str, Any]) -> None:
    whole = world.get("reader", path, params=params).json()
    counted = world.get("reader", path, params=params, headers={"Prefer": "count=exact"})
    assert counted.headers["x-total-count"] == str(len(whole))
    limit = len(whole) // 3 + 1
    pages, response = [], world.get("reader", path, params=params | {"limit": limit})
    while True:
        pages += response.json()
        link = response.headers.get("link")
        if link is None:
            break
        next_page = link[1 : link.index(">")]
        # Another key's cursor is refused, even with the same role and divisions.
        for other in ("reader2", "admin"):
            refused = world.get(other, next_page)
            assert refused.status_code == 404 and "cursor" in refused.json()["detail"]
        response = world.get("reader", next_page)
    assert pages == whole


def test_company_totals_are_the_sum_of_the_callers_divisions(world: World) -> None:
    params = {"level": "company", "grain": "year"}
    company = world.get("pair", "/v1/production/rollup", params=params).json()
    by_division = world.get("admin", "/v1/production/rollup", params=params | {"level": "division"})
    for total in company:
        parts = [
            row["oil"]
            for row in by_division.json()
            if row["period"] == total["period"] and row["entity_id"] in {21, 42}
        ]
        assert total["oil"] == pytest.approx(sum(parts), rel=1e-9)


DIVISION_FILTERED = sorted({path for path, _ in LISTS if path not in FILTERLESS})


def assert_same_answer(other: Any, unknown: Any, ids: dict[int, int]) -> None:
    """Two answers are the same but for the ids named (`ids`: unknown id -> other id)."""
    expected = unknown.text
    for unknown_id, other_id in ids.items():
        expected = expected.replace(str(unknown_id), str(other_id))
    assert (other.status_code, other.text) == (unknown.status_code, expected)


@pytest.mark.parametrize("path", DIVISION_FILTERED)
def test_another_division_answers_as_an_unknown_one(world: World, path: str) -> None:
    params = dict(AS_OF) if "cumulative" in path else {}
    other = world.get("reader", path, params=params | {"division_id": OTHER_DIVISION})
    unknown = world.get("reader", path, params=params | {"division_id": UNKNOWN_DIVISION})
    assert_same_answer(other, unknown, {UNKNOWN_DIVISION: OTHER_DIVISION})
    assert other.status_code == 404 or other.json() == []


WELL_FILTERED = [
    "/v1/production/daily",
    "/v1/production/monthly",
    "/v1/production/rollup",
    "/v1/production/cumulative",
    "/v1/budget-vs-actual",
]


@pytest.mark.parametrize("path", WELL_FILTERED)
def test_another_divisions_well_answers_as_an_unknown_one(world: World, path: str) -> None:
    well = world.well_in(OTHER_DIVISION)
    other = world.get("reader", path, params={"well_id": well})
    unknown = world.get("reader", path, params={"well_id": UNKNOWN_WELL})
    assert_same_answer(other, unknown, {UNKNOWN_WELL: well})
    assert other.status_code == 404


@pytest.mark.parametrize("path", ["/well-summary", "/well-summary-by-day"])
def test_seed_endpoints_hide_other_divisions(world: World, path: str) -> None:
    well = world.well_in(OTHER_DIVISION)
    pairs = [
        ((well, OTHER_DIVISION), (UNKNOWN_WELL, UNKNOWN_DIVISION)),
        ((well, SEED_DIVISION_ID), (UNKNOWN_WELL, SEED_DIVISION_ID)),
        ((SEED_WELL_ID, OTHER_DIVISION), (SEED_WELL_ID, UNKNOWN_DIVISION)),
    ]
    for (w, d), (unknown_w, unknown_d) in pairs:
        other = world.get("reader", path, params={"well_id": w, "division_id": d})
        unknown = world.get("reader", path, params={"well_id": unknown_w, "division_id": unknown_d})
        assert_same_answer(other, unknown, {unknown_w: w, unknown_d: d})
        assert other.status_code == 404
    seed = {"well_id": SEED_WELL_ID, "division_id": SEED_DIVISION_ID}
    assert (
        world.get("reader", path, params=seed).json()
        == world.get("admin", path, params=seed).json()
    )


def test_single_items_of_other_divisions_are_not_found(world: World) -> None:
    well = world.well_in(OTHER_DIVISION)
    for path, unknown in [
        (f"/v1/wells/{well}", f"/v1/wells/{UNKNOWN_WELL}"),
        (f"/v1/divisions/{OTHER_DIVISION}", f"/v1/divisions/{UNKNOWN_DIVISION}"),
    ]:
        other, missing = world.get("reader", path), world.get("reader", unknown)
        assert_same_answer(other, missing, {UNKNOWN_WELL: well, UNKNOWN_DIVISION: OTHER_DIVISION})
        assert other.status_code == 404
    assert world.get("reader", f"/v1/wells/{SEED_WELL_ID}").status_code == 200
    assert world.get("admin", f"/v1/wells/{well}").status_code == 200


def test_monthly_entities_of_other_divisions_look_absent(world: World) -> None:
    for params in ({"entity_key": "P-010"}, {"entity_type": "lease"}):
        rows = world.get("reader", "/v1/production/monthly", params=params).json()
        assert all(r["division_id"] == SEED_DIVISION_ID for r in rows)
    assert (
        world.get("reader", "/v1/production/monthly", params={"entity_key": "P-010"}).json() == []
    )


EXPECTED_STATUS = {  # route -> status for reader, writer, admin
    ("GET", "/v1/audit"): (403, 403, 200),
    ("GET", "/v1/keys"): (403, 403, 200),
    ("GET", "/v1/changes/stats"): (403, 403, 200),
    ("DELETE", "/v1/keys/no-such-key"): (403, 403, 404),
    ("POST", "/test/writes"): (403, 200, 200),
}


@pytest.mark.parametrize(("method", "path"), EXPECTED_STATUS)
def test_each_role_reaches_only_its_routes(world: World, method: str, path: str) -> None:
    for who, status in zip(
        ("reader", "writer", "admin"), EXPECTED_STATUS[method, path], strict=True
    ):
        headers = {"Authorization": f"Bearer {world.keys[who]}"}
        response = world.client.request(method, path, headers=headers)
        assert response.status_code == status, (who, response.text)
        assert response.headers["content-type"] == "application/json"
    anonymous = world.client.request(method, path)
    assert anonymous.status_code == 401 and anonymous.json()["detail"]


def test_every_route_but_health_needs_a_caller(world: World) -> None:
    schema = world.get("admin", "/openapi.json").json()
    for path, item in schema["paths"].items():
        for method in item:
            concrete = path.replace("{well_id}", str(SEED_WELL_ID)).replace(
                "{division_id}", str(SEED_DIVISION_ID)
            )
            concrete = concrete.replace("{name}", "x")
            response = world.client.request(method, concrete)
            assert (response.status_code == 401) == (path not in OPEN_PATHS), path


def test_the_metrics_need_an_admin(world: World) -> None:
    assert world.get("nobody", "/metrics").status_code == 401
    assert world.get("reader", "/metrics").status_code == 403
    scraped = world.get("admin", "/metrics")
    assert scraped.status_code == 200 and "odm_http_requests_total" in scraped.text


def test_the_matrix_covers_every_get_route(world: World) -> None:
    schema = world.get("admin", "/openapi.json").json()
    covered = {path for path, _ in LISTS} | set(SHARED) | set(ADMIN_ONLY)
    covered |= {"/well-summary", "/well-summary-by-day", "/health"}
    covered |= {"/v1/wells/{well_id}", "/v1/divisions/{division_id}"}
    covered |= set(DECLINE)  # test_decline_is_scoped; /v1/changes: tests/test_change_feed.py
    covered |= {"/v1/changes", "/v1/changes/stats"}
    covered |= {"/health/live", "/health/ready", "/metrics"}  # the open probes; test above
    gets = {path for path, item in schema["paths"].items() if "get" in item}
    assert gets == covered


DECLINE = [
    "/v1/decline",
    "/v1/reserves",
    "/v1/type-curves",
    "/v1/monthly/decline",
    "/v1/wells/{well_id}/decline",
    "/v1/wells/{well_id}/forecast",
    "/v1/monthly/{entity_type}/{entity_key}/decline",
    "/v1/monthly/{entity_type}/{entity_key}/forecast",
]


def test_decline_is_scoped(world: World) -> None:
    ours = world.scopes["reader"] or set()
    for path in ("/v1/decline", "/v1/reserves", "/v1/monthly/decline"):
        rows = world.get("reader", path).json()
        assert rows and {row["division_id"] for row in rows} <= ours, path
    admin_view = world.get("admin", "/v1/type-curves", params={"division_id": SEED_DIVISION_ID})
    assert world.get("reader", "/v1/type-curves").json() == admin_view.json()
    hidden = world.well_in(OTHER_DIVISION)
    for tail in ("decline", "forecast"):
        unknown = world.get("reader", f"/v1/wells/77/{tail}")
        other = world.get("reader", f"/v1/wells/{hidden}/{tail}")
        assert other.status_code == unknown.status_code == 404
        assert other.json()["detail"] == unknown.json()["detail"].replace("77", str(hidden))
    entity = world.get("reader", "/v1/monthly/well/77/decline")
    assert entity.status_code == 404


@pytest.mark.parametrize("path", SHARED)
def test_reference_prices_are_open_to_every_reader(world: World, path: str) -> None:
    for who in ("reader", "pair", "writer"):
        assert world.get(who, path).status_code == 200
