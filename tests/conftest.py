"""Fixtures: every contract test runs once per available backend, on its own database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from odm.app import create_app
from odm.config import settings_variables
from odm.demo import DemoData
from tests.access import authorized
from tests.backends import app_settings, empty_database, load_demo_sync

BACKENDS = ["sqlite", "postgresql", "oracle"]


@pytest.fixture(scope="session", autouse=True)
def _isolated_from_the_developer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No setting of the developer's environment or `.env` reaches the code under test.

    Tests build their own settings (`isolated_settings`), but the command line run
    in-process reads `Settings()`, and child processes inherit the environment: so every
    variable Settings reads is unset, and the working directory holds no `.env`.
    """
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.upper() in settings_variables():
                patch.delenv(name)
        patch.chdir(tmp_path_factory.mktemp("cwd"))
        yield


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The name of the backend under test."""
    return str(request.param)


@pytest.fixture(scope="session")
def demo_database(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, DemoData]]:
    """A database of the backend holding the test demo data set (read-only for tests)."""
    with empty_database(backend, tmp_path_factory.mktemp(backend)) as url:
        yield url, load_demo_sync(url)


@pytest.fixture
def fresh_database(backend: str, tmp_path: Path) -> Iterator[tuple[str, DemoData]]:
    """A database with the demo data set that a test may change."""
    with empty_database(backend, tmp_path) as url:
        yield url, load_demo_sync(url)


@pytest.fixture(scope="session")
def client(demo_database: tuple[str, DemoData]) -> Iterator[TestClient]:
    """An HTTP client of an app over the demo database, with an admin key (no rate limit;
    on Oracle, as the application account)."""
    url, _ = demo_database
    app = create_app(app_settings(url, rate_limit=0))
    with TestClient(app, headers=authorized(url, "tests")) as test_client:
        yield test_client


@pytest.fixture
def fresh_client(fresh_database: tuple[str, DemoData]) -> Iterator[TestClient]:
    """An HTTP client of an app over a database the test may change, with an admin key."""
    url, _ = fresh_database
    app = create_app(app_settings(url, rate_limit=0))
    with TestClient(app, headers=authorized(url, "tests")) as test_client:
        yield test_client
