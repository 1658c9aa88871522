"""pds import contacts | calendar | mail, through click's runner, against a real store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.conftest import Invoke
from tests.cli.test_data_commands import _digest

DATA = Path(__file__).resolve().parents[1] / "data"


def _counts(pds: Invoke) -> dict[str, int]:
    return json.loads(pds("status", "--json").output)["counts"]


def _good_cards(tmp: Path) -> Path:
    text = (DATA / "contacts.vcf").read_text(encoding="utf-8")
    path = tmp / "good.vcf"
    path.write_text("BEGIN:VCARD".join(text.split("BEGIN:VCARD")[:-1]), encoding="utf-8")
    return path


def test_contacts_dry_run_reports_and_changes_nothing(
    pds: Invoke, initialised: Path, tmp_path: Path
) -> None:
    before = _digest(initialised)
    result = pds("import", "contacts", "--dry-run", str(_good_cards(tmp_path)))
    assert result.exit_code == 0, result.output
    assert "good.vcf: 4 contacts read; would be: 3 created, 1 merged, 0 skipped" in result.output
    assert "card 3 (line 19): merged: into Ana Lima (same name): emails, tags" in result.output
    assert _digest(initialised) == before


def test_contacts_broken_file_is_refused_and_names_the_card(pds: Invoke, initialised: Path) -> None:
    before = _digest(initialised)
    result = pds("import", "contacts", str(DATA / "contacts.vcf"))
    assert result.exit_code == 2
    assert "error: contacts.vcf: 1 item(s) have errors; nothing was imported" in result.output
    assert "card 5 (line 31): emails: 0: Not a valid e-mail address." in result.output
    assert "Traceback" not in result.output
    assert _digest(initialised) == before


def test_contacts_then_calendar_then_mail_and_again(
    pds: Invoke, initialised: Path, tmp_path: Path
) -> None:
    assert pds("import", "contacts", str(_good_cards(tmp_path))).exit_code == 0
    assert _counts(pds)["relationships"] == 3
    me = ("--me", "me@home.example")
    result = pds("import", "calendar", *me, "--until", "2025-03-01", str(DATA / "events.ics"))
    assert result.exit_code == 0, result.output
    assert "events.ics: 6 events read; were: 7 created, 0 merged, 4 skipped" in result.output
    result = pds("import", "mail", *me, str(DATA / "mail.mbox"))
    assert result.exit_code == 0, result.output
    assert "message 1: created: message with person Ana Lima" in result.output
    result = pds("import", "mail", *me, "--with-bodies", str(DATA / "mail_eml"))
    assert "mail_eml: 2 messages read; were: 2 created, 0 merged, 1 skipped" in result.output
    assert _counts(pds)["interactions"] == 10
    before = _digest(initialised)
    for args in (
        ("contacts", str(_good_cards(tmp_path))),
        ("calendar", *me, "--until", "2025-03-01", str(DATA / "events.ics")),
        ("mail", *me, str(DATA / "mail.mbox")),
        ("mail", *me, str(DATA / "mail_eml")),
    ):
        again = pds("import", *args)
        assert again.exit_code == 0, again.output
        assert " 0 created, 0 merged" in again.output
    assert _digest(initialised) == before


def test_calendar_broken_file_is_refused(pds: Invoke, initialised: Path) -> None:
    before = _digest(initialised)
    result = pds("import", "calendar", str(DATA / "events_broken.ics"))
    assert result.exit_code == 2
    assert "error: events_broken.ics: 1 item(s) have errors; nothing was imported" in (
        result.output
    )
    assert "event 2 (nostart-2@cal.example): DTSTART: Missing: every event needs a start." in (
        result.output
    )
    assert _digest(initialised) == before


def test_calendar_dry_run_with_errors_exits_2(pds: Invoke, initialised: Path) -> None:
    before = _digest(initialised)
    result = pds("import", "calendar", "--dry-run", str(DATA / "events_broken.ics"))
    assert result.exit_code == 2
    assert "1 item(s) of events_broken.ics have errors; an import would write nothing" in (
        result.output
    )
    assert _digest(initialised) == before


def test_mail_dry_run_changes_nothing(pds: Invoke, initialised: Path, tmp_path: Path) -> None:
    assert pds("import", "contacts", str(_good_cards(tmp_path))).exit_code == 0
    before = _digest(initialised)
    result = pds("import", "mail", "--dry-run", str(DATA / "mail.mbox"))
    assert result.exit_code == 0, result.output
    assert "mail.mbox: 4 messages read; would be: 1 created, 0 merged, 3 skipped" in result.output
    assert _digest(initialised) == before


def test_mail_broken_message_is_refused(pds: Invoke, initialised: Path, tmp_path: Path) -> None:
    (tmp_path / "bad.eml").write_text("Subject: no sender\n\nx", encoding="utf-8")
    before = _digest(initialised)
    result = pds("import", "mail", str(tmp_path / "bad.eml"))
    assert result.exit_code == 2
    assert "error: bad.eml: 1 item(s) have errors; nothing was imported" in result.output
    assert "bad.eml: Date: Missing: every message needs a date." in result.output
    assert "bad.eml: From: Missing: every message needs a sender." in result.output
    assert _digest(initialised) == before


def test_google_contacts_keep_what_they_carry_and_name_what_is_not_kept(
    pds: Invoke, initialised: Path, on_disk: Any
) -> None:
    result = pds("import", "contacts", str(DATA / "google_contacts.vcf"))
    assert result.exit_code == 0, result.output
    assert "google_contacts.vcf: 4 contacts read; were: 4 created, 0 merged" in result.output
    assert "card 3 (line 60): created: vendor Padaria Estrela" in result.output
    assert "card 4 (line 70): created: person +351 913 000 111" in result.output
    assert "not kept (pds has no place for them): PHOTO (a link; not fetched) (1)" in (
        result.output
    )
    with on_disk() as services:
        maria = next(r for r in services.relationships.all_records() if r["name"] == "Maria Santos")
        assert (maria["birthday"], maria["organisation"]) == ("1985-04-12", "Atlântico Design")
        photo = services.photos.photo_of(maria["id"])
        assert photo is not None and photo.media_type == "image/jpeg"


def test_contacts_with_an_impossible_date_are_refused(
    pds: Invoke, initialised: Path, tmp_path: Path
) -> None:
    path = tmp_path / "wrong.vcf"
    path.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:X\nBDAY:1985-02-30\nEND:VCARD\n", "utf-8")
    before = _digest(initialised)
    result = pds("import", "contacts", str(path))
    assert result.exit_code == 2
    assert "card 1 (line 1): BDAY: line 4: '1985-02-30' is not a day that exists." in result.output
    assert "Traceback" not in result.output
    assert _digest(initialised) == before


def test_contacts_skip_invalid_imports_the_rest(pds: Invoke, initialised: Path) -> None:
    result = pds("import", "contacts", "--skip-invalid", str(DATA / "contacts.vcf"))
    assert result.exit_code == 0, result.output
    assert "contacts.vcf: 5 contacts read; were: 3 created, 1 merged, 1 skipped" in result.output
    assert "card 5 (line 31): skipped: invalid: emails: 0: Not a valid e-mail address." in (
        result.output
    )
    assert _counts(pds)["relationships"] == 3
