"""The deployment docs/oracle.md describes, on a real Oracle server (ODM_TEST_ORACLE_DSN):
objects owned by one schema, the service connecting as an application account with only the
reader role, loads by an account with only the writer role."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from odm.app import create_app
from odm.config import Settings
from odm.db import open_database
from odm.db.base import DatabaseError, TableRows
from odm.demo import SEED_DIVISION_ID, SEED_WELL_ID, DemoData
from tests.backends import TEST_SPEC, app_settings, empty_database, load_demo_sync
from tests.isolation import isolated_settings

SEED = {"well_id": SEED_WELL_ID, "division_id": SEED_DIVISION_ID}


@pytest.fixture(scope="module")
def oracle_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, DemoData]]:
    """An Oracle schema with the demo data, installed and loaded by its owner."""
    with empty_database("oracle", tmp_path_factory.mktemp("oracle")) as url:
        yield url, load_demo_sync(url)


async def _write_as(settings: Settings, sql: str) -> int:
    db = open_database(settings)
    await db.open()
    try:
        return await db.execute(sql, {})
    finally:
        await db.close()


@pytest.mark.parametrize("mode", ["sql", "package"])
def test_the_application_account_serves_every_seed_route(
    oracle_demo: tuple[str, DemoData], mode: str
) -> None:
    url, _ = oracle_demo
    with TestClient(create_app(app_settings(url, oracle_mode=mode))) as client:
        assert client.get("/health").json()["status"] == "ok"
        for path in ("/division-list", "/division-summary", "/well-summary"):
            response = client.get(path, params=SEED if "well" in path else {})
            assert response.status_code == 200 and response.json(), path


def test_the_application_account_cannot_write(oracle_demo: tuple[str, DemoData]) -> None:
    url, _ = oracle_demo
    with pytest.raises(DatabaseError, match=r"ORA-01031|ORA-00942|ORA-41900"):
        asyncio.run(_write_as(app_settings(url), "DELETE FROM odm_oil_price"))


def test_the_writer_role_loads_upserts_and_recomputes(tmp_path: Path) -> None:
    from tests.oracle_backend import LOADER_ACCOUNTS

    with empty_database("oracle", tmp_path) as url:
        load_demo_sync(url, TEST_SPEC)  # installed (and loaded) by the owner
        schema = app_settings(url).oracle_schema
        loader = isolated_settings(database_url=LOADER_ACCOUNTS[url], oracle_schema=schema)
        asyncio.run(_load_as_loader(loader))
        assert asyncio.run(_write_as(loader, "DELETE FROM odm_monthly_price")) == 1


async def _load_as_loader(settings: Settings) -> None:
    db = open_database(settings)
    await db.open()
    try:
        rows = [("oil", "2024-01-01", 70.0, "test"), ("oil", "2024-01-01", 71.0, "test")]
        table = TableRows(
            "odm_monthly_price",
            ("product", "month", "price", "source"),
            rows,
            True,
            ("product", "month"),
        )
        await db.write_tables([table], lambda n: None)
        assert await db.fetch_all("SELECT price FROM odm_monthly_price", {}) == [(71.0,)]
        await db.recompute_totals()
    finally:
        await db.close()
