"""One write of records over HTTP: the body read as it arrives, each record checked and its
well resolved, the accepted rows staged and moved in one transaction, and an answer that
counts what happened and names every rejected record."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

import anyio.to_thread
import orjson
from fastapi import Request
from fastapi.responses import JSONResponse

from odm.api.bodies import Body, Record, records_in
from odm.api.errors import Conflict
from odm.auth.audit import Change, record_in
from odm.auth.identity import Caller
from odm.db.base import Database, Transaction
from odm.feed import log as feed
from odm.ingest.records import MAX_ID, MAX_MAGNITUDE, RecordError, RecordReader
from odm.ingest.targets import WELL_IDENTIFIERS, Target
from odm.ingest.wells import WellKeyCache
from odm.ingest.writer import MIN_COLUMNAR_ROWS, Columns, Counts, Staged, write
from odm.metrics import INGEST_BLOCKS
from odm.queries import load_sql
from odm.units import UnitSystem

if TYPE_CHECKING:
    from odm.ingest.columns import ColumnReader

MAX_LISTED = 1000  # rejected records named in one answer; the count covers all
# Text of records: printable, not blank, at most 200 characters.
TEXT = {
    "type": "string",
    "minLength": 1,
    "maxLength": 200,
    "pattern": r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$",
}
YEAR = r"([1-9]\d{3}|0[1-9]\d{2}|00[1-9]\d|000[1-9])"  # 0001 to 9999


@dataclass
class Rejections:
    """The records not written: how many, and the first ones with their reasons."""

    count: int = 0
    references: int = 0  # of those, rejected only for naming a well or division not found
    listed: list[dict[str, Any]] = field(default_factory=list)

    def add(self, position: int, reason: str, reference: bool = False) -> None:
        """Note one rejected record."""
        self.count += 1
        self.references += reference
        if len(self.listed) < MAX_LISTED:
            self.listed.append({"position": position, "reason": reason})


@dataclass(frozen=True)
class WriteRequest:
    """A write's options: where to, in which units, what to do with bad records."""

    target: Target
    caller: Caller
    units: UnitSystem = UnitSystem.FIELD
    skip_rejected: bool = False
    idempotency_key: str | None = None
    defaults: Mapping[str, object] = field(default_factory=dict)
    batch_rows: int = 5000
    max_bytes: int = 1 << 30


async def ingest(request: Request, db: Database, spec: WriteRequest) -> JSONResponse:
    """Write the body's records; answer the counts (or a remembered answer, on a retry)."""
    body = Body(request, spec.max_bytes)
    stored = await _remembered(db, spec)
    if stored is not None:
        async for _chunk in body.chunks():
            pass
        return _replay(stored, _digest(request, body), spec)
    target = spec.target
    scope = spec.caller.scope
    cache: WellKeyCache = request.app.state.well_keys
    wells = await cache.keys(db, scope) if "well_id" in target.types else None
    divisions = await _division_ids(db) if target.needs_division else frozenset()
    reader = RecordReader(target, spec.units, wells, scope, spec.defaults, divisions)
    rejections = Rejections()
    outcome: dict[str, Any] = {}

    async def remember(tx: Transaction, counts: Counts) -> None:
        outcome.update(_answer(counts, rejections, reader, written=True))
        rows = counts.inserted + counts.updated
        await record_in(tx, db.dialect, spec.caller, _change(request, target, rows))
        if spec.idempotency_key is not None:
            await _remember(tx, db.dialect, spec, _digest(request, body), outcome)
        # Last: the change log's counter is held from here to the commit.
        await feed.append(tx, db.dialect, await feed.write_entries(tx, db.dialect, target, counts))

    counts = await write(
        db,
        spec.target,
        _accepted(body, reader, rejections, spec.batch_rows),
        after=[remember],
        commit=lambda: (
            rejections.count == 0
            or (spec.skip_rejected and rejections.count == rejections.references)
        ),
    )
    if not outcome:  # not committed: a record was rejected and the write is all or nothing
        status = 422 if rejections.count > rejections.references else 409
        return JSONResponse(_answer(counts, rejections, reader, written=False), status)
    return JSONResponse(outcome)


async def _accepted(
    body: Body, reader: RecordReader, rejections: Rejections, batch_rows: int
) -> AsyncIterator[Sequence[Staged] | Columns]:
    """The body's accepted rows in batches; the rejected ones are noted. NDJSON is read a
    block of lines at a time, in columns when the block allows (odm.ingest.columns)."""
    if not body.is_ndjson():
        batch: list[Staged] = []
        async for records in body.records():
            batch += _rows(records, reader, rejections)
            if len(batch) >= batch_rows:
                yield batch
                batch = []
        if batch:
            yield batch
        return
    columns: ColumnReader | None = None
    position = 0
    table = reader.target.table
    async for block in body.blocks():
        if block.count(b"\n") >= MIN_COLUMNAR_ROWS:
            columns = columns or _column_reader(reader)
            read = await anyio.to_thread.run_sync(columns.read, block)
            if read is not None:
                INGEST_BLOCKS.labels(table, "columns").inc()
                position += read.rows
                yield read
                continue
        INGEST_BLOCKS.labels(table, "records").inc()
        lines = records_in(block, position)  # parsed as taken: a batch at a time
        while taken := list(islice(lines, batch_rows)):
            position = taken[-1].position
            yield _rows(taken, reader, rejections)


def _rows(records: Sequence[Record], reader: RecordReader, rejections: Rejections) -> list[Staged]:
    """The staged rows of records; the rejected ones are noted."""
    batch: list[Staged] = []
    read = reader.read
    for position, value, error in records:
        if error is not None:
            rejections.add(position, error)
            continue
        try:
            batch.append(read(value))
        except RecordError as exc:
            rejections.add(position, str(exc), exc.reference)
    return batch


def _column_reader(reader: RecordReader) -> ColumnReader:
    from odm.ingest.columns import ColumnReader  # pyarrow: loaded by the first large write

    return ColumnReader(reader)


def _change(request: Request, target: Target, rows: int) -> Change:
    route = getattr(request.scope.get("route"), "path", request.url.path)
    return Change(request.method, route, target.table, rows)


async def _division_ids(db: Database) -> frozenset[int]:
    result = await db.fetch(load_sql("division_ids", db.dialect), {})
    return frozenset(int(row[0]) for row in result.rows)


def _answer(
    counts: Counts, rejections: Rejections, reader: RecordReader, written: bool
) -> dict[str, Any]:
    return {
        "written": written,
        "inserted": counts.inserted,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "rejected": rejections.count,
        "repeated": counts.repeated,
        "warnings": dict(reader.warnings.counts),
        "rejections": rejections.listed,
    }


def _digest(request: Request, body: Body) -> str:
    """What a remembered answer is bound to: the method, path and query, and the body."""
    head = orjson.dumps([request.method, request.url.path, sorted(request.query_params.items())])
    return hashlib.sha256(head + body.digest.digest()).hexdigest()


async def _remembered(db: Database, spec: WriteRequest) -> dict[str, Any] | None:
    if spec.idempotency_key is None:
        return None
    result = await db.fetch(
        load_sql("write_request", db.dialect),
        {"caller": spec.caller.subject, "idempotency_key": spec.idempotency_key},
    )
    if not result.rows:
        return None
    return dict(zip((c.lower() for c in result.columns), result.rows[0], strict=True))


def _replay(stored: Mapping[str, Any], digest: str, spec: WriteRequest) -> JSONResponse:
    if stored["request_digest"] != digest:
        raise Conflict(
            f"Idempotency-Key {spec.idempotency_key!r} was used for another request: "
            "use a new key for a new request"
        )
    headers = {"Idempotent-Replayed": "true"}
    return JSONResponse(orjson.loads(stored["response"]), int(stored["status"]), headers=headers)


async def _remember(
    tx: Transaction, dialect: str, spec: WriteRequest, digest: str, answer: Mapping[str, Any]
) -> None:
    await tx.execute(
        load_sql("remember_write_request", dialect),
        {
            "caller": spec.caller.subject,
            "idempotency_key": spec.idempotency_key,
            "request_digest": digest,
            "status": 200,
            "response": orjson.dumps(answer).decode(),
        },
    )


def record_schema(target: Target, description: str) -> dict[str, Any]:
    """The JSON schema of one record written to `target`."""
    properties: dict[str, Any] = {}
    for name, kind in target.types.items():
        if name in target.filled and name != "division_id":
            continue
        properties[name] = _property(target, name, kind)
    required = [k for k in target.key if k in properties and k != "well_id"]
    required += ["division_id"] if target.needs_division else []
    schema: dict[str, Any] = {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    if target.names_well:
        for name in WELL_IDENTIFIERS:
            properties[name] = TEXT
        # The well is named by its id or by any of its identifiers.
        names = ("well_id", *WELL_IDENTIFIERS)
        schema["anyOf"] = [{"required": [name]} for name in names]
    return schema


def _property(target: Target, name: str, kind: str) -> dict[str, Any]:
    if kind == "float":
        low, high = target.ranges.get(name, (-MAX_MAGNITUDE, MAX_MAGNITUDE))
        return {"type": ["number", "null"], "minimum": low, "maximum": high}
    if kind == "int":
        return {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    if kind == "date":
        return {"type": "string", "format": "date", "pattern": f"^{YEAR}-\\d{{2}}-\\d{{2}}$"}
    if kind == "month":
        return {"type": "string", "pattern": f"^{YEAR}-(0[1-9]|1[0-2])(-01)?$"}
    if name in target.choices:
        return {"type": "string", "enum": sorted(target.choices[name])}
    return TEXT
