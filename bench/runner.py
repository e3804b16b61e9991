"""`python -m bench`: build the data sets, run every scenario, write the report and chart."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

from bench import chart, feed_report, report
from bench.datasets import BACKENDS, SIZES, DataSet, ensure_dataset
from bench.dumps import FORMATS as DUMP_FORMATS
from bench.machine import busy_cores, describe
from bench.results import ExportResult, Results
from bench.scenarios import (
    Plan,
    export_datasette,
    export_dump,
    export_odm,
    export_odm_rows,
    export_seed_style,
    ingest_rates,
    rollup_latencies,
    seed_latencies,
    small_request_load,
    write_cost,
)
from bench.targets import judge

REPO = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
T = TypeVar("T")
BUSY = 0.3  # cores kept busy by other processes before a step; more is worth a note
STEPS = ("exports", "latency", "rollups", "writes", "ingest", "load")
SETTLE_SECONDS = 120.0  # how long a step waits for a busy machine to calm down


@dataclass(frozen=True)
class Run:
    """One invocation: its data sets, plan and where it writes."""

    sizes: tuple[str, ...]
    backends: tuple[str, ...]
    plan: Plan
    postgres_url: str
    data_dir: Path
    out: Path
    command: str
    report_only: bool = False
    steps: tuple[str, ...] = STEPS
    postgres_prefix: str = "odm_bench"


def parse(argv: Sequence[str]) -> Run:
    """The command line, as a Run."""
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1M rows only, shorter runs")
    parser.add_argument("--sizes", default="1m,10m", help=f"comma-separated, of {list(SIZES)}")
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("ODM_BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
        help="a server where the benchmark may create odm_bench_* databases",
    )
    parser.add_argument(
        "--postgres-prefix",
        default="odm_bench",
        help="names of the PostgreSQL data sets: <prefix>_<size>",
    )
    parser.add_argument(
        "--steps",
        default=",".join(STEPS),
        help=f"comma-separated, of {list(STEPS)}",
    )
    parser.add_argument("--data-dir", type=Path, default=REPO / "bench/data")
    parser.add_argument("--results-dir", type=Path, default=REPO / "bench/results")
    parser.add_argument("--out", type=Path, default=REPO / "docs/performance.md")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="measure nothing: rewrite the report from the last run's results.json",
    )
    args = parser.parse_args(argv)
    sizes = ("1m",) if args.quick else tuple(args.sizes.split(","))
    plan = Plan(results_dir=args.results_dir)
    if args.quick:
        plan = Plan(
            export_runs=1,
            latency_samples=100,
            load_seconds=5,
            ingest_rows=200_000,
            naive_ingest_rows=20_000,
            results_dir=args.results_dir,
        )
    options = [a for a in argv if a != "--report-only"]
    command = "make bench" if not options else "bench/run " + " ".join(options)
    return Run(
        sizes,
        tuple(args.backends.split(",")),
        plan,
        args.postgres_url,
        args.data_dir,
        args.out,
        command,
        args.report_only,
        tuple(args.steps.split(",")),
        args.postgres_prefix,
    )


def measure(run: Run, results: Results, save: Callable[[], None]) -> None:
    """Every scenario on every backend and size, saving after each step."""
    for backend in run.backends:
        for size in run.sizes:
            data = _dataset(run, size, backend)
            if "writes" in run.steps:
                step = partial(write_cost, data, run.plan.write_rows)
                results.writes.append(_logged(f"{backend} {size} writes", step, results.notes))
                save()
            if "ingest" in run.steps:
                step = partial(ingest_rates, data, run.plan)
                results.ingests += _logged(f"{backend} {size} ingest", step, results.notes)
                save()
            for step in _exports(data, run.plan) if "exports" in run.steps else []:
                results.exports.append(_logged(f"{backend} {size} export", step, results.notes))
                save()
            for name, scenario in (("latency", seed_latencies), ("rollups", rollup_latencies)):
                if name in run.steps:
                    step = partial(scenario, data, run.plan)
                    results.latencies += _logged(f"{backend} {size} {name}", step, results.notes)
                    save()
        if "load" not in run.steps:
            continue
        largest = _dataset(run, run.sizes[-1], backend)
        for workers in (1, 2):
            step = partial(small_request_load, largest, run.plan, workers)
            results.loads += _logged(f"{backend} load, {workers} workers", step, results.notes)
            save()


def _dataset(run: Run, size: str, backend: str) -> DataSet:
    return ensure_dataset(size, backend, run.data_dir, run.postgres_url, run.postgres_prefix)


def _exports(data: DataSet, plan: Plan) -> list[Callable[[], ExportResult]]:
    steps = [partial(export_odm, data, plan, fmt) for fmt in plan.formats]
    steps += [partial(export_odm_rows, data, plan, fmt) for fmt in plan.row_formats]
    steps += [partial(export_dump, data, plan, fmt) for fmt in DUMP_FORMATS[data.backend]]
    if data.rows <= plan.seed_style_max_rows:
        steps.append(partial(export_seed_style, data, plan))
    if data.backend == "sqlite":
        steps.append(partial(export_datasette, data, plan))
    return steps


def _logged(what: str, step: Callable[[], T], notes: list[str]) -> T:
    started = time.perf_counter()
    busy = _settle()
    print(f"… {what} (other processes busy: {busy:.1f} cores)", file=sys.stderr, flush=True)
    if busy > BUSY:
        # Other processes on the 2 cores slow every measurement: say so beside the numbers.
        notes.append(f"{what}: other processes kept {busy:.1f} of the cores busy as it started")
    result = step()
    print(f"  done in {time.perf_counter() - started:.1f} s: {result}", file=sys.stderr, flush=True)
    return result


def _settle(patience: float = SETTLE_SECONDS) -> float:
    """Wait (a while) for other processes to leave the cores idle; the last busy figure."""
    deadline = time.monotonic() + patience
    busy = busy_cores()
    while busy > BUSY and time.monotonic() < deadline:
        busy = busy_cores(1.0)
    return busy


def publish(run: Run, results: Results) -> None:
    """Write the report and its chart beside it."""
    png = run.out.with_suffix(".png")
    ratio_size = "1m" if "1m" in run.sizes else run.sizes[0]
    drawn = chart.draw(results, ratio_size, png)
    findings_file = REPO / "bench/findings.md"
    findings = findings_file.read_text() if findings_file.exists() else ""
    targets = judge(results, run.backends, ratio_size, largest=run.sizes[-1])
    text = report.render(results, targets, png.name if drawn else None, findings)
    report.write(run.out, text)
    feed_report.write(run.out, feed_report.load(run.plan.results_dir / "feed.jsonl"))


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark (`--only-feed ...`: the change feed's, see bench/feed.py)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--only-feed":
        # Imported here: bench.feed uses bench.profile, which imports this module.
        from bench import feed

        feed.main(argv[1:])
        return
    run = parse(argv)
    results_file = run.plan.results_dir / "results.json"
    if run.report_only:
        results = Results.load(results_file)
    else:
        machine = describe(run.postgres_url if "postgresql" in run.backends else None)
        results = Results(machine, run.command)
        measure(run, results, lambda: results.save(results_file))
    publish(run, results)
    print(f"wrote {run.out} (raw results: {results_file})", file=sys.stderr)
