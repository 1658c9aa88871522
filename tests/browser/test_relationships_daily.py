"""Journeys: log a call from a relationship's page and from the list; sort the list by
last contact; both pages fit a phone's width."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import new_context

PHONE_VIEWPORT = {"width": 390, "height": 844}


def _first_person(owner: Page) -> str:
    owner.goto("/relationships?kind=person")
    link = owner.locator("table.directory tbody tr td:nth-child(2) a").first
    name = link.inner_text()
    link.click()
    expect(owner.get_by_role("heading", level=1)).to_have_text(name)
    return name


def test_log_a_call_from_the_relationship_page(owner: Page) -> None:
    name = _first_person(owner)
    owner.get_by_role("button", name="Log a call").first.click()
    expect(owner.get_by_role("status")).to_contain_text(f"Logged a call with {name} on ")
    timeline = owner.locator("ol.timeline li").first
    expect(timeline).to_contain_text("call (phone)")

    owner.get_by_label("Kind", exact=True).first.select_option("meeting")
    owner.get_by_label("Date").fill("2025-01-15")
    owner.get_by_label("Note", exact=True).last.fill("lunch by the harbour")
    owner.get_by_role("button", name="Log contact").click()
    expect(owner.get_by_role("status")).to_contain_text("Logged a meeting")
    owner.get_by_role("form", name="Filter the timeline").get_by_label("Kind").select_option(
        "meeting"
    )
    owner.get_by_role("button", name="Filter").click()
    expect(owner.locator("ol.timeline")).to_contain_text("lunch by the harbour")
    expect(owner.locator("ol.timeline")).not_to_contain_text("call (phone)")


def test_log_a_call_from_the_list(owner: Page) -> None:
    owner.goto("/relationships?kind=person")
    row = owner.locator("table.directory tbody tr").first
    name = row.locator("td:nth-child(2) a").inner_text()
    row.get_by_role("button", name=f"Log a call with {name}").click()
    expect(owner).to_have_url(re.compile(r"/relationships\?kind=person$"))
    expect(owner.get_by_role("status")).to_contain_text(f"Logged a call with {name} on ")
    expect(owner.locator("table.directory tbody tr").filter(has_text=name).first).to_contain_text(
        "today"
    )


def test_sort_by_last_contact(owner: Page) -> None:
    owner.goto("/relationships")
    owner.get_by_role("link", name="Last contact").click()
    header = owner.get_by_role("columnheader", name="Last contact")
    expect(header).to_have_attribute("aria-sort", "ascending")
    days = owner.locator("table.directory td.last-contact[title]").evaluate_all(
        "cells => cells.map(c => c.title)"
    )
    assert len(days) > 2 and days == sorted(days)
    owner.get_by_role("link", name="Last contact").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    newest_first = owner.locator("table.directory td.last-contact[title]").evaluate_all(
        "cells => cells.map(c => c.title)"
    )
    assert newest_first == sorted(days, reverse=True)


def test_the_list_and_a_page_fit_a_phone(
    browser: Browser, portal: str, owner_state: dict[str, Any]
) -> None:
    context = new_context(browser, portal, storage_state=owner_state, viewport=PHONE_VIEWPORT)
    phone = context.new_page()
    try:
        for path in ("/relationships", "/relationships?sort=last_contact"):
            phone.goto(path)
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE_VIEWPORT["width"], (path, width)
        phone.locator("table.directory tbody tr td:nth-child(2) a").first.click()
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]
    finally:
        context.close()
