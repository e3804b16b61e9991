"""The change feed's benchmark on a tiny data set, so that it cannot rot: a real server, a
few raw-socket subscribers, a short writer. Nothing here asserts a speed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import feed_report
from bench.datasets import prepare
from bench.feed import FeedPlan, run_feed
from tests.backends import empty_database


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_every_subscriber_gets_its_share_once_and_in_order(backend: str, tmp_path: Path) -> None:
    with empty_database(backend, tmp_path) as url:
        data = prepare("tiny", backend, url)
        plan = FeedPlan((6,), writes_per_s=20, seconds=1.0, results_dir=tmp_path, idle_seconds=0.5)
        result = run_feed(data, plan, 6)
    assert (result.writes, result.write_errors, result.changes) == (20, 0, 20)
    assert (result.missed, result.duplicated, result.out_of_order, result.foreign) == (0,) * 4
    # One admin sees all 20; each of the five division readers its division's share.
    assert 20 < result.deliveries < 20 * 6
    assert result.p99_ms >= result.p50_ms > 0 and result.rss_peak_mb > 0
    assert result.log_reads_per_write is not None and result.key_checks is not None
    section = feed_report.render([result.as_dict()])
    assert f"| {backend} | this checkout | 6 |" in section


def test_the_feed_section_replaces_its_old_self() -> None:
    report = "# Performance\n\n## Targets\n\nt\n\n## Machine\n\nm\n"
    first = feed_report.splice(report, "## Change feed\n\nold\n")
    assert first.index("## Change feed") < first.index("## Machine")
    second = feed_report.splice(first, "## Change feed\n\nnew\n")
    assert "old" not in second and second.count("## Change feed") == 1
    assert second.endswith("## Machine\n\nm\n") and "## Targets\n\nt\n" in second
