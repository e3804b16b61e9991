"""The dashboard in headless Chromium: overview load time, and the README's screenshots.

    python -m bench.dashboard load sqlite:////tmp/dash10m.db   # overview load time, 1 cold + 5
    python -m bench.dashboard screenshots docs/                # docs/dashboard-*.png, 1366×768

Question, with the last answer in README ("Dashboard"): does the overview load in under one
second with 10M daily rows (`odm demo --wells 3765 --years 10`)? "Loaded" is when every
division's figures are drawn (the page's `odm:overview-drawn` mark), by the page's own clock
from the navigation's start: the HTML, scripts, every API request and the drawing.
Chromium is Debian's (`/usr/bin/chromium`), driven by Playwright.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
from playwright.sync_api import Page, sync_playwright

from odm.config import Settings, environment_without_settings
from odm.db import open_database
from odm.db.base import migrate
from odm.demo import DemoData, DemoSpec

CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1366, "height": 768}
WARM_LOADS = 5
# The README's pages: the example well of "The published design's endpoints".
# Each page, and what shows it is drawn.
PAGES = {
    "overview": ("/#/", "#feed-title"),
    "division": ("/#/division/63", "#budget-title"),
    "well": ("/#/well/1851797476", "#ratios-chart .uplot"),
    "docs": ("/docs", ".swagger-ui .info"),
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def serving(database_url: str) -> Iterator[tuple[str, int]]:
    """ODM on a free port, as the quick start serves it (reads from this machine need no key)."""
    port = _free_port()
    env = environment_without_settings(os.environ) | {
        "ODM_DATABASE_URL": database_url,
        "ODM_AUTH": "anonymous-read",
        "ODM_RATE_LIMIT": "0",
    }
    command = [sys.executable, "-m", "uvicorn", "odm.app:app_from_environment", "--factory"]
    with tempfile.TemporaryDirectory() as folder:
        process = subprocess.Popen([*command, "--port", str(port)], env=env, cwd=folder)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    httpx.get(url + "/health", timeout=1.0)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            yield url, process.pid
        finally:
            process.terminate()
            process.wait(timeout=10)


def overview_ms(page: Page, url: str) -> float:
    """Milliseconds from navigation start until every division's figures are drawn."""
    page.goto(url + "/#/")
    page.locator("#divisions section").first.wait_for(timeout=60_000)
    mark = "performance.getEntriesByName('odm:overview-drawn')[0].startTime"
    return float(page.evaluate(mark))


def measure_load(database_url: str) -> None:
    """Print the overview's load time: the first (cold server caches) and warm loads."""
    with serving(database_url) as (url, pid), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        times = []
        for _ in range(1 + WARM_LOADS):
            if len(times) == 1:
                cpu = cpu_seconds(pid)
            page = browser.new_page(viewport=VIEWPORT)
            times.append(overview_ms(page, url))
            page.close()
        server_ms = (cpu_seconds(pid) - cpu) * 1000 / WARM_LOADS
        browser.close()
    warm = ", ".join(f"{t:.0f}" for t in times[1:])
    print(f"overview load: first {times[0]:.0f} ms; warm {warm}")
    print(f"warm median {statistics.median(times[1:]):.0f} ms, worst {max(times):.0f} ms")
    print(f"server CPU per warm load {server_ms:.0f} ms; load average {os.getloadavg()[0]:.1f}")


async def _demo(database_url: str) -> None:
    db = open_database(Settings(database_url=database_url), database_url)
    await db.open()
    try:
        await migrate(db)
        await db.write_tables(DemoData(DemoSpec()).tables(), lambda n: None)
    finally:
        await db.close()


def take_screenshots(folder: Path) -> None:
    """docs/dashboard-<page>.png at 1366×768 from the default demo data set (`odm demo`)."""
    with tempfile.TemporaryDirectory() as scratch:
        database_url = f"sqlite:///{scratch}/demo.db"
        asyncio.run(_demo(database_url))
        with serving(database_url) as (url, _), sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            for name, (path, drawn) in PAGES.items():
                page = browser.new_page(viewport=VIEWPORT)
                page.goto(url + path)
                page.locator(drawn).first.wait_for()
                page.wait_for_timeout(500)  # fonts and the last layout
                page.screenshot(path=str(folder / f"dashboard-{name}.png"))
                page.close()
            browser.close()


def main(argv: list[str]) -> None:
    """`load DATABASE_URL` or `screenshots FOLDER`."""
    if len(argv) == 2 and argv[0] == "load":
        measure_load(argv[1])
    elif len(argv) == 2 and argv[0] == "screenshots":
        take_screenshots(Path(argv[1]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
