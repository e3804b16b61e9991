"""Headless Chromium for the dashboard's tests: Debian's `chromium` package driven by
Playwright (never `playwright install`: browsers are not downloaded), and a guard that
records every request a page makes that would leave this machine."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright

from tests.backends import required

CHROMIUM = Path(os.environ.get("ODM_TEST_CHROMIUM", "/usr/bin/chromium"))
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})
# How long a test waits for something to show before it fails: long, for a loaded machine
# (the tests wait for what a user would see; they never assert on time).
WAIT_MS = 60_000


def launch_chromium() -> Iterator[Browser]:
    """Chromium, or a skip (a failure under CI or ODM_TEST_REQUIRE=browser) without it."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found: apt-get install chromium (./scripts/test does, as root)"
        if os.environ.get("CI") == "true" or required("browser"):
            pytest.fail(f"browser tests are required but {reason}", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Visit:
    """A browser context whose requests off this machine are refused and recorded, with
    the page errors and console errors it saw."""

    context: BrowserContext
    page: Page
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _keep_local(visit: Visit, route: Route) -> None:
    url = route.request.url
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES or parts.hostname == "127.0.0.1":
        route.continue_()
    else:
        visit.outside.append(url)
        route.abort()


def open_visit(browser: Browser, width: int = 1366, height: int = 768) -> Visit:
    """A fresh context (its own session storage) and page."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(WAIT_MS)
    visit = Visit(context, context.new_page())
    context.route("**/*", lambda route: _keep_local(visit, route))
    visit.page.on("pageerror", lambda error: visit.errors.append(f"page error: {error}"))
    visit.page.on(
        "console",
        lambda message: visit.errors.append(message.text) if message.type == "error" else None,
    )
    return visit


def sign_in(visit: Visit, base_url: str, key: str) -> Page:
    """Open the dashboard and sign in with a key, as a user does: the page asks for it."""
    page = visit.page
    page.goto(base_url + "/")
    page.locator("#login-key").fill(key)
    page.locator("#login-key").press("Enter")
    page.locator("#divisions section").first.wait_for()
    return page
