"""SQL text, one file per result, with per-dialect files where the dialects differ.

Statements use `:name` placeholders (SQLite and Oracle style); the PostgreSQL backend
rewrites them for its driver. `load_sql(name, dialect)` prefers `<dialect>/<name>.sql`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

QUERIES_DIR = Path(__file__).resolve().parent


@cache
def load_sql(name: str, dialect: str) -> str:
    """The text of query `name` for `dialect`, falling back to the portable version."""
    for path in (QUERIES_DIR / dialect / f"{name}.sql", QUERIES_DIR / f"{name}.sql"):
        if path.is_file():
            return path.read_text("utf-8").strip()
    raise FileNotFoundError(f"no SQL named {name!r} for {dialect}")
