"""Journeys: set a preference; export the archive (a download)."""

from __future__ import annotations

import json
import zipfile

from playwright.sync_api import Page, expect


def test_set_a_preference(owner: Page) -> None:
    owner.goto("/preferences")
    form = owner.locator("form#add")
    form.get_by_label("Key (required)").fill("Not A Key")
    form.get_by_label("Value (required)").fill("oat")
    form.get_by_role("button", name="Add preference").click()
    form = owner.locator("form#add")
    expect(form.get_by_role("alert")).to_have_text(
        "Nothing was saved: correct the fields marked below."
    )
    expect(form.get_by_label("Key (required)")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("Value (required)")).to_have_value("oat")  # what was typed is kept

    form.get_by_label("Key (required)").fill("food.milk")
    form.get_by_label("Who may see it").select_option("shared")
    form.get_by_role("button", name="Add preference").click()
    expect(owner.get_by_role("status")).to_have_text("Preference food.milk added.")
    row = owner.get_by_role("row").filter(has_text="food.milk")
    expect(row).to_contain_text("oat")
    expect(row).to_contain_text("shared")


def test_export_the_archive(owner: Page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    owner.goto("/archive")
    expect(owner.get_by_role("heading", level=1)).to_have_text("Archive")
    with owner.expect_download() as download:
        owner.get_by_role("button", name="Download archive").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("pds-archive-") and saved.suffix == ".zip"
    with zipfile.ZipFile(saved) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert "data/purchases.json" in archive.namelist()
    assert manifest
