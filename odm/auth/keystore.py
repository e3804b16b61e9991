"""API keys in the database: create, list, revoke, and turn a presented key into a caller."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from odm.auth.audit import iso_utc, utc_now
from odm.auth.identity import (
    Caller,
    Role,
    Unauthenticated,
    division_scope,
    format_divisions,
    parse_divisions,
)
from odm.auth.keys import PresentedKey, key_hash, key_matches, new_key
from odm.db.base import Database, DatabaseError
from odm.queries import load_sql
from odm.queries.compose import Conditions, statement

KEY_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")
KEY_FIELDS = ("key_id", "name", "role", "divisions", "created_at", "expires_on", "revoked_at")
# Compared against when a key id is unknown, so that an unknown id and a wrong secret take
# the same time.
_NO_HASH = "0" * 64


@dataclass(frozen=True)
class KeyInfo:
    """A stored key as listed: everything but its hash."""

    key_id: str
    name: str
    role: str
    divisions: str
    created_at: str | None
    expires_on: dt.date | None
    revoked_at: str | None

    def status(self, today: dt.date) -> str:
        """valid, expired or revoked."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_on is not None and today > self.expires_on:
            return "expired"
        return "valid"


def _as_date(value: Any) -> dt.date | None:
    if value is None or type(value) is dt.date:
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.date.fromisoformat(str(value)[:10])


def today_utc() -> dt.date:
    """Today's date in UTC (key expiry dates are UTC days)."""
    return dt.datetime.now(dt.UTC).date()


async def create_key(
    db: Database,
    name: str,
    role: Role,
    divisions: frozenset[int] | None,
    expires_on: dt.date | None = None,
) -> PresentedKey:
    """Store a new key (its hash only); the key returned is never seen again. The caller
    records the change in the audit log."""
    if not KEY_NAME.fullmatch(name):
        raise ValueError("a key name is 1 to 100 letters, digits, '.', '_', '@' or '-'")
    if expires_on is not None and expires_on < today_utc():
        raise ValueError(f"expiry date {expires_on} is in the past")
    if await find_keys(db, name):
        raise ValueError(f"a key named {name!r} exists (names are never reused)")
    key = new_key()
    params = {
        "key_id": key.key_id,
        "key_name": name,
        "key_hash": key_hash(key),
        "caller_role": role.value,
        "divisions": format_divisions(None if role is Role.ADMIN else divisions),
        "created_at": utc_now(),
        "expires_on": expires_on,
    }
    await db.execute(load_sql("insert_api_key", db.dialect), params)
    return key


async def find_keys(db: Database, name: str | None = None) -> list[KeyInfo]:
    """Every key (or the one named), valid or not, by name."""
    conditions = Conditions().where_equal("k.key_name", "key_name", name)
    query = statement("api_keys", db.dialect, conditions)
    result = await db.fetch(query.sql, query.params)
    names = [c.lower() for c in result.columns]
    return [_key_info(dict(zip(names, row, strict=True))) for row in result.rows]


def _key_info(row: dict[str, Any]) -> KeyInfo:
    return KeyInfo(
        row["key_id"],
        row["key_name"],
        row["caller_role"],
        row["divisions"],
        iso_utc(row["created_at"]),
        _as_date(row["expires_on"]),
        iso_utc(row["revoked_at"]),
    )


async def revoke_key(db: Database, name: str) -> KeyInfo | None:
    """Revoke the valid key named, at once; None if there is no such key. The caller
    records the change in the audit log."""
    params = {"key_name": name, "revoked_at": utc_now()}
    if await db.execute(load_sql("revoke_api_key", db.dialect), params) != 1:
        return None
    (info,) = await find_keys(db, name)
    return info


async def _stored_key(db: Database, key_id: str) -> dict[str, Any] | None:
    result = await db.fetch(load_sql("api_key", db.dialect), {"key_id": key_id})
    names = [c.lower() for c in result.columns]
    return dict(zip(names, result.rows[0], strict=True)) if result.rows else None


def _refuse_if_unusable(stored: dict[str, Any]) -> None:
    if stored["revoked_at"] is not None:
        raise Unauthenticated("API key revoked")
    expires_on = _as_date(stored["expires_on"])
    if expires_on is not None and today_utc() > expires_on:
        raise Unauthenticated(f"API key expired on {expires_on}")


async def authenticate_key(db: Database, key: PresentedKey) -> Caller:
    """The caller a presented key stands for; Unauthenticated unless it is stored, valid and
    neither expired nor revoked. Nothing but the key id is ever logged."""
    stored = await _stored_key(db, key.key_id)
    if not key_matches(key, stored["key_hash"] if stored else _NO_HASH) or stored is None:
        raise Unauthenticated("invalid API key")
    _refuse_if_unusable(stored)
    name, role, divisions = stored["key_name"], stored["caller_role"], stored["divisions"]
    try:
        scope = division_scope(Role(role), parse_divisions(divisions))
    except ValueError as exc:
        raise DatabaseError(f"key {key.key_id}: stored role or divisions unreadable") from exc
    return Caller(name, Role(role), scope, f"key:{key.key_id}", key.key_id)


async def key_still_valid(db: Database, key_id: str) -> bool:
    """Whether a key that was valid still is: not revoked, not expired (long streams ask)."""
    stored = await _stored_key(db, key_id)
    if stored is None:
        return False
    try:
        _refuse_if_unusable(stored)
    except Unauthenticated:
        return False
    return True
