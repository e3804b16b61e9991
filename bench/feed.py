"""The change feed under load: one `odm serve` process, N subscribers, 100 writes a second.

Question: does an event reach every subscriber soon after its write commits (p99 under
200 ms at 1,000 subscribers), exactly once and in order, and does the server's cost of a
write stay flat as subscribers are added (database reads per write constant, CPU per write
growing only by the send to each subscriber)?

The subscribers (one in five with an admin key, the rest with a reader key of one division)
run in client processes of bench/sse_client.py; the writer posts one daily row at a time to
`POST /v1/production/daily` on a fixed schedule from threads of this process. Latency runs
from the entry's `changed_at` (stamped in the write's transaction, just before its commit)
to the read that brought the event, on the one clock of this machine; a second figure runs
from the writer's answer. `python -m bench.feed` runs the scenario alone.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import http.client
import json
import multiprocessing
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import psycopg

from bench import feed_report
from bench.datasets import DataSet, ensure_dataset, odm_command
from bench.feed_stats import FeedResult, LogEntry, Snapshot, Write, summarize
from bench.ingest import scratch_copy, writer_key
from bench.profile import PY_SPY, top_frames
from bench.servers import HOST, REPO, Server, ServerSpec, free_port, running
from bench.sse_client import Received, Subscription, client_process
from odm.auth.identity import Role
from odm.auth.keystore import create_key
from odm.config import Settings
from odm.db import open_database
from odm.demo import DIVISIONS

SUBSCRIBERS = (10, 100, 1000)
WRITES_PER_S = 100.0
SECONDS = 30.0
WRITER_THREADS = 16  # enough that a slow answer does not hold up the schedule
ADMIN_EVERY = 5  # one subscriber in five holds an admin key (every division)
PER_CLIENT_PROCESS = 500
IDLE_SECONDS = 5.0  # subscribers connected, no writes: the idle cost (heartbeats, key checks)
FIRST_DAY = dt.date(2030, 1, 1)  # after every demo data set's last day
STATS_PATH = "/v1/changes/stats"
CLOCK_TICKS = 100.0


@dataclass(frozen=True)
class FeedPlan:
    """How many subscribers, and how long and how hard the writer writes."""

    subscribers: tuple[int, ...] = SUBSCRIBERS
    writes_per_s: float = WRITES_PER_S
    seconds: float = SECONDS
    results_dir: Path = Path("bench/results")
    profile: Path | None = None  # py-spy's raw samples of the server while the writer runs
    code: Path | None = None  # serve another checkout's code (a baseline), not this one's
    idle_seconds: float = IDLE_SECONDS


def feed_server(url: str, port: int, code: Path | None = None) -> ServerSpec:
    """`odm serve` itself, one process, keys required (the default), no rate limit; the
    code of another checkout (a baseline) when `code` names one."""
    command = [*odm_command(), "serve", "--database", url, "--port", str(port)]
    env = {"ODM_AUTH": "required", "ODM_RATE_LIMIT": "0"}
    if code is not None:
        env["PYTHONPATH"] = str(code.resolve())
    return ServerSpec("ODM-feed", command, "/health", env)


def run_feed(data: DataSet, plan: FeedPlan, subscribers: int) -> FeedResult:
    """One run on a fresh copy of the data set and a fresh server."""
    with scratch_copy(data, plan.results_dir / "scratch") as copy:
        keys = _keys(copy.url)
        port = free_port()
        with running(feed_server(copy.url, port, plan.code), port, plan.results_dir) as server:
            return _measure(copy, plan, subscribers, keys, server)


def _keys(url: str) -> dict[str, str]:
    """A writer's key, an admin's, and a reader's key for each division."""

    async def make() -> dict[str, str]:
        db = open_database(Settings(database_url=url), url)
        await db.open()
        try:
            keys = {"all": (await create_key(db, "feed-admin", Role.ADMIN, None)).text}
            for division, *_ in DIVISIONS:
                made = await create_key(db, f"feed-{division}", Role.READER, frozenset({division}))
                keys[str(division)] = made.text
            return keys
        finally:
            await db.close()

    return asyncio.run(make()) | {"writer": writer_key(url, "feed-writer")}


def subscriptions(count: int, keys: dict[str, str], after: int) -> list[Subscription]:
    """The mix: every fifth subscriber an admin, the others one division each in turn."""
    divisions = [str(d) for d, *_ in DIVISIONS]
    subs = []
    for i in range(count):
        scope = "all" if i % ADMIN_EVERY == 0 else divisions[i % len(divisions)]
        subs.append(Subscription(i, keys[scope], scope, after))
    return subs


def _measure(
    data: DataSet, plan: FeedPlan, count: int, keys: dict[str, str], server: Server
) -> FeedResult:
    start_id = _last_change_id(data)
    subs = subscriptions(count, keys, start_id)
    with _clients(subs, server.port) as clients:
        idle_before = _snapshot(data, server, keys["all"])
        time.sleep(plan.idle_seconds)
        before = _snapshot(data, server, keys["all"])
        with _rss_sampler(server) as rss, _profiled(server, plan.profile):
            writes = _write(server, keys["writer"], _wells(data), plan)
            entries = _read_log(data, start_id)
            received, client_cpu = clients.finish(_last_by_scope(entries), max(30.0, count / 20))
        after = _snapshot(data, server, keys["all"])
    return summarize(
        data.backend,
        count,
        entries,
        writes,
        received,
        (idle_before, before, after),
        rss.values,
        client_cpu,
        len(clients.processes),
        "this checkout" if plan.code is None else f"baseline {plan.code.name}",
    )


# The subscribers' client processes.


@dataclass
class Clients:
    """Client processes and the pipes to them."""

    processes: list[multiprocessing.process.BaseProcess] = field(default_factory=list)
    pipes: list[Connection] = field(default_factory=list)

    def finish(self, last_ids: dict[str, int], patience: float) -> tuple[list[Received], float]:
        """Tell the clients the last id of each scope; what they received, and their CPU s."""
        for pipe in self.pipes:
            pipe.send(last_ids | {"__patience__": patience})
        received: list[Received] = []
        cpu = 0.0
        for pipe in self.pipes:
            _, got, seconds = pipe.recv()
            received += got
            cpu += seconds
        return sorted(received, key=lambda r: r.index), cpu


@contextmanager
def _clients(subs: Sequence[Subscription], port: int) -> Iterator[Clients]:
    context = multiprocessing.get_context("spawn")
    clients = Clients()
    share = -(-len(subs) // -(-len(subs) // PER_CLIENT_PROCESS))
    try:
        for first in range(0, len(subs), share):
            mine, theirs = context.Pipe()
            args = (list(subs[first : first + share]), HOST, port, theirs)
            process = context.Process(target=client_process, args=args, daemon=True)
            process.start()
            clients.processes.append(process)
            clients.pipes.append(mine)
        connected = sum(pipe.recv()[1] for pipe in clients.pipes)
        if connected != len(subs):
            raise RuntimeError(f"only {connected} of {len(subs)} subscribers connected")
        yield clients
    finally:
        for process in clients.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()


# The writer.


def _wells(data: DataSet) -> list[int]:
    return [int(r[0]) for r in _query(data, "SELECT well_id FROM odm_well ORDER BY well_id")]


def _write(server: Server, key: str, wells: Sequence[int], plan: FeedPlan) -> list[Write]:
    """`writes_per_s` one-row writes for `seconds`, each sent at its time on the schedule."""
    total = int(plan.writes_per_s * plan.seconds)
    started = time.time() + 0.2
    results: list[list[Write]] = [[] for _ in range(WRITER_THREADS)]

    def work(lane: int) -> None:
        conn = http.client.HTTPConnection(HOST, server.port, timeout=60)
        for n in range(lane, total, WRITER_THREADS):
            time.sleep(max(0.0, started + n / plan.writes_per_s - time.time()))
            results[lane].append(_post(conn, key, n, wells))
        conn.close()

    threads = [threading.Thread(target=work, args=(lane,)) for lane in range(WRITER_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted((w for lane in results for w in lane), key=lambda w: w.n)


def _post(conn: http.client.HTTPConnection, key: str, n: int, wells: Sequence[int]) -> Write:
    well = wells[n % len(wells)]
    day = FIRST_DAY + dt.timedelta(days=n // len(wells))
    body = json.dumps([{"well_id": well, "production_date": day.isoformat(), "oil": n + 0.5}])
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    sent = time.time()
    conn.request("POST", "/v1/production/daily", body, headers)
    response = conn.getresponse()
    response.read()
    return Write(n, well, day.isoformat(), sent, time.time(), response.status)


# What the server and the database say.


def _snapshot(data: DataSet, server: Server, admin_key: str) -> Snapshot:
    """The server's CPU seconds and RSS, its feed counters, PostgreSQL's transactions."""
    stat = Path(f"/proc/{server.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(stat[11]) + int(stat[12])) / CLOCK_TICKS
    return Snapshot(time.time(), cpu, _rss_mb(server), _stats(server, admin_key), _xacts(data))


def _rss_mb(server: Server) -> float:
    for line in Path(f"/proc/{server.process.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _stats(server: Server, admin_key: str) -> dict[str, Any]:
    conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
    try:
        conn.request("GET", STATS_PATH, headers={"Authorization": f"Bearer {admin_key}"})
        response = conn.getresponse()
        body = response.read()
        return dict(json.loads(body)) if response.status == 200 else {}
    finally:
        conn.close()


def _xacts(data: DataSet) -> int | None:
    if data.backend != "postgresql":
        return None
    sql = (
        "SELECT xact_commit + xact_rollback FROM pg_stat_database "
        "WHERE datname = current_database()"
    )
    with psycopg.connect(data.url, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        row = conn.execute(sql).fetchone()
        return int(row[0]) if row else None


@dataclass
class RssSamples:
    """VmRSS of the server, sampled while the writer runs."""

    values: list[float] = field(default_factory=list)


@contextmanager
def _rss_sampler(server: Server, every: float = 0.5) -> Iterator[RssSamples]:
    samples = RssSamples()
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(every):
            samples.values.append(_rss_mb(server))

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield samples
    finally:
        stop.set()
        thread.join()


@contextmanager
def _profiled(server: Server, raw: Path | None) -> Iterator[None]:
    """Sample the server with py-spy while the block runs (when asked to)."""
    if raw is None:
        yield
        return
    options = ["--rate", "200", "--nonblocking", "--format", "raw", "--output", str(raw)]
    spy = subprocess.Popen([str(PY_SPY), "record", "--pid", str(server.process.pid), *options])
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)  # py-spy writes its output when interrupted
        spy.wait()


def _query(data: DataSet, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    if data.backend == "sqlite":
        import sqlite3

        with closing(sqlite3.connect(data.sqlite_file)) as conn:
            return list(conn.execute(sql.replace("%s", "?"), params))
    with psycopg.connect(data.url) as conn:
        return list(conn.execute(sql.encode(), params))


def _last_change_id(data: DataSet) -> int:
    return int(_query(data, "SELECT COALESCE(MAX(change_id), 0) FROM odm_change")[0][0])


def _read_log(data: DataSet, after: int) -> list[LogEntry]:
    sql = (
        "SELECT change_id, changed_at, division_id, well_id, payload FROM odm_change "
        "WHERE change_id > %s ORDER BY change_id"
    )
    return [LogEntry.from_row(row) for row in _query(data, sql, (after,))]


def _last_by_scope(entries: Sequence[LogEntry]) -> dict[str, int]:
    last = {"all": max((e.change_id for e in entries), default=0)}
    for division, *_ in DIVISIONS:
        mine = [e.change_id for e in entries if e.division_id in (None, division)]
        last[str(division)] = max(mine, default=0)
    return last


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m bench.feed`: the feed scenario on chosen backends and subscriber counts."""
    parser = argparse.ArgumentParser(prog="python -m bench.feed", description=__doc__)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--subscribers", default=",".join(map(str, SUBSCRIBERS)))
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--size", default="100k")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--results-dir", type=Path, default=REPO / "bench/results")
    parser.add_argument("--profile", action="store_true", help="sample the server with py-spy")
    parser.add_argument("--out", type=Path, default=REPO / "docs/performance.md")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="measure nothing: rewrite the report's feed section from feed.jsonl",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="serve the code of this checkout instead (e.g. `git archive main` unpacked)",
    )
    args = parser.parse_args(argv)
    plan = FeedPlan(
        tuple(int(n) for n in args.subscribers.split(",")),
        seconds=args.seconds,
        results_dir=args.results_dir,
        code=args.baseline,
    )
    saved = args.results_dir / "feed.jsonl"
    command = "bench/run --only-feed " + " ".join(a for a in argv or () if a != "--report-only")
    if not args.report_only:
        _measure_all(args, plan, saved, command.strip())
    feed_report.write(args.out, feed_report.load(saved))
    print(f"wrote {args.out} (records: {saved})", file=sys.stderr)


def _measure_all(args: argparse.Namespace, plan: FeedPlan, saved: Path, command: str) -> None:
    for backend in args.backends.split(","):
        data = ensure_dataset(args.size, backend, REPO / "bench/data", args.postgres_url)
        for count in plan.subscribers:
            raw = args.results_dir / f"feed-{backend}-{count}.txt" if args.profile else None
            result = run_feed(data, replace(plan, profile=raw), count)
            print(json.dumps(result.as_dict()), flush=True)
            with saved.open("a") as records:
                records.write(json.dumps(result.as_dict() | {"command": command}) + "\n")
            if raw is not None:
                for frame, share in top_frames(raw, 25):
                    print(f"{share:6.1%}  {frame}")


if __name__ == "__main__":
    main(sys.argv[1:])
