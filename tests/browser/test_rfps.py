"""Journey: write and publish an RFP, a vendor offers through the API, the owner awards it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from tests.browser.shops import RfpShop


def test_write_publish_and_award(owner: Page, portal: str) -> None:
    shop = RfpShop.register(portal, "Sound Corner")
    owner.goto("/rfps/new")
    expect(owner.get_by_role("heading", level=1)).to_have_text("Write an RFP")
    owner.get_by_label("Title", exact=True).fill("Headphones for the train")
    owner.get_by_label("Description", exact=True).fill("Over-ear, comfortable for two hours.")
    owner.get_by_label("Category", exact=True).fill("electronics")
    owner.get_by_label("Budget up to", exact=True).fill("150,00")  # a decimal comma is fine
    owner.get_by_label("Currency", exact=True).fill("EUR")
    deadline = datetime.now(UTC) + timedelta(days=3)
    owner.get_by_label("Deadline", exact=True).fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    owner.get_by_label("Quantity", exact=True).fill("1")
    owner.get_by_role("button", name="Publish").click()

    published = owner.get_by_text(re.compile(r"Published: vendors see it as rfp-[a-z2-7]{16}"))
    expect(published).to_be_visible()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Headphones for the train")
    pseudonym = re.search(r"rfp-[a-z2-7]{16}", published.inner_text())
    assert pseudonym

    offer = shop.offer(pseudonym.group(0), "129.00")
    owner.reload()
    offers = owner.get_by_role("table").filter(has_text="Side by side")
    expect(offers.get_by_role("columnheader", name="Sound Corner")).to_be_visible()
    expect(offers.get_by_role("row", name=re.compile("^Price"))).to_contain_text("€129.00")
    owner.get_by_role("button", name="Award to Sound Corner").click()
    expect(owner.get_by_role("status")).to_contain_text(
        "Awarded to Sound Corner. The other vendors are told they were not selected."
    )
    told = shop.call("GET", f"/offers/{offer['id']}")
    assert told.status_code == 200 and told.json()["status"] == "awarded", told.text
