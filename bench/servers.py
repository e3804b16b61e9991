"""Servers under test, each started as a real process on 127.0.0.1 and stopped afterwards."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.datasets import DataSet
from odm.config import environment_without_settings

HOST = "127.0.0.1"
REPO = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 60.0


@dataclass(frozen=True)
class ServerSpec:
    """How to start one server: its command, environment and a path that answers when ready."""

    name: str
    command: list[str]
    ready_path: str
    env: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Server:
    """A running server process."""

    name: str
    process: subprocess.Popen[bytes]
    port: int

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:port`."""
        return f"http://{HOST}:{self.port}"

    def peak_rss_mb(self) -> float:
        """The process's peak resident memory so far (VmHWM), in MiB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"no VmHWM for pid {self.process.pid}")


def odm_server(data: DataSet, port: int, workers: int = 1, columnar: bool = True) -> ServerSpec:
    """ODM itself, as the seed contract starts it: `uvicorn service:app` (`columnar`
    False: the row path only, the baseline of the columnar path)."""
    command = [sys.executable, "-m", "uvicorn", "service:app", "--host", HOST]
    return ServerSpec(
        "ODM",
        [*command, "--port", str(port), "--workers", str(workers)],
        "/division-list",
        # The quick start's anonymous loopback reads, and no per-caller limits: the bench
        # measures the service's capacity, which those limits exist to ration.
        {
            "ODM_DATABASE_URL": data.url,
            "ODM_AUTH": "anonymous-read",
            "ODM_RATE_LIMIT": "0",
            "ODM_MAX_EXPORTS": "1000",
            "ODM_COLUMNAR": "true" if columnar else "false",
        },
    )


def seed_style_server(data: DataSet, port: int) -> ServerSpec:
    """The seed-style baseline of bench/seed_style.py under uvicorn."""
    command = [sys.executable, "-m", "uvicorn", "--factory", "bench.seed_style:app_from_env"]
    return ServerSpec(
        "seed-style",
        [*command, "--host", HOST, "--port", str(port)],
        "/openapi.json",
        {"BENCH_DATABASE_URL": data.url},
    )


def datasette_server(data: DataSet, port: int) -> ServerSpec:
    """Datasette on the same SQLite file; its CSV size cap is lifted so it sends every row."""
    command = [sys.executable, "-m", "datasette", "serve", str(data.sqlite_file)]
    options = ["--host", HOST, "--port", str(port), "--setting", "max_csv_mb", "0"]
    return ServerSpec("Datasette", [*command, *options], "/-/versions.json")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextmanager
def running(spec: ServerSpec, port: int, log_dir: Path) -> Iterator[Server]:
    """Start the server, wait until it answers, and stop it on exit."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"server-{spec.name.lower()}-{port}.log"
    # The servers import the odm package of this checkout, whatever is installed, and run
    # with ODM's defaults and what the spec says: not the settings of the environment or
    # of a `.env` (they start in an empty folder).
    environment = {**environment_without_settings(os.environ), "PYTHONPATH": str(REPO)}
    with tempfile.TemporaryDirectory() as folder:
        with log_path.open("wb") as log:
            # A session of its own, as a service manager starts a service (a cgroup of its
            # own under systemd): see load.py for what sharing one with the client did.
            process = subprocess.Popen(
                spec.command,
                cwd=folder,
                env=environment | dict(spec.env),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = Server(spec.name, process, port)
        try:
            _wait_ready(server, spec.ready_path, log_path)
            yield server
        finally:
            _stop(process)


def _wait_ready(server: Server, path: str, log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited: see {log_path}")
        if _answers(server.port, path):
            return
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} did not answer {path} within {READY_TIMEOUT} s")


def _answers(port: int, path: str) -> bool:
    conn = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        conn.request("GET", path)
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
