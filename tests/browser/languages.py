"""The portal in another language for a while: the owner's choice in Settings, made as they
would make it, and undone after (the package's other tests read English)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import new_context


@contextmanager
def portal_language(
    browser: Browser, portal: str, state: dict[str, Any], chosen: str
) -> Iterator[None]:
    """The owner's portal language set in Settings as they would (``de``) for the block,
    then back to their browser's choice: the other tests of the package read English."""
    context = new_context(browser, portal, storage_state=state)
    page = context.new_page()
    try:
        choose_language(page, chosen)
        yield
    finally:
        choose_language(page, "")
        context.close()


def choose_language(page: Page, chosen: str) -> None:
    page.goto("/settings")
    language = page.locator("select#f-language")
    language.select_option(chosen)
    language.locator("xpath=ancestor::form").locator("button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", chosen or "en")
