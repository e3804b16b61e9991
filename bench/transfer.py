"""One large download timed from the client side: time to first byte, wall time, bytes.

curl is the client when present: it costs the 2-core machine far less CPU than a Python
reader would, so the server under test keeps its core. Without curl, http.client reads.
"""

from __future__ import annotations

import http.client
import shutil
import subprocess
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Transfer:
    """What one download took."""

    ttfb: float  # seconds until the response started
    wall: float  # seconds until the last byte
    size: int  # body bytes


def client_name() -> str:
    """The HTTP client `download` uses on this machine."""
    return "curl" if shutil.which("curl") else "http.client"


def download(url: str) -> Transfer:
    """Fetch the whole body of a 200 response and discard it; raise on any other outcome."""
    if shutil.which("curl"):
        return _curl(url)
    return _python(url)


def _curl(url: str) -> Transfer:
    out = subprocess.run(
        [
            "curl",
            "--silent",
            "--show-error",
            "--fail",
            "--output",
            "/dev/null",
            "--write-out",
            "%{time_starttransfer} %{time_total} %{size_download}",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return Transfer(float(out[0]), float(out[1]), int(out[2]))


def _python(url: str) -> Transfer:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=600)
    started = time.perf_counter()
    conn.request("GET", f"{parts.path}?{parts.query}" if parts.query else parts.path)
    response = conn.getresponse()
    ttfb = time.perf_counter() - started
    if response.status != 200:
        raise RuntimeError(f"GET {url}: HTTP {response.status}")
    size = 0
    while chunk := response.read(1 << 20):
        size += len(chunk)
    wall = time.perf_counter() - started
    conn.close()
    return Transfer(ttfb, wall, size)
