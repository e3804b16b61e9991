"""Version 1 writes of production, budgets and prices: records posted as a JSON array or
NDJSON, upserted on their key in one transaction, and deletes of a well's days."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse

from odm.api.deps import DB, AppSettings, WriterDep
from odm.api.ingest import WriteRequest, ingest, record_schema
from odm.api.lookups import require_known
from odm.api.params import End, Start, UnitsParam, WellIdParam
from odm.auth.audit import Change, record_in
from odm.db.base import Database, Transaction
from odm.feed import log as feed
from odm.ingest import targets
from odm.ingest.targets import Target
from odm.models import ErrorResponse, WriteResult
from odm.queries.writes import delete_days
from odm.units import UnitSystem

router = APIRouter(prefix="/v1", tags=["writes"])

OnError = Annotated[
    Literal["abort", "skip"],
    Query(
        description="abort: nothing is written if any record is rejected (409 when records "
        "only name wells or divisions not found or not yours); skip: those records are "
        "skipped and listed, the others written. A malformed record (a wrong type, an "
        "unknown field, a value out of range) fails the whole write in either mode (422)."
    ),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="Makes a retry safe: the same key with the same request answers the "
        "first answer again without writing; with another request, 409.",
    ),
]
KEEPS = (
    "A field a record leaves out keeps its stored value (a new row has none); null clears it. "
    "A key given twice keeps its last record. Rows whose values are all as stored are counted "
    "unchanged and not touched."
)


def _body(target: Target, what: str) -> dict[str, Any]:
    """The OpenAPI request body of a write: a JSON array, or NDJSON, of records."""
    record = record_schema(target, what)
    return {
        "requestBody": {
            "required": True,
            "description": f"{what} {KEEPS}",
            "content": {
                "application/json": {"schema": {"type": "array", "items": record}},
                "application/x-ndjson": {"schema": record},
            },
        }
    }


RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": WriteResult, "description": "Written: what happened to each row."},
    409: {
        "model": WriteResult | ErrorResponse,
        "description": "Nothing written: records name wells or divisions not found (or not "
        "yours), an identifier is taken, or the Idempotency-Key was used for another request.",
    },
    413: {"model": ErrorResponse, "description": "The body is larger than allowed."},
    415: {"model": ErrorResponse, "description": "The body is neither JSON nor NDJSON."},
    422: {
        "description": "Nothing written: invalid records (the answer counts and names them, "
        "as a 200 does), a body that is not JSON records, or a malformed parameter."
    },
}


async def _write(
    request: Request,
    db: DB,
    settings: AppSettings,
    writer: WriterDep,
    target: Target,
    **options: Any,
) -> JSONResponse:
    spec = WriteRequest(
        target,
        writer,
        batch_rows=settings.batch_rows,
        max_bytes=settings.max_body_bytes,
        **options,
    )
    return await ingest(request, db, spec)


@router.post(
    "/production/daily",
    response_model=None,
    responses=RESPONSES,
    openapi_extra=_body(targets.DAILY_PRODUCTION, "Daily rows of wells, named by any identifier."),
)
async def write_daily_production(
    request: Request,
    db: DB,
    settings: AppSettings,
    writer: WriterDep,
    on_error: OnError = "abort",
    units: UnitsParam = UnitSystem.FIELD,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Write daily rows (upsert on well and day) in one transaction: the well's totals move
    with them. Volumes in bbl and Mcf, or m³ and Sm³ with units=metric."""
    return await _write(
        request,
        db,
        settings,
        writer,
        targets.DAILY_PRODUCTION,
        units=units,
        skip_rejected=on_error == "skip",
        idempotency_key=idempotency_key,
    )


@router.post(
    "/production/monthly",
    response_model=None,
    responses=RESPONSES,
    openapi_extra=_body(
        targets.MONTHLY_PRODUCTION,
        "Monthly rows as reported, per well, completion, lease or field.",
    ),
)
async def write_monthly_production(
    request: Request,
    db: DB,
    settings: AppSettings,
    writer: WriterDep,
    on_error: OnError = "abort",
    units: UnitsParam = UnitSystem.FIELD,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Write monthly as-reported rows (upsert on entity type, entity key and month)."""
    return await _write(
        request,
        db,
        settings,
        writer,
        targets.MONTHLY_PRODUCTION,
        units=units,
        skip_rejected=on_error == "skip",
        idempotency_key=idempotency_key,
        defaults={"source": f"api:{writer.name}"},
    )


@router.post(
    "/budgets",
    response_model=None,
    responses=RESPONSES,
    openapi_extra=_body(targets.WELL_BUDGET, "Monthly budget and actual spend of wells, USD."),
)
async def write_budgets(
    request: Request,
    db: DB,
    settings: AppSettings,
    writer: WriterDep,
    on_error: OnError = "abort",
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Write wells' monthly budget and actual spend (upsert on well and month)."""
    return await _write(
        request,
        db,
        settings,
        writer,
        targets.WELL_BUDGET,
        skip_rejected=on_error == "skip",
        idempotency_key=idempotency_key,
    )


@router.post(
    "/prices/daily",
    response_model=None,
    responses=RESPONSES,
    openapi_extra=_body(targets.DAILY_PRICE, "Daily oil prices, USD/bbl (USD/m³ if metric)."),
)
async def write_daily_prices(
    request: Request,
    db: DB,
    settings: AppSettings,
    writer: WriterDep,
    on_error: OnError = "abort",
    units: UnitsParam = UnitSystem.FIELD,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Write daily oil prices (upsert on the day)."""
    return await _write(
        request,
        db,
        settings,
        writer,
        targets.DAILY_PRICE,
        units=units,
        skip_rejected=on_error == "skip",
        idempotency_key=idempotency_key,
    )


@router.post(
    "/prices/monthly",
    response_model=None,
    responses=RESPONSES,
    openapi_extra=_body(targets.MONTHLY_PRICE, "Monthly prices, USD/bbl (liquids), USD/Mcf (gas)."),
)
async def write_monthly_prices(
    request: Request,
    db: DB,
    settings: AppSettings,
    writer: WriterDep,
    on_error: OnError = "abort",
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Write monthly prices by product (upsert on product and month), in field units."""
    return await _write(
        request,
        db,
        settings,
        writer,
        targets.MONTHLY_PRICE,
        skip_rejected=on_error == "skip",
        idempotency_key=idempotency_key,
        defaults={"source": f"api:{writer.name}"},
    )


@router.delete(
    "/production/daily",
    responses={404: {"model": ErrorResponse, "description": "No such well (or not yours)."}},
)
async def delete_daily_production(
    request: Request,
    db: DB,
    writer: WriterDep,
    well_id: WellIdParam,
    start: Start = None,
    end: End = None,
) -> dict[str, int]:
    """Delete a well's days from `start` to `end` (both included; all if neither), to
    correct them; the well's totals move in the same transaction."""
    await require_known(db, writer.scope, None, well_id)
    query = delete_days(db.dialect, well_id, start, end)
    async with db.session() as session, session.transaction() as tx:
        deleted = await tx.execute(query.sql, query.params)
        change = Change(request.method, "/v1/production/daily", f"well {well_id}", deleted)
        await record_in(tx, db.dialect, writer, change)
        if deleted:
            payload = {"start": start, "end": end, "deleted": deleted}
            entry = feed.Entry("daily_production", "delete", payload, None, well_id)
            await feed.append(tx, db.dialect, [await _with_division(tx, db, entry)])
    return {"deleted": deleted}


async def _with_division(tx: Transaction, db: Database, entry: feed.Entry) -> feed.Entry:
    """The entry of a well's change, in the well's division, with its new totals."""
    totals = await feed.well_state(tx, entry.well_id or 0)
    payload = {**entry.payload, "well_totals": totals}
    division = totals.get("division_id")
    return feed.Entry(entry.entity, entry.kind, payload, division, entry.well_id)
