"""A real streaming replica of the test PostgreSQL server, built by the tests themselves:
`pg_basebackup` of the server into a temporary directory, started on a free port with the
server's own binaries, and removed afterwards. Nothing of the system's configuration is
changed here; the server must already accept replication connections from 127.0.0.1 (CI's
`.ci/run` makes sure of it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg

from tests.backends import POSTGRES_ENV, skip_or_fail
from tests.server import free_port

REQUIREMENT = "replica"  # ODM_TEST_REQUIRE=replica turns a skip into a failure
# Hot standby refuses to start with less of these than its primary has.
COPIED_SETTINGS = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


@dataclass
class Replica:
    """A running replica: its URL for a database name, and how to control it."""

    data_dir: Path
    port: int
    user: str
    bin_dir: Path

    def url(self, database: str) -> str:
        """The replica's URL of one of the primary's databases."""
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str) -> Any:
        """The first value of a statement run on the replica."""
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            row = conn.execute(statement.encode()).fetchone()
            return row[0] if row else None

    def wait_for(self, primary_url: str) -> None:
        """Until the replica has replayed everything the primary had written when called."""
        with psycopg.connect(primary_url, autocommit=True) as conn:
            row = conn.execute(b"SELECT pg_current_wal_lsn()::text").fetchone()
        assert row is not None
        check = f"SELECT pg_last_wal_replay_lsn() >= '{row[0]}'::pg_lsn"
        # Generous: on a machine busy writing gigabytes elsewhere, replay takes its time.
        _until(lambda: bool(self.sql(check)), "the replica to catch up", timeout=300)

    def stop(self) -> None:
        """Stop the server at once (as a crash would), if it runs."""
        if (self.data_dir / "postmaster.pid").exists():
            _run(self, "pg_ctl", "stop", "-D", str(self.data_dir), "-m", "immediate", "-w")


@contextmanager
def streaming_replica() -> Iterator[Replica]:
    """A hot-standby replica of the server of ODM_TEST_POSTGRES_URL, stopped and removed
    afterwards; skips (or fails, when required) saying why one cannot be built here."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        skip_or_fail(REQUIREMENT, f"{POSTGRES_ENV} is not set")
    assert url is not None
    settings = _primary_settings(url)
    folder = Path(tempfile.mkdtemp(prefix="odm-replica-"))
    parts = urlsplit(url)
    replica = Replica(
        folder / "data", free_port(), parts.username or "postgres", _bin_dir(settings)
    )
    try:
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root: the server's account does
            shutil.chown(folder, "postgres", "postgres")
        _base_backup(replica, parts.hostname or "127.0.0.1", parts.port or 5432)
        _configure(replica, settings)
        _run(replica, "pg_ctl", "start", "-D", str(replica.data_dir), "-l", str(folder / "log"))
        _until(lambda: _in_recovery(replica), "the replica to accept connections")
        yield replica
    finally:
        replica.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _primary_settings(url: str) -> dict[str, str]:
    """The primary's settings a replica needs, after checking it can have one."""
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            rows = conn.execute(b"SELECT name, setting FROM pg_settings").fetchall()
            hba = conn.execute(
                b"SELECT count(*) FROM pg_hba_file_rules "
                b"WHERE 'replication' = ANY(database) AND error IS NULL"
            ).fetchone()
    except psycopg.Error as exc:
        skip_or_fail(REQUIREMENT, f"cannot read the settings of {url}: {exc}")
    settings = {str(name): str(value) for name, value in rows}
    if settings["wal_level"] not in {"replica", "logical"} or int(settings["max_wal_senders"]) < 1:
        skip_or_fail(REQUIREMENT, "the server has wal_level=minimal or max_wal_senders=0")
    if not hba or not hba[0]:
        skip_or_fail(
            REQUIREMENT,
            "the server's pg_hba.conf has no `replication` line, so pg_basebackup cannot "
            "connect (`.ci/run` adds `host replication all 127.0.0.1/32 trust` on CI)",
        )
    return settings


def _bin_dir(settings: dict[str, str]) -> Path:
    """The binaries of the primary's major version (Debian's layout)."""
    major = int(settings["server_version_num"]) // 10000
    folder = Path(f"/usr/lib/postgresql/{major}/bin")
    if not (folder / "pg_basebackup").exists():
        skip_or_fail(REQUIREMENT, f"no PostgreSQL {major} binaries in {folder}")
    return folder


def _base_backup(replica: Replica, host: str, port: int) -> None:
    """Copy the primary (`-c fast`: without waiting for its next checkpoint); `-R` writes
    the standby.signal and primary_conninfo that make the copy a streaming replica."""
    conninfo = f"host={host} port={port} user={replica.user}"
    target = str(replica.data_dir)
    result = _run(
        replica,
        "pg_basebackup",
        "-d",
        conninfo,
        "-D",
        target,
        "-R",
        "-X",
        "stream",
        "-c",
        "fast",
        check=False,
    )
    if result.returncode != 0:
        skip_or_fail(REQUIREMENT, f"pg_basebackup failed: {result.stderr.strip()}")


def _configure(replica: Replica, primary: dict[str, str]) -> None:
    """Its own configuration (Debian keeps the primary's in /etc, not in the copy)."""
    lines = [
        f"port = {replica.port}",
        "listen_addresses = '127.0.0.1'",
        f"unix_socket_directories = '{replica.data_dir.parent}'",
        "hot_standby = on",
        "shared_buffers = '32MB'",
        "fsync = off",
        *(f"{name} = {primary[name]}" for name in COPIED_SETTINGS),
    ]
    hba = ["local all all trust", "host all all 127.0.0.1/32 trust"]
    for name, text in (("postgresql.conf", lines), ("pg_hba.conf", hba)):
        path = replica.data_dir / name
        path.write_text("\n".join(text) + "\n")
        if os.geteuid() == 0:
            shutil.chown(path, "postgres", "postgres")
    (replica.data_dir / "pg_ident.conf").touch()


def _run(
    replica: Replica, tool: str, *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """One of the server's programs, as the server's account when the tests run as root."""
    command = [str(replica.bin_dir / tool), *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, capture_output=True, text=True, check=check, timeout=600)


def _in_recovery(replica: Replica) -> bool:
    try:
        return bool(replica.sql("SELECT pg_is_in_recovery()"))
    except psycopg.OperationalError:
        return False


def _until(condition: Any, what: str, timeout: float = 60.0) -> None:
    """Wait for a condition (a setup step, not a measured time): fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)
