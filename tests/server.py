"""A real ODM server in a child process, for tests of what only a real server shows."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx


@dataclass(frozen=True)
class Server:
    """A running server: its base URL and process."""

    url: str
    process: subprocess.Popen[bytes]

    def peak_rss_mb(self) -> float:
        """The process's peak resident memory so far (VmHWM), in MB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(database_url: str, **env: str) -> Iterator[Server]:
    """Start `uvicorn` on the app factory, wait until it answers, stop it afterwards."""
    port = free_port()
    # Tests reach it from this machine: the quick start's anonymous reads, without limits.
    quick_start = {"ODM_AUTH": "anonymous-read", "ODM_RATE_LIMIT": "0", "ODM_MAX_EXPORTS": "100"}
    environment = os.environ | {"ODM_DATABASE_URL": database_url} | quick_start | env
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "odm.app:app_from_environment",
            "--factory",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=environment,
        stderr=subprocess.PIPE,
    )
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        _wait_until_up(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        if process.stderr is not None:
            process.stderr.close()


def _wait_until_up(server: Server, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited with {server.process.returncode}")
        try:
            httpx.get(server.url + "/openapi.json", timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("server did not start in time")
