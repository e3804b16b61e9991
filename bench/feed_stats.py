"""What a feed run measured, reduced to one record: latency percentiles, delivery errors,
the server's CPU, memory and reads per write, and the client's CPU."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.latency import percentile
from bench.sse_client import Received


@dataclass(frozen=True)
class LogEntry:
    """One change as the database logged it (read back after the run)."""

    change_id: int
    changed_at: float  # epoch seconds
    division_id: int | None
    key: tuple[int, str] | None  # the (well, day) it wrote

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> LogEntry:
        """From (change_id, changed_at, division_id, well_id, payload)."""
        change_id, changed_at, division, well, payload = row
        if isinstance(changed_at, str):
            changed_at = dt.datetime.fromisoformat(changed_at.replace("Z", "+00:00"))
        values = json.loads(payload) if isinstance(payload, str) else payload
        day = values.get("production_date")
        key = (int(well), str(day)) if well is not None and day else None
        division_id = None if division is None else int(division)
        return cls(int(change_id), changed_at.timestamp(), division_id, key)


@dataclass(frozen=True)
class Write:
    """One write the writer sent: when, when answered, and how."""

    n: int
    well_id: int
    day: str
    sent: float
    done: float
    status: int


@dataclass(frozen=True)
class Snapshot:
    """The server at one moment: CPU seconds so far, RSS, feed counters, database xacts."""

    at: float
    cpu_s: float
    rss_mb: float
    stats: dict[str, Any]
    xacts: int | None


@dataclass(frozen=True)
class FeedResult:
    """One feed run."""

    backend: str
    subscribers: int
    client_processes: int
    code: str  # "this checkout", or the baseline's
    writes: int
    write_errors: int
    write_seconds: float  # first write sent to last answered
    seconds: float
    changes: int
    deliveries: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    p99_after_answer_ms: float
    missed: int
    duplicated: int
    out_of_order: int
    foreign: int  # events of a division the subscriber may not see (must be 0)
    stream_errors: int
    rss_connected_mb: float
    rss_peak_mb: float
    rss_end_mb: float
    idle_cpu_per_s: float
    cpu_ms_per_write: float
    cpu_ms_per_write_net: float  # less the idle rate
    us_per_delivery: float
    log_reads_per_write: float | None
    key_checks: int | None
    xacts_per_write: float | None
    client_cpu_s: float
    load: str

    def as_dict(self) -> dict[str, Any]:
        """The record as JSON-ready values."""
        return asdict(self)

    @property
    def cpu_ms_per_write_per_subscriber(self) -> float:
        """Net CPU of a write divided by the subscribers."""
        return self.cpu_ms_per_write_net / self.subscribers


@dataclass(frozen=True)
class Deliveries:
    """What the subscribers received against what the log says they should."""

    latencies: list[float]
    after_answer: list[float]
    missed: int = 0
    duplicated: int = 0
    out_of_order: int = 0
    foreign: int = 0
    errors: int = 0


def check(
    entries: Sequence[LogEntry], writes: Sequence[Write], got: Sequence[Received]
) -> Deliveries:
    """Compare each subscriber's ids with its scope's share of the log; latencies of all."""
    changed = {e.change_id: e.changed_at for e in entries}
    answered = {(w.well_id, w.day): w.done for w in writes}
    done = {e.change_id: answered.get(e.key) for e in entries if e.key}
    result = Deliveries([], [])
    counts = {"missed": 0, "duplicated": 0, "out_of_order": 0, "foreign": 0, "errors": 0}
    for r in got:
        expected = {e.change_id for e in entries if _visible(e, r.scope)}
        ids = list(r.ids)
        seen = set(ids)
        counts["missed"] += len(expected - seen)
        counts["duplicated"] += len(ids) - len(seen)
        counts["out_of_order"] += sum(1 for a, b in itertools.pairwise(ids) if b <= a)
        counts["foreign"] += len(seen - expected)
        counts["errors"] += r.error is not None
        for ident, moment in zip(ids, r.times, strict=True):
            if ident in changed:
                result.latencies.append((moment - changed[ident]) * 1000)
            if (answer := done.get(ident)) is not None:
                result.after_answer.append((moment - answer) * 1000)
    return Deliveries(result.latencies, result.after_answer, **counts)


def _visible(entry: LogEntry, scope: str) -> bool:
    return scope == "all" or entry.division_id is None or entry.division_id == int(scope)


def summarize(
    backend: str,
    subscribers: int,
    entries: Sequence[LogEntry],
    writes: Sequence[Write],
    got: Sequence[Received],
    snapshots: tuple[Snapshot, Snapshot, Snapshot],
    rss: Sequence[float],
    client_cpu: float,
    client_processes: int,
    code: str,
) -> FeedResult:
    """The run as one record."""
    idle, before, after = snapshots
    found = check(entries, writes, got)
    seconds = after.at - before.at
    cpu = after.cpu_s - before.cpu_s
    idle_rate = (before.cpu_s - idle.cpu_s) / (before.at - idle.at)
    net = cpu - idle_rate * seconds
    deliveries = len(found.latencies)
    return FeedResult(
        backend=backend,
        subscribers=subscribers,
        client_processes=client_processes,
        code=code,
        writes=len(writes),
        write_errors=sum(w.status != 200 for w in writes),
        write_seconds=round(max(w.done for w in writes) - min(w.sent for w in writes), 2),
        seconds=round(seconds, 2),
        changes=len(entries),
        deliveries=deliveries,
        p50_ms=_pct(found.latencies, 50),
        p99_ms=_pct(found.latencies, 99),
        max_ms=max(found.latencies, default=0.0),
        p99_after_answer_ms=_pct(found.after_answer, 99),
        missed=found.missed,
        duplicated=found.duplicated,
        out_of_order=found.out_of_order,
        foreign=found.foreign,
        stream_errors=found.errors,
        rss_connected_mb=before.rss_mb,
        rss_peak_mb=max([before.rss_mb, *rss, after.rss_mb]),
        rss_end_mb=after.rss_mb,
        idle_cpu_per_s=idle_rate,
        cpu_ms_per_write=cpu / len(writes) * 1000,
        cpu_ms_per_write_net=net / len(writes) * 1000,
        us_per_delivery=net / deliveries * 1e6 if deliveries else 0.0,
        log_reads_per_write=_per(after.stats, before.stats, "log_reads", len(writes)),
        key_checks=_delta(after.stats, before.stats, "key_checks"),
        xacts_per_write=(
            (after.xacts - before.xacts) / len(writes)
            if after.xacts is not None and before.xacts is not None
            else None
        ),
        client_cpu_s=client_cpu,
        load=" ".join(Path("/proc/loadavg").read_text().split()[:3]),
    )


def _pct(values: list[float], q: float) -> float:
    return percentile(values, q) if values else 0.0


def _delta(after: dict[str, Any], before: dict[str, Any], name: str) -> int | None:
    if name not in after or name not in before:
        return None
    return int(after[name]) - int(before[name])


def _per(after: dict[str, Any], before: dict[str, Any], name: str, writes: int) -> float | None:
    delta = _delta(after, before, name)
    return None if delta is None else delta / writes
