"""The browser suite: a real ``pds serve`` over a demo store, driven by Debian's Chromium.

One store and one Chromium for this package, closed when it is done (a fresh context, so
fresh cookies, per test); journeys that change who may log in (TOTP) get a store of their
own. Every test here is marked ``browser`` and runs in the default ``make test``.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.conftest import OWNER_PASSWORD, PASSPHRASE
from tests.e2e.processes import PDS, Running, free_port, start

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


def serve_store(home: Path, log_dir: Path, *, demo: bool = True) -> Running:
    """``pds init`` (+ ``pds demo``) in ``home``, then ``pds serve`` on a free loopback port."""
    env = {
        **os.environ,
        "PDS_HOME": str(home),
        "PDS_PASSPHRASE": PASSPHRASE,
        "PDS_OWNER_PASSWORD": OWNER_PASSWORD,
        "PDS_WEBHOOK_RETRY_SECONDS": "1",
        "PDS_REGISTRATIONS_PER_HOUR": "100000",  # one server registers the package's shops
    }
    for step in (["init", "--scrypt-n", "1024"], ["demo"])[: 2 if demo else 1]:
        done = subprocess.run([*PDS, *step], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    port = free_port()
    command = [*PDS, "serve", "--port", str(port)]
    return start(command, env, f"http://127.0.0.1:{port}", "/healthz", log_dir / "pds.log")


@pytest.fixture(scope="package")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of the session's store (demo data: Mara Lindqvist's)."""
    where = tmp_path_factory.mktemp("portal")
    running = serve_store(where / "store", where)
    yield running.url
    running.stop()


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless, with a fresh temporary profile (Playwright makes one
    per launch and deletes it on close)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    launched = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield launched
    launched.close()


def new_context(browser: Browser, base_url: str, **options: Any) -> BrowserContext:
    context = browser.new_context(
        base_url=base_url, **{"viewport": DESKTOP, "accept_downloads": True, **options}
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def context(browser: Browser, portal: str) -> Iterator[BrowserContext]:
    made = new_context(browser, portal)
    yield made
    made.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def log_in(page: Page, password: str = OWNER_PASSWORD, code: str | None = None) -> None:
    """Log in through the login form as the owner would (the code when TOTP is on); on the
    login page already, its form (and its ``next``) is used as it is."""
    if "/login" not in page.url:
        page.goto("/login")
    page.get_by_label("Password").fill(password)
    if code is not None:
        page.get_by_label("One-time code").fill(code)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture(scope="package")
def owner_state(browser: Browser, portal: str) -> dict[str, Any]:
    """The owner's logged-in cookies, from one real login (logging in takes a second or two:
    the password hash is slow on purpose)."""
    context = new_context(browser, portal)
    page = context.new_page()
    log_in(page)
    page.wait_for_url("**/")
    state = context.storage_state()
    context.close()
    return state  # type: ignore[return-value]


@pytest.fixture
def owner(browser: Browser, portal: str, owner_state: dict[str, Any]) -> Iterator[Page]:
    """A page of a fresh context where the owner is logged in."""
    context = new_context(browser, portal, storage_state=owner_state)
    yield context.new_page()
    context.close()
