"""PostgreSQL's pool: a connection that the database dropped while it sat idle is replaced
before anyone uses it, and one that answered a moment ago is handed out without a ping."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import psycopg
import pytest

from odm.db import open_database, postgres
from odm.db.base import Database, DatabaseUnavailable
from tests.backends import postgres_database
from tests.isolation import isolated_settings

NOW = "SELECT 1 AS one"


@pytest.fixture
def url() -> Iterator[str]:
    with postgres_database() as url:
        yield url


def _drop_connections(url: str) -> None:
    """End every connection of ODM's pool from the server side, as a restart would."""
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = 'odm' "
            "AND pid <> pg_backend_pid()"
        )


@asynccontextmanager
async def _pool(url: str) -> AsyncIterator[Database]:
    """ODM's PostgreSQL backend on `url` with a pool of two connections, both opened."""
    db = open_database(isolated_settings(database_url=url, pool_size=2, pool_min=2), url)
    await db.open()
    try:
        yield db
    finally:
        await db.close()


def test_an_idle_connection_that_died_is_replaced_before_use(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres, "ALIVE_BYPASS_SECONDS", 0.2)

    async def run() -> None:
        async with _pool(url) as db:
            assert (await db.fetch(NOW, {})).rows == [(1,)]
            _drop_connections(url)
            await asyncio.sleep(0.3)  # past the window: the pool pings before handing out
            for _ in range(4):  # every connection of the pool, and again
                assert (await db.fetch(NOW, {})).rows == [(1,)]

    asyncio.run(run())


def test_a_connection_used_a_moment_ago_is_not_pinged_until_one_is_found_lost(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Within the window nothing is asked before the statement, so the request that meets a
    # connection the database dropped fails (503); from then on every connection returned
    # before that failure is pinged first, so the next request finds a live one.
    monkeypatch.setattr(postgres, "ALIVE_BYPASS_SECONDS", 3600.0)

    async def run() -> None:
        async with _pool(url) as db:
            await asyncio.gather(db.fetch(NOW, {}), db.fetch(NOW, {}))  # both connections used
            _drop_connections(url)
            with pytest.raises(DatabaseUnavailable):
                await db.fetch(NOW, {})
            for _ in range(4):
                assert (await db.fetch(NOW, {})).rows == [(1,)]

    asyncio.run(run())
