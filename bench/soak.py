"""Mixed load on `odm serve --workers 2` over PostgreSQL, optionally through a restart of
the database (issue 15): `python -m bench.soak [--restart-postgres]`.

The question: at 64 requests in flight for 60 s (summaries, pages, one-well exports, writes)
with feed subscribers listening, does every request succeed, what is each route's p99, and
does the server's memory stay flat? With `--restart-postgres`, the database is stopped and
started again in the middle: do requests during the outage get 503 with Retry-After, does
every route answer again within 5 s of the database's return, and is every write the service
acknowledged (200) in the database afterwards?

Loopback only, bounded in time, on a private PostgreSQL cluster the run builds in a
temporary folder (the shared server is never restarted). Last numbers: bench/findings.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx
import psycopg

from bench.datasets import odm_command
from bench.latency import percentile
from bench.pgcluster import Cluster, private_cluster
from bench.servers import HOST, free_port
from odm.auth.identity import Role
from odm.auth.keystore import create_key
from odm.config import Settings, environment_without_settings
from odm.db import open_database

SOAK_DB = "odm_soak"
WRITES_FROM = dt.date(2040, 1, 1)  # written days: after every demo day
RECOVERY_TARGET = 5.0
ROUTES = {  # label: weight
    "division-summary": 20,
    "well-summary": 20,
    "page": 25,
    "export": 5,
    "write": 10,
}


@dataclass
class Route:
    """What one route saw."""

    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    outage_503: int = 0  # 503 with Retry-After while the database was down
    cut: int = 0  # streams ended by the outage (truncation visible to the client)
    last_failure: float = 0.0


@dataclass
class Run:
    """The shared state of one run."""

    base: str
    headers: dict[str, str]
    wells: list[tuple[int, int]]
    deadline: float
    routes: dict[str, Route] = field(default_factory=lambda: {r: Route() for r in ROUTES})
    acknowledged: list[tuple[int, str, float]] = field(default_factory=list)
    feed_events: int = 0
    feed_reconnects: int = 0
    down: tuple[float, float] | None = None  # the outage, while and after it happens
    written: int = 0

    def in_outage(self, moment: float) -> bool:
        """Whether a failure answered at this moment belongs to the outage (or to the 5 s
        after it that the service has to recover in)."""
        if self.down is None:
            return False
        start, end = self.down
        return start <= moment <= (end or float("inf")) + RECOVERY_TARGET


def request_for(run: Run, label: str, rng: random.Random) -> tuple[str, str, object | None]:
    """Method, path and JSON body of one request of a route."""
    well, division = rng.choice(run.wells)
    if label == "division-summary":
        return "GET", "/division-summary", None
    if label == "well-summary":
        return "GET", f"/well-summary?well_id={well}&division_id={division}", None
    if label == "page":
        start = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(600))
        return "GET", f"/v1/production/daily?well_id={well}&start={start}&limit=100", None
    if label == "export":
        return "GET", f"/v1/production/daily?well_id={well}&format=csv", None
    run.written += 1
    day = (WRITES_FROM + dt.timedelta(days=run.written)).isoformat()
    body = [{"well_id": well, "production_date": day, "oil": float(run.written)}]
    return "POST", "/v1/production/daily", body


async def one_request(client: httpx.AsyncClient, run: Run, label: str, rng: random.Random) -> None:
    method, path, body = request_for(run, label, rng)
    route = run.routes[label]
    started = time.monotonic()
    try:
        async with client.stream(method, path, json=body) as response:
            content = await response.aread()
        status = response.status_code
    except httpx.TransportError as exc:
        route.last_failure = time.monotonic()
        if run.in_outage(route.last_failure):
            route.cut += 1
        else:
            route.errors[type(exc).__name__] += 1
        return
    if status == 200:
        route.latencies.append((time.monotonic() - started) * 1000)
        if method == "POST":
            record = json.loads(content)
            assert record["inserted"] == 1, record
            assert isinstance(body, list)
            run.acknowledged.append(
                (body[0]["well_id"], body[0]["production_date"], body[0]["oil"])
            )
        return
    route.last_failure = time.monotonic()
    if status == 503 and "retry-after" in response.headers and run.in_outage(route.last_failure):
        route.outage_503 += 1
    else:
        route.errors[f"HTTP {status}"] += 1


async def worker(client: httpx.AsyncClient, run: Run, seed: int) -> None:
    rng = random.Random(seed)
    labels, weights = list(ROUTES), list(ROUTES.values())
    while time.monotonic() < run.deadline:
        await one_request(client, run, rng.choices(labels, weights)[0], rng)


async def subscriber(client: httpx.AsyncClient, run: Run) -> None:
    """Follow the change feed until the end, reconnecting (with Last-Event-ID) when told to
    or cut off."""
    last: str | None = None
    while time.monotonic() < run.deadline:
        headers = {"Last-Event-ID": last} if last else {}
        try:
            async with client.stream("GET", "/v1/changes", headers=headers) as response:
                if response.status_code != 200:
                    await asyncio.sleep(0.5)
                    continue
                async for line in response.aiter_lines():
                    if line.startswith("id:"):
                        last = line[3:].strip()
                        run.feed_events += 1
                    if time.monotonic() >= run.deadline:
                        return
        except httpx.TransportError:
            await asyncio.sleep(0.5)
        run.feed_reconnects += 1


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the workers), in MiB."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += next(int(x.split()[1]) for x in status.splitlines() if x.startswith("VmRSS:"))
        pids.extend(int(child) for child in children)
    return total / 1024


async def sample_rss(pid: int, run: Run, samples: list[tuple[float, float]]) -> None:
    started = time.monotonic()
    while time.monotonic() < run.deadline:
        samples.append((time.monotonic() - started, tree_rss_mb(pid)))
        await asyncio.sleep(1.0)


async def outage(cluster: Cluster, run: Run, after: float) -> float:
    """Restart the database `after` seconds into the run; seconds it was down."""
    await asyncio.sleep(after)
    run.down = (time.monotonic(), 0.0)
    seconds = await asyncio.to_thread(cluster.restart)
    run.down = (run.down[0], time.monotonic())
    return seconds


async def traffic(
    args: argparse.Namespace, base: str, key: str, pid: int, cluster: Cluster
) -> dict[str, object]:
    """Run the load; the report as a dict."""
    wells = await _wells(cluster.database_url(SOAK_DB))
    run = Run(base, {"Authorization": f"Bearer {key}"}, wells, time.monotonic() + args.seconds)
    limits = httpx.Limits(max_connections=args.concurrency + args.subscribers + 4)
    rss: list[tuple[float, float]] = []
    async with httpx.AsyncClient(
        base_url=base, headers=run.headers, limits=limits, timeout=60
    ) as client:
        tasks = [worker(client, run, seed) for seed in range(args.concurrency - args.subscribers)]
        tasks += [subscriber(client, run) for _ in range(args.subscribers)]
        tasks.append(sample_rss(pid, run, rss))
        down = outage(cluster, run, args.seconds * 0.4) if args.restart_postgres else None
        results = await asyncio.gather(*tasks, *([down] if down else []))
    missing = await _missing_writes(cluster.database_url(SOAK_DB), run)
    return _report(args, run, rss, missing, results[-1] if down else None)


async def _wells(url: str) -> list[tuple[int, int]]:
    db = open_database(Settings(database_url=url), url)
    await db.open()
    try:
        return [
            (int(w), int(d))
            for w, d in await db.fetch_all(
                "SELECT well_id, division_id FROM odm_well ORDER BY well_id", {}
            )
        ]
    finally:
        await db.close()


async def _missing_writes(url: str, run: Run) -> int:
    """Acknowledged writes not in the database (should be none)."""
    async with await psycopg.AsyncConnection.connect(url) as conn:
        cursor = await conn.execute(
            "SELECT well_id, production_date::text, oil FROM odm_daily_production "
            "WHERE production_date >= %s",
            (WRITES_FROM,),
        )
        stored = {(w, d, float(o)) for w, d, o in await cursor.fetchall()}
    return sum(1 for row in run.acknowledged if row not in stored)


def _report(
    args: argparse.Namespace,
    run: Run,
    rss: list[tuple[float, float]],
    missing: int,
    down_seconds: float | None,
) -> dict[str, object]:
    routes = {}
    for label, route in run.routes.items():
        routes[label] = {
            "ok": len(route.latencies),
            "p50_ms": round(percentile(route.latencies, 50), 1) if route.latencies else None,
            "p99_ms": round(percentile(route.latencies, 99), 1) if route.latencies else None,
            "errors": dict(route.errors),
            "outage_503_with_retry_after": route.outage_503,
            "cut_by_outage": route.cut,
        }
    report: dict[str, object] = {
        "seconds": args.seconds,
        "concurrency": args.concurrency,
        "feed_subscribers": args.subscribers,
        "routes": routes,
        "errors": sum(sum(r.errors.values()) for r in run.routes.values()),
        "feed_events": run.feed_events,
        "feed_reconnects": run.feed_reconnects,
        "acknowledged_writes": len(run.acknowledged),
        "acknowledged_writes_missing": missing,
        "rss_mb": {
            "first": rss[0][1],
            "max": max(r for _, r in rss),
            "last": rss[-1][1],
            # Every tenth sample (they are a second apart): flat, or growing through the run?
            "every_10_s": [round(r, 1) for _, r in rss[::10]],
        },
        "load_average": os.getloadavg(),
    }
    if run.down is not None:
        failures = [r.last_failure for r in run.routes.values()]
        report["postgres_down_s"] = round(down_seconds or 0.0, 2)
        report["recovered_within_s"] = round(max(0.0, max(failures) - run.down[1]), 2)
    return report


@contextmanager
def odm_server(url: str, port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`odm serve --workers 2` on the database, keys required, no per-caller limits."""
    env = environment_without_settings(os.environ) | {
        "ODM_AUTH": "required",
        "ODM_RATE_LIMIT": "0",
        "ODM_MAX_EXPORTS": "1000",
        "ODM_POOL_TIMEOUT": "2",
        "ODM_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
    }
    command = [*odm_command(), "serve", "--database", url, "--port", str(port), "--workers", "2"]
    with tempfile.TemporaryDirectory() as folder, log.open("wb") as out:
        process = subprocess.Popen(command, env=env, cwd=folder, stdout=out, stderr=out)
        try:
            _wait_live(f"http://{HOST}:{port}", process)
            yield process
        finally:
            process.terminate()
            process.wait(timeout=60)


def _wait_live(base: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise RuntimeError("odm serve exited")
        try:
            if httpx.get(base + "/health/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("odm serve did not become ready")


def prepare(cluster: Cluster, wells: int, years: int) -> tuple[str, str]:
    """The demo data in a database `odm_soak` of the cluster, and an admin key for it."""
    with psycopg.connect(cluster.url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {SOAK_DB}".encode())
    url = cluster.database_url(SOAK_DB)
    demo = ["demo", "--database", url, "--wells", str(wells), "--years", str(years)]
    env = environment_without_settings(os.environ)
    subprocess.run([*odm_command(), *demo], check=True, env=env, capture_output=True)
    return url, asyncio.run(_admin_key(url))


async def _admin_key(url: str) -> str:
    db = open_database(Settings(database_url=url), url)
    await db.open()
    try:
        return (await create_key(db, "soak", Role.ADMIN, None)).text
    finally:
        await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=64, help="requests in flight")
    parser.add_argument("--subscribers", type=int, default=8, help="of them, feed streams")
    parser.add_argument("--restart-postgres", action="store_true")
    parser.add_argument("--wells", type=int, default=64)
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--out", type=Path, default=Path("bench/results/soak.json"))
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with private_cluster(free_port()) as cluster:
        url, key = prepare(cluster, args.wells, args.years)
        port = free_port()
        with odm_server(url, port, args.out.with_suffix(".log")) as server:
            report = asyncio.run(traffic(args, f"http://{HOST}:{port}", key, server.pid, cluster))
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    sys.exit(1 if report["errors"] or report["acknowledged_writes_missing"] else 0)


if __name__ == "__main__":
    main()
