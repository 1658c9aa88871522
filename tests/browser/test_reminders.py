"""Journeys: a birthday coming up on the dashboard; a suggested target accepted in one click."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

SUGGESTION = re.compile(r"You talk about .+ \(every \d+ days\): remind me at that rhythm")


def test_see_a_birthday_reminder_on_the_dashboard(owner: Page) -> None:
    owner.goto("/")
    section = owner.get_by_role("region", name="Birthdays and anniversaries")
    expect(section).to_contain_text(re.compile(r"Elin Lindqvist: birthday, in 4 days"))


def test_accept_a_suggested_target(owner: Page) -> None:
    owner.goto("/reminders")
    offers = owner.get_by_role("region", name="Suggested targets")
    first = offers.get_by_role("listitem").first
    name = first.get_by_role("link").inner_text()
    button = first.get_by_role("button", name=SUGGESTION)
    days = re.search(r"every (\d+) days", button.inner_text())
    assert days is not None
    button.click()
    expect(owner.get_by_role("status").or_(owner.locator(".flash"))).to_contain_text(
        f"Target set: every {days[1]} days."
    )
    owner.goto("/reminders")
    expect(
        owner.get_by_role("region", name="Suggested targets").get_by_role(
            "link", name=name, exact=True
        )
    ).to_have_count(0)
