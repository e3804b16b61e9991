"""HTTP writes name wells by any identifier: the server keeps the wells' identifiers between
writes and reads them again only when the database's well version has moved (schema version
9: a trigger moves it on every change to the wells, whoever makes it)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi.testclient import TestClient

from odm.config import Settings
from odm.db import open_database
from odm.demo import SEED_DIVISION_ID, SEED_WELL_ID, DemoData

DAILY = "/v1/production/daily"
NEW_WELL = 990_001


def _sql(url: str, *statements: tuple[str, dict[str, Any]]) -> list[Any]:
    """Run statements straight on the database (as a hand-made edit would), in order; the
    first value of each one's first row, or None for statements that return none."""

    async def run() -> list[Any]:
        db = open_database(Settings(database_url=url), url)
        await db.open()
        try:
            values = []
            for sql, params in statements:
                if sql.lstrip().upper().startswith("SELECT"):
                    values.append((await db.fetch(sql, params)).rows[0][0])
                else:
                    await db.execute(sql, params)
                    values.append(None)
            return values
        finally:
            await db.close()

    return asyncio.run(run())


def _version(url: str) -> int:
    return int(_sql(url, ("SELECT version FROM odm_well_version", {}))[0])


def _day(client: TestClient, day: str, **names: object) -> int:
    """The status of a one-row write naming its well by `names`."""
    return client.post(DAILY, json=[{**names, "production_date": day, "oil": 1.0}]).status_code


def test_every_change_to_the_wells_moves_the_version(
    fresh_database: tuple[str, DemoData],
) -> None:
    url, _ = fresh_database
    well = SEED_WELL_ID
    before = _version(url)
    _sql(url, ("UPDATE odm_well SET source_key = 'moved' WHERE well_id = :w", {"w": well}))
    renamed = _version(url)
    _sql(url, ("UPDATE odm_division SET division_name = division_name", {}))  # not a well
    assert _version(url) == renamed > before


def test_a_well_added_behind_the_servers_back_is_named_by_the_next_write(
    fresh_database: tuple[str, DemoData], fresh_client: TestClient
) -> None:
    url, _ = fresh_database
    assert _day(fresh_client, "2031-06-01", well_id=SEED_WELL_ID) == 200  # keys read
    division = SEED_DIVISION_ID
    _sql(
        url,
        (
            "INSERT INTO odm_well (well_id, division_id, well_name, well_type, status) "
            "VALUES (:w, :d, 'Added By Hand', 'producer', 'producing')",
            {"w": NEW_WELL, "d": division},
        ),
    )
    assert _day(fresh_client, "2031-06-01", well_name="Added By Hand") == 200
    assert _day(fresh_client, "2031-06-02", well_id=NEW_WELL) == 200


def test_the_identifiers_are_read_again_only_when_the_version_moves(
    fresh_database: tuple[str, DemoData], fresh_client: TestClient
) -> None:
    url, _ = fresh_database
    well = SEED_WELL_ID
    assert _day(fresh_client, "2031-07-01", well_id=well) == 200  # the keys are read and kept
    # A rename whose version move is taken back: the server must not see it, which shows
    # that it answers from the identifiers it kept rather than reading them for each write.
    version = _version(url)
    _sql(
        url,
        ("UPDATE odm_well SET source_key = 'kept-out' WHERE well_id = :w", {"w": well}),
        ("UPDATE odm_well_version SET version = :v", {"v": version}),
    )
    assert _day(fresh_client, "2031-07-02", source_key="kept-out") == 409
    _sql(url, ("UPDATE odm_well_version SET version = version + 1", {}))
    assert _day(fresh_client, "2031-07-03", source_key="kept-out") == 200
