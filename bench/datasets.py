"""The benchmark's data sets: `odm demo` data of a named size, in SQLite and in PostgreSQL.

A data set is built once and reused while its daily row count is the expected one, so a
second run measures without rebuilding.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from odm.config import environment_without_settings
from odm.demo import SEED_DIVISION_ID, SEED_WELL_ID, DemoData, DemoSpec
from odm.models import DailyProduction, field_names

# Ten years of history for every size, so the seed well's by-day answer is the same length.
SIZES: dict[str, DemoSpec] = {
    "tiny": DemoSpec(wells=4, years=1, seed=7),
    "100k": DemoSpec(wells=39, years=10, seed=7),
    "1m": DemoSpec(wells=384, years=10, seed=7),
    "10m": DemoSpec(wells=3765, years=10, seed=7),
}
BACKENDS = ("sqlite", "postgresql")
# The export's columns are whatever ODM's daily model holds, so every baseline sends the
# same columns as ODM does.
EXPORT_FIELDS = field_names(DailyProduction)
EXPORT_KEY = ("well_id", "production_date")
EXPORT_SQL = (
    f"SELECT {', '.join(EXPORT_FIELDS)} FROM odm_daily_production ORDER BY {', '.join(EXPORT_KEY)}"
)


@dataclass(frozen=True)
class DataSet:
    """One data set on one backend, ready to serve."""

    size: str
    backend: str
    url: str
    rows: int
    well_id: int = SEED_WELL_ID
    division_id: int = SEED_DIVISION_ID
    build_s: float | None = None  # seconds `odm demo` took, when this run built it

    @property
    def sqlite_file(self) -> Path:
        """The SQLite file (SQLite data sets only)."""
        return Path(self.url.removeprefix("sqlite:///"))


def expected_rows(size: str) -> int:
    """The daily row count `odm demo` writes for a size."""
    return DemoData(SIZES[size]).daily_row_count


def ensure_dataset(
    size: str, backend: str, data_dir: Path, postgres_url: str, prefix: str = "odm_bench"
) -> DataSet:
    """The data set of this size on this backend, built with `odm demo` if missing."""
    return prepare(size, backend, _url(size, backend, data_dir, postgres_url, prefix))


def prepare(size: str, backend: str, url: str) -> DataSet:
    """The data set of this size in the database at `url`, built there unless present."""
    rows = expected_rows(size)
    build_s = None
    if _count_rows(url) != rows:
        started = time.perf_counter()
        _build(url, SIZES[size])
        build_s = time.perf_counter() - started
        found = _count_rows(url)
        if found != rows:
            raise RuntimeError(f"{url}: expected {rows:,} daily rows after building, found {found}")
    return DataSet(size, backend, url, rows, build_s=build_s)


def _url(size: str, backend: str, data_dir: Path, postgres_url: str, prefix: str) -> str:
    if backend == "sqlite":
        data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(data_dir / f'odm-{size}.db').resolve()}"
    name = f"{prefix}_{size}"
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"'.encode())
    return urlsplit(postgres_url)._replace(path=f"/{name}").geturl()


def _count_rows(url: str) -> int | None:
    """The daily row count, or None when the database has no schema yet."""
    sql = "SELECT count(*) FROM odm_daily_production"
    try:
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            if not path.exists():
                return None
            with sqlite3.connect(path) as conn:
                return int(conn.execute(sql).fetchone()[0])
        with psycopg.connect(url) as conn:
            row = conn.execute(sql).fetchone()
            return int(row[0]) if row else None
    except (sqlite3.Error, psycopg.Error):
        return None


def _build(url: str, spec: DemoSpec) -> None:
    """Write the demo data set through the real `odm demo` command."""
    print(f"building {url} ({spec.wells} wells × {spec.years} years)", file=sys.stderr)
    command = [
        *odm_command(),
        "demo",
        "--database",
        url,
        "--wells",
        str(spec.wells),
        "--years",
        str(spec.years),
        "--seed",
        str(spec.seed),
        "--replace",
    ]
    # One COPY of ten million rows outlasts the default 60 s statement timeout. Nothing
    # else comes from the environment, nor from a `.env` (the command runs in an empty folder).
    env = environment_without_settings(os.environ) | {"ODM_STATEMENT_TIMEOUT": "3600"}
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(command, check=True, env=env, cwd=folder)


def odm_command() -> list[str]:
    """The `odm` console script of the running interpreter's environment."""
    script = Path(sys.executable).parent / "odm"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from odm.cli import main; main()"]
