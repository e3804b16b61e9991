"""Schema versions: applied once, in order, and upgrading in place keeps every row."""

from __future__ import annotations

import asyncio
from pathlib import Path

from odm.db import open_database
from odm.db.base import migrate, migration_scripts
from odm.demo import DemoData
from tests.backends import TEST_SPEC, empty_database
from tests.isolation import isolated_settings


async def _upgrade_from_version_1(url: str) -> tuple[list[int], int, int]:
    db = open_database(isolated_settings(database_url=url), url)
    await db.open()
    try:
        (version, path), *_ = migration_scripts(db.dialect)
        await db.apply_migration(version, path.read_text())
        await db.write_tables(DemoData(TEST_SPEC).tables(), lambda n: None)
        before = (await db.fetch_all("SELECT COUNT(*) FROM odm_daily_production", {}))[0][0]
        applied = await migrate(db)
        again = await migrate(db)
        after = (await db.fetch_all("SELECT COUNT(*) FROM odm_daily_production", {}))[0][0]
        assert again == []
        return applied, before, after
    finally:
        await db.close()


def test_upgrade_in_place_keeps_rows(backend: str, tmp_path: Path) -> None:
    with empty_database(backend, tmp_path) as url:
        applied, before, after = asyncio.run(_upgrade_from_version_1(url))
    latest = [v for v, _ in migration_scripts("sqlite")]
    assert applied == latest[1:]
    assert before == after == DemoData(TEST_SPEC).daily_row_count


def test_every_backend_has_the_same_versions() -> None:
    backends = ("sqlite", "postgresql", "oracle")
    versions = {d: [v for v, _ in migration_scripts(d)] for d in backends}
    assert versions["sqlite"] == versions["postgresql"] == versions["oracle"]
    # From 1 upwards, each once; a number may be left to a version on another branch (3).
    assert versions["sqlite"][0] == 1
    assert versions["sqlite"] == sorted(set(versions["sqlite"]))
