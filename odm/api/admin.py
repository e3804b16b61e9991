"""Administration for admins: the audit log and the API keys (listed and revoked here;
created with `odm keys create`, which shows the secret once)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, BeforeValidator, Field

from odm.api.auth import audit_write, require_role
from odm.api.deps import DB, PrimaryListRequest
from odm.api.errors import NotFound
from odm.api.listing import list_spec
from odm.api.params import sort_query
from odm.api.responses import ERRORS, list_responses
from odm.auth.audit import iso_utc
from odm.auth.identity import Caller, Role
from odm.auth.keystore import KeyInfo, find_keys, revoke_key, today_utc
from odm.models import field_names
from odm.queries import lists
from odm.rows import RowPlan, map_values

router = APIRouter(prefix="/v1", tags=["administration"])
Admin = Annotated[Caller, Depends(require_role(Role.ADMIN))]
KeyName = Annotated[
    str,
    Path(
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]*$",
        description="The key's name.",
    ),
]


class AuditEvent(BaseModel):
    """One authenticated write or key change."""

    audit_id: int = Field(description="Increasing id: the order of the events.")
    recorded_at: str = Field(description="When, UTC (YYYY-MM-DDTHH:MM:SSZ).")
    actor: str = Field(description="Who: the key's name, the token's user or the OS user.")
    subject: str = Field(description="Who, uniquely: key:<key id>, oidc:<sub> or cli:<user>.")
    caller_role: str = Field(description="The caller's role then.")
    method: str = Field(description="HTTP method, or CLI.")
    route: str = Field(description="Route template or command.")
    target: str | None = Field(description="What was changed, in words.")
    row_count: int = Field(description="Rows changed.")


class ApiKey(BaseModel):
    """An API key, without its secret (which is never stored)."""

    key_id: str = Field(description="Public id: the key reads odm_<key_id>_<secret>.")
    name: str = Field(description="Unique name.")
    role: str = Field(description="reader, writer or admin.")
    divisions: str = Field(description="Division ids it may see, or * for every division.")
    created_at: str | None = Field(description="When it was made, UTC.")
    expires_on: dt.date | None = Field(description="Last valid day (UTC); null: never.")
    revoked_at: str | None = Field(description="When it was revoked, UTC; null: not revoked.")
    status: str = Field(description="valid, expired or revoked.")


AUDIT_FIELDS = field_names(AuditEvent)


def _iso_day(value: object) -> object:
    """Only YYYY-MM-DD is a day here (pydantic alone would also take a Unix time: "0")."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("a day is YYYY-MM-DD")
    return value


AuditSort = Annotated[str | None, sort_query(tuple(lists.AUDIT_SORTABLE), "audit_id")]


@router.get("/audit", response_model=None, responses=list_responses(AuditEvent))
async def list_audit_events(
    ctx: PrimaryListRequest,
    caller: Admin,
    since: Annotated[
        dt.date | None,
        BeforeValidator(_iso_day),
        Query(description="Only events on or after this day, YYYY-MM-DD."),
    ] = None,
    sort: AuditSort = None,
) -> StreamingResponse:
    """The audit log (admins only): every authenticated write and key change, newest first."""
    plan = RowPlan(AUDIT_FIELDS).then(map_values(iso_utc, ["recorded_at"]))
    return await ctx.respond(list_spec(lists.audit(ctx.dialect, since), plan, sort=sort))


def _api_key(info: KeyInfo) -> ApiKey:
    return ApiKey(
        key_id=info.key_id,
        name=info.name,
        role=info.role,
        divisions=info.divisions,
        created_at=info.created_at,
        expires_on=info.expires_on,
        revoked_at=info.revoked_at,
        status=info.status(today_utc()),
    )


@router.get("/keys", responses=ERRORS)
async def list_keys(db: DB, caller: Admin) -> list[ApiKey]:
    """Every API key, valid, expired or revoked, by name (admins only; never a secret)."""
    return [_api_key(info) for info in await find_keys(db)]


@router.delete("/keys/{name}", responses=ERRORS)
async def revoke_api_key(name: KeyName, request: Request, db: DB, caller: Admin) -> ApiKey:
    """Revoke a key at once (admins only); it stays listed, and the change is audited."""
    info = await revoke_key(db, name)
    if info is None:
        raise NotFound(f"no valid key named {name}")
    await audit_write(request, caller, 1, f"key {name}")
    return _api_key(info)
