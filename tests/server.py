"""A real ODM server in a child process, for tests of what only a real server shows."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx

from tests.isolation import clean_environment

REPO = Path(__file__).resolve().parent.parent


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
def running_server(database_url: str, log: Path | None = None, **env: str) -> Iterator[Server]:
    """Start `uvicorn` on the app factory, wait until it answers, stop it afterwards.

    The server gets only what the test says: none of the developer's ODM_* variables, and
    an empty working folder, so no `.env`. Its stderr (the log) goes to a file, `log` when
    given: never a pipe nobody reads, which blocks the server once its buffer is full.
    """
    command = [sys.executable, "-m", "uvicorn", "odm.app:app_from_environment", "--factory"]
    # Tests reach it from this machine: the quick start's anonymous reads, without limits.
    quick_start = {"ODM_AUTH": "anonymous-read", "ODM_RATE_LIMIT": "0", "ODM_MAX_EXPORTS": "100"}
    quick_start["ODM_POOL_MIN"] = "2"  # many servers and apps share the test PostgreSQL
    environment = clean_environment(
        PYTHONPATH=str(REPO), ODM_DATABASE_URL=database_url, **(quick_start | env)
    )
    # The listening socket is made here and handed to uvicorn (`--fd`): no other test's
    # server or connection can take its port between choosing it and binding it. The
    # server's copy is then the only one: when it ends, connecting is refused.
    with (
        tempfile.TemporaryDirectory() as folder,
        (log or Path(folder) / "server.log").open("ab") as stderr,
    ):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            sock.listen(1024)
            options = ["--fd", str(sock.fileno()), "--log-level", "warning"]
            process = subprocess.Popen(
                [*command, *options],
                env=environment,
                cwd=folder,
                stderr=stderr,
                pass_fds=(sock.fileno(),),
            )
            server = Server(f"http://127.0.0.1:{sock.getsockname()[1]}", process)
        try:
            _wait_until_up(server)
            yield server
        finally:
            _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stderr is not None:
        process.stderr.close()


def _wait_until_up(server: Server, timeout: float = 60.0) -> None:
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


@contextmanager
def serving_workers(database_url: str, workers: int, **env: str) -> Iterator[Server]:
    """`odm serve --workers N` (the supervisor is the server's process), stopped afterwards;
    its log is dropped."""
    port = free_port()
    command = [sys.executable, "-c", "from odm.cli import main; main()", "serve"]
    options = ["--database", database_url, "--port", str(port), "--workers", str(workers)]
    quick_start = {"ODM_AUTH": "anonymous-read", "ODM_RATE_LIMIT": "0", "ODM_POOL_MIN": "2"}
    environment = clean_environment(PYTHONPATH=str(REPO), **(quick_start | env))
    with tempfile.TemporaryDirectory() as folder:
        # A session of its own: if the supervisor does not stop, it and its workers are
        # killed together, none left running into later tests.
        process = subprocess.Popen(
            [*command, *options],
            env=environment,
            cwd=folder,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        server = Server(f"http://127.0.0.1:{port}", process)
        try:
            _wait_until_up(server, timeout=60.0)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def worker_pids(server: Server) -> set[int]:
    """The worker processes of `odm serve --workers N` (multiprocessing's spawned children,
    not its resource tracker)."""
    pid = server.process.pid
    children = [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return {child for child in children if b"spawn_main" in _command_line(child)}


def _command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # ended meanwhile
        return b""
