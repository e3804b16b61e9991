"""The text ODM sends to Oracle, built without the driver (so it is tested without a server).

Bind names renamed for Oracle, the Easy Connect DSN of a URL, the statements of a DDL script
as `odm init-db` sends them, and the statements of a bulk write.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from odm.db.base import Params, TableRows

# Oracle's reserved words (about a hundred: `start`, `rows`, `comment`, `file`, `session`...)
# cannot be bind variable names (ORA-01745). Every bind name gets this suffix, which no
# reserved word has, so no list has to be kept complete.
BIND_SUFFIX = "_"
# A bind placeholder, or a string literal, quoted identifier or comment (left as they are).
_PLACEHOLDER = re.compile(
    r"'(?:[^']|'')*'|\"[^\"]*\"|--[^\n]*|/\*.*?\*/|(?<![:\w]):([A-Za-z_]\w*)", re.DOTALL
)
# A schema name as ODM accepts it: an unquoted Oracle identifier.
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_$#]{0,127}")
# Statements that create an object under a name and have no OR REPLACE: run again after a
# failed install, they find it there (ORA-00955), which means done.
_CREATES_ONCE = re.compile(
    r"\s*CREATE\s+(GLOBAL\s+TEMPORARY\s+TABLE|TABLE|(UNIQUE\s+)?INDEX)\s", re.IGNORECASE
)
# Statements that can run any number of times: CREATE OR REPLACE, and PL/SQL blocks (which
# ODM's scripts write to check before they change anything).
_REPEATABLE = re.compile(r"\s*(CREATE\s+OR\s+REPLACE\s|BEGIN\b|DECLARE\b)", re.IGNORECASE)
# The column of a staging table that keeps the order the rows were written in.
STAGE_ORDER = "stage_seq"
_PLSQL_START = re.compile(
    r"\s*(CREATE\s+(OR\s+REPLACE\s+)?(EDITIONABLE\s+)?"
    r"(TRIGGER|PACKAGE|PROCEDURE|FUNCTION|TYPE)\b|BEGIN\b|DECLARE\b)",
    re.IGNORECASE,
)


def connect_params(url: str) -> tuple[str, str, str]:
    """User, password and `host:port/service` DSN of an oracle://user:pass@host:port/service URL."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "oracle" or not parts.hostname:
        raise ValueError("expected oracle://user:password@host:port/service_name")
    # urlsplit drops an IPv6 address's brackets; Easy Connect needs them back ([::1]:1521).
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    dsn = f"{host}:{parts.port or 1521}/{parts.path.lstrip('/')}"
    return unquote(parts.username or ""), unquote(parts.password or ""), dsn


def owner_schema(name: str | None) -> str | None:
    """The schema owning ODM's objects as Oracle spells it (upper case), or None for the
    connecting account's own schema. Only plain identifiers: it is written into SQL."""
    if not name:
        return None
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"not an Oracle schema name (unquoted identifier): {name!r}")
    return name.upper()


@cache
def oracle_sql(sql: str) -> str:
    """The statement as sent to Oracle: every bind name gets BIND_SUFFIX (`:start_`)."""
    return _PLACEHOLDER.sub(lambda m: f":{m[1]}{BIND_SUFFIX}" if m[1] else m[0], sql)


def oracle_params(params: Params) -> dict[str, Any]:
    """Parameters renamed like `oracle_sql` does. Dates arrive as `datetime.date` and bind as
    DATE; text is never guessed to be a date (an id like "2021-01-01" stays text)."""
    return {f"{name}{BIND_SUFFIX}": value for name, value in params.items()}


# --- DDL scripts -------------------------------------------------------------------------


def split_script(script: str, folder: Path) -> list[str]:
    """The statements of a SQL*Plus-style script, in order, as `odm init-db` sends them.

    A SQL statement ends with `;` at the end of a line (the `;` is dropped); a PL/SQL unit
    (CREATE TRIGGER/PACKAGE/..., BEGIN, DECLARE) ends with a line holding only `/` (its own
    `;` kept). `@@name.sql` includes a file of `folder`. Comment lines between statements
    are skipped.
    """
    statements: list[str] = []
    current: list[str] = []
    for line in script.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("--") or stripped == "/"):
            continue
        if not current and stripped.startswith("@@"):
            include = folder / stripped[2:].strip()
            statements += split_script(include.read_text("utf-8"), folder)
            continue
        current.append(line)
        if _statement_ends(current, stripped):
            statements.append(_finish(current))
            current = []
    if current:
        raise ValueError(f"unterminated statement at the end of the script: {current[0]!r}")
    return statements


def _statement_ends(lines: list[str], stripped: str) -> bool:
    if _PLSQL_START.match(lines[0]):
        return stripped == "/"
    return stripped.endswith(";") and not stripped.startswith("--")


def _finish(lines: list[str]) -> str:
    text = "\n".join(lines).strip()
    if text.endswith("\n/") or text == "/":
        return text[:-1].rstrip()
    return text.removesuffix(";").rstrip()


def creates_once(statement: str) -> bool:
    """Whether a script statement creates a table or index, which a retry finds existing."""
    return _CREATES_ONCE.match(statement) is not None


def retry_safe(statement: str) -> bool:
    """Whether running the statement again, after a failed install, is harmless."""
    return creates_once(statement) or _REPEATABLE.match(statement) is not None


# --- bulk writes -------------------------------------------------------------------------


def insert_sql(table: TableRows) -> str:
    """An INSERT of one row with positional binds (sent with executemany)."""
    marks = ", ".join(f":b{i}" for i in range(1, len(table.columns) + 1))
    return f"INSERT INTO {table.table} ({', '.join(table.columns)}) VALUES ({marks})"


def staging_table(table: str) -> str:
    """The global temporary table that rows upserted into `table` are staged in."""
    return "odm_stage_" + table.removeprefix("odm_")


def staging_insert_sql(table: TableRows) -> str:
    """An INSERT of one staged row: its position among the rows written, then its columns."""
    return insert_sql(TableRows(staging_table(table.table), (STAGE_ORDER, *table.columns), ()))


def staged_merge_sql(table: TableRows) -> str:
    """One MERGE of every staged row: a row whose key exists replaces it, others are inserted.

    A key staged twice keeps its last row, as on the other backends (and one MERGE may not
    change a row twice, ORA-30926).
    """
    key = table.upsert_key or ()
    columns = ", ".join(table.columns)
    latest = (
        f"SELECT {columns}\nFROM (\n    SELECT {columns},\n"
        f"           ROW_NUMBER() OVER (PARTITION BY {', '.join(key)} "
        f"ORDER BY {STAGE_ORDER} DESC) AS stage_rank\n"
        f"    FROM {staging_table(table.table)}\n)\nWHERE stage_rank = 1"
    )
    on = " AND ".join(f"t.{c} = s.{c}" for c in key)
    updates = ", ".join(f"t.{c} = s.{c}" for c in table.columns if c not in key)
    inserts = ", ".join(f"s.{c}" for c in table.columns)
    matched = f"\nWHEN MATCHED THEN UPDATE SET {updates}" if updates else ""
    return (
        f"MERGE INTO {table.table} t\nUSING (\n{latest}\n) s\nON ({on}){matched}"
        f"\nWHEN NOT MATCHED THEN INSERT ({columns}) VALUES ({inserts})"
    )
