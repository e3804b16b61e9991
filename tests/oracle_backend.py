"""Oracle test databases: a throwaway schema per database, created and dropped by the tests.

ODM_TEST_ORACLE_DSN is `host:port/service_name` (for Oracle Database Free in a container:
`localhost:1521/FREEPDB1`); ODM_TEST_ORACLE_USER and ODM_TEST_ORACLE_PASSWORD name an account
that may create and drop users (SYSTEM in a test container). Like the PostgreSQL tests, which
create a database per fixture, every fixture gets its own schema user: ODM's objects are
installed there by the code under test and removed with database/oracle/uninstall.sql, which
must leave the schema empty, before the user is dropped.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from odm.db.base import DatabaseUnavailable, migrations_dir
from odm.db.oracle import OracleDatabase
from odm.db.oracle_text import split_script
from tests.backends import ORACLE_ENV, skip_or_fail

USER_ENV = "ODM_TEST_ORACLE_USER"
PASSWORD_ENV = "ODM_TEST_ORACLE_PASSWORD"
SCHEMA_PRIVILEGES = (
    "CREATE SESSION, CREATE TABLE, CREATE VIEW, CREATE TRIGGER, CREATE PROCEDURE, "
    "UNLIMITED TABLESPACE"
)


def oracle_url(user: str, password: str, dsn: str) -> str:
    """The oracle:// URL of an account on the test server."""
    return f"oracle://{quote(user, safe='')}:{quote(password, safe='')}@{dsn}"


async def _run(url: str, statements: list[str]) -> list[tuple[object, ...]]:
    """Run statements one by one as the URL's user; return the rows of the last one."""
    db = OracleDatabase(url, pool_size=1)
    await db.open()
    try:
        for statement in statements[:-1]:
            await db.execute(statement, {})
        return await db.fetch_all(statements[-1], {}) if statements else []
    finally:
        await db.close()


def _uninstall_and_count_left(url: str) -> int:
    """Run uninstall.sql, then count the objects still in the schema."""
    script = (migrations_dir("oracle") / "uninstall.sql").read_text("utf-8")
    statements = [
        *split_script(script, migrations_dir("oracle")),
        "SELECT COUNT(*) FROM user_objects",
    ]
    rows = asyncio.run(_run(url, statements))
    return int(str(rows[0][0]))


@contextmanager
def oracle_database() -> Iterator[str]:
    """A new, empty schema on the server of ODM_TEST_ORACLE_DSN; its oracle:// URL."""
    dsn = os.environ.get(ORACLE_ENV, "")
    admin_user, admin_password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if not admin_user or not admin_password:
        skip_or_fail("oracle", f"{ORACLE_ENV} is set but {USER_ENV} or {PASSWORD_ENV} is not")
    assert admin_user is not None and admin_password is not None
    admin = oracle_url(admin_user, admin_password, dsn)
    user, password = f"odm_test_{secrets.token_hex(6)}", f"P{secrets.token_hex(12)}"
    try:
        asyncio.run(
            _run(
                admin,
                [
                    f'CREATE USER {user} IDENTIFIED BY "{password}"',
                    f"GRANT {SCHEMA_PRIVILEGES} TO {user}",
                    "SELECT 1 FROM dual",
                ],
            )
        )
    except DatabaseUnavailable as exc:
        skip_or_fail("oracle", f"cannot connect to {dsn}: {exc}")
    try:
        url = oracle_url(user, password, dsn)
        yield url
        assert _uninstall_and_count_left(url) == 0, "uninstall.sql left objects behind"
    finally:
        asyncio.run(_run(admin, [f"DROP USER {user} CASCADE", "SELECT 1 FROM dual"]))
