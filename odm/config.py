"""Settings, read from the environment and `.env`; never a global instance."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_PATH = Path("var/odm.db")


class Settings(BaseSettings):
    """Everything ODM can be told; each field documents its environment variable."""

    model_config = SettingsConfigDict(
        env_file=".env", env_prefix="ODM_", extra="ignore", populate_by_name=True
    )

    database_url: str | None = Field(
        default=None,
        description="ODM_DATABASE_URL: sqlite:///path.db, postgresql://... or oracle://...; "
        "unset means the ORACLE_* settings if ORACLE_HOST is set, else var/odm.db.",
    )
    migrate_on_start: bool = Field(
        default=True, description="ODM_MIGRATE_ON_START: apply pending schema versions at start."
    )
    pool_size: int = Field(default=10, ge=1, description="ODM_POOL_SIZE: connections per process.")
    pool_timeout: float = Field(
        default=5.0, gt=0, description="ODM_POOL_TIMEOUT: seconds to wait for a connection (503)."
    )
    statement_timeout: float = Field(
        default=60.0, gt=0, description="ODM_STATEMENT_TIMEOUT: seconds per database round trip."
    )
    batch_rows: int = Field(
        default=5000, ge=1, le=100_000, description="ODM_BATCH_ROWS: rows fetched per round trip."
    )
    send_timeout: float = Field(
        default=60.0,
        gt=0,
        description="ODM_SEND_TIMEOUT: seconds a client may leave a chunk unread before the "
        "response is cut and its database connection released.",
    )
    retry_after: int = Field(
        default=5, ge=1, description="ODM_RETRY_AFTER: Retry-After seconds sent with a 503."
    )
    max_body_bytes: int = Field(
        default=1 << 30,
        ge=0,
        description="ODM_MAX_BODY_BYTES: largest request body of a write (413 past it); "
        "bodies stream in, so memory does not grow with it.",
    )
    oracle_user: str | None = Field(
        default=None, validation_alias=AliasChoices("ORACLE_USER", "DB_USER")
    )
    oracle_password: str | None = Field(
        default=None, validation_alias=AliasChoices("ORACLE_PASSWORD", "DB_PASSWORD")
    )
    oracle_host: str | None = Field(
        default=None, validation_alias=AliasChoices("ORACLE_HOST", "DB_HOST")
    )
    oracle_port: int | None = Field(default=None, validation_alias="ORACLE_PORT")
    oracle_service_name: str | None = Field(
        default=None, validation_alias=AliasChoices("ORACLE_SERVICE_NAME", "DB_SERVICE")
    )
    oracle_client_lib_dir: str | None = Field(
        default=None, validation_alias="ORACLE_CLIENT_LIB_DIR"
    )
    oracle_mode: Literal["sql", "package"] = Field(
        default="sql", description="ODM_ORACLE_MODE: seed endpoints read rows (sql) or CLOBs."
    )
    oracle_schema: str | None = Field(
        default=None,
        description="ODM_ORACLE_SCHEMA: the schema owning ODM's objects, when the service "
        "connects as another account (set as each pooled session's CURRENT_SCHEMA).",
    )
    oracle_clob_piece_chars: int = Field(
        default=32_000, ge=1000, description="ODM_ORACLE_CLOB_PIECE_CHARS: CLOB read size."
    )

    @model_validator(mode="after")
    def _split_db_host_port(self) -> Settings:
        """The original code's DB_HOST carried `host:port`; ORACLE_PORT still wins."""
        if self.oracle_host:
            self.oracle_host, port = split_host_port(self.oracle_host)
            self.oracle_port = self.oracle_port or port
        return self

    def resolved_database_url(self) -> str:
        """The URL of the database to use, after applying the defaults."""
        if self.database_url:
            return self.database_url
        if self.oracle_host:
            return self.oracle_url()
        return f"sqlite:///{DEFAULT_SQLITE_PATH}"

    def oracle_url(self) -> str:
        """An oracle:// URL built from the ORACLE_* (or DB_*) settings."""
        user = quote(self.oracle_user or "", safe="")
        password = quote(self.oracle_password or "", safe="")
        credentials = f"{user}:{password}@" if user else ""
        port = self.oracle_port or 1521
        host = self.oracle_host or ""
        host = f"[{host}]" if ":" in host else host  # an IPv6 address
        return f"oracle://{credentials}{host}:{port}/{self.oracle_service_name or ''}"


def split_host_port(text: str) -> tuple[str, int | None]:
    """`host`, `host:port`, `[ipv6]` or `[ipv6]:port` as the host (no brackets) and its port.

    A bare IPv6 address (`::1`, more than one colon) has no port.
    """
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest.removeprefix(":")
        return host, int(port) if port.isdigit() else None
    host, colon, port = text.rpartition(":")
    if colon and ":" not in host and port.isdigit():
        return host, int(port)
    return text, None


def settings_variables() -> frozenset[str]:
    """The names of the environment variables Settings reads, in upper case (they are
    matched regardless of case)."""
    names: set[str] = set()
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.update(str(choice).upper() for choice in alias.choices)
        else:
            names.add(alias.upper() if isinstance(alias, str) else f"ODM_{name.upper()}")
    return frozenset(names)


def environment_without_settings(environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` without any variable Settings reads: for a child process that must start
    from the defaults and what it is told, whatever the parent's environment holds."""
    names = settings_variables()
    return {name: value for name, value in environ.items() if name.upper() not in names}
