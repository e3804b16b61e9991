"""Small requests under concurrency: wrk when installed, else a thread-per-connection loop.

The fallback exists so that the smoke test exercises this scenario on machines without wrk;
its numbers are bounded by the Python client and are labelled with the tool that made them.
"""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.latency import percentile

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}


@dataclass(frozen=True)
class Load:
    """Throughput and latency of one load run."""

    tool: str
    connections: int
    seconds: float
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p99_ms: float


def run_load(url: str, connections: int, seconds: float, log: Path | None = None) -> Load:
    """Keep `connections` requests in flight against `url` for `seconds`.

    wrk's own report is appended to `log` when given, for errors to be looked into.
    """
    if shutil.which("wrk"):
        return _wrk(url, connections, seconds, log)
    return _threads(url, connections, seconds)


def _wrk(url: str, connections: int, seconds: float, log: Path | None) -> Load:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", url]
    # wrk runs in a session of its own, as a client on another machine would. Linux groups
    # the processes of one session for CPU shares (sched_autogroup_enabled, on by default):
    # sharing the server's group, wrk measured p99 of 470-720 ms on PostgreSQL with 2
    # workers, against 39-57 ms from a session of its own, the same server and minute
    # (bench/findings.md).
    out = subprocess.run(
        command, check=True, capture_output=True, text=True, start_new_session=True
    ).stdout
    if log is not None:
        with log.open("a") as file:
            file.write(f"$ {' '.join(command)}\n{out}\n")
    total = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
    if total is None:
        raise RuntimeError(f"cannot read wrk's output:\n{out}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = int(non_2xx.group(1)) if non_2xx else 0
    errors += sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return Load(
        "wrk",
        connections,
        seconds,
        int(total.group(1)),
        errors,
        float(rps.group(1)) if rps else 0.0,
        _wrk_percentile(out, "50%"),
        _wrk_percentile(out, "99%"),
    )


def _wrk_percentile(out: str, label: str) -> float:
    match = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s|m)\s*$", out, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"no {label} latency in wrk's output:\n{out}")
    return float(match.group(1)) * UNITS[match.group(2)]


def _threads(url: str, connections: int, seconds: float) -> Load:
    host, port, path = _split(url)
    deadline = time.perf_counter() + seconds
    times: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=30)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            times[i].append((time.perf_counter() - started) * 1000)
            errors[i] += response.status != 200
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    flat = [t for per in times for t in per]
    return Load(
        "python threads",
        connections,
        seconds,
        len(flat),
        sum(errors),
        len(flat) / elapsed,
        percentile(flat, 50),
        percentile(flat, 99),
    )


def _split(url: str) -> tuple[str, int, str]:
    match = re.fullmatch(r"http://([^:/]+):(\d+)(/.*)", url)
    if match is None:
        raise ValueError(f"not an http://host:port/path URL: {url}")
    return match.group(1), int(match.group(2)), match.group(3)
