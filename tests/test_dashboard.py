"""The dashboard in headless Chromium against a real server on each backend: every page and
/docs load with no request leaving the machine, the numbers shown are the API's, a write
appears without a reload, and a division's key never shows another division."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
import pytest
from playwright.sync_api import Browser, Page

from odm.auth.identity import Role
from tests.access import make_key_sync
from tests.backends import empty_database, load_demo_sync
from tests.browser import launch_chromium, open_visit, sign_in
from tests.server import running_server

pytestmark = pytest.mark.slow
SCOPED_DIVISION = 10


@dataclass(frozen=True)
class Dashboard:
    """A server over a demo database (keys required) and keys for it."""

    url: str
    admin: str
    writer: str
    reader: str  # division SCOPED_DIVISION only

    def api(self, path: str, key: str | None = None, **params: object) -> object:
        headers = {"Authorization": f"Bearer {key or self.admin}"}
        response = httpx.get(self.url + path, params=params, headers=headers, timeout=30)
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    yield from launch_chromium()


def _prepare(db_url: str) -> tuple[str, str, str]:
    """The demo data and three keys: admin, writer, and a reader of one division."""
    load_demo_sync(db_url)
    return (
        make_key_sync(db_url, "dash-admin", Role.ADMIN),
        make_key_sync(db_url, "dash-writer", Role.WRITER),
        make_key_sync(db_url, "dash-reader", Role.READER, frozenset({SCOPED_DIVISION})),
    )


@pytest.fixture(scope="module")
def dashboard(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    folder: Path = tmp_path_factory.mktemp(f"dashboard-{backend}")
    with empty_database(backend, folder) as db_url:
        # In a thread of its own: Playwright's synchronous API keeps an event loop running
        # in this one while the browser is open (from the other backend's tests).
        with ThreadPoolExecutor(1) as pool:
            keys = pool.submit(_prepare, db_url).result()
        with running_server(db_url, ODM_AUTH="required") as server:
            yield Dashboard(server.url, *keys)


def _figure(page: Page, division: int, figure: str) -> float:
    cell = page.locator(f'[data-division="{division}"] [data-figure="{figure}"]')
    return float(cell.get_attribute("data-value") or "nan")


def _check_wells_down(
    dashboard: Dashboard, page: Page, division: int, day: str, daily: list[dict[str, object]]
) -> None:
    """The wells shown down are the producing wells, producing by then, with no hours on."""
    wells = dashboard.api("/v1/wells", division_id=division, status="producing")
    assert isinstance(wells, list)
    on = {
        r["well_id"] for r in daily if isinstance(r["hours_on"], int | float) and r["hours_on"] > 0
    }
    down = {
        w["well_id"]
        for w in wells
        if w["well_id"] not in on and (w["first_production_date"] or "9999") <= day
    }
    shown = page.locator(f'[data-division="{division}"] [data-down]')
    ids = (shown.get_attribute("data-down") or "").split() if shown.count() else []
    assert {int(i) for i in ids} == down


def test_every_page_and_the_docs_load_from_this_machine_only(
    dashboard: Dashboard, chromium: Browser
) -> None:
    visit = open_visit(chromium)
    page = sign_in(visit, dashboard.url, dashboard.admin)
    visit.errors.clear()  # the 401 that made the page ask for a key, as it should
    page.locator("#nav a", has_text="Gulf Coast").click()
    page.locator("#production-chart .uplot").wait_for()
    well_header = page.locator("th", has_text="Well").first
    well_header.locator("button").focus()  # sorting by keyboard: Enter on a column's header
    page.keyboard.press("Enter")
    assert well_header.get_attribute("aria-sort") == "descending"
    page.locator("table a[href^='#/well/']").first.click()
    page.locator("#rates-chart .uplot").wait_for()
    page.locator("#ratios-chart .uplot").wait_for()
    page.goto(dashboard.url + "/docs")
    page.locator(".swagger-ui .info .title", has_text="ODM").wait_for()
    visit.context.close()
    assert visit.outside == []
    assert visit.errors == []


def test_the_overview_shows_the_apis_numbers(dashboard: Dashboard, chromium: Browser) -> None:
    visit = open_visit(chromium)
    page = sign_in(visit, dashboard.url, dashboard.admin)
    day = page.locator("h1[data-day]").get_attribute("data-day")
    cumulative = dashboard.api("/v1/production/cumulative", level="division", as_of=day)
    assert isinstance(cumulative, list) and cumulative
    for row in cumulative:
        daily = dashboard.api(
            "/v1/production/daily", division_id=row["entity_id"], start=day, end=day
        )
        assert isinstance(daily, list)
        for phase in ("oil", "gas", "water"):
            shown = {f: _figure(page, row["entity_id"], f"{f}_{phase}") for f in ("mtd", "ytd")}
            assert shown == pytest.approx({f: row[f"{f}_{phase}"] for f in ("mtd", "ytd")})
            day_total = sum(r[phase] or 0 for r in daily)
            assert _figure(page, row["entity_id"], f"day_{phase}") == pytest.approx(day_total)
        _check_wells_down(dashboard, page, row["entity_id"], str(day), daily)
    page.locator("#units").select_option("metric")
    page.locator("#divisions th", has_text="Oil (m³)").first.wait_for()
    metric = dashboard.api("/v1/production/cumulative", level="division", as_of=day, units="metric")
    assert isinstance(metric, list)
    for row in metric:
        assert _figure(page, row["entity_id"], "ytd_gas") == pytest.approx(row["ytd_gas"])
    visit.context.close()


def test_a_new_write_appears_without_a_reload(dashboard: Dashboard, chromium: Browser) -> None:
    visit = open_visit(chromium)
    page = sign_in(visit, dashboard.url, dashboard.admin)
    page.locator("#feed-title").wait_for()
    page.get_by_text("Live: new changes").wait_for()
    day = page.locator("h1[data-day]").get_attribute("data-day")
    division = int(page.locator("[data-division]").first.get_attribute("data-division") or 0)
    before = _figure(page, division, "day_oil")
    wells = dashboard.api("/v1/wells", division_id=division, type="producer")
    assert isinstance(wells, list)
    well = wells[0]["well_id"]
    stored = dashboard.api("/v1/production/daily", well_id=well, start=day, end=day)
    assert isinstance(stored, list)
    old_oil = stored[0]["oil"] if stored else 0.0
    record = {"well_id": well, "production_date": day, "hours_on": 24, "oil": old_oil + 1000}
    headers = {"Authorization": f"Bearer {dashboard.writer}"}
    answer = httpx.post(
        dashboard.url + "/v1/production/daily", json=[record], headers=headers, timeout=60
    )
    assert answer.status_code == 200, answer.text
    page.locator(f"#feed li:has-text('well {well}')").wait_for()
    cell = f'[data-division="{division}"] [data-figure="day_oil"]'
    page.wait_for_function(
        "([cell, value]) => Math.abs(Number(document.querySelector(cell).dataset.value)"
        " - value) < 1e-6",
        arg=[cell, before + 1000],
    )
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
    visit.context.close()
    later = open_visit(chromium)  # opened after the write: the last hour's changes include it
    sign_in(later, dashboard.url, dashboard.admin).locator(
        f"#feed li:has-text('well {well}')"
    ).wait_for()
    later.context.close()


def test_a_division_key_never_shows_another_division(
    dashboard: Dashboard, chromium: Browser
) -> None:
    everything = dashboard.api("/v1/divisions")
    assert isinstance(everything, list)
    others = [d for d in everything if d["division_id"] != SCOPED_DIVISION and d["division_name"]]
    assert others, "the demo has other divisions to hide"
    other_wells = dashboard.api("/v1/wells", division_id=others[0]["division_id"])
    assert isinstance(other_wells, list) and other_wells
    visit = open_visit(chromium)
    page = sign_in(visit, dashboard.url, dashboard.reader)
    seen = [page.locator("#main").inner_text(), page.locator("#nav").inner_text()]
    cards = page.locator("[data-division]")
    assert [cards.nth(i).get_attribute("data-division") for i in range(cards.count())] == [
        str(SCOPED_DIVISION)
    ]
    for path in (f"#/division/{others[0]['division_id']}", f"#/well/{other_wells[0]['well_id']}"):
        page.goto(f"{dashboard.url}/{path}")
        page.get_by_text("Could not load this page").wait_for()
        seen.append(page.locator("#main").inner_text())
    page.goto(f"{dashboard.url}/#/division/{SCOPED_DIVISION}")
    page.locator("#production-chart .uplot").wait_for()
    page.locator("table a[href^='#/well/']").first.wait_for()
    seen.append(page.locator("#main").inner_text())
    visit.context.close()
    for text in seen:
        for other in others:
            assert other["division_name"] not in text
        for well in other_wells:
            assert well["well_name"] not in text
