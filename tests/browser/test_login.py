"""Journeys: logging in with the password alone, then with two-step login (TOTP) on."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import log_in, new_context, serve_store
from tests.conftest import OWNER_PASSWORD

WRONG_PASSWORD = "That password is not right."
WRONG_PASSWORD_OR_CODE = "That password or one-time code is not right."


def test_log_in_with_the_password(page: Page) -> None:
    page.goto("/rfps")
    expect(page).to_have_url(re.compile(r"/login\?next=(%2F|/)rfps$"))
    log_in(page, password="not my password")
    expect(page.get_by_role("alert")).to_have_text(WRONG_PASSWORD)
    expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
    log_in(page)
    expect(page).to_have_url(re.compile(r"/rfps$"))  # where the owner was going
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("RFP"))
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


@pytest.fixture
def own_store(tmp_path: Path) -> Iterator[str]:
    """A store of this test's own: turning TOTP on must not lock the other journeys out."""
    running = serve_store(tmp_path / "store", tmp_path, demo=False)
    yield running.url
    running.stop()


def turn_on_totp(page: Page) -> pyotp.TOTP:
    """Settings > Security: set up two-step login with the key shown; the owner's app."""
    page.goto("/settings/security")
    page.get_by_label("Your password").fill(OWNER_PASSWORD)
    page.get_by_role("button", name="Set up two-step login").click()
    secret = page.locator("#totp-secret").inner_text().strip()
    app = pyotp.TOTP(secret)
    page.get_by_label("One-time code").fill(app.now())
    page.get_by_role("button", name="Turn on two-step login").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert len(page.locator("ul.codes li").all()) >= 8
    return app


def test_log_in_with_totp(browser: Browser, own_store: str) -> None:
    context = new_context(browser, own_store)
    try:
        page = context.new_page()
        log_in(page)
        app = turn_on_totp(page)
        page.get_by_role("button", name="Log out").click()
        expect(page).to_have_url(re.compile(r"/login$"))
        expect(page.get_by_label("One-time code")).to_be_visible()

        log_in(page, code="000000" if app.now() != "000000" else "111111")
        expect(page.get_by_role("alert")).to_have_text(WRONG_PASSWORD_OR_CODE)
        next_code = app.at(time.time() + 30)  # the code just used for set-up is spent
        log_in(page, OWNER_PASSWORD, code=next_code)
        expect(page).to_have_url(re.compile(r"/$"))
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
        page.goto("/settings/security")
        expect(
            page.get_by_text("On: logging in takes your password and a one-time code")
        ).to_be_visible()
    finally:
        context.close()
