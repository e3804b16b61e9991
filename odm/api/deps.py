"""Dependencies shared by the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from odm.config import Settings
from odm.db.base import Database
from odm.queries.compose import ALL_DIVISIONS, DivisionScope

MAX_ID = 2**63 - 1


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
