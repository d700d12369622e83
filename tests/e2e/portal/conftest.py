"""Browser tests of the portal: the whole suite as `make run` starts it, once
per test run, driven by Debian's Chromium through Playwright (one browser,
a fresh context per test). ``axe`` checks a page for WCAG 2.2 AA violations
of serious or critical impact."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from devstack.testing import eventually_sync
from devstack.testing.otlp import OtlpCollector
from playwright.sync_api import Browser, BrowserContext, Locator, Page, sync_playwright

from chassis.clock import CLOCK_SHIFT_VARIABLE
from gateway.settings import DEFAULT_RATE_LIMITS

from ..launched import LaunchedSuite

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
AXE = Axe()
RESIDENT = "resident@demo.example.org"
SERIOUS = ("serious", "critical")


def _rate_limits() -> str:
    """The gateway's limits, with logins raised: every browser here is 127.0.0.1,
    and one test run logs in more often than 10 times a minute."""
    limits = [
        limit.model_copy(update={"limit": "200/minute"}) if limit.name == "login" else limit
        for limit in DEFAULT_RATE_LIMITS
    ]
    return json.dumps([limit.model_dump() for limit in limits])


def _evening_in_boise() -> str:
    """The suite's clock shift: forward to the next 03:00 UTC, so that every
    process of the suite reads an evening hour in the demo's Boise (8 PM MST,
    9 PM MDT) while the browser tests run — the hour at which a UTC date is
    already tomorrow's, and a date shown in UTC would be wrong (issue 23).
    Forward only: stored expiry dates are pruned by the database's own clock."""
    now = datetime.now(UTC)
    target = now.replace(hour=3, minute=0, second=0, microsecond=0)
    if target <= now:
        target += timedelta(days=1)
    return str(int((target - now).total_seconds()))


def suite_now(suite: LaunchedSuite) -> datetime:
    """What the suite's clock reads now, in the demo jurisdiction's time."""
    shift = timedelta(seconds=float(suite.env.get(CLOCK_SHIFT_VARIABLE, "0")))
    return (datetime.now(UTC) + shift).astimezone(ZoneInfo("America/Boise"))


@pytest.fixture(scope="session")
def traces() -> Iterator[OtlpCollector]:
    """Where every process of the suite exports its spans (OTLP over HTTP)."""
    with OtlpCollector() as collector:
        yield collector


@pytest.fixture(scope="session")
def suite(
    tmp_path_factory: pytest.TempPathFactory, traces: OtlpCollector
) -> Iterator[LaunchedSuite]:
    root = tmp_path_factory.mktemp("portal-suite")
    env = {
        "GATEWAY_RATE_LIMITS": _rate_limits(),
        CLOCK_SHIFT_VARIABLE: _evening_in_boise(),
        "OTEL_EXPORTER_OTLP_ENDPOINT": traces.endpoint,  # tracing on, as an operator turns it on
    }
    launched = LaunchedSuite(root / "data", root / "run.log", env=env).start()
    try:
        yield launched
    finally:
        launched.stop()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The browser tests run last: their suite (a whole `make run`) then lives
    only while they run, and Playwright's event loop never meets another
    test's ``asyncio.run``."""
    portal = [i for i in items if "/e2e/portal/" in str(i.path)]
    if portal:
        rest = [i for i in items if "/e2e/portal/" not in str(i.path)]
        items[:] = rest + portal


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    ctx.set_default_timeout(20_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def accessible(page: Page) -> None:
    """axe-core on the page as it is now: no serious or critical violation."""
    results = AXE.run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS
    ]
    assert not bad, f"{page.url}: {bad}"


def fits(page: Page) -> None:
    """Nothing scrolls sideways at the page's width (320 px: WCAG 1.4.10 reflow)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size
    assert viewport is not None
    assert width <= viewport["width"], f"{page.url} scrolls sideways ({width} px)"


def tab_to(page: Page, target: str | Locator, limit: int = 150) -> None:
    """Press Tab until ``target`` has the focus: how a keyboard user gets there
    (fails if Tab never reaches it)."""
    locator = page.locator(target) if isinstance(target, str) else target
    page.wait_for_load_state()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{page.url}: Tab never reached {target}")


def key_in(page: Page, target: str | Locator, text: str) -> None:
    """Tab to a field and type ``text`` over what it holds."""
    tab_to(page, target)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def key_press(page: Page, target: str | Locator, key: str = "Enter") -> None:
    """Tab to a link, button or control and press ``key`` on it."""
    tab_to(page, target)
    page.keyboard.press(key)


def shot(page: Page, name: str) -> None:
    """A screenshot for the README, made by the tests (docs/screenshots)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def log_in(page: Page, suite: Any, email: str, password: str, jid: str = "demo") -> None:
    page.goto(f"{suite.portal}/j/{jid}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button:has-text('Log in')")


def mailed_link(suite: Any, to: str, subject_part: str = "") -> str:
    """The first link of the newest captured mail to ``to`` about ``subject_part``."""
    found: list[str] = []

    def arrived() -> bool:
        mails = httpx.get(f"{suite.gateway}/dev/mail", timeout=30).json()
        found[:] = [
            m["links"][0]
            for m in mails
            if to in m["to"] and subject_part in m["subject"] and m["links"]
        ]
        return bool(found)

    eventually_sync(arrived, timeout=30, what=f"mail to {to} about {subject_part!r}")
    return found[-1]


def staff_permit(suite: Any, street: str, applicant: str) -> dict[str, Any]:
    """A residential permit the demo staff admin applies for on someone's behalf."""
    created = httpx.post(
        f"{suite.gateway}/v1/jurisdictions/demo/permits",
        headers=suite.login("admin@demo.example.org"),
        timeout=30,
        json={
            "type_code": "RES",
            "valuation": "1000.00",
            "site": {"street": street, "city": "Meridian", "state": "ID", "zip": "83642"},
            "applicant": {"name": "Applicant", "email": applicant},
        },
    )
    assert created.status_code == 201, created.text
    return dict(created.json())


FEES = (("BUILDING PERMIT FEE", "1000.00"),)


def permit_with_fees(suite: Any, street: str, lines: tuple[tuple[str, str], ...] = FEES) -> str:
    """A permit the demo resident applied for, with fees assessed ($1,000.00
    unless ``lines`` say otherwise), and alone in her cart."""
    resident, cart = suite.login(RESIDENT), f"{suite.gateway}/v1/jurisdictions/demo/cart"
    for held in httpx.get(cart, headers=resident, timeout=30).json()["permits"]:
        httpx.delete(f"{cart}/items/{held['permit_id']}", headers=resident, timeout=30)
    permit = staff_permit(suite, street, RESIDENT)
    assessed = httpx.post(
        f"{suite.gateway}/v1/jurisdictions/demo/permits/{permit['id']}/fees",
        headers={**suite.login("admin@demo.example.org"), "Idempotency-Key": uuid.uuid4().hex},
        json={"manual": [{"name": n, "amount": a, "reason": "test"} for n, a in lines]},
        timeout=30,
    )
    assert assessed.status_code == 200, assessed.text
    return str(permit["number"])
