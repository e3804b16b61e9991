"""The database's own dump of the export's rows to /dev/null, per format: the floor.

JSON: the sqlite3 shell's `-json` mode; psql's `COPY (SELECT row_to_json(t) ...) TO STDOUT`.
CSV: the sqlite3 shell's `-csv -header`; psql's `COPY (...) TO STDOUT (FORMAT csv, HEADER)`.
Arrow (PostgreSQL): ADBC's driver fetching the rows (binary COPY) and pyarrow writing them as
an IPC stream, in a process of its own: what the columnar path does without HTTP, the
driver's own rate. When the command-line tool is missing, the same SQL runs through the
Python driver instead, and the result says so.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass

import psycopg

from bench.datasets import EXPORT_FIELDS, EXPORT_KEY, EXPORT_SQL, DataSet

PG_DUMP_SQL = f"COPY (SELECT row_to_json(t) FROM ({EXPORT_SQL}) t) TO STDOUT"
PG_CSV_SQL = f"COPY ({EXPORT_SQL}) TO STDOUT (FORMAT csv, HEADER)"
SQLITE_JSON_SQL = (
    "SELECT json_object("
    + ", ".join(f"'{name}', {name}" for name in EXPORT_FIELDS)
    + f") FROM odm_daily_production ORDER BY {', '.join(EXPORT_KEY)}"
)
# The formats each backend has a dump of.
FORMATS = {"sqlite": ("json", "csv"), "postgresql": ("json", "csv", "arrow")}


@dataclass(frozen=True)
class Dump:
    """What one dump took."""

    tool: str
    wall: float
    size: int
    peak_rss_mb: float | None


def dump(data: DataSet, fmt: str = "json") -> Dump:
    """Dump the data set's daily rows in the format with the backend's own tool."""
    if fmt not in FORMATS[data.backend]:
        raise ValueError(f"no {fmt} dump on {data.backend}")
    if fmt == "arrow":
        return _arrow_fetch(data)
    if data.backend == "sqlite":
        if shutil.which("sqlite3"):
            mode = ["-json"] if fmt == "json" else ["-csv", "-header"]
            command = ["sqlite3", *mode, str(data.sqlite_file), EXPORT_SQL]
            return _timed(f"sqlite3 {' '.join(mode)}", command)
        return _sqlite_driver(data, fmt)
    sql = PG_DUMP_SQL if fmt == "json" else PG_CSV_SQL
    if shutil.which("psql"):
        tool = "psql COPY" if fmt == "json" else "psql COPY csv"
        return _timed(tool, ["psql", "--no-psqlrc", "-q", data.url, "-c", sql])
    return _psycopg_copy(data, sql)


def _timed(tool: str, command: list[str], own_time: bool = False) -> Dump:
    """Run the command with stdout counted through a pipe, and its peak RSS from wait4
    (`own_time`: the wall time is the last thing the command prints on stderr)."""
    started = time.perf_counter()
    stderr = subprocess.PIPE if own_time else None
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr)
    assert process.stdout is not None
    size = 0
    with process.stdout:
        while chunk := process.stdout.read(1 << 20):
            size += len(chunk)
    told = ""
    if process.stderr is not None:
        with process.stderr:
            told = process.stderr.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{tool} failed with exit code {process.returncode}: {told}")
    return Dump(tool, float(told.split()[-1]) if own_time else wall, size, usage.ru_maxrss / 1024)


def _sqlite_driver(data: DataSet, fmt: str) -> Dump:
    started = time.perf_counter()
    size = 0
    with sqlite3.connect(data.sqlite_file) as conn:
        if fmt == "json":
            for (text,) in conn.execute(SQLITE_JSON_SQL):
                size += len(text) + 1
        else:
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(EXPORT_FIELDS)
            cursor = conn.execute(EXPORT_SQL)
            while rows := cursor.fetchmany(10_000):
                writer.writerows(rows)
                size += len(out.getvalue().encode())
                out.seek(0)
                out.truncate()
    tool = f"sqlite3 module {fmt} (no sqlite3 CLI)"
    return Dump(tool, time.perf_counter() - started, size, None)


def _psycopg_copy(data: DataSet, sql: str) -> Dump:
    started = time.perf_counter()
    size = 0
    with psycopg.connect(data.url) as conn, conn.cursor().copy(sql.encode()) as copy:
        for block in copy:
            size += len(block)
    return Dump("psycopg COPY (no psql)", time.perf_counter() - started, size, None)


def _arrow_fetch(data: DataSet) -> Dump:
    """ADBC's fetch as an Arrow IPC stream, in a process of its own (`main` below); its
    wall time is the child's own, from connecting to the last byte written (interpreter
    start and imports left out, as a server has done them before a request)."""
    command = [sys.executable, "-m", "bench.dumps", data.url]
    return _timed("ADBC fetch, Arrow IPC", command, own_time=True)


def main(url: str) -> None:
    """Fetch the export's rows from PostgreSQL with ADBC and write them to stdout as an
    Arrow IPC stream; print the seconds it took on stderr."""
    import adbc_driver_manager
    import adbc_driver_postgresql
    import pyarrow as pa

    from odm.db.postgres import ADBC_DATABASE

    started = time.perf_counter()
    database = adbc_driver_postgresql.connect(url, db_kwargs=ADBC_DATABASE)
    connection = adbc_driver_manager.AdbcConnection(database)
    statement = adbc_driver_manager.AdbcStatement(connection)
    try:
        statement.set_sql_query(EXPORT_SQL)
        stream, _ = statement.execute_query()
        reader = pa.RecordBatchReader.from_stream(stream)
        sink = pa.PythonFile(sys.stdout.buffer, mode="w")
        with pa.ipc.new_stream(sink, reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
        reader.close()
    finally:
        for handle in (statement, connection, database):
            handle.close()
    sys.stdout.flush()
    print(f"{time.perf_counter() - started:.6f}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
