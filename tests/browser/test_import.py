"""Journeys through the Import page: a CSV file whose columns need mapping, a bank statement."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import assert_accessible

DATA = Path(__file__).resolve().parents[1] / "data"
UNMAPPED = (
    "Tag;Partner;Artikel;Betrag;Währung\n"
    "02.02.2026;Moss & Fern;Terrarium;1.234,50;EUR\n"
    "05.02.2026;Moss & Fern;Spray bottle;3,50;EUR\n"
).encode()


def choose_file(page: Page, name: str, data: bytes, mime: str) -> None:
    page.locator("#f-file").set_input_files({"name": name, "mimeType": mime, "buffer": data})
    page.get_by_role("button", name="Preview").click()


def test_a_csv_file_through_the_mapping_step(owner: Page) -> None:
    owner.goto("/purchases/import")
    owner.get_by_label("Format", exact=True).select_option("csv")
    choose_file(owner, "konto.csv", UNMAPPED, "text/csv")
    expect(owner.get_by_role("alert")).to_have_text("The file cannot be imported: see below.")
    expect(owner.locator("#f-file-error")).to_contain_text("Missing required column: date")
    expect(owner.locator("#f-file-hint")).to_contain_text("Keeping konto.csv")
    columns = owner.get_by_role("region", name="Columns")
    expect(columns.get_by_role("row").filter(has_text="Betrag")).to_contain_text(
        "total (a synonym)"
    )
    assert_accessible(owner)  # the mapping step, its errors
    owner.get_by_label("Read Tag as").select_option("date")
    owner.get_by_label("Read Partner as").select_option("vendor")
    owner.get_by_role("button", name="Preview").click()  # no file chosen again: it is kept
    expect(owner.get_by_role("heading", level=1)).to_have_text("Import preview: konto.csv")
    expect(owner.get_by_role("status")).to_contain_text("2 rows read; 2 purchases would be created")
    planned = owner.get_by_role("region", name="Purchases that would be created")
    expect(planned.get_by_role("row").filter(has_text="Terrarium")).to_contain_text("€1,234.50")
    expect(owner.get_by_label("Read Tag as")).to_have_value("date")  # the mapping is kept
    assert_accessible(owner)  # the preview
    owner.get_by_role("button", name="Import 2 purchases").click()
    expect(owner.get_by_role("status")).to_contain_text("Imported 2 purchases and 1 new vendor.")
    owner.goto("/purchases?q=Terrarium")
    expect(owner.get_by_role("row").filter(has_text="Terrarium")).to_contain_text("€1,234.50")


def test_a_camt053_bank_statement(owner: Page) -> None:
    owner.goto("/purchases/import")
    owner.get_by_label("Format", exact=True).select_option("bank")
    data = (DATA / "statement_camt053.xml").read_bytes()
    owner.get_by_text("Options", exact=True).click()
    owner.get_by_label("A vendor name close to a known vendor's").select_option("ignore")
    choose_file(owner, "februar.xml", data, "application/xml")
    expect(owner.get_by_role("status")).to_contain_text("2 purchases would be created")
    read = owner.get_by_role("region", name="How the file was read")
    expect(read).to_contain_text("entry 3: skipped: a credit of 3250.00")
    expect(read).to_contain_text("entry 4: skipped: not booked yet (status PDNG)")
    planned = owner.get_by_role("region", name="Purchases that would be created")
    expect(planned.get_by_role("row").filter(has_text="Radwerk Berlin")).to_contain_text("RE-4471")
    owner.get_by_role("button", name="Import 2 purchases").click()
    expect(owner.get_by_role("status")).to_contain_text(
        "Imported 2 purchases and 2 new vendors; 2 skipped."
    )
    owner.goto("/purchases/import")
    owner.get_by_label("Format", exact=True).select_option("bank")
    owner.get_by_text("Options", exact=True).click()
    owner.get_by_label("A vendor name close to a known vendor's").select_option("ignore")
    choose_file(owner, "februar.xml", data, "application/xml")
    expect(owner.get_by_role("status")).to_contain_text("0 purchases would be created")
    expect(owner.get_by_role("status")).to_contain_text("2 already imported")


CARDS = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ines Duarte\r\nEMAIL:ines@example.org\r\nEND:VCARD\r\n"
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nORG:Heron Hardware\r\nGEO:geo:52.5,13.4\r\nEND:VCARD\r\n"
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Broken Card\r\nEMAIL:not-an-address\r\nEND:VCARD\r\n"
)


def test_a_vcard_file_its_faulty_card_skipped(owner: Page) -> None:
    owner.goto("/purchases/import")
    owner.get_by_label("Format", exact=True).select_option("contacts")
    choose_file(owner, "people.vcf", CARDS, "text/vcard")
    expect(owner.locator("#f-file-error")).to_have_text(
        "card 3 (line 11): emails: 0: Not a valid e-mail address."
    )
    expect(owner.locator("#f-file-hint")).to_contain_text("Keeping people.vcf")
    expect(owner.get_by_role("button", name="Import 2 contacts")).to_have_count(0)
    assert_accessible(owner)  # the card's error on the file field
    owner.get_by_text("Options", exact=True).click()
    owner.get_by_label("Import the good rows, skip the faulty ones").check()
    owner.get_by_role("button", name="Preview").click()
    expect(owner.get_by_role("status")).to_have_text(
        "3 contacts read; would be: 2 created, 0 merged, 1 skipped."
    )
    expect(owner.get_by_text("Not kept (pds has no place for them yet)")).to_contain_text("GEO (1)")
    owner.get_by_role("button", name="Import 2 contacts").click()
    expect(owner.get_by_role("status")).to_contain_text(
        "Imported contacts: 2 created, 0 merged, 1 skipped."
    )
    owner.goto("/relationships?q=Heron")
    expect(owner.get_by_role("link", name="Heron Hardware")).to_be_visible()


def test_the_progress_note_shows_while_the_file_is_read(owner: Page) -> None:
    owner.goto("/purchases/import")
    form = owner.locator("form[data-progress=Reading]")
    note = form.locator("[data-progress-note]")
    expect(note).to_be_hidden()
    # Hold the submission (after the page's own listener on document has run) to see the
    # state a slow upload shows.
    owner.evaluate("window.addEventListener('submit', (event) => event.preventDefault())")
    owner.get_by_label("Format", exact=True).select_option("contacts")
    choose_file(owner, "people.vcf", CARDS, "text/vcard")
    expect(note).to_have_text(f"Reading people.vcf ({len(CARDS)} bytes)…")
    expect(note.locator("progress")).to_be_visible()
    expect(form).to_have_attribute("aria-busy", "true")
    expect(owner.get_by_role("button", name="Preview")).to_be_disabled()
    assert_accessible(owner)  # the progress note as it is shown
