"""Callers for tests: API keys made in a test database, and a fixed admin for apps whose
tests are not about access control."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

from odm.api.auth import get_caller
from odm.auth.identity import Caller, Role
from odm.auth.keystore import create_key
from odm.config import Settings
from odm.db import open_database
from odm.queries.compose import ALL_DIVISIONS

TEST_ADMIN = Caller("test-admin", Role.ADMIN, ALL_DIVISIONS, "test:admin")


async def make_key(url: str, name: str, role: Role, divisions: frozenset[int] | None = None) -> str:
    """A new API key (the key's text) in a database whose schema is installed."""
    db = open_database(Settings(database_url=url), url)
    await db.open()
    try:
        return (await create_key(db, name, role, divisions)).text
    finally:
        await db.close()


def make_key_sync(
    url: str, name: str, role: Role = Role.ADMIN, divisions: frozenset[int] | None = None
) -> str:
    """`make_key` for synchronous fixtures."""
    return asyncio.run(make_key(url, name, role, divisions))


def authorized(url: str, name: str) -> dict[str, str]:
    """Headers carrying a new admin key, for tests that are not about access control."""
    return {"Authorization": f"Bearer {make_key_sync(url, name)}"}


def as_admin(app: FastAPI) -> FastAPI:
    """The app with every request made by TEST_ADMIN (for backends that store no keys)."""
    app.dependency_overrides[get_caller] = lambda: TEST_ADMIN
    return app
