"""Real-browser tests: Playwright driving Debian's Chromium against pytest-django's live_server.

Fixtures and helpers for every test in tests/browser/ (each is marked `browser` automatically
and runs with `transactional_db` and serialized rollback, because the live server answers from
another thread and must see committed rows, and the seeded categories must survive flushes):

- `browser`: a headless Chromium (`/usr/bin/chromium`) for the test (see
  `playwright_instance` for why not one per session).
- `page`: a fresh context per test (English, 1366x900), so cookies never leak between tests;
  a failing test leaves a screenshot in `test-results/`.
- `login(page, live_server, username, password)`: signs in through the real login form.
- `screenshot(page, name)`: saves `test-results/<name>.png` and returns the path.
- `axe(page)`: runs axe-core on the current page and returns the serious/critical violations.

Why `DJANGO_ALLOW_ASYNC_UNSAFE`: Playwright's sync API keeps an asyncio event loop running in
the test's thread. Django sees that loop and refuses ORM calls from the test body and
fixtures with `SynchronousOnlyOperation`, although they are plain synchronous calls. The flag
only switches off that guard; the live server still runs the app in its own thread.

Why axe is served through a route: the app's Content Security Policy (`script-src 'self'`)
blocks inline script, and `page.add_script_tag(path=...)` injects the file as inline content.
We keep the policy on (tests should see what users see) and instead answer a same-origin URL
with the vendored file via `page.route`, then add a `<script src>` for it.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BROWSER_DIR = Path(__file__).resolve().parent
REPO_DIR = BROWSER_DIR.parent.parent
AXE_JS = BROWSER_DIR.parent / "vendor" / "axe.min.js"
RESULTS_DIR = REPO_DIR / "test-results"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_PATH = "/__tests__/axe.min.js"
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(config, items):
    """Every test under tests/browser/ is a browser test (`-m "not browser"` skips them)."""
    for item in items:
        if BROWSER_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's outcome so `page` can screenshot a failing test."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _browser_tests_use_transactional_db(django_db_serialized_rollback, transactional_db):
    """The live server reads from another thread, so test data must be committed; the
    serialized rollback restores the seeded categories, roles and limits after each flush."""


@pytest.fixture
def playwright_instance():
    """Playwright for one test only. Its sync API keeps an asyncio loop running in this thread,
    and while a loop runs Django keys database connections by asyncio context: a session-long
    Playwright would hide the test runner's own connection (and its serialized-rollback data)
    from every later test, browser or not. So it starts after the database fixtures and stops
    before their teardown, closing the connections the test body opened meanwhile."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright
        connections.close_all()


@pytest.fixture
def browser(playwright_instance):
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_SERVICES") == "1":  # CI installs it: missing is a failure
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="en", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        save_screenshot(page, f"FAILED-{request.node.name}")
    context.close()


def save_screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as test-results/<name>.png (for humans reviewing a run)."""
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    # A screenshot must never hide the test's own failure.
    with contextlib.suppress(Exception):
        page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot():
    return save_screenshot


def sign_in(page, live_server, username: str, password: str) -> None:
    """Sign in through the real login form and wait until the app has let us in."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form[action='/accounts/login/'] button[type=submit]")
    if urlsplit(page.url).path.startswith("/accounts/login/"):
        raise AssertionError(f"sign-in as {username!r} failed: still on {page.url}")


@pytest.fixture
def login():
    return sign_in


def run_axe(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core on the current page; return violations of the given impacts."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
    url = origin + AXE_PATH
    page.route(
        url,
        lambda route: route.fulfill(
            path=str(AXE_JS), content_type="application/javascript; charset=utf-8"
        ),
    )
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=url)
    violations = page.evaluate(
        "async () => (await window.axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [v for v in violations if v.get("impact") in impacts]


@pytest.fixture
def axe():
    return run_axe


def describe_violations(violations: list[dict]) -> str:
    """A readable failure message: rule, impact and the first few offending elements."""
    lines = []
    for v in violations:
        targets = ", ".join(" ".join(map(str, node["target"])) for node in v["nodes"][:3])
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} -> {targets}")
    return "\n".join(lines)
