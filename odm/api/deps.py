"""Dependencies shared by the routers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import StreamingResponse

from odm.api.auth import CurrentCaller, require_role
from odm.api.formats import choose_format
from odm.api.listing import ListSpec, Page, get_page, respond
from odm.auth.identity import Caller, Role
from odm.config import Settings
from odm.db.base import Database
from odm.queries.compose import DivisionScope
from odm.streaming import Format


async def get_db(request: Request) -> Database:
    """The database opened by the app's lifespan."""
    db: Database = request.app.state.db
    return db


async def get_read_db(request: Request) -> Database:
    """The database for reads that may trail the latest writes by a bounded time: a healthy
    replica when ODM_REPLICA_URLS names some, else the primary."""
    db: Database = request.app.state.db
    return db.for_reads()


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


async def get_scope(caller: CurrentCaller) -> DivisionScope:
    """The divisions the caller may see (every one for an admin or the anonymous quick start)."""
    return caller.scope


DB = Annotated[Database, Depends(get_db)]
# Lists, summaries and exports: never a write, a credential or the change feed.
ReadDB = Annotated[Database, Depends(get_read_db)]
AppSettings = Annotated[Settings, Depends(get_settings)]
Scope = Annotated[DivisionScope, Depends(get_scope)]
Fmt = Annotated[Format, Depends(choose_format)]
Paging = Annotated[Page, Depends(get_page)]
# A caller with the writer (or admin) role; its divisions are the ones it may write to.
WriterDep = Annotated[Caller, Depends(require_role(Role.WRITER))]


@dataclass(frozen=True)
class ListContext:
    """What every list endpoint needs besides its own filters."""

    request: Request
    db: Database
    settings: Settings
    scope: DivisionScope
    fmt: Format
    page: Page

    @property
    def dialect(self) -> str:
        """The SQL dialect of the database."""
        return self.db.dialect

    async def respond(self, spec: ListSpec) -> StreamingResponse:
        """The list streamed whole, or one keyset page, in the format asked for."""
        return await respond(
            self.request,
            self.db,
            spec,
            self.page,
            self.fmt,
            self.settings.batch_rows,
            self.settings.column_batch_rows
            if self.settings.columnar and self.db.columnar
            else None,
        )


async def get_list_context(
    request: Request, db: ReadDB, settings: AppSettings, scope: Scope, fmt: Fmt, page: Paging
) -> ListContext:
    """Bundle the request, database, settings, scope, format and paging of a list call."""
    return ListContext(request, db, settings, scope, fmt, page)


ListRequest = Annotated[ListContext, Depends(get_list_context)]


async def get_primary_list_context(
    request: Request, db: DB, settings: AppSettings, scope: Scope, fmt: Fmt, page: Paging
) -> ListContext:
    """A list call that must see the latest writes (the audit log): on the primary."""
    return ListContext(request, db, settings, scope, fmt, page)


PrimaryListRequest = Annotated[ListContext, Depends(get_primary_list_context)]
