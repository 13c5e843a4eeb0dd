"""Browser fixtures: Debian's chromium driven by Playwright's sync API against pytest-django's
live server (issue 9 §9, issue 10 §9, issue 12 §10).

Playwright never downloads its own browser here: `executable_path` points at Debian's package
(`PFSPILOT_CHROMIUM` overrides it). One browser per session, a fresh context (cookies, storage)
per test, French locale, 1280×800. A failed test leaves a screenshot in var/e2e/<test>.png.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from .components import missing

CHROMIUM = os.environ.get("PFSPILOT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root, where chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
PASSWORD = "motdepasse-solide-42"  # the personas' password (tests/conftest.py)
# Playwright's default is 30 s; a page of this project answers in well under a second, so a
# shorter wait makes a broken test fail quickly without making a slow machine flaky.
DEFAULT_TIMEOUT_MS = 10_000

# The live server binds the loopback's IPv4 address: chromium must not resolve "localhost" to ::1.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")


def screenshot_dir() -> Path:
    return Path(settings.VAR_DIR) / "e2e"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"_report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    """One headless Debian chromium for the whole session (Playwright `Browser`)."""
    if not os.access(CHROMIUM, os.X_OK):
        missing(f"Chromium absent ({CHROMIUM}) : paquet Debian `chromium`")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop in this thread; Django would then refuse the
    # test's own ORM calls as « async unsafe » although they run synchronously between steps.
    # Set while the browser lives only (tests/e2e/test_smoke.py checks the ORM between steps).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
            )
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(request, browser, live_server, django_db_serialized_rollback, reference_seed):
    """new_page() → a Playwright `Page` in a fresh French context whose base URL is the live server.

    Each call is another browser profile (its own cookies): two agents, or an agent and a
    supervisor, side by side in one test. Every context is closed at the end of the test; when the
    test failed, each page is saved as var/e2e/<test>[-n].png first.
    The live server needs committed data (transactional tests); the serialized rollback puts back
    the reference data that the migrations seed, which a transactional test's flush removes.
    """
    contexts = []

    def _new_page():
        context = browser.new_context(
            base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris", viewport=VIEWPORT
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    try:
        yield _new_page
    finally:
        report = getattr(request.node, "_report_call", None)
        failed = report is not None and report.failed
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
        for number, context in enumerate(contexts):
            if failed:
                suffix = f"-{number}" if number else ""
                _screenshot(context, screenshot_dir() / f"{name}{suffix}.png")
            context.close()


def _screenshot(context, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for tab in context.pages:
        try:
            tab.screenshot(path=str(path), full_page=True)
        except Exception as exc:  # a crashed page must not hide the test's own failure
            print(f"capture d'écran impossible ({path.name}) : {exc}")


@pytest.fixture
def page(new_page):
    """The test's first Playwright `Page` (see `new_page`)."""
    return new_page()


def login(page, username: str, password: str = PASSWORD) -> None:
    """Log in through the real login form, as a user would, and wait for the landing page."""
    page.goto("/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name=re.compile("connecter", re.I)).click()
    page.wait_for_url(lambda url: "/connexion/" not in url)


@pytest.fixture
def login_as(personas):
    """login_as(page, "alice") → that persona is logged in through the login form."""

    def _login_as(page, username: str, password: str = PASSWORD):
        login(page, username, password)
        return personas.get(username)

    return _login_as
