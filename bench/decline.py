"""Decline-curve benchmarks and figures (not part of the test suite).

    python -m bench.decline wells sqlite:////tmp/dca10m.db   # fit every well; one well's latency
    python -m bench.decline npd                              # fit quality on the NPD fields
    python -m bench.decline chart docs/decline.png           # the README's chart

Questions, with the last answers in README ("Decline curves"):
- Does fitting every well of a 10M-row database (3,765 wells) take under 30 s, through the
  HTTP endpoint that streams the fits (`GET /v1/decline`)?
- Does a single well's fit answer in under 100 ms?
- How well do the models fit the NPD's fields (R² and RMS of ln residuals)?
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

from odm.app import create_app
from odm.config import Settings
from odm.db import open_database
from odm.db.base import migrate
from odm.decline import DAYS_PER_YEAR
from odm.decline.models import MODEL_NAMES, Curve, nominal_from_effective
from odm.importers import ImportOptions, detect_preset, import_file

NPD_FILE = (
    Path(__file__).resolve().parent.parent.parent / "shared/data/npd_field_production_monthly.csv"
)


def _client(url: str) -> TestClient:
    return TestClient(create_app(Settings(database_url=url)))


def wells(url: str) -> None:
    """Fit every producer through `GET /v1/decline` (streamed CSV), then time single wells."""
    with _client(url) as client:
        started = time.perf_counter()
        with client.stream("GET", "/v1/decline", params={"format": "csv"}) as response:
            lines = sum(chunk.count("\n") for chunk in response.iter_text())
        elapsed = time.perf_counter() - started
        cpu = _cpu_seconds()
        print(f"GET /v1/decline: {lines - 1} wells fitted in {elapsed:.1f} s ({cpu:.1f} CPU s)")
        ids = [w["well_id"] for w in client.get("/v1/wells", params={"type": "producer"}).json()]
        rng = np.random.default_rng(1)
        times = []
        for well_id in rng.choice(ids, 50, replace=False):
            started = time.perf_counter()
            client.get(f"/v1/wells/{well_id}/decline").raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(
            f"GET /v1/wells/{{id}}/decline: median {statistics.median(times):.0f} ms, "
            f"p95 {times[47]:.0f} ms, max {times[-1]:.0f} ms (50 wells)"
        )


def _cpu_seconds() -> float:
    """CPU time of this process and its finished worker processes (the machine is shared:
    wall time alone says little when other jobs run)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


async def _import_npd(url: str) -> None:
    db = open_database(Settings(database_url=url), url)
    await db.open()
    try:
        await migrate(db)
        mapping = detect_preset(NPD_FILE)
        assert mapping is not None
        await import_file(db, NPD_FILE, mapping, ImportOptions())
    finally:
        await db.close()


def npd() -> None:
    """The distribution of fit quality over the NPD fields with 24 months of decline."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/npd.db"
        asyncio.run(_import_npd(url))
        with _client(url) as client:
            for model in MODEL_NAMES:
                params = {"entity_type": "field", "model": model}
                rows = client.get("/v1/monthly/decline", params=params).json()
                _quality(model, [r for r in rows if r["points"] >= 24], len(rows))


def _quality(model: str, rows: list[dict[str, float]], fields: int) -> None:
    r2 = np.array([row["r_squared"] for row in rows])
    rmse = np.array([row["rmse_log"] for row in rows])
    converged = sum(row["status"] == "fitted" for row in rows)
    q = np.percentile
    print(
        f"| {model} | {converged}/{len(rows)} of {fields} | "
        f"{q(r2, 10):.2f} / {q(r2, 50):.2f} / {q(r2, 90):.2f} | "
        f"{(r2 >= 0.9).mean():.0%} | {q(rmse, 50):.2f} |"
    )


def chart(path: str) -> None:
    """One demo well's daily rates, its fit and its forecast (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/demo.db"
        odm = str(Path(sys.executable).with_name("odm"))
        subprocess.run([odm, "demo", "-d", url, "--wells", "24", "--years", "3"], check=True)
        with _client(url) as client:
            well = "/v1/wells/1851797476"
            daily = client.get("/v1/production/daily", params={"well_id": 1851797476}).json()
            fit = client.get(f"{well}/decline").json()
            forecast = client.get(f"{well}/forecast", params={"horizon_years": 5}).json()
    days = [np.datetime64(d["production_date"]) for d in daily if d["hours_on"]]
    rates = [d["oil"] * 24 / d["hours_on"] for d in daily if d["hours_on"]]
    # Each forecast month at its middle; the fitted curve over the history from its parameters.
    months = [np.datetime64(m["month"]) + np.timedelta64(int(m["days"] / 2), "D") for m in forecast]
    start = np.datetime64(fit["decline_start"])
    curve = Curve(
        "modified_hyperbolic",
        fit["qi"],
        fit["di_nominal"] / DAYS_PER_YEAR,
        fit["b"],
        nominal_from_effective(fit["terminal_decline"]),
    )
    fitted_days = np.arange(start, np.datetime64(fit["last_day"]) + 1)
    fitted = curve.rate((fitted_days - start).astype(np.float64) + 0.5)
    figure, axes = plt.subplots(figsize=(9, 4.5), dpi=110)
    axes.scatter(days, rates, s=3, color="#9db4c0", label="daily oil per producing day")
    axes.plot(fitted_days, fitted, color="#1f4e79", label="fitted curve")
    axes.plot(
        months, [m["rate"] for m in forecast], color="#c0392b", label="forecast (monthly mean)"
    )
    axes.set_yscale("log")
    axes.set_ylabel("oil rate, bbl/d")
    axes.set_title(
        f"Main Pass 4-1H: modified hyperbolic, qi {fit['qi']:.0f} bbl/d, "
        f"Di {fit['di_nominal']:.2f}/yr nominal, b {fit['b']:.2f}, R² {fit['r_squared']:.3f}",
        fontsize=10,
    )
    axes.legend(loc="upper right")
    axes.grid(True, which="both", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path)
    print(f"wrote {path}")


def main() -> None:
    """Dispatch the command line."""
    command, *rest = sys.argv[1:] or ["help"]
    if command == "wells":
        wells(rest[0] if rest else "sqlite:////tmp/dca10m.db")
    elif command == "npd":
        npd()
    elif command == "chart":
        chart(rest[0] if rest else "docs/decline.png")
    else:
        print(__doc__)


if __name__ == "__main__":
    main()
