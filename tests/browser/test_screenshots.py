"""Screenshots of the main pages into docs/screenshots/, taken afresh by every run, and
docs/portal.md showing exactly those files."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import new_context
from tests.browser.pages import (
    CONSENT,
    CONSENT_PHONE,
    LOGIN,
    NAV_PAGES,
    PHONE,
    PORTAL_DOC,
    SCREENSHOTS,
    all_names,
    screenshot,
)
from tests.browser.shops import ConnectingShop

PHONE_VIEWPORT = {"width": 390, "height": 844}


def take(page: Page, name: str) -> None:
    path = screenshot(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), animations="disabled")
    assert path.stat().st_size > 1000


def test_screenshots_of_the_main_pages(
    owner: Page, browser: Browser, portal: str, owner_state: dict[str, object]
) -> None:
    for name, path in NAV_PAGES.items():
        response = owner.goto(path)
        assert response is not None and response.status == 200, path
        expect(owner.get_by_role("heading", level=1)).to_be_visible()
        take(owner, name)

    shop = ConnectingShop.register(portal, "Corner Bookshop")
    owner.goto(shop.authorize_path("openid profile purchases:read purchases:write"))
    expect(owner.get_by_role("button", name="Allow")).to_be_visible()
    take(owner, CONSENT)

    phone = new_context(browser, portal, storage_state=owner_state, viewport=PHONE_VIEWPORT)
    try:
        page = phone.new_page()
        page.goto("/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        take(page, PHONE)
        page.goto(shop.authorize_path("openid profile purchases:read purchases:write"))
        expect(page.get_by_role("button", name="Allow")).to_be_visible()
        take(page, CONSENT_PHONE)
    finally:
        phone.close()

    visitor = new_context(browser, portal)
    try:
        page = visitor.new_page()
        page.goto("/login")
        take(page, LOGIN)
    finally:
        visitor.close()


def test_portal_doc_shows_every_screenshot_and_only_those() -> None:
    shown = set(re.findall(r"\]\(screenshots/([a-z0-9-]+)\.png\)", PORTAL_DOC.read_text()))
    expected = set(all_names())
    assert shown == expected, f"missing: {expected - shown}, unknown: {shown - expected}"
    on_disk = {path.stem for path in SCREENSHOTS.glob("*.png")}
    assert on_disk == expected, f"missing: {expected - on_disk}, stale: {on_disk - expected}"
