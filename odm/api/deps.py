"""Dependencies shared by the routers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import StreamingResponse

from odm.api.auth import CurrentCaller
from odm.api.formats import choose_format
from odm.api.listing import Listing, Page, get_page, respond
from odm.config import Settings
from odm.db.base import Database
from odm.queries.compose import DivisionScope
from odm.streaming import Format
from odm.units import UnitSystem

MAX_ID = 2**63 - 1
# Text parameters: no control characters (a NUL byte cannot even be sent to PostgreSQL).
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"


def get_db(request: Request) -> Database:
    """The database opened by the app's lifespan."""
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_scope(caller: CurrentCaller) -> DivisionScope:
    """The divisions the caller may see (every one for an admin or the anonymous quick start)."""
    return caller.scope


DB = Annotated[Database, Depends(get_db)]
AppSettings = Annotated[Settings, Depends(get_settings)]
Scope = Annotated[DivisionScope, Depends(get_scope)]

WellIdParam = Annotated[
    int,
    Query(ge=1, le=MAX_ID, description="Well id (64-bit integer).", examples=[1851797476]),
]
DivisionIdParam = Annotated[
    int,
    Query(ge=1, le=MAX_ID, description="Division id (64-bit integer).", examples=[63]),
]

UnitsParam = Annotated[
    UnitSystem,
    Query(description="field: bbl and Mcf (as stored); metric: m³ and Sm³ (DOMAIN factors)."),
]
FieldsParam = Annotated[
    str | None,
    Query(
        description="Comma-separated fields to return, in that order (default: all).",
        examples=["well_id,production_date,oil"],
    ),
]
SortParam = Annotated[
    str | None,
    Query(
        description="Comma-separated sort fields; a leading `-` sorts descending.",
        examples=["-production_date"],
    ),
]
Fmt = Annotated[Format, Depends(choose_format)]
Paging = Annotated[Page, Depends(get_page)]


def optional_id(description: str) -> Any:
    """A query parameter holding an optional 64-bit id."""
    return Query(ge=1, le=MAX_ID, description=description)


@dataclass(frozen=True)
class ListContext:
    """What every list endpoint needs besides its own filters."""

    request: Request
    db: Database
    settings: Settings
    scope: DivisionScope
    fmt: Format
    page: Page

    async def respond(self, listing: Listing) -> StreamingResponse:
        """The listing streamed whole, or one keyset page, in the format asked for."""
        return await respond(
            self.request, self.db, listing, self.page, self.fmt, self.settings.batch_rows
        )


def get_list_context(
    request: Request, db: DB, settings: AppSettings, scope: Scope, fmt: Fmt, page: Paging
) -> ListContext:
    """Bundle the request, database, settings, scope, format and paging of a list call."""
    return ListContext(request, db, settings, scope, fmt, page)


ListRequest = Annotated[ListContext, Depends(get_list_context)]
