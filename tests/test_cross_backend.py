"""The same data gives byte-identical answers on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from odm.app import create_app
from tests.access import as_admin
from tests.backends import POSTGRES_ENV, empty_database, load_demo_sync, skip_or_fail
from tests.isolation import isolated_settings

URLS = [
    "/division-list",
    "/division-summary",
    "/well-summary?well_id=1851797476&division_id=63",
    "/well-summary-by-day?well_id=1851797476&division_id=63",
    "/v1/production/daily",
    "/v1/production/daily?format=csv&units=metric",
    "/v1/production/daily?format=ndjson&sort=-production_date&limit=500",
    "/v1/divisions",
    "/v1/wells?units=metric",
    "/v1/production/rollup?level=well",
    "/v1/production/rollup?level=company&grain=year&units=metric",
    "/v1/production/cumulative?level=division&as_of=2026-06-30",
    "/v1/budget-vs-actual?grain=month&level=division",
    "/v1/prices/daily?units=metric",
    "/v1/decline?model=hyperbolic",
    "/v1/wells/1851797476/forecast?units=metric&format=csv",
    "/v1/reserves?model=stretched_exponential",
    "/v1/type-curves?division_id=21&normalize=none",
]


@pytest.fixture(scope="module")
def clients(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, TestClient]]:
    """One app per backend over the same demo data."""
    if not os.environ.get(POSTGRES_ENV):
        skip_or_fail("postgresql", f"{POSTGRES_ENV} is not set")
    folder: Path = tmp_path_factory.mktemp("cross")
    with empty_database("sqlite", folder) as lite, empty_database("postgresql", folder) as pg:
        load_demo_sync(lite)
        load_demo_sync(pg)
        with (
            TestClient(as_admin(create_app(isolated_settings(database_url=lite)))) as lite_client,
            TestClient(as_admin(create_app(isolated_settings(database_url=pg)))) as pg_client,
        ):
            yield {"sqlite": lite_client, "postgresql": pg_client}


@pytest.mark.parametrize("url", URLS)
def test_bodies_are_identical(clients: dict[str, TestClient], url: str) -> None:
    lite, pg = (clients[name].get(url) for name in ("sqlite", "postgresql"))
    assert lite.status_code == pg.status_code == 200
    assert lite.headers.get("link") == pg.headers.get("link")
    assert lite.content == pg.content
