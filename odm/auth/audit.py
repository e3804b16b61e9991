"""The audit log: every authenticated write and every key change, with who, when, which
route and how many rows. Routes record through `odm.api.auth.audit_write`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from odm.auth.identity import Caller
from odm.db.base import Database, Transaction
from odm.queries import load_sql


@dataclass(frozen=True)
class Change:
    """One change: how it was asked for (HTTP method or CLI), the route or command, what it
    changed in words, and the rows it changed."""

    method: str
    route: str
    target: str | None
    row_count: int


def utc_now() -> dt.datetime:
    """The current time in UTC, to the second (as stored)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _event(caller: Caller, change: Change) -> dict[str, Any]:
    return {
        "recorded_at": utc_now(),
        "actor": caller.name,
        "subject": caller.subject,
        "caller_role": caller.role.value,
        "method": change.method,
        "route": change.route,
        "target": change.target,
        "row_count": change.row_count,
    }


async def record(db: Database, caller: Caller, change: Change) -> None:
    """Append one event to the audit log."""
    await db.execute(load_sql("insert_audit", db.dialect), _event(caller, change))


async def record_in(tx: Transaction, dialect: str, caller: Caller, change: Change) -> None:
    """Append one event to the audit log in the transaction of the change it records."""
    await tx.execute(load_sql("insert_audit", dialect), _event(caller, change))


def iso_utc(value: Any) -> str | None:
    """A stored time (ISO text on SQLite, a datetime elsewhere) as `YYYY-MM-DDTHH:MM:SSZ`."""
    if value is None:
        return None
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat() + "Z"
