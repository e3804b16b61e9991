"""The measurements of one benchmark run, kept as JSON in bench/results/ between steps."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# The systems an export row can come from; the first is the one under test.
ODM = "ODM"
SEED_STYLE = "seed-style"
DATASETTE = "Datasette"
DUMP = "database dump"
NAIVE = "naive per-row endpoint"
BULK = "database bulk load"
ODM_WITHOUT_AGGREGATES = "ODM without the monthly aggregates' triggers"


@dataclass(frozen=True)
class ExportResult:
    """A large export: the median of its runs."""

    backend: str
    size: str
    rows: int
    system: str
    fmt: str
    tool: str
    runs: int
    wall_s: float
    ttfb_s: float | None
    size_bytes: int
    peak_rss_mb: float | None

    @property
    def rows_per_s(self) -> float:
        """Rows delivered per second of wall time."""
        return self.rows / self.wall_s

    @property
    def mb_per_s(self) -> float:
        """Megabytes (10⁶ bytes) delivered per second of wall time."""
        return self.size_bytes / 1e6 / self.wall_s


@dataclass(frozen=True)
class LatencyResult:
    """Sequential requests to one seed endpoint."""

    backend: str
    size: str
    endpoint: str
    samples: int
    p50_ms: float
    p99_ms: float
    mean_ms: float


@dataclass(frozen=True)
class LoadResult:
    """Concurrent small requests to one endpoint."""

    backend: str
    size: str
    endpoint: str
    workers: int
    tool: str
    connections: int
    seconds: float
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p99_ms: float


@dataclass(frozen=True)
class WriteResult:
    """What writing daily rows costs on one data set."""

    backend: str
    size: str
    rows: int
    build_s: float | None  # `odm demo` of the data set, when this run built it
    written: int
    rows_per_s: float  # multi-row INSERTs through the triggers
    # the same on a copy without the monthly aggregates' triggers (as before version 6)
    rows_per_s_without_aggregates: float | None = None


@dataclass(frozen=True)
class IngestResult:
    """One body posted to one server: its rows, wall time, answer and the server's peak RSS."""

    backend: str
    size: str
    system: str  # "ODM" or the naive baseline
    step: str  # insert, unchanged or update
    rows: int
    body_mb: float
    wall_s: float
    peak_rss_mb: float
    counts: str  # the answer's counts, as the server gave them

    @property
    def rows_per_s(self) -> float:
        """Rows written per second of wall time."""
        return self.rows / self.wall_s if self.wall_s else 0.0


@dataclass
class Results:
    """Everything one run measured, with the machine it ran on."""

    machine: dict[str, str]
    command: str
    exports: list[ExportResult] = field(default_factory=list)
    latencies: list[LatencyResult] = field(default_factory=list)
    loads: list[LoadResult] = field(default_factory=list)
    writes: list[WriteResult] = field(default_factory=list)
    ingests: list[IngestResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def export(self, backend: str, size: str, system: str, fmt: str) -> ExportResult | None:
        """The export result of that system and format, if measured."""
        for result in self.exports:
            if (result.backend, result.size, result.system, result.fmt) == (
                backend,
                size,
                system,
                fmt,
            ):
                return result
        return None

    def save(self, path: Path) -> None:
        """Write the results as JSON."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=1) + "\n")

    @classmethod
    def load(cls, path: Path) -> Results:
        """Read results written by `save`."""
        data: dict[str, Any] = json.loads(path.read_text())
        return cls(
            machine=data["machine"],
            command=data["command"],
            exports=[ExportResult(**row) for row in data["exports"]],
            latencies=[LatencyResult(**row) for row in data["latencies"]],
            loads=[LoadResult(**row) for row in data["loads"]],
            writes=[WriteResult(**row) for row in data.get("writes", [])],
            ingests=[IngestResult(**row) for row in data.get("ingests", [])],
            notes=data["notes"],
        )
