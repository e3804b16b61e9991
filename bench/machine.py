"""A description of the machine and software a run measured, for the report."""

from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import psycopg


def describe(postgres_url: str | None) -> dict[str, str]:
    """CPU, cores, memory, OS, Python, databases and load tools, as report lines."""
    facts = {
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count()),
        "memory": _memory(),
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "SQLite (library)": sqlite3.sqlite_version,
        # Linux's per-session CPU groups: on, a client sharing the server's session skews
        # its latencies (the runs start wrk and servers in sessions of their own).
        "CPU groups per session (autogroup)": _autogroup(),
    }
    if postgres_url:
        facts["PostgreSQL"] = _postgres_version(postgres_url)
    for tool, flag in (("curl", "--version"), ("wrk", "-v"), ("sqlite3", "-version")):
        facts[tool] = _tool_version(tool, flag)
    return facts


def _autogroup() -> str:
    value = _read("/proc/sys/kernel/sched_autogroup_enabled").strip()
    return {"1": "on", "0": "off"}.get(value, "unknown")


def _cpu_model() -> str:
    for line in _read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory() -> str:
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / 1024**2:.0f} GiB"
    return "unknown"


def _read(path: str) -> str:
    file = Path(path)
    return file.read_text() if file.exists() else ""


def _postgres_version(url: str) -> str:
    try:
        with psycopg.connect(url) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            return str(row[0]) if row else "unknown"
    except psycopg.Error as exc:
        return f"unreachable ({exc.__class__.__name__})"


def _tool_version(tool: str, flag: str) -> str:
    if not shutil.which(tool):
        return "not installed"
    done = subprocess.run([tool, flag], capture_output=True, text=True, check=False)
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0][:80] if lines else "installed"


def busy_cores(interval: float = 0.5) -> float:
    """How many cores other processes kept busy over `interval` seconds (from /proc/stat)."""
    first = _cpu_times()
    time.sleep(interval)
    second = _cpu_times()
    if not first or not second:
        return 0.0
    total = sum(second) - sum(first)
    idle = (second[3] + second[4]) - (first[3] + first[4])
    return (1 - idle / total) * (os.cpu_count() or 1) if total else 0.0


def _cpu_times() -> list[int]:
    line = _read("/proc/stat").split("\n", 1)[0]
    return [int(n) for n in line.split()[1:]] if line.startswith("cpu ") else []
