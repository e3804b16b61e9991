"""API keys: high-entropy secrets stored only as hashes, and `odm keys` to create, list and
revoke them (each change audited)."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from odm.auth.keys import key_hash, key_matches, new_key, parse_key
from odm.cli import app
from odm.config import Settings
from odm.db import open_database
from odm.queries import lists, load_sql
from odm.queries.compose import Conditions, statement
from tests.test_oracle_offline import oracle_problems

runner = CliRunner()


def test_a_key_has_256_random_bits_and_a_public_id() -> None:
    key = new_key()
    assert key.text.startswith(f"odm_{key.key_id}_") and len(key.text) == 4 + 16 + 1 + 43
    assert parse_key(key.text) == key and parse_key(f" {key.text} ") == key
    assert new_key().text != key.text
    assert key.text not in repr(key)


@pytest.mark.parametrize(
    "text",
    ["", "odm_", "odm_0123456789abcdef_short", "xdm_0123456789abcdef_" + "a" * 43, "eyJ.a.b"],
)
def test_anything_else_is_not_a_key(text: str) -> None:
    assert parse_key(text) is None


def test_only_the_hash_is_compared() -> None:
    key, other = new_key(), new_key()
    assert key_hash(key) == hashlib.sha256(key.text.encode()).hexdigest()
    assert key_matches(key, key_hash(key))
    assert not key_matches(other, key_hash(key))


def _cli(*args: str) -> Any:
    return runner.invoke(app, list(args))


async def _rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    db = open_database(Settings(database_url=url), url)
    await db.open()
    try:
        return await db.fetch_all(sql, {})
    finally:
        await db.close()


def _listed(url: str) -> list[list[str]]:
    listed = _cli("keys", "list", "-d", url)
    assert listed.exit_code == 0, listed.output
    return [line.split("\t") for line in listed.stdout.splitlines()[1:]]


def test_create_list_revoke(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    created = _cli(
        "keys", "create", "-d", url, "--name", "ci", "--role", "reader", "--division", "63"
    )
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip()
    assert parse_key(secret) is not None and "shown only now" in created.stderr
    ((name, key_id, role, divisions, _created, expires, status),) = _listed(url)
    assert (name, role, divisions, expires, status) == ("ci", "reader", "63", "never", "valid")
    assert secret.startswith(f"odm_{key_id}_")
    stored = asyncio.run(_rows(url, "SELECT key_hash FROM odm_api_key"))
    assert stored == [(hashlib.sha256(secret.encode()).hexdigest(),)]
    assert secret.encode() not in (tmp_path / "keys.db").read_bytes()
    assert _cli("keys", "revoke", "-d", url, "ci").exit_code == 0
    assert _listed(url)[0][-1] == "revoked"
    again = _cli("keys", "revoke", "-d", url, "ci")
    assert again.exit_code == 1 and "no valid key" in again.output
    audit = asyncio.run(_rows(url, "SELECT method, route, target, row_count FROM odm_audit"))
    assert audit == [
        ("CLI", "odm keys create", "key ci (reader, divisions 63)", 1),
        ("CLI", "odm keys revoke", "key ci", 1),
    ]


def test_admins_see_every_division_and_keys_can_expire(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    admin = _cli("keys", "create", "-d", url, "--name", "ops", "--role", "admin")
    assert admin.exit_code == 0, admin.output
    writer = _cli(
        "keys",
        "create",
        "-d",
        url,
        "--name",
        "etl",
        "--role",
        "writer",
        "--all-divisions",
        "--expires",
        "2999-12-31",
    )
    assert writer.exit_code == 0, writer.output
    rows = {row[0]: row for row in _listed(url)}
    assert rows["ops"][2:4] == ["admin", "*"] and rows["etl"][2:4] == ["writer", "*"]
    assert rows["etl"][5] == "2999-12-31"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "r", "--role", "reader"], "--all-divisions"),
        (["--name", "r", "--role", "reader", "--division", "1", "--all-divisions"], "--division"),
        (["--name", "a", "--role", "admin", "--division", "63"], "every division"),
        (["--name", "r", "--role", "root", "--all-divisions"], "root"),
        (["--name", "bad name", "--role", "reader", "--all-divisions"], "key name"),
        (["--name", "r", "--role", "reader", "--all-divisions", "--expires", "2001-01-01"], "past"),
        (["--name", "r", "--role", "reader", "--all-divisions", "--expires", "soon"], "YYYY"),
    ],
)
def test_bad_keys_are_refused(tmp_path: Path, args: list[str], message: str) -> None:
    result = _cli("keys", "create", "-d", f"sqlite:///{tmp_path / 'k.db'}", *args)
    assert result.exit_code != 0 and message in result.output
    assert "odm_" not in result.stdout


def test_names_are_never_reused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    first = ["keys", "create", "-d", url, "--name", "ci", "--role", "admin"]
    assert _cli(*first).exit_code == 0
    assert _cli("keys", "revoke", "-d", url, "ci").exit_code == 0
    second = _cli(*first)
    assert second.exit_code == 1 and "never reused" in second.output


def test_access_statements_parse_as_oracle() -> None:
    statements = [
        load_sql(name, "oracle")
        for name in ("api_key", "insert_api_key", "revoke_api_key", "insert_audit")
    ]
    where = Conditions().where("k.key_name = :key_name", key_name="x")
    statements.append(statement("api_keys", "oracle", where).sql)
    audit = lists.audit("oracle", dt.date(2026, 1, 1))
    statements.append(audit.select(audit.keys(), after=[5]).sql)
    assert [oracle_problems(sql) for sql in statements] == [[]] * len(statements)
