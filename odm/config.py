"""Settings, read from the environment and `.env`; never a global instance."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_PATH = Path("var/odm.db")
# Public-key signatures only: `none` and the shared-secret HS* algorithms are never accepted.
ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


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
    pool_min: int | None = Field(
        default=None,
        ge=1,
        description="ODM_POOL_MIN: PostgreSQL connections opened at start and kept open "
        "(default: ODM_POOL_SIZE, so that no request waits while one is opened).",
    )
    pool_timeout: float = Field(
        default=5.0, gt=0, description="ODM_POOL_TIMEOUT: seconds to wait for a connection (503)."
    )
    statement_timeout: float = Field(
        default=60.0, gt=0, description="ODM_STATEMENT_TIMEOUT: seconds per database round trip."
    )
    replica_urls: str | None = Field(
        default=None,
        description="ODM_REPLICA_URLS: comma-separated postgresql:// URLs of streaming replicas "
        "of ODM_DATABASE_URL; reads and exports go to a healthy one, writes, the change feed "
        "and credentials to the primary (unset: every query to the primary).",
    )
    replica_max_lag_seconds: float = Field(
        default=5.0,
        ge=0,
        description="ODM_REPLICA_MAX_LAG_SECONDS: a replica further behind the primary than "
        "this gets no reads until it catches up.",
    )
    replica_check_seconds: float = Field(
        default=1.0,
        gt=0,
        le=60,
        description="ODM_REPLICA_CHECK_SECONDS: how often each process checks its replicas' "
        "health and lag.",
    )
    batch_rows: int = Field(
        default=5000, ge=1, le=100_000, description="ODM_BATCH_ROWS: rows fetched per round trip."
    )
    columnar: bool = Field(
        default=True,
        description="ODM_COLUMNAR: stream the daily and monthly production lists as Arrow "
        "batches fetched by ADBC's PostgreSQL driver or python-oracledb (SQLite always takes "
        "the row path; false: always the row path).",
    )
    column_batch_rows: int = Field(
        default=4_096,
        ge=1,
        le=1_000_000,
        description="ODM_COLUMN_BATCH_ROWS: rows per Arrow batch on the columnar path.",
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
    auth: Literal["required", "anonymous-read"] = Field(
        default="required",
        description="ODM_AUTH: required (every data request needs an API key or a token) or "
        "anonymous-read (the loopback-only quick start: requests from this machine may read "
        "without one; never writes).",
    )
    oidc_issuer: str | None = Field(
        default=None, description="ODM_OIDC_ISSUER: the identity provider's `iss` (unset: none)."
    )
    oidc_audience: str | None = Field(
        default=None, description="ODM_OIDC_AUDIENCE: the `aud` tokens must carry for ODM."
    )
    oidc_jwks_url: str | None = Field(
        default=None, description="ODM_OIDC_JWKS_URL: where the provider publishes its keys."
    )
    oidc_public_key_file: Path | None = Field(
        default=None, description="ODM_OIDC_PUBLIC_KEY_FILE: a PEM public key, instead of JWKS."
    )
    oidc_algorithms: str = Field(
        default="RS256,PS256,ES256",
        description="ODM_OIDC_ALGORITHMS: accepted signature algorithms (asymmetric only).",
    )
    oidc_role_claim: str = Field(
        default="roles",
        description="ODM_OIDC_ROLE_CLAIM: claim (dotted path) holding reader, writer or admin.",
    )
    oidc_divisions_claim: str = Field(
        default="odm_divisions",
        description="ODM_OIDC_DIVISIONS_CLAIM: claim (dotted path) holding division ids or *.",
    )
    oidc_leeway: float = Field(
        default=30.0, ge=0, le=300, description="ODM_OIDC_LEEWAY: clock skew allowed, seconds."
    )
    oidc_jwks_cache: float = Field(
        default=300.0, gt=0, description="ODM_OIDC_JWKS_CACHE: seconds the key set is kept."
    )
    rate_limit: float = Field(
        default=600.0,
        ge=0,
        description="ODM_RATE_LIMIT: requests per minute per caller (0: no limit).",
    )
    rate_burst: int = Field(
        default=60, ge=1, description="ODM_RATE_BURST: requests a caller may send at once."
    )
    max_exports: int = Field(
        default=4,
        ge=1,
        description="ODM_MAX_EXPORTS: whole-result streams (no `limit`) per caller at once.",
    )
    max_body_bytes: int = Field(
        default=1 << 30,
        ge=0,
        description="ODM_MAX_BODY_BYTES: largest request body of a write (413 past it); "
        "bodies stream in, so memory does not grow with it.",
    )
    change_retention_days: float = Field(
        default=7.0,
        gt=0,
        description="ODM_CHANGE_RETENTION_DAYS: days the change log keeps its entries.",
    )
    feed_poll_seconds: float = Field(
        default=0.25,
        gt=0,
        le=60,
        description="ODM_FEED_POLL_SECONDS: how often a process reads the change log at the "
        "latest (Oracle polls this often; PostgreSQL is woken at commit and SQLite when its "
        "files change, and read this often only as a fallback).",
    )
    feed_batch_seconds: float = Field(
        default=0.05,
        ge=0,
        le=5,
        description="ODM_FEED_BATCH_SECONDS: the shortest time between two batches of new "
        "changes sent to a process's subscribers (each subscriber is woken and sent to once "
        "per batch; raise it for thousands of subscribers, 0 sends each commit at once).",
    )
    feed_heartbeat_seconds: float = Field(
        default=15.0,
        gt=0,
        description="ODM_FEED_HEARTBEAT_SECONDS: a comment line this often keeps idle change "
        "streams open through proxies.",
    )
    max_query_bytes: int = Field(
        default=4096, ge=256, description="ODM_MAX_QUERY_BYTES: longest query string (414)."
    )
    max_header_bytes: int = Field(
        default=16_384, ge=1024, description="ODM_MAX_HEADER_BYTES: all headers together (431)."
    )
    log_format: Literal["json", "text"] = Field(
        default="json",
        description="ODM_LOG_FORMAT: json (one object per line, for log collectors) or text; "
        "either carries the request id and never a credential.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="ODM_LOG_LEVEL: the least severe lines ODM writes."
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description="ODM_METRICS_TOKEN: a bearer token that may read /metrics (for the "
        "Prometheus scraper); admin callers may always.",
    )
    shutdown_grace: float = Field(
        default=10.0,
        ge=0,
        le=3600,
        description="ODM_SHUTDOWN_GRACE: seconds after SIGTERM that running exports may "
        "go on before they are cut (writes are always let finish).",
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

    @model_validator(mode="after")
    def _refuse_unsafe_access(self) -> Settings:
        """A half-configured identity provider must stop the service, not weaken it."""
        oidc = (self.oidc_audience, self.oidc_jwks_url, self.oidc_public_key_file)
        if not self.oidc_issuer:
            if any(oidc):
                raise ValueError("ODM_OIDC_* settings need ODM_OIDC_ISSUER")
            return self
        if not self.oidc_audience:
            raise ValueError("ODM_OIDC_ISSUER needs ODM_OIDC_AUDIENCE (the aud tokens carry)")
        if (self.oidc_jwks_url is None) == (self.oidc_public_key_file is None):
            raise ValueError("give exactly one of ODM_OIDC_JWKS_URL and ODM_OIDC_PUBLIC_KEY_FILE")
        if self.oidc_jwks_url and not self.oidc_jwks_url.startswith(("https://", "http://")):
            raise ValueError("ODM_OIDC_JWKS_URL must be an http(s) URL")
        unsafe = set(self.token_algorithms()) - ASYMMETRIC_ALGORITHMS
        if unsafe or not self.token_algorithms():
            allowed = ", ".join(sorted(ASYMMETRIC_ALGORITHMS))
            raise ValueError(f"ODM_OIDC_ALGORITHMS may only name {allowed}")
        return self

    def token_algorithms(self) -> list[str]:
        """The signature algorithms a token may use."""
        return [name.strip() for name in self.oidc_algorithms.split(",") if name.strip()]

    def resolved_database_url(self) -> str:
        """The URL of the database to use, after applying the defaults."""
        if self.database_url:
            return self.database_url
        if self.oracle_host:
            return self.oracle_url()
        return f"sqlite:///{DEFAULT_SQLITE_PATH}"

    def replicas(self) -> list[str]:
        """The replicas' URLs, in the order given (empty: no replicas)."""
        return [url.strip() for url in (self.replica_urls or "").split(",") if url.strip()]

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
