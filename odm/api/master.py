"""Version 1 master data: divisions (admins) and wells (writers of the division), created,
changed and retired over HTTP, each change in one transaction with its audit record."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from odm.api.auth import require_division, require_role
from odm.api.deps import DB, WriterDep
from odm.api.errors import Conflict, NotFound
from odm.api.listing import fetch_object, list_spec
from odm.api.params import BODY_MAX_ID, MAX_ID
from odm.api.responses import ERRORS
from odm.auth.audit import Change, record_in
from odm.auth.identity import Caller, Role
from odm.db.base import Database, Transaction
from odm.feed import log as feed
from odm.models import Division, ErrorResponse, Well, field_names
from odm.queries import lists, load_sql
from odm.queries.master import update
from odm.rows import RowPlan

router = APIRouter(prefix="/v1", tags=["master data"])
Admin = Annotated[Caller, Depends(require_role(Role.ADMIN))]
WellId = Annotated[int, Path(ge=1, le=MAX_ID, description="Well id (64-bit).")]
DivisionId = Annotated[int, Path(ge=1, le=MAX_ID, description="Division id.")]
Printable = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=Printable)]
Identifier = Annotated[str | None, Field(min_length=1, max_length=100, pattern=Printable)]
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    400: {"model": ErrorResponse, "description": "The body is not JSON."},
    409: {
        "model": ErrorResponse,
        "description": "An id or identifier is taken, or a "
        "division to retire still has active wells.",
    },
}


class DivisionChange(BaseModel):
    """A division's name."""

    model_config = ConfigDict(extra="forbid")
    division_name: Name | None = Field(default=None, description="Division name.")


class NewDivision(DivisionChange):
    """A new division: its id is the next free one unless given."""

    division_id: int | None = Field(default=None, ge=1, le=BODY_MAX_ID, description="Division id.")


class WellChange(BaseModel):
    """The fields of a well a writer may set; each identifier is unique where set."""

    model_config = ConfigDict(extra="forbid")
    well_name: Name | None = Field(default=None, description="Well name (unique).")
    division_id: int | None = Field(default=None, ge=1, le=BODY_MAX_ID, description="Division.")
    well_type: Literal["producer", "injector"] | None = Field(
        default=None, description="producer or injector."
    )
    status: Literal["drilling", "producing", "shut_in", "suspended", "abandoned"] | None = Field(
        default=None, description="drilling, producing, shut_in, suspended or abandoned."
    )
    first_production_date: dt.date | None = Field(default=None, description="YYYY-MM-DD.")
    api_number: Identifier = Field(default=None, description="US API number (unique).")
    uwi: Identifier = Field(default=None, description="Unique well identifier (unique).")
    source_key: Identifier = Field(
        default=None, description="A free identifier (unique), e.g. a regulator's code."
    )


class NewWell(WellChange):
    """A new well: named, in a division; its id is the next free one unless given."""

    well_id: int | None = Field(default=None, ge=1, le=BODY_MAX_ID, description="Well id.")
    well_name: Name = Field(description="Well name (unique).")
    division_id: int = Field(ge=1, le=BODY_MAX_ID, description="Division.")
    well_type: Literal["producer", "injector"] = Field(
        default="producer", description="producer or injector."
    )
    status: Literal["drilling", "producing", "shut_in", "suspended", "abandoned"] = Field(
        default="producing", description="drilling, producing, shut_in, suspended or abandoned."
    )


async def _division(db: Database, caller: Caller, division_id: int) -> dict[str, Any]:
    query = lists.divisions(db.dialect, caller.scope, division_id)
    found = await fetch_object(db, list_spec(query, RowPlan(field_names(Division)), model=Division))
    if found is None:
        raise NotFound(f"division {division_id} not found")
    return found


async def _well(db: Database, caller: Caller, well_id: int) -> dict[str, Any]:
    query = lists.wells(db.dialect, caller.scope, lists.WellFilter(well_id=well_id))
    found = await fetch_object(db, list_spec(query, RowPlan(field_names(Well)), model=Well))
    if found is None:
        raise NotFound(f"well {well_id} not found")
    return found


async def _next_id(tx: Transaction, db: Database, name: str) -> int:
    result = await tx.fetch(load_sql(name, db.dialect), {})
    return int(result.rows[0][0])


async def _audit(
    tx: Transaction,
    db: Database,
    request: Request,
    caller: Caller,
    target: str,
    entry: feed.Entry | None = None,
) -> None:
    """Record the change in the audit log and (last: it holds the log's counter until the
    commit) in the change log."""
    route = getattr(request.scope.get("route"), "path", request.url.path)
    await record_in(tx, db.dialect, caller, Change(request.method, route, target, 1))
    if entry is not None:
        await feed.append(tx, db.dialect, [entry])


def _entry(
    entity: str, kind: str, values: dict[str, Any], division: int, well: int | None = None
) -> feed.Entry:
    return feed.Entry(entity, kind, values, division, well)


@router.post("/divisions", status_code=201, responses=WRITE_ERRORS, response_model=Division)
async def create_division(
    body: NewDivision, request: Request, db: DB, caller: Admin
) -> JSONResponse:
    """Create a division (admins)."""
    async with db.session() as session, session.transaction() as tx:
        division_id = body.division_id or await _next_id(tx, db, "next_division_id")
        params = {"division_id": division_id, "division_name": body.division_name}
        await tx.execute(load_sql("insert_division", db.dialect), params)
        entry = _entry("division", "create", params, division_id)
        await _audit(tx, db, request, caller, f"division {division_id}", entry)
    created = await _division(db, caller, division_id)
    return JSONResponse(
        _jsonable(created), 201, headers={"Location": f"/v1/divisions/{division_id}"}
    )


@router.patch("/divisions/{division_id}", responses=WRITE_ERRORS, response_model=Division)
async def change_division(
    division_id: DivisionId, body: DivisionChange, request: Request, db: DB, caller: Admin
) -> dict[str, Any]:
    """Rename a division (admins)."""
    await _division(db, caller, division_id)
    changes = body.model_dump(exclude_unset=True)
    if changes:
        query = update("odm_division", "division_id", division_id, changes)
        async with db.session() as session, session.transaction() as tx:
            await tx.execute(query.sql, query.params)
            entry = _entry("division", "update", changes, division_id)
            await _audit(tx, db, request, caller, f"division {division_id}", entry)
    return await _division(db, caller, division_id)


@router.delete("/divisions/{division_id}", responses=WRITE_ERRORS, response_model=Division)
async def retire_division(
    division_id: DivisionId, request: Request, db: DB, caller: Admin
) -> dict[str, Any]:
    """Retire a division that has no active well (admins); its history stays."""
    await _division(db, caller, division_id)
    async with db.session() as session, session.transaction() as tx:
        active = await tx.fetch(load_sql("active_wells", db.dialect), {"division_id": division_id})
        if int(active.rows[0][0]):
            raise Conflict(f"division {division_id} has active wells: retire or move them first")
        params = {"division_id": division_id, "retired_on": _today()}
        if await tx.execute(load_sql("retire_division", db.dialect), params):
            entry = _entry("division", "retire", params, division_id)
            await _audit(tx, db, request, caller, f"division {division_id}", entry)
    return await _division(db, caller, division_id)


@router.post("/wells", status_code=201, responses=WRITE_ERRORS, response_model=Well)
async def create_well(body: NewWell, request: Request, db: DB, writer: WriterDep) -> JSONResponse:
    """Create a well in a division the caller writes to; any identifier can then name it in
    writes and imports."""
    require_division(writer, body.division_id)
    await _division(db, writer, body.division_id)
    async with db.session() as session, session.transaction() as tx:
        well_id = body.well_id or await _next_id(tx, db, "next_well_id")
        fields = body.model_dump(exclude={"well_id"})
        await _refuse_taken(tx, db, well_id, fields)
        await tx.execute(load_sql("insert_well", db.dialect), {**fields, "well_id": well_id})
        entry = _entry("well", "create", fields, body.division_id, well_id)
        await _audit(tx, db, request, writer, f"well {well_id}", entry)
    created = await _well(db, writer, well_id)
    return JSONResponse(_jsonable(created), 201, headers={"Location": f"/v1/wells/{well_id}"})


@router.patch("/wells/{well_id}", responses=WRITE_ERRORS, response_model=Well)
async def change_well(
    well_id: WellId, body: WellChange, request: Request, db: DB, writer: WriterDep
) -> dict[str, Any]:
    """Change a well's fields (writers of its division, and of the division it moves to)."""
    stored = await _well(db, writer, well_id)
    changes = body.model_dump(exclude_unset=True)
    for required in ("well_name", "division_id", "well_type", "status"):
        if required in changes and changes[required] is None:
            raise Conflict(f"{required} cannot be cleared")
    if "division_id" in changes:
        require_division(writer, changes["division_id"])
        await _division(db, writer, changes["division_id"])
    if changes:
        async with db.session() as session, session.transaction() as tx:
            await _refuse_taken(tx, db, well_id, {**stored, **changes})
            query = update("odm_well", "well_id", well_id, changes)
            await tx.execute(query.sql, query.params)
            division = int(changes.get("division_id") or stored["division_id"])
            entry = _entry("well", "update", changes, division, well_id)
            await _audit(tx, db, request, writer, f"well {well_id}", entry)
    return await _well(db, writer, well_id)


@router.delete("/wells/{well_id}", responses=WRITE_ERRORS, response_model=Well)
async def retire_well(
    well_id: WellId, request: Request, db: DB, writer: WriterDep
) -> dict[str, Any]:
    """Retire a well: abandoned from today (UTC); its production history stays."""
    stored = await _well(db, writer, well_id)
    async with db.session() as session, session.transaction() as tx:
        params = {"well_id": well_id, "retired_on": _today()}
        if await tx.execute(load_sql("retire_well", db.dialect), params):
            entry = _entry("well", "retire", params, int(stored["division_id"]), well_id)
            await _audit(tx, db, request, writer, f"well {well_id}", entry)
    return await _well(db, writer, well_id)


async def _refuse_taken(
    tx: Transaction, db: Database, well_id: int, fields: dict[str, Any]
) -> None:
    """A clear 409 naming the identifier another well already has."""
    params = {n: fields.get(n) for n in ("well_name", "uwi", "api_number", "source_key")}
    taken = await tx.fetch(
        load_sql("taken_identifiers", db.dialect), {**params, "well_id": well_id}
    )
    names = [c.lower() for c in taken.columns]
    for row in taken.rows:
        for name, value in zip(names, row, strict=True):
            if value is not None and value == params[name]:
                raise Conflict(f"{name} {value!r} is already in use by another well")


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}
