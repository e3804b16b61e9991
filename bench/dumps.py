"""The database's own dump of the export's rows as JSON text to /dev/null: the floor.

SQLite: the sqlite3 shell's `-json` mode. PostgreSQL: psql's `COPY (SELECT row_to_json(t)
...) TO STDOUT`. When the command-line tool is missing, the same SQL runs through the Python
driver instead, and the result says so.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass

import psycopg

from bench.datasets import EXPORT_FIELDS, EXPORT_KEY, EXPORT_SQL, DataSet

PG_DUMP_SQL = f"COPY (SELECT row_to_json(t) FROM ({EXPORT_SQL}) t) TO STDOUT"
SQLITE_JSON_SQL = (
    "SELECT json_object("
    + ", ".join(f"'{name}', {name}" for name in EXPORT_FIELDS)
    + f") FROM odm_daily_production ORDER BY {', '.join(EXPORT_KEY)}"
)


@dataclass(frozen=True)
class Dump:
    """What one dump took."""

    tool: str
    wall: float
    size: int
    peak_rss_mb: float | None


def dump(data: DataSet) -> Dump:
    """Dump the data set's daily rows as JSON text with the backend's own tool."""
    if data.backend == "sqlite":
        if shutil.which("sqlite3"):
            return _timed("sqlite3 -json", ["sqlite3", "-json", str(data.sqlite_file), EXPORT_SQL])
        return _sqlite_driver(data)
    if shutil.which("psql"):
        return _timed("psql COPY", ["psql", "--no-psqlrc", "-q", data.url, "-c", PG_DUMP_SQL])
    return _psycopg_copy(data)


def _timed(tool: str, command: list[str]) -> Dump:
    """Run the command with stdout counted through a pipe, and its peak RSS from wait4."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE)
    assert process.stdout is not None
    size = 0
    with process.stdout:
        while chunk := process.stdout.read(1 << 20):
            size += len(chunk)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{tool} failed with exit code {process.returncode}")
    return Dump(tool, wall, size, usage.ru_maxrss / 1024)


def _sqlite_driver(data: DataSet) -> Dump:
    started = time.perf_counter()
    size = 0
    with sqlite3.connect(data.sqlite_file) as conn:
        for (text,) in conn.execute(SQLITE_JSON_SQL):
            size += len(text) + 1
    return Dump("sqlite json_object (no sqlite3 CLI)", time.perf_counter() - started, size, None)


def _psycopg_copy(data: DataSet) -> Dump:
    started = time.perf_counter()
    size = 0
    with psycopg.connect(data.url) as conn, conn.cursor().copy(PG_DUMP_SQL) as copy:
        for block in copy:
            size += len(block)
    return Dump("psycopg COPY (no psql)", time.perf_counter() - started, size, None)
