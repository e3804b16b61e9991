"""Dependencies shared by the routers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import StreamingResponse

from odm.api.formats import choose_format
from odm.api.listing import ListSpec, Page, get_page, respond
from odm.config import Settings
from odm.db.base import Database
from odm.queries.compose import ALL_DIVISIONS, DivisionScope
from odm.streaming import Format


def get_db(request: Request) -> Database:
    """The database opened by the app's lifespan."""
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_scope() -> DivisionScope:
    """The divisions the caller may see: all of them until access control arrives."""
    return ALL_DIVISIONS


@dataclass(frozen=True)
class Writer:
    """Who writes (recorded with the write) and the divisions they may write to."""

    name: str
    scope: DivisionScope


def get_writer() -> Writer:
    """The caller of a write: anyone, everywhere, until access control arrives."""
    return Writer("", ALL_DIVISIONS)


DB = Annotated[Database, Depends(get_db)]
AppSettings = Annotated[Settings, Depends(get_settings)]
Scope = Annotated[DivisionScope, Depends(get_scope)]
Fmt = Annotated[Format, Depends(choose_format)]
Paging = Annotated[Page, Depends(get_page)]
WriterDep = Annotated[Writer, Depends(get_writer)]


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
            self.request, self.db, spec, self.page, self.fmt, self.settings.batch_rows
        )


def get_list_context(
    request: Request, db: DB, settings: AppSettings, scope: Scope, fmt: Fmt, page: Paging
) -> ListContext:
    """Bundle the request, database, settings, scope, format and paging of a list call."""
    return ListContext(request, db, settings, scope, fmt, page)


ListRequest = Annotated[ListContext, Depends(get_list_context)]
