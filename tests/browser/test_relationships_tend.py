"""Journeys: edit a person, turn a mis-imported company into an organisation, end a
relationship with a note, delete one after a confirmation that says how many; the pages
fit a phone and axe finds nothing serious on them.

Each journey records its own relationship through the "new" form and deletes it after,
so the demo store the package shares looks as it did (its screenshots are taken later)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import new_context
from tests.browser.test_accessibility import assert_accessible

PHONE_VIEWPORT = {"width": 390, "height": 844}


def add_relationship(page: Page, name: str, *, kind: str = "person", email: str = "") -> str:
    """Record ``name`` through the "new" form; the path of its page."""
    page.goto(f"/relationships/new?kind={kind}")
    page.get_by_label("Name").fill(name)
    if email:
        page.get_by_label("E-mail").fill(email)
    page.get_by_role("button", name="Add relationship").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    return re.sub(r"^https?://[^/]+", "", page.url)


def delete_relationship(page: Page, path: str) -> None:
    page.goto(f"{path}/delete")
    page.locator("button.danger").click()
    expect(page).to_have_url(re.compile(r"/relationships$"))


@pytest.fixture
def person(owner: Page) -> Iterator[str]:
    """A person of this test's own (deleted after it, if the test did not)."""
    path = add_relationship(owner, "Tilda Tend", email="tilda@example.org")
    yield path
    if owner.goto(path).status == 200:  # type: ignore[union-attr]
        delete_relationship(owner, path)


def test_edit_a_person(owner: Page, person: str) -> None:
    owner.goto(person)
    owner.get_by_role("link", name="Edit", exact=True).click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Edit Tilda Tend")
    assert_accessible(owner)
    owner.get_by_label("Name").first.fill("Tilda Tending")
    owner.get_by_label("Job title or role").fill("Boat builder")
    expect(owner.get_by_label("E-mail 1")).to_have_value("tilda@example.org")
    owner.get_by_label("E-mail 2").fill("tilda@work.example")
    address = owner.get_by_role("group", name="Address 1")
    address.get_by_label("Street").fill("Harbour Lane 3")
    address.get_by_label("Postal code").fill("24937")
    address.get_by_label("City or town").fill("Flensburg")
    birthday = owner.get_by_role("group", name="Birthday")
    birthday.get_by_label("Day").fill("14")
    birthday.get_by_label("Month").select_option(label="March")
    owner.get_by_role("button", name="Save").click()

    expect(owner).to_have_url(re.compile(re.escape(person) + "$"))
    expect(owner.get_by_role("status")).to_have_text("Tilda Tending saved.")
    expect(owner.get_by_role("heading", level=1)).to_have_text("Tilda Tending")
    record = owner.locator("dl.record")
    expect(record).to_contain_text("tilda@example.org, tilda@work.example")
    expect(record.locator("address")).to_have_text(
        "Harbour Lane 3 24937 Flensburg", use_inner_text=True
    )
    expect(record).to_contain_text("Birthday14 March")
    expect(owner.locator(".subtitle")).to_have_text("Boat builder")
    assert_accessible(owner)


def test_a_mistake_is_shown_on_its_row_and_saves_nothing(owner: Page, person: str) -> None:
    owner.goto(f"{person}/edit")
    owner.get_by_label("E-mail 2").fill("not an address")
    birthday = owner.get_by_role("group", name="Birthday")
    birthday.get_by_label("Day").fill("31")
    birthday.get_by_label("Month").select_option(label="April")
    owner.get_by_role("button", name="Save").click()
    expect(owner.get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(owner.locator("#f-emails-1-error")).to_have_text("Not a valid e-mail address.")
    expect(owner.locator("#birthday-error")).to_have_text("There is no 31 April.")
    expect(owner.get_by_label("E-mail 2")).to_have_value("not an address")
    owner.goto(person)
    expect(owner.locator("dl.record")).not_to_contain_text("not an address")


def test_turn_a_mis_imported_company_into_an_organisation(owner: Page) -> None:
    path = add_relationship(owner, "Kestrel Rigging GmbH")
    try:
        expect(owner.locator("dl.record")).to_contain_text("a person")
        owner.get_by_role("button", name="This is an organisation, not a person").click()
        expect(owner.get_by_role("status")).to_have_text(
            "Kestrel Rigging GmbH is now an organisation / vendor."
        )
        expect(owner.locator("dl.record")).to_contain_text("an organisation / vendor")
        owner.goto("/relationships?kind=vendor&q=Kestrel")
        expect(owner.locator("table.directory")).to_contain_text("Kestrel Rigging GmbH")
    finally:
        delete_relationship(owner, path)


def test_end_a_relationship_with_a_note(owner: Page, person: str) -> None:
    owner.goto(person)
    status = owner.get_by_role("region", name="Status")
    status.get_by_label("Status").select_option("ended")
    status.get_by_label("Since").fill("2026-02-01")
    status.get_by_label("Note (why, in a few words)").fill("moved to Lisbon")
    status.get_by_role("button", name="Set status").click()
    expect(owner.get_by_role("status")).to_have_text("Tilda Tend is ended since 2026-02-01.")
    expect(owner.locator("dl.record")).to_contain_text("ended since 2026-02-01 — moved to Lisbon")


def test_delete_after_a_confirmation_that_says_how_many(owner: Page) -> None:
    path = add_relationship(owner, "Doomed Dory")
    owner.get_by_role("button", name="Log a call").first.click()
    expect(owner.get_by_role("status")).to_contain_text("Logged a call with Doomed Dory")
    owner.get_by_role("link", name="Delete…").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Delete Doomed Dory?")
    expect(owner.locator("main")).to_contain_text("with 1 interaction and 0 purchases")
    assert_accessible(owner)
    owner.get_by_role("button", name="Delete Doomed Dory and 1 interaction and 0 purchases").click()
    expect(owner).to_have_url(re.compile(r"/relationships$"))
    expect(owner.get_by_role("status")).to_have_text(
        "Doomed Dory deleted, with 1 interaction and 0 purchases."
    )
    assert owner.goto(path).status == 404  # type: ignore[union-attr]


def test_the_pages_fit_a_phone(
    browser: Browser, portal: str, owner_state: dict[str, Any], owner: Page, person: str
) -> None:
    context = new_context(browser, portal, storage_state=owner_state, viewport=PHONE_VIEWPORT)
    phone = context.new_page()
    try:
        for path in (person, f"{person}/edit", f"{person}/delete"):
            phone.goto(path)
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE_VIEWPORT["width"], (path, width)
    finally:
        context.close()
