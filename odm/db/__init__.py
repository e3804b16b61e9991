"""Database backends behind one interface; the only package that imports drivers."""

from __future__ import annotations

from odm.config import Settings
from odm.db.base import Database


def open_database(settings: Settings, url: str | None = None) -> Database:
    """The backend for a database URL (default: the settings' resolved URL)."""
    url = url or settings.resolved_database_url()
    scheme = url.split(":", 1)[0].lower()
    if scheme == "sqlite":
        from odm.db.sqlite import SQLiteDatabase

        return SQLiteDatabase(url)
    if scheme in {"postgresql", "postgres"}:
        from odm.db.postgres import PostgresDatabase

        return PostgresDatabase(
            url,
            settings.pool_size,
            settings.pool_timeout,
            settings.statement_timeout,
            pool_min=min(settings.pool_min or settings.pool_size, settings.pool_size),
        )
    if scheme == "oracle":
        from odm.db.oracle import OracleDatabase

        return OracleDatabase(
            url,
            pool_size=settings.pool_size,
            pool_timeout=settings.pool_timeout,
            statement_timeout=settings.statement_timeout,
            clob_piece_chars=settings.oracle_clob_piece_chars,
            client_lib_dir=settings.oracle_client_lib_dir,
            schema=settings.oracle_schema,
        )
    raise ValueError(
        f"unsupported database URL scheme {scheme!r}: "
        "use sqlite:///file.db, postgresql://... or oracle://user:password@host:port/service"
    )
