"""Journey: merge two duplicates (the chooser offers the likely one, the confirmation says
what moves), then undo the merge from the kept record's page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def _add_person(owner: Page, name: str, email: str) -> str:
    owner.goto("/relationships/new?kind=person")
    owner.get_by_label("Name").fill(name)
    owner.get_by_label("E-mail").fill(email)
    owner.get_by_role("button", name="Add relationship").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text(name)
    return owner.url


def test_merge_two_duplicates_and_undo(owner: Page) -> None:
    kept = _add_person(owner, "Marta Quellenberg", "marta@quellenberg.example")
    _add_person(owner, "Marta Q.", "mq@example.org")
    owner.get_by_role("button", name="Log a call").first.click()
    expect(owner.get_by_role("status")).to_contain_text("Logged a call with Marta Q.")

    owner.goto(kept)
    owner.get_by_role("link", name="Merge with…").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Merge Marta Quellenberg with…")
    owner.locator("ul.merge-candidates").get_by_role("link", name="Marta Q.").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text(
        "Merge Marta Q. into Marta Quellenberg?"
    )
    expect(owner.locator("#merge-moves")).to_have_text("To Marta Quellenberg: 1 interaction.")
    owner.get_by_role("button", name="Merge").click()

    expect(owner).to_have_url(kept)
    expect(owner.get_by_role("status")).to_contain_text(
        "Merged Marta Q. into Marta Quellenberg: 1 interaction."
    )
    expect(owner.get_by_text("marta@quellenberg.example, mq@example.org")).to_be_visible()
    expect(owner.locator("ol.timeline li").first).to_contain_text("call (phone)")

    owner.get_by_role("button", name="Undo merge").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Marta Q.")
    expect(owner.get_by_role("status")).to_contain_text("a record of its own again")
    expect(owner.locator("ol.timeline li").first).to_contain_text("call (phone)")
    owner.goto(kept)
    expect(owner.get_by_role("button", name="Undo merge")).to_have_count(0)
    expect(owner.get_by_text("marta@quellenberg.example")).to_be_visible()
    expect(owner.get_by_text("mq@example.org")).to_have_count(0)
    assert re.search(r"/relationships/[0-9a-f-]+$", kept)
