"""Journey: give a person a photo on their page, see it drawn small and round there and
in the list, refuse a file that is not an image, remove the photo."""

from __future__ import annotations

import base64
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import assert_accessible

DATA = Path(__file__).resolve().parents[1] / "data"


def _jpeg(folder: Path) -> Path:
    """The real 24x24 JPEG inside google_contacts.vcf, as a file."""
    text = (DATA / "google_contacts.vcf").read_text(encoding="utf-8").replace("\n ", "")
    line = next(x for x in text.splitlines() if x.startswith("PHOTO;ENCODING=b"))
    path = folder / "face.jpg"
    path.write_bytes(base64.b64decode(line.partition(":")[2]))
    return path


def test_upload_show_refuse_and_remove_a_photo(owner: Page, tmp_path: Path) -> None:
    owner.goto("/relationships?kind=person")
    link = owner.locator("table.directory tbody tr td:nth-child(2) a").last
    name = link.inner_text()
    link.click()
    owner.get_by_label("Add a photo").set_input_files(str(_jpeg(tmp_path)))
    owner.get_by_role("button", name="Upload photo").click()
    expect(owner.get_by_role("status")).to_contain_text(f"Photo of {name} saved.")
    photo = owner.get_by_role("img", name=f"Photo of {name}")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.naturalWidth") == 24  # decoded: served as an image
    assert photo.evaluate("img => getComputedStyle(img).borderRadius") == "50%"
    assert_accessible(owner)

    not_image = tmp_path / "notes.png"
    not_image.write_text("<svg><script>alert(1)</script></svg>", encoding="utf-8")
    owner.get_by_label("Replace the photo").set_input_files(str(not_image))
    owner.get_by_role("button", name="Upload photo").click()
    expect(owner.locator("#photo-error")).to_contain_text("Not a JPEG, PNG, GIF or WebP image")
    assert_accessible(owner)

    owner.goto("/relationships?kind=person")
    thumb = owner.locator("table.directory img.thumb").first
    assert thumb.evaluate("img => img.naturalWidth") == 24

    owner.locator("table.directory tbody tr td:nth-child(2) a").filter(has_text=name).first.click()
    owner.get_by_role("button", name="Remove photo").click()
    expect(owner.get_by_role("status")).to_contain_text(f"Photo of {name} removed.")
    expect(owner.get_by_role("img", name=f"Photo of {name}")).to_have_count(0)
