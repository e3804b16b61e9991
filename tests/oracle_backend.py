"""Oracle test databases: a throwaway schema per database, created and dropped by the tests.

ODM_TEST_ORACLE_DSN is `host:port/service_name` (for Oracle Database Free in a container:
`localhost:1521/FREEPDB1`); ODM_TEST_ORACLE_USER and ODM_TEST_ORACLE_PASSWORD name an account
that may create and drop users and roles (SYSTEM in a test container). Like the PostgreSQL
tests, which create a database per fixture, every fixture gets its own schema user: ODM's
objects are installed there by the code under test and removed with
database/oracle/uninstall.sql, which must leave the schema empty, before the user is dropped.

Each fixture is laid out as docs/oracle.md deploys ODM: beside the owner, the roles
<owner>_READER and <owner>_WRITER, an application account with only CREATE SESSION and the
reader role (which the contract tests serve through), and a loader account with the writer
role. The install's grants.sql grants the roles their privileges.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from urllib.parse import quote

from odm.db.base import DatabaseError, DatabaseUnavailable, migrations_dir
from odm.db.oracle import OracleDatabase
from odm.db.oracle_text import split_script
from tests.backends import APPLICATION_ACCOUNTS, ORACLE_ENV, skip_or_fail

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


# The owner's URL -> the loader account's URL (the writer role), for tests of that role.
LOADER_ACCOUNTS: dict[str, str] = {}


@dataclass(frozen=True)
class Accounts:
    """The users and roles of one test schema, and their passwords."""

    owner: str
    password: str

    @property
    def app(self) -> str:
        return f"{self.owner}_app"

    @property
    def loader(self) -> str:
        return f"{self.owner}_loader"

    def create(self) -> list[str]:
        """The DBA's statements: owner, roles, application and loader accounts."""
        owner, password = self.owner, self.password
        return [
            f'CREATE USER {owner} IDENTIFIED BY "{password}"',
            f"GRANT {SCHEMA_PRIVILEGES} TO {owner}",
            f"CREATE ROLE {owner}_reader",
            f"CREATE ROLE {owner}_writer",
            f'CREATE USER {self.app} IDENTIFIED BY "{password}"',
            f"GRANT CREATE SESSION, {owner}_reader TO {self.app}",
            f'CREATE USER {self.loader} IDENTIFIED BY "{password}"',
            f"GRANT CREATE SESSION, {owner}_writer TO {self.loader}",
        ]

    def drop(self) -> list[str]:
        """Everything `create` made, gone (a part made before a failure too)."""
        return (
            [f"DROP USER {user} CASCADE" for user in (self.app, self.loader)]
            + [f"DROP ROLE {self.owner}_{role}" for role in ("reader", "writer")]
            + [f"DROP USER {self.owner} CASCADE"]
        )


async def _run_each(url: str, statements: list[str]) -> None:
    """Run every statement, whichever fail (ORA-01918 and ORA-01919 for what is missing)."""
    db = OracleDatabase(url, pool_size=1)
    await db.open()
    try:
        for statement in statements:
            with suppress(DatabaseError):
                await db.execute(statement, {})
    finally:
        await db.close()


@contextmanager
def oracle_database() -> Iterator[str]:
    """A new, empty schema on the server of ODM_TEST_ORACLE_DSN (its owner's oracle:// URL),
    with its reader and writer roles, application account and loader account."""
    dsn = os.environ.get(ORACLE_ENV, "")
    admin_user, admin_password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if not admin_user or not admin_password:
        skip_or_fail("oracle", f"{ORACLE_ENV} is set but {USER_ENV} or {PASSWORD_ENV} is not")
    assert admin_user is not None and admin_password is not None
    admin = oracle_url(admin_user, admin_password, dsn)
    accounts = Accounts(f"odm_test_{secrets.token_hex(6)}", f"P{secrets.token_hex(12)}")
    try:
        asyncio.run(_run(admin, [*accounts.create(), "SELECT 1 FROM dual"]))
    except DatabaseUnavailable as exc:
        skip_or_fail("oracle", f"cannot connect to {dsn}: {exc}")
    except DatabaseError:
        asyncio.run(_run_each(admin, accounts.drop()))
        raise
    url = oracle_url(accounts.owner, accounts.password, dsn)
    APPLICATION_ACCOUNTS[url] = (
        oracle_url(accounts.app, accounts.password, dsn),
        accounts.owner.upper(),
    )
    LOADER_ACCOUNTS[url] = oracle_url(accounts.loader, accounts.password, dsn)
    try:
        yield url
        assert _uninstall_and_count_left(url) == 0, "uninstall.sql left objects behind"
    finally:
        APPLICATION_ACCOUNTS.pop(url, None)
        LOADER_ACCOUNTS.pop(url, None)
        asyncio.run(_run_each(admin, accounts.drop()))
