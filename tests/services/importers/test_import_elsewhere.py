"""Importers from elsewhere: vCard people, iCalendar meetings, e-mail headers (mbox, .eml)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from pds.errors import ValidationFailed
from pds.services import Services
from pds.services.importers.calendar_ics import import_calendar
from pds.services.importers.mail import import_mail
from pds.services.importers.outcome import stable_id
from pds.services.importers.vcard import import_vcard
from pds.store import Store

DATA = Path(__file__).resolve().parents[2] / "data"


def valid_cards(tmp_path: Path) -> Path:
    """contacts.vcf without its last card (the invalid one)."""
    text = (DATA / "contacts.vcf").read_text(encoding="utf-8")
    path = tmp_path / "good.vcf"
    path.write_text("BEGIN:VCARD".join(text.split("BEGIN:VCARD")[:-1]), encoding="utf-8")
    return path


def people(services: Services) -> dict[str, dict[str, Any]]:
    items = services.relationships.list(kind="person", limit=100).items
    return {p["name"]: p for p in items}


def interactions(services: Services) -> list[dict[str, Any]]:
    return services.interactions.list(limit=200, descending=False).items


def digest(store: Store) -> str:
    files = sorted(p for p in store.home.rglob("*") if p.is_file() and p.name != "store.lock")
    return hashlib.sha256(b"".join(p.name.encode() + p.read_bytes() for p in files)).hexdigest()


@pytest.fixture
def known(services: Services, vendor: dict[str, Any], tmp_path: Path) -> Services:
    """The people of contacts.vcf, the vendor freshfields.example.com, the owner's address."""
    import_vcard(services, valid_cards(tmp_path))
    services.profile.update({"email": "me@home.example"})
    return services


# -- vCard ---------------------------------------------------------------------------------


def test_vcard_dry_run_reports_every_card_and_writes_nothing(
    services: Services, store: Store
) -> None:
    before = digest(store)
    report = import_vcard(services, DATA / "contacts.vcf", dry_run=True)
    assert [(o.item, o.outcome) for o in report.outcomes] == [
        ("card 1 (line 1)", "created"),
        ("card 2 (line 11)", "created"),
        ("card 3 (line 19)", "merged"),
        ("card 4 (line 25)", "created"),
    ]
    assert report.errors == {"card 5 (line 31)": {"emails": {"0": ["Not a valid e-mail address."]}}}
    assert "card 5 (line 31): emails: 0: Not a valid e-mail address." in report.summary()
    assert digest(store) == before


def test_vcard_from_bytes_reads_as_from_the_file(services: Services, store: Store) -> None:
    from_file = import_vcard(services, DATA / "contacts.vcf", dry_run=True)
    data = (DATA / "contacts.vcf").read_bytes()
    from_bytes = import_vcard(services, data, dry_run=True, name="upload.vcf")
    assert from_bytes.source == "upload.vcf"
    assert from_bytes.outcomes == from_file.outcomes and from_bytes.errors == from_file.errors
    with pytest.raises(ValidationFailed) as caught:
        import_vcard(services, "BEGIN:VCARD\nFN:\xe9\nEND:VCARD\n".encode("latin-1"), name="x.vcf")
    assert caught.value.details == {"file": ["x.vcf: not valid UTF-8 at line 2."]}


def test_vcard_with_an_invalid_card_is_refused_whole(services: Services, store: Store) -> None:
    before = digest(store)
    with pytest.raises(ValidationFailed) as caught:
        import_vcard(services, DATA / "contacts.vcf")
    assert caught.value.message == "contacts.vcf: 1 item(s) have errors; nothing was imported"
    assert caught.value.details == {
        "card 5 (line 31)": {"emails": {"0": ["Not a valid e-mail address."]}}
    }
    assert digest(store) == before
    assert people(services) == {}


def test_vcard_fields_unfolding_escapes_and_merges(services: Services, tmp_path: Path) -> None:
    report = import_vcard(services, valid_cards(tmp_path))
    assert (report.count("created"), report.count("merged")) == (3, 1)
    found = people(services)
    ana = found["Ana Lima"]
    assert ana["emails"] == ["ana@example.org", "ana.lima@work.example"]
    assert ana["phones"] == ["+351 21 123 4567"]
    assert ana["notes"] == "Met at the market, stall 4\nLikes figs; brings her own bag"
    assert ana["tags"] == ["friends", "market", "work"]
    assert ana["how_known"] == "Imported from good.vcf"
    jonas = found["Jonas Becker"]
    assert jonas["phones"] == ["+49-30-1234567"]
    assert jonas["urls"] == ["https://jonas.example.org/"]
    assert found["Dr. Wei Chen"]["notes"] == "Neighbour, number 12"


def test_vcard_merges_into_an_existing_person_by_email(
    services: Services, person: dict[str, Any], tmp_path: Path
) -> None:
    report = import_vcard(services, valid_cards(tmp_path))
    assert report.outcomes[1].outcome == "merged"
    assert report.outcomes[1].reason == (
        "into Jonas Becker (same e-mail address jonas@example.org): phones, urls"
    )
    jonas = services.relationships.get(person["id"])
    assert jonas["phones"] == ["+49-30-1234567"]
    assert "how_known" not in jonas


def test_vcard_reimport_changes_nothing(services: Services, store: Store, tmp_path: Path) -> None:
    import_vcard(services, valid_cards(tmp_path))
    before = digest(store)
    again = import_vcard(services, valid_cards(tmp_path))
    assert [o.outcome for o in again.outcomes] == ["skipped"] * 4
    assert again.outcomes[0].reason == "Ana Lima: nothing new (same e-mail address ana@example.org)"
    assert digest(store) == before


def test_vcard_unclosed_card_and_stray_line_are_named(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "bad.vcf"
    path.write_text("junk\nBEGIN:VCARD\nVERSION:3.0\nFN:A\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        import_vcard(services, path)
    assert caught.value.details == {
        "line 1": {"file": ["Outside any BEGIN:VCARD/END:VCARD."]},
        "card 1 (line 2)": {"card": ["Has no END:VCARD (the file ends first)."]},
    }


def test_vcard_card_with_nothing_to_name_it_by(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "noname.vcf"
    path.write_text("BEGIN:VCARD\nVERSION:3.0\nNOTE:who?\nEND:VCARD\n", encoding="utf-8")
    report = import_vcard(services, path, dry_run=True)
    assert report.errors == {
        "card 1 (line 1)": {
            "name": ["Has no name (FN or N), organisation (ORG), e-mail address or phone."]
        }
    }


def test_vcard_not_utf8_is_refused(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "latin.vcf"
    path.write_bytes(b"BEGIN:VCARD\nFN:J\xf6rg\nEND:VCARD\n")
    with pytest.raises(ValidationFailed) as caught:
        import_vcard(services, path)
    assert caught.value.message == "latin.vcf is not UTF-8 (line 2)"


# -- iCalendar -----------------------------------------------------------------------------


def test_calendar_meetings_with_people_and_vendors(known: Services) -> None:
    report = import_calendar(known, DATA / "events.ics")
    assert (report.items_read, report.count("created"), report.count("skipped")) == (6, 8, 3)
    skipped = {o.item: o.reason for o in report.outcomes if o.outcome == "skipped"}
    assert skipped == {
        "event 4 (stranger-4@cal.example)": (
            "no attendee is a known person or vendor (someone@nowhere.example)"
        ),
        "event 5 (cancelled-5@cal.example)": "cancelled",
        "event 6 (future-6@cal.example)": "after 2025-03-01",
    }
    logged = interactions(known)
    assert [(i["date"], i.get("note")) for i in logged[:2]] == [
        ("2025-01-06", "Running with Wei and Jonas"),
        ("2025-01-06", "Running with Wei and Jonas"),
    ]
    days = sorted({i["date"] for i in logged if i["note"].startswith("Running")})
    assert days == ["2025-01-06", "2025-01-20", "2025-01-27"]  # EXDATE 2025-01-13 left out
    vendor_meeting = next(i for i in logged if i["note"].startswith("Contract"))
    assert vendor_meeting["date"] == "2025-02-04T14:00:00Z"  # 15:00 in Berlin
    assert vendor_meeting["note"] == "Contract review, delivery plan"
    assert {i["kind"] for i in logged} == {"meeting"}


def test_calendar_until_bounds_the_recurrence(known: Services) -> None:
    from datetime import date

    report = import_calendar(known, DATA / "events.ics", until=date(2025, 1, 19), dry_run=True)
    runs = [o.item for o in report.outcomes if o.item.startswith("event 3")]
    assert runs == ["event 3 (run-3@cal.example) on 2025-01-06"] * 2
    assert report.outcomes[-1].reason == "after 2025-01-19"  # the contract review


def test_calendar_reimport_is_idempotent(known: Services, store: Store) -> None:
    first = import_calendar(known, DATA / "events.ics")
    before = digest(store)
    again = import_calendar(known, DATA / "events.ics")
    assert again.count("created") == 0 and again.count("skipped") == 11
    assert digest(store) == before
    assert sorted(i["id"] for i in interactions(known)) == sorted(first.record_ids)


def test_calendar_dry_run_writes_nothing(known: Services, store: Store) -> None:
    before = digest(store)
    report = import_calendar(known, DATA / "events.ics", dry_run=True)
    assert report.count("created") == 8
    assert "events.ics: 6 events read; would be: 8 created" in report.summary()
    assert digest(store) == before


def test_calendar_event_without_start_refuses_the_file(known: Services, store: Store) -> None:
    before = digest(store)
    with pytest.raises(ValidationFailed) as caught:
        import_calendar(known, DATA / "events_broken.ics")
    assert caught.value.message == (
        "events_broken.ics: 1 item(s) have errors; nothing was imported"
    )
    assert caught.value.details == {
        "event 2 (nostart-2@cal.example)": {"DTSTART": ["Missing: every event needs a start."]}
    }
    assert digest(store) == before


def test_calendar_not_ics_is_refused(known: Services, tmp_path: Path) -> None:
    path = tmp_path / "notes.ics"
    path.write_text("hello\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        import_calendar(known, path)
    assert caught.value.message.startswith("notes.ics is not an iCalendar file")


# -- mail ----------------------------------------------------------------------------------


def test_mbox_headers_become_messages(known: Services) -> None:
    report = import_mail(known, DATA / "mail.mbox")
    assert [(o.item, o.outcome, o.reason) for o in report.outcomes] == [
        ("message 1", "created", "message with person Ana Lima"),
        ("message 2", "created", "message with vendor Fresh Fields Market"),
        ("message 3", "skipped", "no known person or vendor took part (news@letters.example)"),
        ("message 4", "skipped", "person Ana Lima: same as message 1"),
    ]
    logged = interactions(known)
    assert [(i["date"], i["note"], i["channel"]) for i in logged] == [
        ("2025-01-10T08:00:00Z", "Received: Figs are in", "email"),
        ("2025-01-11T10:00:00Z", "Sent: Delivery window", "email"),
    ]
    assert {i["kind"] for i in logged} == {"message"}


def test_eml_folder_with_encoded_subject_and_parent_domain(known: Services) -> None:
    report = import_mail(known, DATA / "mail_eml")
    assert [(o.item, o.reason) for o in report.outcomes] == [
        ("01-greetings.eml", "message with person Dr. Wei Chen"),
        ("01-greetings.eml", "message with person Jonas Becker"),
        ("02-order.eml", "message with vendor Fresh Fields Market"),  # shop.freshfields...
    ]
    notes = [i["note"] for i in interactions(known)]
    assert notes == ["Received: Grüße aus Köln — café"] * 2 + ["Sent: Order 1234"]


def test_bodies_only_when_asked(known: Services) -> None:
    import_mail(known, DATA / "mail_eml", with_bodies=True)
    notes = [i["note"] for i in interactions(known)]
    assert notes[0] == "Received: Grüße aus Köln — café\n\nSchöne Grüße!"
    assert notes[2] == "Sent: Order 1234\n\nPlease cancel order 1234."


def test_long_bodies_are_cut_to_the_note_limit(known: Services, tmp_path: Path) -> None:
    (tmp_path / "long.eml").write_text(
        "From: ana@example.org\nTo: me@home.example\nDate: Mon, 13 Jan 2025 10:00:00 +0000\n"
        "Subject: Long\n\n" + "word " * 2000,
        encoding="utf-8",
    )
    import_mail(known, tmp_path / "long.eml", with_bodies=True)
    assert len(interactions(known)[0]["note"]) == 4000


def test_me_option_tells_direction(services: Services, vendor: dict[str, Any]) -> None:
    import_mail(services, DATA / "mail_eml", me=["ME@home.example"])
    assert [i["note"] for i in interactions(services)] == ["Sent: Order 1234"]


def test_mail_reimport_is_idempotent(known: Services, store: Store) -> None:
    import_mail(known, DATA / "mail.mbox")
    before = digest(store)
    again = import_mail(known, DATA / "mail.mbox")
    assert again.count("created") == 0
    assert again.outcomes[0].reason == "person Ana Lima: already imported"
    assert digest(store) == before


def test_message_without_date_refuses_the_folder(
    known: Services, store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.eml").write_bytes((DATA / "mail_eml" / "02-order.eml").read_bytes())
    (folder / "b.eml").write_text("From: ana@example.org\nSubject: hi\n\nx", encoding="utf-8")
    before = digest(store)
    with pytest.raises(ValidationFailed) as caught:
        import_mail(known, folder)
    assert caught.value.message == "inbox: 1 item(s) have errors; nothing was imported"
    assert caught.value.details == {"b.eml": {"Date": ["Missing: every message needs a date."]}}
    assert digest(store) == before


def test_not_an_mbox_is_refused(known: Services, tmp_path: Path) -> None:
    path = tmp_path / "inbox.txt"
    path.write_text("hello\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        import_mail(known, path)
    assert caught.value.message == "inbox.txt is not an mbox file"


def test_stable_ids_are_uuid7_and_deterministic() -> None:
    from datetime import date

    first = stable_id(date(2025, 1, 6), "uid", "x")
    assert first == stable_id(date(2025, 1, 6), "uid", "x")
    assert first != stable_id(date(2025, 1, 6), "uid", "y")
    assert first[14] == "7" and first[19] in "89ab"
