"""The benchmark, every scenario and baseline, on a tiny data set: so that it cannot rot.

Nothing here asserts a speed; only that each scenario runs end to end through real server
processes and yields plausible records, and that the report and chart are written.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from bench import chart, dumps, load, report, transfer
from bench.datasets import DataSet, prepare
from bench.profile import top_frames
from bench.results import (
    BULK,
    DATASETTE,
    DUMP,
    NAIVE,
    ODM,
    ODM_ROWS,
    ODM_WITHOUT_AGGREGATES,
    SEED_STYLE,
    ExportResult,
    Results,
)
from bench.scenarios import (
    ROLLUP_PATHS,
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
from tests.backends import empty_database

BENCH_BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="module", params=BENCH_BACKENDS)
def tiny(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DataSet]:
    """The tiny data set on one backend, built through `odm demo`."""
    backend = str(request.param)
    with empty_database(backend, tmp_path_factory.mktemp(f"bench-{backend}")) as url:
        yield prepare("tiny", backend, url)


@pytest.fixture
def plan(tmp_path: Path) -> Plan:
    """The shortest plan that still runs every step."""
    return Plan(
        export_runs=1, latency_samples=3, load_seconds=1, connections=4, results_dir=tmp_path
    )


def _plausible(result: ExportResult, data: DataSet, system: str) -> None:
    assert (result.system, result.rows, result.backend) == (system, data.rows, data.backend)
    assert result.size_bytes > data.rows * 20
    assert result.wall_s > 0


@pytest.mark.slow
def test_odm_exports_every_format(tiny: DataSet, plan: Plan) -> None:
    for fmt in plan.formats:
        result = export_odm(tiny, plan, fmt)
        _plausible(result, tiny, ODM)
        assert result.ttfb_s is not None and result.peak_rss_mb is not None
    _plausible(export_odm_rows(tiny, plan, "csv"), tiny, ODM_ROWS)


@pytest.mark.slow
def test_baselines_export_the_same_rows(tiny: DataSet, plan: Plan) -> None:
    odm = export_odm(tiny, plan, "json")
    seed = export_seed_style(tiny, plan)
    _plausible(seed, tiny, SEED_STYLE)
    # Same rows and fields: the seed-style body differs from ODM's only in its float text.
    assert abs(seed.size_bytes - odm.size_bytes) < odm.size_bytes * 0.1
    for fmt in dumps.FORMATS[tiny.backend]:
        floor = export_dump(tiny, plan, fmt)
        _plausible(floor, tiny, DUMP)
        assert floor.fmt == fmt
        if fmt != "json":  # the same rows and columns as ODM's own answer in the format
            ours = export_odm(tiny, plan, fmt)
            assert abs(floor.size_bytes - ours.size_bytes) < ours.size_bytes * 0.15
    if tiny.backend == "sqlite":
        _plausible(export_datasette(tiny, plan), tiny, DATASETTE)


@pytest.mark.slow
def test_fallbacks_without_command_line_tools(
    tiny: DataSet, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where sqlite3, psql, curl or wrk are missing, the drivers and Python stand in."""
    for module in (dumps, transfer, load):
        monkeypatch.setattr(module.shutil, "which", lambda _name: None)
    assert "no " in export_dump(tiny, plan).tool
    assert "no " in export_dump(tiny, plan, "csv").tool
    assert export_odm(tiny, plan, "json").tool == "http.client"
    assert small_request_load(tiny, plan, 1)[0].tool == "python threads"


@pytest.mark.slow
@pytest.mark.parametrize("workers", [2])  # one worker is the same code, without the fork
def test_small_request_load(tiny: DataSet, plan: Plan, workers: int) -> None:
    results = small_request_load(tiny, plan, workers)
    assert [r.endpoint for r in results] == ["/division-list", "/well-summary"]
    for r in results:
        assert r.requests > 0 and r.errors == 0 and r.p99_ms >= r.p50_ms


def test_rollup_latencies_and_write_cost(tiny: DataSet, plan: Plan) -> None:
    latencies = rollup_latencies(tiny, plan)
    assert [r.endpoint for r in latencies] == list(ROLLUP_PATHS)
    assert all(r.p99_ms >= r.p50_ms > 0 for r in latencies)
    writes = write_cost(tiny, 300)
    assert (writes.written, writes.rows) == (300, tiny.rows) and writes.rows_per_s > 0
    assert writes.rows_per_s_without_aggregates
    assert prepare("tiny", tiny.backend, tiny.url).build_s is None  # its rows are all back


def test_ingest_posts_to_odm_with_and_without_aggregates_and_to_the_naive_endpoint(
    tiny: DataSet, plan: Plan
) -> None:
    results = ingest_rates(tiny, replace(plan, ingest_rows=600, naive_ingest_rows=100))
    steps = [(r.system, r.step, r.rows) for r in results]
    odm_steps = [(ODM, s, 600) for s in ("insert", "unchanged", "update")]
    without = [(ODM_WITHOUT_AGGREGATES, s, 600) for s in ("insert", "unchanged", "update")]
    naive = [(NAIVE, "insert", 100), (NAIVE, "update", 100)]
    bulk = steps.pop(6)
    assert bulk[0].startswith(BULK) and bulk[1:] == ("insert", 600)
    assert steps == [*odm_steps, *without, *naive]
    assert results[0].counts.startswith("inserted 600, updated 0, unchanged 0")
    assert results[1].counts.startswith("inserted 0, updated 0, unchanged 600")
    assert results[2].counts.startswith("inserted 0, updated 600, unchanged 0")
    assert all(r.rows_per_s > 0 for r in results)
    assert all(r.peak_rss_mb > 10 for r in results if not r.system.startswith(BULK))
    assert prepare("tiny", tiny.backend, tiny.url).build_s is None  # the data set is as it was


@pytest.mark.slow
def test_report_and_chart(tiny: DataSet, plan: Plan, tmp_path: Path) -> None:
    if tiny.backend != "sqlite":
        pytest.skip("the report is the same code for every backend: one is enough")
    results = Results({"cores": "2"}, "make bench")
    results.exports += [export_odm(tiny, plan, "json"), export_dump(tiny, plan)]
    results.latencies += seed_latencies(tiny, plan) + rollup_latencies(tiny, plan)
    results.writes.append(write_cost(tiny, 100))
    results.save(tmp_path / "results.json")
    results = Results.load(tmp_path / "results.json")
    targets = judge(results, (tiny.backend,), ratio_size="tiny", largest="tiny")
    assert {t.met for t in targets if "dump" in t.name or "p99" in t.name} <= {True, False}
    text = report.render(results, targets, "performance.png", "Findings.")
    assert f"| {tiny.backend} | tiny | /division-summary |" in text
    assert "## Writing daily rows" in text and f"| {tiny.backend} | tiny | " in text
    if importlib.util.find_spec("matplotlib"):
        assert chart.draw(results, "tiny", tmp_path / "performance.png")
        assert (tmp_path / "performance.png").stat().st_size > 1000


def test_profile_summary_skips_idle_frames(tmp_path: Path) -> None:
    raw = tmp_path / "profile.txt"
    raw.write_text(
        "main;run_forever (asyncio/base_events.py:600) 50\n"
        "main;json_array (odm/streaming.py:44) 30\n"
        "worker;_fetchmany (odm/db/sqlite.py:155) 10\n"
    )
    assert [frame for frame, _ in top_frames(raw)] == [
        "json_array (odm/streaming.py:44)",
        "_fetchmany (odm/db/sqlite.py:155)",
    ]
