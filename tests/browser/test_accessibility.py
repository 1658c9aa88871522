"""axe-core (bundled by axe-playwright-python, so it runs offline) on the main pages:
no serious or critical violation."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.pages import NAV_PAGES
from tests.browser.shops import ConnectingShop

AXE = Axe()
BLOCKING = {"serious", "critical"}


def blocking_violations(page: Page) -> list[str]:
    """axe's serious and critical findings on ``page``, one readable line per element."""
    results: dict[str, Any] = AXE.run(page).response
    lines = []
    for violation in results["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(
                f"{violation['impact']}: {violation['id']} ({violation['help']}) at {target}: "
                f"{node.get('failureSummary', '').replace(chr(10), ' ')}"
            )
    return lines


def assert_accessible(page: Page) -> None:
    found = blocking_violations(page)
    assert not found, f"axe on {page.url}:\n" + "\n".join(found)


def test_the_navigation_lists_exactly_the_main_pages(owner: Page) -> None:
    owner.goto("/")
    nav = owner.get_by_role("navigation", name="Main")
    hrefs = [link.get_attribute("href") for link in nav.get_by_role("link").all()]
    assert hrefs == list(NAV_PAGES.values())


@pytest.mark.parametrize("path", NAV_PAGES.values(), ids=NAV_PAGES.keys())
def test_page_has_no_serious_violation(owner: Page, path: str) -> None:
    response = owner.goto(path)
    assert response is not None and response.status == 200
    assert_accessible(owner)


def test_keyboard_users_can_skip_to_the_content(owner: Page) -> None:
    owner.goto("/")
    owner.keyboard.press("Tab")
    skip = owner.get_by_role("link", name="Skip to the content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # shown when focused
    owner.keyboard.press("Enter")
    expect(owner.locator("main")).to_be_focused()


def test_login_page_has_no_serious_violation(page: Page) -> None:
    page.goto("/login")
    assert_accessible(page)
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)  # with the error shown


def test_consent_page_has_no_serious_violation(owner: Page, portal: str) -> None:
    shop = ConnectingShop.register(portal, "Nordlicht Optik")
    owner.goto(shop.authorize_path("openid profile purchases:read"))
    expect(owner.get_by_role("button", name="Allow")).to_be_visible()
    assert_accessible(owner)
