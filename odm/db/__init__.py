"""Database backends behind one interface; the only package that imports drivers."""

from __future__ import annotations

from urllib.parse import urlsplit

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
        return _postgres(settings, url)
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


def _postgres(settings: Settings, url: str) -> Database:
    """A PostgreSQL database, with its replicas when ODM_REPLICA_URLS names some."""
    from odm.db.postgres import PostgresDatabase

    def pool(url: str) -> PostgresDatabase:
        return PostgresDatabase(
            url,
            settings.pool_size,
            settings.pool_timeout,
            settings.statement_timeout,
            pool_min=min(settings.pool_min or settings.pool_size, settings.pool_size),
        )

    replica_urls = settings.replicas()
    if not replica_urls:
        return pool(url)
    from odm.db.replicas import Replica, ReplicatedDatabase

    for replica_url in replica_urls:
        if replica_url.split(":", 1)[0].lower() not in {"postgresql", "postgres"}:
            raise ValueError("ODM_REPLICA_URLS takes postgresql:// URLs only")
    replicas = [Replica(_safe_name(u), pool(u)) for u in replica_urls]
    return ReplicatedDatabase(
        pool(url), replicas, settings.replica_max_lag_seconds, settings.replica_check_seconds
    )


def _safe_name(url: str) -> str:
    """host:port/database of a URL, for logs: never its user or password."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 5432}{parts.path}"
