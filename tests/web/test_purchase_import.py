"""Importing purchases from CSV in the portal: the preview, its per-line errors, the import."""

from __future__ import annotations

import io

from flask.testing import FlaskClient

from pds.services import Services
from tests.conftest import csrf_of

GOOD = b"date,vendor,description,unit_price,currency,category\n" + (
    b"2025-01-02,Fresh Fields,Apples,3.50,EUR,groceries\n2025-01-05,Corner Bakery,Bread,2.10,EUR,\n"
)
BAD = b"date,vendor,total,currency\n2025-01-02,Fresh Fields,1.234,50,EUR\n2025-99-01,Shop,2,EUR\n"


def _upload(owner: FlaskClient, data: bytes, **form: str):  # type: ignore[no-untyped-def]
    token = csrf_of(owner.get("/purchases/import").get_data(as_text=True))
    files = {"file": (io.BytesIO(data), "bank.csv")} if data else {}
    body = {"csrf_token": token, "create_vendors": "on", **form, **files}
    return owner.post("/purchases/import", data=body, content_type="multipart/form-data")


def test_the_preview_shows_the_rows_then_import_commits(
    owner: FlaskClient, services: Services
) -> None:
    response = _upload(owner, GOOD)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "2 purchases would be created" in html
    assert "2 new vendors: Fresh Fields, Corner Bakery" in html
    assert "Apples" in html and "€3.50" in html and ">Import 2 purchases</button>" in html
    assert services.purchases.count() == 0 and services.relationships.count() == 0
    response = owner.post("/purchases/import/commit", data={"csrf_token": csrf_of(html)})
    assert response.status_code == 303
    assert services.purchases.count() == 2
    assert "Imported 2 purchases and 2 new vendors." in owner.get("/purchases").get_data(True)
    again = owner.post("/purchases/import/commit", data={"csrf_token": csrf_of(html)})
    assert again.status_code == 303 and again.headers["Location"] == "/purchases/import"
    assert services.purchases.count() == 2


def test_the_preview_lists_each_faulty_line_and_offers_no_import(
    owner: FlaskClient, services: Services
) -> None:
    html = _upload(owner, BAD).get_data(as_text=True)
    assert "2 lines with errors" in html
    assert '<td data-label="Line">3</td>' in html and '<td data-label="Column">date</td>' in html
    assert "Import " not in html.split("Upload another file")[0].split("</table>")[-1]
    assert services.purchases.count() == 0


def test_a_missing_file_or_header_is_a_field_error(owner: FlaskClient) -> None:
    response = _upload(owner, b"")
    assert response.status_code == 422
    assert 'id="f-file-error">Choose a file to import.</p>' in response.get_data(True)
    response = _upload(owner, b"when,who\n2025-01-01,x\n", default_currency="EUR")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="f-file-error"' in html and 'value="EUR"' in html


def test_import_refuses_a_post_without_the_csrf_token(owner: FlaskClient) -> None:
    response = owner.post("/purchases/import/commit")
    assert response.status_code == 400


MAPPABLE = (
    "Tag;Partner;Artikel;Betrag;Währung\n"
    "02.02.2026;Fresh Fields;Äpfel;3,50;EUR\n"
    "05.02.2026;Corner Bakery;Brot;1.234,50;EUR\n"
).encode()
DATA = __import__("pathlib").Path(__file__).resolve().parents[1] / "data"


def test_the_mapping_step_keeps_the_file_and_previews_as_stored(
    owner: FlaskClient, services: Services
) -> None:
    response = _upload(owner, MAPPABLE)
    assert response.status_code == 422  # no date or vendor column yet
    html = response.get_data(as_text=True)
    assert "Keeping bank.csv" in html and 'name="header-2" value="Partner"' in html
    token = csrf_of(html)
    form = {"csrf_token": token, "create_vendors": "on", "format": "csv"}
    form |= {"header-1": "Tag", "map-1": "date", "header-2": "Partner", "map-2": "vendor"}
    response = owner.post("/purchases/import", data=form, content_type="multipart/form-data")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "2 purchases would be created" in html and "€1,234.50" in html
    assert '<option value="vendor" selected>' in html  # the mapping is kept
    response = owner.post("/purchases/import/commit", data={"csrf_token": csrf_of(html)})
    assert response.status_code == 303 and services.purchases.count() == 2


def test_a_bank_statement_and_its_credits(owner: FlaskClient, services: Services) -> None:
    data = (DATA / "statement_camt053.xml").read_bytes()
    html = _upload(owner, data, format="bank").get_data(as_text=True)
    assert "2 purchases would be created" in html
    assert "entry 3: skipped: a credit of 3250.00" in html
    owner.post("/purchases/import/commit", data={"csrf_token": csrf_of(html)})
    assert services.purchases.count() == 2
    html = _upload(owner, data, format="bank").get_data(as_text=True)
    assert "0 purchases would be created" in html and "2 already imported" in html


def test_uploads_are_capped_on_the_form(owner: FlaskClient) -> None:
    header = b"date,vendor,description,total,currency\n"
    row = b"2025-03-01,Fresh Fields Market,Apples,4.20,EUR\n"
    bigger_than_the_app_cap = header + row * (1024 * 1024 // len(row) + 10)
    html = _upload(owner, bigger_than_the_app_cap).get_data(as_text=True)
    assert "purchases would be created" in html  # over 1 MB: this page takes 2 MB
    response = _upload(owner, b"x" * (2 * 1024 * 1024 + 1))
    assert response.status_code == 422
    assert "The file is larger than 2 MB." in response.get_data(as_text=True)
    too_big = _upload(owner, b"x" * (3 * 1024 * 1024))
    assert too_big.status_code == 413  # past the page's cap with its form: refused unread


def test_receipts_from_a_zip_of_eml_files(owner: FlaskClient, services: Services) -> None:
    import mailbox
    import zipfile

    box = mailbox.mbox(DATA / "receipts.mbox", create=False)
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        for number, key in enumerate(box.keys(), start=1):
            archive.writestr(f"inbox/{number:02d}.eml", box.get_bytes(key))
    box.close()
    html = _upload(owner, packed.getvalue(), format="receipts").get_data(as_text=True)
    assert "2 receipt(s) found in 3 message(s)" in html
    assert "2 purchases would be created" in html and "PLB-2044" in html
    owner.post("/purchases/import/commit", data={"csrf_token": csrf_of(html)})
    assert services.purchases.count() == 2
    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("notes.txt", "no mail here")
    response = _upload(owner, empty.getvalue(), format="receipts")
    assert response.status_code == 422
    assert "bank.csv: no .eml files." in response.get_data(as_text=True)


def test_receipts_from_an_mbox_file(owner: FlaskClient, services: Services) -> None:
    data = (DATA / "receipts.mbox").read_bytes()
    html = _upload(owner, data, format="receipts").get_data(as_text=True)
    assert "2 receipt(s) found in 3 message(s)" in html and "PLB-2044" in html
    assert services.purchases.count() == 0
    owner.post("/purchases/import/commit", data={"csrf_token": csrf_of(html)})
    assert services.purchases.count() == 2


def test_a_calendar_file_becomes_meetings(owner: FlaskClient, services: Services) -> None:
    services.relationships.add(
        {"kind": "person", "name": "Ana Lima", "emails": ["ana@example.org"]}
    )
    data = (DATA / "events.ics").read_bytes()
    html = _upload(owner, data, format="calendar").get_data(as_text=True)
    assert "Import preview: bank.csv" in html and "events read; would be: 1 created" in html
    assert "meeting with person Ana Lima" in html
    assert services.interactions.count() == 0
    response = owner.post("/purchases/import/commit", data={"csrf_token": csrf_of(html)})
    assert response.status_code == 303 and services.interactions.count() == 1
    html = _upload(owner, data, format="calendar").get_data(as_text=True)
    assert "would be: 0 created" in html and "already imported" in html


CARDS = (DATA / "contacts.vcf").read_bytes()
GOOD_CARDS = b"BEGIN:VCARD".join(CARDS.split(b"BEGIN:VCARD")[:-1])  # without the faulty card 5
ODD_CARDS = b"BEGIN:VCARD\r\nVERSION:3.0\r\nORG:Moss & Fern\r\nEND:VCARD\r\n" + (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nTEL:+49 30 5550123\r\nGEO:geo:52.5,13.4\r\nEND:VCARD\r\n"
)


def test_a_vcard_file_is_previewed_then_imported(owner: FlaskClient, services: Services) -> None:
    before = services.relationships.all_records()
    response = _upload(owner, GOOD_CARDS, format="contacts")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Import preview: bank.csv" in html
    assert "4 contacts read; would be: 3 created, 1 merged, 0 skipped." in html
    assert "card 3 (line 19): merged:" in html and ">Import 4 contacts</button>" in html
    assert services.relationships.all_records() == before  # the dry run wrote nothing
    response = owner.post("/purchases/import/commit", data={"csrf_token": csrf_of(html)})
    assert response.status_code == 303
    names = sorted(r["name"] for r in services.relationships.all_records())
    assert names == ["Ana Lima", "Dr. Wei Chen", "Jonas Becker"]
    assert "Imported contacts: 3 created, 1 merged, 0 skipped." in owner.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    html = _upload(owner, GOOD_CARDS, format="contacts").get_data(as_text=True)
    assert "would be: 0 created, 0 merged, 4 skipped." in html and "Import 0" not in html


def test_a_company_card_and_a_bare_number_and_what_is_not_kept(
    owner: FlaskClient, services: Services
) -> None:
    html = _upload(owner, ODD_CARDS, format="contacts").get_data(as_text=True)
    assert "2 contacts read; would be: 2 created" in html
    assert "Not kept (pds has no place for them yet): " in html and "GEO (1)" in html
    owner.post("/purchases/import/commit", data={"csrf_token": csrf_of(html)})
    kinds = {r["name"]: r["kind"] for r in services.relationships.all_records()}
    assert kinds == {"Moss & Fern": "vendor", "+49 30 5550123": "person"}


def test_a_faulty_card_is_a_file_error_naming_it_and_can_be_skipped(
    owner: FlaskClient, services: Services
) -> None:
    response = _upload(owner, CARDS, format="contacts")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="f-file-error">card 5 (line 31): emails: 0: Not a valid e-mail address.' in html
    assert "Keeping bank.csv" in html and "Import 4 contacts" not in html
    assert services.relationships.count() == 0
    response = owner.post("/purchases/import/commit", data={"csrf_token": csrf_of(html)})
    assert response.status_code == 422 and services.relationships.count() == 0
    assert 'id="f-file-error">card 5 (line 31): emails' in response.get_data(as_text=True)
    token = csrf_of(response.get_data(as_text=True))
    form = {"csrf_token": token, "format": "contacts", "skip_invalid": "on"}
    response = owner.post("/purchases/import", data=form, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "card 5 (line 31): skipped: invalid:" in html
    owner.post("/purchases/import/commit", data={"csrf_token": csrf_of(html)})
    assert services.relationships.count() == 3


def test_a_vcard_preview_refuses_a_post_without_the_csrf_token(
    owner: FlaskClient, services: Services
) -> None:
    files = {"file": (io.BytesIO(GOOD_CARDS), "people.vcf")}
    response = owner.post(
        "/purchases/import",
        data={"format": "contacts", **files},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Keeping" not in owner.get("/purchases/import").get_data(as_text=True)


def test_the_page_loads_its_progress_script_from_static(owner: FlaskClient) -> None:
    html = owner.get("/purchases/import").get_data(as_text=True)
    assert '<script src="/static/import_progress.js" defer></script>' in html
    assert 'data-progress="Reading"' in html and '<progress aria-hidden="true"></progress>' in html
    assert owner.get("/static/import_progress.js").status_code == 200


def test_the_import_page_speaks_german(owner: FlaskClient, services: Services) -> None:
    services.profile.update({"language": "de"})
    page = owner.get("/purchases/import").get_data(as_text=True)
    assert "<title>Import" in page and "Bis zu 2 MB." in page
    assert '<option value="amazon">Amazon-Bestellverlauf (CSV)</option>' in page
    html = _upload(owner, GOOD).get_data(as_text=True)
    assert "2 Zeilen gelesen;" in html and "2 Einkäufe würden angelegt" in html
    assert "und 2 neue Anbieter: Fresh Fields, Corner Bakery" in html
    assert ">2 Einkäufe importieren</button>" in html
    response = owner.post("/purchases/import/commit", data={"csrf_token": csrf_of(html)})
    assert response.status_code == 303
    shown = owner.get("/purchases").get_data(as_text=True)
    assert "2 Einkäufe importiert und 2 neue Anbieter." in shown
