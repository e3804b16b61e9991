"""The change feed's section of docs/performance.md, from the records of bench/feed.py.

The section is replaced in place (or added before the machine's), so a feed run does not
need the exports' results to rewrite the report; `publish` of a full run adds it too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

TITLE = "## Change feed"
FINDINGS = Path(__file__).resolve().parent / "findings.md"
INTRO = """\
Question: with one `odm serve` process, 100 one-row writes a second (`POST
/v1/production/daily`, from 16 writer threads on a fixed schedule) and 10, 100 or 1,000
subscribers of `GET /v1/changes` (one in five with an admin key, the others a reader key of
one division), does every subscriber get every event of its scope once and in order, how
soon after the commit, and does the server's cost of a write stay flat as subscribers are
added? Latency runs from the entry's `changed_at` (stamped in the write's transaction just
before it commits) to the read that brought the event, on the machine's one clock; "after
answer" runs from the writer's HTTP answer instead. The subscribers are raw-socket asyncio
clients, up to 500 per process (`bench/sse_client.py`). Server CPU is the process's
user + system time from the first write until every subscriber has the last event, less
the idle rate measured just before (heartbeats, key checks), per write; "µs / write /
subscriber" divides it by the subscribers; "µs / extra event sent" is what each event sent
beyond those of the run with the fewest subscribers cost. "Log reads" are the process's
reads of new changes (`GET /v1/changes/stats`), "xacts" PostgreSQL's committed
transactions of the database (`pg_stat_database`) per write, the writes' own included.
Load is `uptime`'s 1-minute average at the end of each run: the machine is shared with
other work, and the writer falls behind its schedule when the cores are taken (writes
column). Rows marked "baseline" served another checkout's code (`--baseline DIR`; here main
before the fan-out changes, unpacked with `git archive main | tar -x -C /tmp/odm-main`),
which has no `/v1/changes/stats`."""


def load(path: Path) -> list[dict[str, Any]]:
    """The records of a results file (one JSON object a line)."""
    lines = path.read_text().splitlines() if path.exists() else []
    return [json.loads(line) for line in lines if line.strip()]


def render(records: Sequence[dict[str, Any]]) -> str:
    """The section as Markdown."""
    quality = (_quality_line(r) for r in records)
    cost = (_cost_line(r, _fewest(records, r)) for r in records)
    commands = dict.fromkeys(r.get("command", "bench/run --only-feed") for r in records)
    return "\n".join(
        [
            f"{TITLE}\n",
            INTRO + "\n",
            "Reproduce: " + ", then ".join(f"`{c}`" for c in commands) + ".\n",
            "### Delivery\n",
            _table(QUALITY_HEADER, quality),
            "### Cost per write\n",
            _table(COST_HEADER, cost),
        ]
    )


QUALITY_HEADER = [
    "backend",
    "code",
    "subscribers",
    "writes (per s)",
    "events delivered",
    "p50 ms",
    "p99 ms",
    "max ms",
    "p99 after answer ms",
    "missed / repeated / out of order / foreign",
    "load",
]
COST_HEADER = [
    "backend",
    "code",
    "subscribers",
    "server CPU ms / write",
    "µs / write / subscriber",
    "µs / extra event sent",
    "log reads / write",
    "xacts / write",
    "key checks",
    "server RSS MB (connected → peak)",
    "client CPU s",
]


def _quality_line(r: dict[str, Any]) -> list[str]:
    errors = (r["missed"], r["duplicated"], r["out_of_order"], r["foreign"])
    return [
        r["backend"],
        r.get("code", "this checkout"),
        f"{r['subscribers']:,}",
        f"{r['writes']:,} ({r['writes'] / r['write_seconds']:.0f})",
        f"{r['deliveries']:,}",
        f"{r['p50_ms']:.0f}",
        f"{r['p99_ms']:.0f}",
        f"{r['max_ms']:.0f}",
        f"{r['p99_after_answer_ms']:.0f}",
        " / ".join(str(n) for n in errors),
        r["load"].split()[0],
    ]


def _fewest(records: Sequence[dict[str, Any]], r: dict[str, Any]) -> dict[str, Any]:
    """The run of the same backend and code with the fewest subscribers."""
    same = [o for o in records if (o["backend"], o.get("code")) == (r["backend"], r.get("code"))]
    return min(same, key=lambda o: o["subscribers"])


def _marginal_us(r: dict[str, Any], base: dict[str, Any]) -> str:
    """CPU per event sent beyond the fewest-subscriber run's: what one more send costs."""
    extra = r["deliveries"] / r["writes"] - base["deliveries"] / base["writes"]
    if extra <= 0:
        return "—"
    return f"{(r['cpu_ms_per_write_net'] - base['cpu_ms_per_write_net']) * 1000 / extra:.0f}"


def _cost_line(r: dict[str, Any], base: dict[str, Any]) -> list[str]:
    reads = r["log_reads_per_write"]
    xacts = r["xacts_per_write"]
    return [
        r["backend"],
        r.get("code", "this checkout"),
        f"{r['subscribers']:,}",
        f"{r['cpu_ms_per_write_net']:.1f}",
        f"{r['cpu_ms_per_write_net'] * 1000 / r['subscribers']:.0f}",
        _marginal_us(r, base),
        "—" if reads is None else f"{reads:.2f}",
        "—" if xacts is None else f"{xacts:.1f}",
        "—" if r["key_checks"] is None else str(r["key_checks"]),
        f"{r['rss_connected_mb']:.0f} → {r['rss_peak_mb']:.0f}",
        f"{r['client_cpu_s']:.1f}",
    ]


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def splice(report: str, section: str, title: str = TITLE) -> str:
    """The report with its section of that title replaced, or added before the machine's."""
    start = report.find(f"\n{title}\n")
    if start >= 0:
        end = report.find("\n## ", start + 1)
        end = len(report) if end < 0 else end
        return report[: start + 1] + section + report[end:]
    machine = report.find("\n## Machine\n")
    if machine < 0:
        return report.rstrip("\n") + "\n\n" + section
    return report[: machine + 1] + section + report[machine:]


def write(report_path: Path, records: Sequence[dict[str, Any]], findings: Path = FINDINGS) -> None:
    """Put the section into the report file (nothing without records), and the findings
    of bench/findings.md into its Findings section, as a full run copies them."""
    if not records:
        return
    report = report_path.read_text() if report_path.exists() else "# Performance\n"
    report = splice(report, render(records))
    if findings.exists() and "\n## Findings\n" in report:
        report = splice(report, f"## Findings\n\n{findings.read_text().strip()}\n", "## Findings")
    report_path.write_text(report)
