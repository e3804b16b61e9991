"""List responses on one query model: the whole result streamed, or keyset pages.

Without `limit` a list streams whole. With `limit` it answers one page and, when more rows
follow, a `Link: <...>; rel="next"` header whose opaque `cursor` resumes after the page's last
key. Totals are counted only when asked for (`Prefer: count=exact`).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

import orjson
from fastapi import Header, Query, Request
from fastapi.responses import StreamingResponse

from odm.api.errors import BadRequest
from odm.api.streams import stream_query
from odm.db.base import Batch, Database, Row
from odm.queries.compose import Conditions, build, count_query
from odm.queries.compose import Query as SqlQuery
from odm.streaming import MEDIA_TYPES, WRITERS, Format

MAX_PAGE = 10_000


@dataclass(frozen=True)
class Page:
    """The paging asked for: a page size (None: everything) and where to resume."""

    limit: int | None
    cursor: str | None
    count: bool


def get_page(
    limit: Annotated[
        int | None,
        Query(ge=1, le=MAX_PAGE, description="Page size. Without it the whole result streams."),
    ] = None,
    cursor: Annotated[
        str | None,
        Query(description='Opaque token from the previous page\'s `Link: rel="next"` header.'),
    ] = None,
    prefer: Annotated[
        str | None,
        Header(description="`count=exact` adds the total row count (`X-Total-Count`)."),
    ] = None,
) -> Page:
    """Paging parameters shared by every list endpoint."""
    if cursor is not None and limit is None:
        raise BadRequest("cursor needs limit: pass the same limit as the page it came from")
    return Page(limit, cursor, _prefers_exact_count(prefer))


def _prefers_exact_count(prefer: str | None) -> bool:
    """Whether a Prefer header (RFC 7240: comma- or semicolon-separated) asks count=exact."""
    tokens = (t.strip().lower() for t in (prefer or "").replace(";", ",").split(","))
    return "count=exact" in tokens


@dataclass(frozen=True)
class SortKey:
    """One ORDER BY column (never NULL): output field, SQL expression, direction, and the
    type of its values (int, str or datetime.date), which a cursor's values must have."""

    field: str
    column: str
    descending: bool = False
    kind: type = int


# Sortable fields of a list: name -> (SQL column, value type).
Sortable = dict[str, tuple[str, type]]


@dataclass
class Listing:
    """Everything a list endpoint needs to answer: query, keys, output shape."""

    query_name: str
    fields: tuple[str, ...]
    conditions: Conditions
    sort: list[SortKey]
    selected: tuple[str, ...] | None = None
    transforms: list[Callable[[Row], Row]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    # Names of the fields after the transforms, when they add or reshape fields.
    output: tuple[str, ...] | None = None
    # Fixed SQL expressions of the code's own for the query's other placeholders.
    fills: dict[str, str] = field(default_factory=dict)

    @property
    def output_fields(self) -> tuple[str, ...]:
        """The fields of the rows the transforms produce, before any selection."""
        return self.output or self.fields

    def build(self, dialect: str, order: str, limit: int | None = None) -> SqlQuery:
        """The listing's query for a dialect."""
        return build(
            self.query_name,
            dialect,
            self.fields,
            self.conditions,
            order=order,
            limit=limit,
            fills=self.fills,
        )


def parse_sort(
    text: str | None, sortable: Sortable, default: str, unique: Sequence[str]
) -> list[SortKey]:
    """`a,-b` into sort keys over allowed fields, ending with the unique key so that the
    order (and so keyset paging) is total."""
    keys: list[SortKey] = []
    for part in (text or default).split(","):
        name = part.strip().removeprefix("-")
        if name not in sortable:
            allowed = ", ".join(sorted(sortable))
            raise BadRequest(f"cannot sort by {name!r}; sortable fields: {allowed}")
        if name in {k.field for k in keys}:
            raise BadRequest(f"sort names {name!r} twice")
        column, kind = sortable[name]
        keys.append(SortKey(name, column, part.strip().startswith("-"), kind))
    for name in unique:
        if name not in {k.field for k in keys}:
            keys.append(SortKey(name, sortable[name][0], False, sortable[name][1]))
    return keys


def parse_fields(text: str | None, available: Sequence[str]) -> tuple[str, ...] | None:
    """`a,b` into a validated field selection (None: all fields)."""
    if not text:
        return None
    chosen = tuple(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    unknown = [name for name in chosen if name not in available]
    if unknown or not chosen:
        raise BadRequest(f"unknown fields {unknown}; available: {', '.join(available)}")
    return chosen


def _order_sql(keys: Sequence[SortKey]) -> str:
    if not keys:
        return "1"  # a single-row result (a company-wide total) needs no order
    return ", ".join(f"{k.column} DESC" if k.descending else k.column for k in keys)


def _fingerprint(request: Request) -> str:
    """What a cursor is bound to: the caller (`odm.api.auth`), the path and every parameter
    but the cursor itself; another caller's cursor is refused."""
    params = sorted((k, v) for k, v in request.query_params.multi_items() if k != "cursor")
    subject = getattr(getattr(request.state, "caller", None), "subject", "")
    return hashlib.sha256(orjson.dumps([subject, request.url.path, params])).hexdigest()[:16]


def encode_cursor(values: Sequence[Any], fingerprint: str) -> str:
    """An opaque token holding the last row's key values."""
    payload = orjson.dumps({"k": list(values), "f": fingerprint})
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_cursor(token: str, keys: Sequence[SortKey], fingerprint: str) -> list[Any]:
    """The key values of a token, checked against the request it must belong to."""
    try:
        payload = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        values, matches = list(payload["k"]), payload["f"] == fingerprint
    except (ValueError, TypeError, KeyError, orjson.JSONDecodeError) as exc:
        raise BadRequest("invalid cursor: use the Link header of the previous page") from exc
    if not matches:
        raise BadRequest("cursor belongs to another query: use it with the same parameters")
    if len(values) != len(keys):
        raise BadRequest("invalid cursor: use the Link header of the previous page")
    return [_key_value(key, value) for key, value in zip(keys, values, strict=True)]


def _key_value(key: SortKey, value: Any) -> Any:
    """A cursor's value for a sort key, checked to have the key's type (a token is client
    input: a forged one must be a 422, never a database error)."""
    if key.kind is dt.date and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    elif (key.kind is int and type(value) is int and -(2**63) <= value < 2**63) or (
        key.kind is str and isinstance(value, str) and "\x00" not in value
    ):
        return value
    raise BadRequest(f"invalid cursor: bad value for {key.field}")


def add_keyset(conditions: Conditions, keys: Sequence[SortKey], values: Sequence[Any]) -> None:
    """Rows strictly after the given key values in the sort order (portable SQL, no tuples)."""
    branches = []
    for i, key in enumerate(keys):
        equal = [f"{k.column} = :after_{j}" for j, k in enumerate(keys[:i])]
        equal.append(f"{key.column} {'<' if key.descending else '>'} :after_{i}")
        branches.append("(" + " AND ".join(equal) + ")")
    conditions.add(
        "(" + " OR ".join(branches) + ")", **{f"after_{i}": v for i, v in enumerate(values)}
    )


async def respond(
    request: Request, db: Database, listing: Listing, page: Page, fmt: Format, batch_rows: int
) -> StreamingResponse:
    """Answer a list request: the whole result streamed, or one keyset page."""
    headers = dict(listing.headers)
    fingerprint = _fingerprint(request)
    order = _order_sql(listing.sort)
    if page.count:  # the whole result's count, whichever page this is
        headers |= await _count_headers(db, listing.build(db.dialect, order))
    if page.cursor is not None:
        values = decode_cursor(page.cursor, listing.sort, fingerprint)
        add_keyset(listing.conditions, listing.sort, values)
    if page.limit is None:
        full = listing.build(db.dialect, order)
        query = SqlQuery(
            full.name, full.sql, full.params, listing.selected or listing.output_fields
        )
        return await stream_query(db, query, fmt, batch_rows, _compose(listing), headers)
    return await _one_page(request, db, listing, (page.limit, fingerprint), fmt, headers)


async def _one_page(
    request: Request,
    db: Database,
    listing: Listing,
    page: tuple[int, str],
    fmt: Format,
    headers: dict[str, str],
) -> StreamingResponse:
    """One page of at most `limit` rows; a `Link` to the next one (a cursor bound to this
    request's fingerprint) when more rows follow."""
    limit, fingerprint = page
    query = listing.build(db.dialect, _order_sql(listing.sort), limit=limit + 1)
    rows = await db.fetch_all(query.sql, query.params)
    if len(rows) > limit:
        rows = rows[:limit]
        positions = [listing.fields.index(k.field) for k in listing.sort]
        last = [_jsonable(rows[-1][i]) for i in positions]
        next_url = request.url.include_query_params(cursor=encode_cursor(last, fingerprint))
        # A relative reference (RFC 8288): never a host taken from the request's Host header.
        headers["Link"] = f'<{next_url.path}?{next_url.query}>; rel="next"'
    transform = _compose(listing)
    batch = [transform(r) for r in rows] if transform else rows
    fields = listing.selected or listing.output_fields
    return StreamingResponse(
        _one_batch(fields, batch, fmt), media_type=MEDIA_TYPES[fmt], headers=headers
    )


async def fetch_object(db: Database, listing: Listing) -> dict[str, Any] | None:
    """The listing's first row as an object (for single-resource endpoints)."""
    query = listing.build(db.dialect, _order_sql(listing.sort), limit=1)
    rows = await db.fetch_all(query.sql, query.params)
    if not rows:
        return None
    transform = _compose(listing)
    row = transform(rows[0]) if transform else rows[0]
    return dict(zip(listing.selected or listing.output_fields, row, strict=True))


async def _count_headers(db: Database, query: SqlQuery) -> dict[str, str]:
    counted = count_query(query)
    total = (await db.fetch_all(counted.sql, counted.params))[0][0]
    return {"X-Total-Count": str(total), "Preference-Applied": "count=exact"}


def _compose(listing: Listing) -> Callable[[Row], Row] | None:
    """One row transform: conversions first, then the field selection."""
    steps = list(listing.transforms)
    if listing.selected is not None:
        positions = [listing.output_fields.index(name) for name in listing.selected]
        steps.append(lambda row: tuple(row[i] for i in positions))
    if not steps:
        return None

    def apply(row: Row) -> Row:
        for step in steps:
            row = step(row)
        return row

    return apply


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


async def _one_batch(fields: Sequence[str], batch: Batch, fmt: Format) -> AsyncIterator[bytes]:
    async def batches() -> AsyncIterator[Batch]:
        yield batch

    async for chunk in WRITERS[fmt](fields, batches()):
        yield chunk
