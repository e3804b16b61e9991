"""A private PostgreSQL cluster in a temporary folder, on a port of its own.

The outage run restarts PostgreSQL in the middle of the load; restarting the machine's
shared server would break everything else using it, so the benchmark builds its own with the
installed server binaries (as the `postgres` user when run as root: initdb refuses root).
"""

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

BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


@dataclass(frozen=True)
class Cluster:
    """A running private cluster: its data folder and port."""

    folder: Path
    port: int

    @property
    def url(self) -> str:
        """The URL of its `postgres` database over TCP on 127.0.0.1."""
        return self.database_url("postgres")

    def database_url(self, name: str) -> str:
        """The URL of one of its databases."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def restart(self) -> float:
        """Stop the server (fast mode: sessions are ended) and start it again; seconds down."""
        started = time.monotonic()
        _ctl(self.folder, "stop", "-m", "fast")
        _ctl(self.folder, "start", "-o", f"-p {self.port} -k {self.folder}", "-w")
        return time.monotonic() - started


def _tool(name: str) -> str:
    for folder in BIN_DIRS:
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"PostgreSQL's {name} is not installed")
    return found


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _ctl(folder: Path, *args: str) -> None:
    log = folder / "server.log"
    command = [_tool("pg_ctl"), "-D", str(folder / "data"), "-l", str(log), *args]
    subprocess.run(_as_owner(command), check=True, capture_output=True)


@contextmanager
def private_cluster(port: int) -> Iterator[Cluster]:
    """A fresh cluster (trust authentication on 127.0.0.1), stopped and removed on exit."""
    with tempfile.TemporaryDirectory(prefix="odm-pg-") as name:
        folder = Path(name)
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        initdb = [_tool("initdb"), "-D", str(folder / "data"), "-A", "trust", "-U", "postgres"]
        subprocess.run(_as_owner(initdb), check=True, capture_output=True)
        cluster = Cluster(folder, port)
        _ctl(folder, "start", "-o", f"-p {port} -k {folder}", "-w")
        try:
            yield cluster
        finally:
            _ctl(folder, "stop", "-m", "immediate")
