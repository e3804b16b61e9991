"""Real data: the NPD's monthly field production (../shared/data) imported, every field with
at least 24 months of decline gets a converged fit with every model."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from odm.app import create_app
from odm.config import Settings
from odm.db import open_database
from odm.db.base import migrate
from odm.decline.models import MODEL_NAMES
from odm.importers import ImportOptions, detect_preset, import_file
from tests.access import as_admin
from tests.backends import skip_or_fail, sqlite_url
from tests.isolation import isolated_settings

NPD = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
NPD_FILE = NPD / "npd_field_production_monthly.csv"
MIN_DECLINE_MONTHS = 24


async def _import(url: str) -> None:
    db = open_database(Settings(database_url=url), url)
    await db.open()
    try:
        await migrate(db)
        mapping = detect_preset(NPD_FILE)
        assert mapping is not None
        await import_file(db, NPD_FILE, mapping, ImportOptions())
    finally:
        await db.close()


@pytest.fixture(scope="module")
def npd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """An app over a SQLite database holding the NPD fields."""
    if not NPD_FILE.is_file():
        skip_or_fail("shared-data", f"no {NPD_FILE}")
    url = sqlite_url(tmp_path_factory.mktemp("npd"))
    asyncio.run(_import(url))
    with TestClient(as_admin(create_app(isolated_settings(database_url=url)))) as client:
        yield client


@pytest.mark.parametrize("model", MODEL_NAMES)
def test_every_field_with_two_years_of_decline_converges(npd: TestClient, model: str) -> None:
    params = {"entity_type": "field", "model": model}
    rows = npd.get("/v1/monthly/decline", params=params).json()
    assert len(rows) > 100
    long = [row for row in rows if row["points"] >= MIN_DECLINE_MONTHS]
    assert len(long) > 80
    failed = [(row["entity_name"], row["status"]) for row in long if row["status"] != "fitted"]
    assert failed == []
    assert all(row["eur"] >= row["produced"] for row in long)
    short = [row for row in rows if row["status"] == "insufficient_history"]
    assert all(row["points"] < 6 or row["eur"] is None for row in short)
