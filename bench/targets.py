"""The targets of issues 5, 14 and 16, judged on one run's results (as ratios where they
compare)."""

from __future__ import annotations

from dataclasses import dataclass

from bench.results import DATASETTE, DUMP, ODM, SEED_STYLE, Results
from bench.scenarios import REQUIRED_ROLLUPS

RATIO_SIZE = "1m"
LARGEST = "10m"


@dataclass(frozen=True)
class Target:
    """One target on one backend: what was measured against what was asked."""

    name: str
    backend: str
    measured: str
    required: str
    met: bool | None  # None: not measured in this run


def judge(
    results: Results,
    backends: tuple[str, ...],
    ratio_size: str = RATIO_SIZE,
    largest: str = LARGEST,
) -> list[Target]:
    """Every target on every backend: ratios at `ratio_size`, limits at `largest`."""
    targets: list[Target] = []
    for backend in backends:
        targets += _export_ratios(results, backend, ratio_size)
        targets += _format_rates(results, backend, ratio_size)
        targets += [_peak_rss(results, backend, largest), _ttfb(results, backend)]
        targets.append(_peak_rss(results, backend, largest, limit=150, issue=" (issue 14)"))
        targets.append(_division_summary(results, backend, largest))
        targets.append(_rollups(results, backend, largest))
    return targets


def _export_ratios(results: Results, backend: str, size: str) -> list[Target]:
    odm = results.export(backend, size, ODM, "json")
    baselines = [
        (SEED_STYLE, "json", "≥ 5× faster than seed-style", 5.0),
        (DATASETTE, "csv", "≥ 10× faster than Datasette CSV", 10.0),
    ]
    targets = []
    for system, fmt, name, factor in baselines:
        if backend != "sqlite" and system == DATASETTE:
            continue
        other = results.export(backend, size, system, fmt)
        if odm is None or other is None:
            targets.append(
                Target(
                    f"{size.upper()} JSON {name}", backend, "not measured", f"≥ {factor:g}×", None
                )
            )
            continue
        ratio = other.wall_s / odm.wall_s
        targets.append(
            Target(
                f"{size.upper()} JSON {name}",
                backend,
                f"{ratio:.1f}×",
                f"≥ {factor:g}×",
                ratio >= factor,
            )
        )
    dump = results.export(backend, size, DUMP, "json")
    if odm is None or dump is None:
        targets.append(
            Target(
                f"{size.upper()} JSON within 1.5× of the dump",
                backend,
                "not measured",
                "≤ 1.5×",
                None,
            )
        )
    else:
        ratio = odm.wall_s / dump.wall_s
        targets.append(
            Target(
                f"{size.upper()} JSON within 1.5× of the dump",
                backend,
                f"{ratio:.2f}×",
                "≤ 1.5×",
                ratio <= 1.5,
            )
        )
    return targets


# Issue 14: rows per second of each format's export of every daily row.
FORMAT_RATES = {
    "json": 1_000_000,
    "ndjson": 1_000_000,
    "csv": 1_000_000,
    "arrow": 2_000_000,
    "parquet": 1_500_000,
}


def _format_rates(results: Results, backend: str, size: str) -> list[Target]:
    """Each format's rows per second against issue 14's rate."""
    targets = []
    for fmt, rate in FORMAT_RATES.items():
        name = f"{size.upper()} {fmt} export rate"
        required = f"≥ {rate:,} rows/s"
        found = results.export(backend, size, ODM, fmt)
        if found is None:
            targets.append(Target(name, backend, "not measured", required, None))
            continue
        measured = f"{found.rows_per_s:,.0f} rows/s"
        targets.append(Target(name, backend, measured, required, found.rows_per_s >= rate))
    return targets


def _peak_rss(
    results: Results, backend: str, size: str, limit: int = 100, issue: str = ""
) -> Target:
    """ODM's worst peak RSS over every format at a size: under 100 MB (issue 5, before the
    columnar path loaded pyarrow) or under 150 MB (issue 14)."""
    peaks = [
        r.peak_rss_mb
        for r in results.exports
        if (r.backend, r.size, r.system) == (backend, size, ODM) and r.peak_rss_mb is not None
    ]
    name = f"server peak RSS at {size.upper()} rows{issue}"
    if not peaks:
        return Target(name, backend, "not measured", f"< {limit} MB", None)
    worst = max(peaks)
    return Target(name, backend, f"{worst:.0f} MB", f"< {limit} MB", worst < limit)


def _ttfb(results: Results, backend: str) -> Target:
    ttfbs = [
        r.ttfb_s
        for r in results.exports
        if (r.backend, r.system) == (backend, ODM) and r.ttfb_s is not None
    ]
    if not ttfbs:
        return Target("time to first byte, any size", backend, "not measured", "< 100 ms", None)
    worst = max(ttfbs) * 1000
    return Target(
        "time to first byte, any size", backend, f"{worst:.0f} ms", "< 100 ms", worst < 100
    )


def _division_summary(results: Results, backend: str, size: str) -> Target:
    for r in results.latencies:
        if (r.backend, r.size, r.endpoint) == (backend, size, "/division-summary"):
            return Target(
                f"/division-summary p99 at {size.upper()} rows",
                backend,
                f"{r.p99_ms:.1f} ms",
                "< 20 ms",
                r.p99_ms < 20,
            )
    return Target(
        f"/division-summary p99 at {size.upper()} rows", backend, "not measured", "< 20 ms", None
    )


def _rollups(results: Results, backend: str, size: str) -> Target:
    """Issue 16: every required rollup, cumulative and budget request under 100 ms at p99."""
    name = f"rollup, cumulative, budget p99 at {size.upper()} rows (worst of 5)"
    p99s = [
        r.p99_ms
        for r in results.latencies
        if (r.backend, r.size) == (backend, size) and r.endpoint in REQUIRED_ROLLUPS
    ]
    if len(p99s) < len(REQUIRED_ROLLUPS):
        return Target(name, backend, "not measured", "< 100 ms", None)
    return Target(name, backend, f"{max(p99s):.1f} ms", "< 100 ms", max(p99s) < 100)
