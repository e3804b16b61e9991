"""GET /health: 200 when the database answers with the expected schema, else 503."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi.testclient import TestClient

from odm.app import create_app
from odm.db import open_database
from odm.db.base import migration_scripts
from tests.backends import empty_database
from tests.isolation import isolated_settings


def test_healthy(client: TestClient, backend: str) -> None:
    body = client.get("/health").json()
    latest = max(v for v, _ in migration_scripts(backend))
    assert body["status"] == "ok" and body["database"] == backend
    assert body["schema_version"] == latest


async def _install_version_1(url: str) -> None:
    db = open_database(isolated_settings(database_url=url), url)
    await db.open()
    try:
        (version, path), *_ = migration_scripts(db.dialect)
        await db.apply_migration(version, path.read_text())
    finally:
        await db.close()


def test_a_schema_behind_the_code_is_503(backend: str, tmp_path: Path) -> None:
    with empty_database(backend, tmp_path) as url:
        asyncio.run(_install_version_1(url))
        app = create_app(isolated_settings(database_url=url, migrate_on_start=False))
        with TestClient(app) as client:
            response = client.get("/health")
    assert response.status_code == 503
    assert "run `odm init-db`" in response.json()["detail"]
