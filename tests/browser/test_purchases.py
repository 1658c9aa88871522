"""Journeys: add and edit a purchase, import a CSV file (preview, per-row errors), review a
receipt a vendor pushed."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.shops import ConnectingShop, approve

GOOD_CSV = b"""date,vendor,description,quantity,unit_price,currency,category
2024-03-02,Lantern Books,A field guide to mosses,1,24.90,EUR,books
2024-03-09,Lantern Books,Pressed-flower notebook,2,6.50,EUR,books
"""
BAD_CSV = b"""date,vendor,description,quantity,unit_price,currency,category
2024-03-02,Lantern Books,A field guide to mosses,1,24.90,EUR,books
not a date,Lantern Books,Bookmark,1,2.00,EUR,books
2024-03-11,Lantern Books,Reading lamp,1,lots,EUR,books
"""


def fill(page: Page, label: str, value: str) -> None:
    page.get_by_label(label, exact=True).fill(value)


def test_add_and_edit_a_purchase(owner: Page) -> None:
    owner.goto("/purchases")
    owner.get_by_role("link", name="Add a purchase").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Add a purchase")
    fill(owner, "Date (required)", "2025-05-04")
    fill(owner, "Item 1", "Walnut desk lamp")
    owner.get_by_role("button", name="Add purchase").click()  # no vendor chosen yet
    expect(owner.get_by_role("alert")).to_have_text(
        "Nothing was saved: correct the fields marked below."
    )
    vendor = owner.get_by_label("Vendor (required)")
    expect(vendor).to_have_attribute("aria-invalid", "true")
    expect(owner.get_by_label("Item 1", exact=True)).to_have_value("Walnut desk lamp")  # kept

    vendor.select_option(index=1)
    owner.get_by_label("Quantity").first.fill("1")
    owner.get_by_label("Unit price").first.fill("48.50")
    fill(owner, "Category", "home")
    owner.get_by_role("button", name="Add purchase").click()
    expect(owner.get_by_role("status")).to_have_text("Purchase of €48.50 on 4 May 2025 added.")

    owner.get_by_label("Search").fill("Walnut desk lamp")
    owner.get_by_role("button", name="Show").click()
    row = owner.get_by_role("row").filter(has_text="Walnut desk lamp")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("€48.50")
    row.get_by_role("link", name="Edit the purchase of 2025-05-04").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Edit purchase")
    owner.get_by_label("Unit price").first.fill("52,00")  # the decimal comma is read too
    owner.get_by_role("button", name="Save").click()
    expect(owner.get_by_role("status")).to_have_text("Purchase saved.")
    owner.goto("/purchases?q=Walnut+desk+lamp")
    expect(owner.get_by_role("row").filter(has_text="Walnut desk lamp")).to_contain_text("€52.00")


def upload(page: Page, name: str, data: bytes) -> None:
    page.goto("/purchases/import")
    page.get_by_label("Format", exact=True).select_option("csv")
    page.get_by_text("Options", exact=True).click()  # the store knows "Paper Lantern Books"
    page.get_by_label("A vendor name close to a known vendor's").select_option("ignore")
    page.locator("#f-file").set_input_files({"name": name, "mimeType": "text/csv", "buffer": data})
    page.get_by_role("button", name="Preview").click()


def test_import_a_csv_file(owner: Page) -> None:
    upload(owner, "lantern-bad.csv", BAD_CSV)
    expect(owner.get_by_role("heading", level=1)).to_have_text("Import preview: lantern-bad.csv")
    errors = owner.get_by_role("region", name="2 lines with errors")
    expect(errors.get_by_role("row").filter(has_text="date")).to_contain_text("3")
    expect(errors.get_by_role("row").filter(has_text="unit_price")).to_contain_text("4")
    expect(owner.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)

    upload(owner, "lantern.csv", GOOD_CSV)
    expect(owner.get_by_role("status")).to_contain_text("2 rows read; 2 purchases would be created")
    planned = owner.get_by_role("region", name="Purchases that would be created")
    expect(planned.get_by_role("row").filter(has_text="A field guide to mosses")).to_contain_text(
        "€24.90"
    )
    owner.get_by_role("button", name="Import 2 purchases").click()
    expect(owner.get_by_role("status")).to_contain_text("Imported 2 purchases")
    owner.goto("/purchases?q=Pressed-flower+notebook")
    expect(owner.get_by_role("row").filter(has_text="Pressed-flower notebook")).to_contain_text(
        "€13.00"
    )


def test_review_a_pushed_receipt(owner: Page, portal: str) -> None:
    shop = ConnectingShop.register(portal, "Kiosk am Eck")
    approve(owner, shop, "Kiosk am Eck")
    shop.push_receipt("2025-06-07", "Sunday paper", "4.20")

    owner.goto("/")  # the dashboard's count links to the receipts awaiting review
    owner.get_by_role("link", name=re.compile(r"\d+ receipts? pushed by vendors")).click()
    expect(owner).to_have_url(re.compile(r"/purchases\?status=new$"))
    row = owner.get_by_role("row").filter(has_text="Sunday paper")
    expect(row).to_contain_text("new from Kiosk am Eck")
    row.get_by_role("button", name="Mark the receipt of 2025-06-07 as reviewed").click()
    expect(owner.get_by_role("status")).to_have_text("Receipt marked as reviewed.")
    expect(owner.get_by_role("row").filter(has_text="Sunday paper")).to_have_count(0)
    owner.goto("/purchases?q=Sunday+paper")
    expect(owner.get_by_role("row").filter(has_text="Sunday paper")).to_contain_text("reviewed")
