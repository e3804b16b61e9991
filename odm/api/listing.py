"""List responses from one immutable description of the request: the whole result
streamed, or keyset pages.

Without `limit` a list streams whole. With `limit` it answers one page and, when more rows
follow, a `Link: <...>; rel="next"` header whose opaque `cursor` resumes after the page's last
key (with a cursor but no `limit`, the rest streams whole). Totals are counted only when
asked for (`Prefer: count=exact`).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

import orjson
from fastapi import Header, Request
from fastapi import Query as QueryParam
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from odm.api.errors import NotFound
from odm.api.params import parse_fields, parse_sort
from odm.api.streams import stream_query
from odm.db.base import Batch, Database
from odm.models import field_kinds

if TYPE_CHECKING:
    from odm.columns import ColumnPlan
from odm.queries.compose import Query, SortKey, count_query, limited
from odm.queries.lists import ListQuery
from odm.rows import RowPlan, getter
from odm.streaming import MEDIA_TYPES, Format, mapped, writer_for

MAX_PAGE = 10_000
# Parameters a cursor is not bound to: a client may change page size or format mid-way.
UNBOUND_PARAMETERS = {"cursor", "limit", "format"}


@dataclass(frozen=True)
class Page:
    """The paging asked for: a page size (None: everything) and where to resume."""

    limit: int | None
    cursor: str | None
    count: bool


async def get_page(
    limit: Annotated[
        int | None,
        QueryParam(
            ge=1, le=MAX_PAGE, description="Page size. Without it the whole result streams."
        ),
    ] = None,
    cursor: Annotated[
        str | None,
        QueryParam(
            description='Opaque token from the previous page\'s `Link: rel="next"` header; '
            "without `limit`, the rest of the list streams. A token this list did not give "
            "out names no page: 404."
        ),
    ] = None,
    prefer: Annotated[
        str | None,
        Header(description="`count=exact` adds the total row count (`X-Total-Count`)."),
    ] = None,
) -> Page:
    """Paging parameters shared by every list endpoint."""
    return Page(limit, cursor, _prefers_exact_count(prefer))


def _prefers_exact_count(prefer: str | None) -> bool:
    """Whether a Prefer header (RFC 7240: comma- or semicolon-separated) asks count=exact."""
    tokens = (t.strip().lower() for t in (prefer or "").replace(";", ",").split(","))
    return "count=exact" in tokens


@dataclass(frozen=True)
class ListSpec:
    """One list request, parsed: its query, sort keys, row plan, extra headers, the type
    of each field (`odm.models.field_kinds`, for Arrow and Parquet) and, for a list whose
    only transform is a unit conversion, the factors of the columnar path (`odm.columns`;
    None: rows only)."""

    query: ListQuery
    sort: tuple[SortKey, ...]
    plan: RowPlan
    headers: Mapping[str, str] = field(default_factory=dict)
    kinds: Mapping[str, type] = field(default_factory=dict)
    factors: Mapping[str, float] | None = None

    def columns(self) -> ColumnPlan | None:
        """The columnar counterpart of the row plan, if the list has one."""
        if self.factors is None:
            return None
        from odm.columns import ColumnPlan

        plan = self.plan
        return ColumnPlan(plan.fields, self.kinds, self.factors, plan.selected)


def list_spec(
    query: ListQuery,
    plan: RowPlan,
    fields: str | None = None,
    sort: str | None = None,
    headers: Mapping[str, str] | None = None,
    *,
    model: type[BaseModel],
    factors: Mapping[str, float] | None = None,
) -> ListSpec:
    """A list request from its query, its rows' plan and model, and the client's `fields`
    and `sort` (`factors`: see ListSpec)."""
    keys = query.keys(parse_sort(sort, tuple(query.sortable)))
    selected = parse_fields(fields, plan.fields)
    headers = dict(headers or {})
    kinds = field_kinds(model)
    return ListSpec(query, keys, plan.select(selected), headers, kinds, factors)


def _fingerprint(request: Request) -> str:
    """What a cursor is bound to: the caller (`odm.api.auth`; another caller's cursor is
    refused), the path and the parameters that choose the rows."""
    params = sorted(
        (k, v) for k, v in request.query_params.multi_items() if k not in UNBOUND_PARAMETERS
    )
    subject = getattr(getattr(request.state, "caller", None), "subject", "")
    return hashlib.sha256(orjson.dumps([subject, request.url.path, params])).hexdigest()[:16]


def encode_cursor(values: Sequence[Any], fingerprint: str) -> str:
    """An opaque token holding the last row's key values."""
    payload = orjson.dumps({"k": [_jsonable(v) for v in values], "f": fingerprint})
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_cursor(token: str, keys: Sequence[SortKey], fingerprint: str) -> list[Any]:
    """The key values of a token, checked against the request it must belong to; a token
    this list did not give out names no page (404)."""
    try:
        payload = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        values, matches = list(payload["k"]), payload["f"] == fingerprint
    except (ValueError, TypeError, KeyError, orjson.JSONDecodeError) as exc:
        raise NotFound("no such page: use the cursor of the previous page's Link") from exc
    if not matches:
        raise NotFound("no such page: that cursor belongs to a list with other parameters")
    if len(values) != len(keys):
        raise NotFound("no such page: use the cursor of the previous page's Link")
    return [_key_value(key, value) for key, value in zip(keys, values, strict=True)]


def _key_value(key: SortKey, value: Any) -> Any:
    """A cursor's value for a sort key, checked to have the key's type (a token is client
    input: a forged one must be answered, never a database error)."""
    kind = key.column.kind
    if kind is dt.date and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    elif (kind is int and type(value) is int and -(2**63) <= value < 2**63) or (
        kind is str and isinstance(value, str) and "\x00" not in value
    ):
        return value
    raise NotFound(f"no such page: the cursor's {key.field} is not one this list gave out")


async def respond(
    request: Request,
    db: Database,
    spec: ListSpec,
    page: Page,
    fmt: Format,
    batch_rows: int,
    column_batch_rows: int | None = None,
) -> StreamingResponse:
    """Answer a list request: the whole result streamed (on the columnar path, in Arrow
    batches of `column_batch_rows`, when the list has one and that is set), or one page."""
    headers = dict(spec.headers)
    fingerprint = _fingerprint(request)
    after = None if page.cursor is None else decode_cursor(page.cursor, spec.sort, fingerprint)
    if page.count:  # the whole result's count, whichever page this is
        headers |= await _count_headers(db, spec)
    query = spec.query.select(spec.sort, after)
    columns = spec.columns() if column_batch_rows else None
    if page.limit is None and columns is not None and column_batch_rows:
        # Imported here: pyarrow costs a server about 40 MB, which a server that never
        # takes the columnar path (ODM_COLUMNAR=false) need not pay.
        from odm.api.column_streams import stream_columns

        response = await stream_columns(db, query, columns, fmt, headers, column_batch_rows)
        if response is not None:
            return response
    if page.limit is None:
        return await stream_query(db, query, spec.plan, fmt, batch_rows, headers, spec.kinds)
    result = await db.fetch(*_sql(limited(query, db.dialect, page.limit + 1)))
    rows = result.rows
    if len(rows) > page.limit:
        rows = rows[: page.limit]
        last = getter(_lower(result.columns), *(k.field for k in spec.sort))(rows[-1])
        next_url = request.url.include_query_params(cursor=encode_cursor(last, fingerprint))
        # A relative reference (RFC 8288): never a host taken from the request's Host header.
        headers["Link"] = f'<{next_url.path}?{next_url.query}>; rel="next"'
    batch = mapped(Batch(result.columns, rows), spec.plan.bind(result.columns))
    return StreamingResponse(
        _one_batch(batch, fmt, spec.kinds), media_type=MEDIA_TYPES[fmt], headers=headers
    )


async def fetch_object(db: Database, spec: ListSpec) -> dict[str, Any] | None:
    """The list's first row as an object (for single-resource endpoints)."""
    result = await db.fetch(*_sql(limited(spec.query.select(spec.sort), db.dialect, 1)))
    batch = mapped(result, spec.plan.bind(result.columns))
    return dict(zip(batch.columns, batch.rows[0], strict=True)) if batch.rows else None


async def _count_headers(db: Database, spec: ListSpec) -> dict[str, str]:
    total = (await db.fetch_all(*_sql(count_query(spec.query.select(spec.sort)))))[0][0]
    return {"X-Total-Count": str(total), "Preference-Applied": "count=exact"}


def _sql(query: Query) -> tuple[str, Mapping[str, Any]]:
    return query.sql, query.params


def _lower(columns: Sequence[str]) -> tuple[str, ...]:
    return tuple(name.lower() for name in columns)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


async def _one_batch(batch: Batch, fmt: Format, kinds: Mapping[str, type]) -> AsyncIterator[bytes]:
    async def batches() -> AsyncIterator[Batch]:
        yield batch

    async for chunk in writer_for(fmt, kinds)(batches()):
        yield chunk
