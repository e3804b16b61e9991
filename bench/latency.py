"""Request latency, one request at a time over one kept-alive connection."""

from __future__ import annotations

import http.client
import statistics
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Latency:
    """Percentiles of a latency sample, in milliseconds."""

    samples: int
    p50_ms: float
    p99_ms: float
    mean_ms: float


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0 to 100) by the nearest-rank method."""
    ordered = sorted(values)
    rank = max(1, round(q / 100 * len(ordered) + 0.4999))
    return ordered[min(rank, len(ordered)) - 1]


def measure_latency(host: str, port: int, path: str, samples: int, warmup: int = 5) -> Latency:
    """Time `samples` sequential GETs of `path` (after `warmup` untimed ones)."""
    conn = http.client.HTTPConnection(host, port, timeout=60)
    times: list[float] = []
    try:
        for i in range(warmup + samples):
            started = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            if response.status != 200:
                raise RuntimeError(f"GET {path}: HTTP {response.status}")
            if i >= warmup:
                times.append(elapsed * 1000)
    finally:
        conn.close()
    return Latency(samples, percentile(times, 50), percentile(times, 99), statistics.fmean(times))
