"""Test databases: a fresh one per run and backend, created and dropped by the tests."""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from odm.config import Settings
from odm.db import open_database
from odm.db.base import migrate
from odm.demo import DemoData, DemoSpec
from tests.isolation import isolated_settings

POSTGRES_ENV = "ODM_TEST_POSTGRES_URL"
ORACLE_ENV = "ODM_TEST_ORACLE_DSN"
REQUIRE_ENV = "ODM_TEST_REQUIRE"  # comma-separated backends that must not be skipped

# Small but complete: every division, injectors, shut-in and abandoned wells.
TEST_SPEC = DemoSpec(wells=16, years=2, seed=7)
# The account a deployment serves a database with, where that is not the account that owns
# it (Oracle): the owner's URL -> (the application account's URL, the owner's schema).
APPLICATION_ACCOUNTS: dict[str, tuple[str, str]] = {}


def required(backend: str) -> bool:
    """Whether this run must fail rather than skip when the backend is missing."""
    return backend in os.environ.get(REQUIRE_ENV, "").replace(" ", "").split(",")


def skip_or_fail(backend: str, reason: str) -> None:
    """Skip the backend's tests, or fail the run if it was required."""
    if required(backend):
        pytest.fail(f"{backend} tests are required ({REQUIRE_ENV}) but {reason}", pytrace=False)
    pytest.skip(reason)


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of ODM_TEST_POSTGRES_URL."""
    import psycopg

    url = os.environ.get(POSTGRES_ENV)
    if not url:
        skip_or_fail("postgresql", f"{POSTGRES_ENV} is not set")
    assert url is not None
    name = f"odm_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(url, autocommit=True)
    except psycopg.OperationalError as exc:
        skip_or_fail("postgresql", f"cannot connect to {url}: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"'.encode())
    try:
        yield urlsplit(url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


def app_settings(url: str, **options: Any) -> Settings:
    """Settings that serve the database at `url` as a deployment does: on Oracle, as the
    least-privilege application account (the owner's reader role), in the owner's schema.

    Apps keep two pooled connections open rather than the whole pool: many run at once
    against one PostgreSQL server (and its max_connections)."""
    options = {"pool_min": 2} | options
    if url not in APPLICATION_ACCOUNTS:
        return isolated_settings(database_url=url, **options)
    app_url, schema = APPLICATION_ACCOUNTS[url]
    return isolated_settings(database_url=app_url, oracle_schema=schema, **options)


def sqlite_url(folder: Path) -> str:
    """A SQLite file in a fresh folder."""
    return f"sqlite:///{folder / 'odm.db'}"


async def load_demo(url: str, spec: DemoSpec = TEST_SPEC) -> DemoData:
    """Create the schema and write a demo data set."""
    db = open_database(isolated_settings(database_url=url), url)
    await db.open()
    try:
        await migrate(db)
        data = DemoData(spec)
        await db.write_tables(data.tables(), lambda n: None)
        return data
    finally:
        await db.close()


def load_demo_sync(url: str, spec: DemoSpec = TEST_SPEC) -> DemoData:
    """`load_demo` for synchronous fixtures."""
    return asyncio.run(load_demo(url, spec))


def empty_database(backend: str, folder: Path) -> contextlib.AbstractContextManager[str]:
    """A new empty database of the backend."""
    if backend == "sqlite":
        return contextlib.nullcontext(sqlite_url(folder))
    if backend == "postgresql":
        return postgres_database()
    if not os.environ.get(ORACLE_ENV):
        skip_or_fail("oracle", f"{ORACLE_ENV} is not set (no Oracle server to test against)")
    from tests.oracle_backend import oracle_database

    return oracle_database()
