"""pds rel: list, show, add, edit (kind too), end, delete; name-or-id matching; bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pds.errors import Conflict, NotFound, ValidationFailed
from tests.cli.conftest import Invoke


@pytest.fixture
def people(on_disk: Callable[[], Any]) -> dict[str, Any]:
    """Ada and Ada's namesake Adam, and a company card imported as a person with one call."""
    with on_disk() as services:
        ada = services.relationships.add({"kind": "person", "name": "Ada Lovelace"})
        adam = services.relationships.add({"kind": "person", "name": "Adam Smith"})
        acme = services.relationships.add({"kind": "person", "name": "Acme Widgets GmbH"})
        services.interactions.log(
            {"kind": "call", "date": "2026-01-05", "counterpart_id": acme["id"]}
        )
    return {"ada": ada, "adam": adam, "acme": acme}


def _stored(on_disk: Callable[[], Any], record_id: str) -> dict[str, Any]:
    with on_disk() as services:
        return dict(services.relationships.get(record_id))


def test_add_list_and_show(pds: Invoke, initialised: Any) -> None:
    added = pds("rel", "add", "Grace Hopper", "--email", "grace@example.org", "--tag", "Navy")
    assert added.exit_code == 0, added.output
    (record,) = json.loads(pds("rel", "list", "--json").output)
    assert (record["name"], record["emails"], record["tags"]) == (
        "Grace Hopper",
        ["grace@example.org"],
        ["navy"],
    )
    shown = pds("rel", "show", "grace")
    assert shown.exit_code == 0 and "emails: grace@example.org" in shown.output


def test_a_name_that_fits_several_is_refused_with_the_candidates(
    pds: Invoke, people: dict[str, Any], on_disk: Callable[[], Any]
) -> None:
    result = pds("rel", "edit", "ada", "--notes", "which one?")
    assert result.exit_code == Conflict.exit_code
    assert people["ada"]["id"] in result.output and people["adam"]["id"] in result.output
    assert "notes" not in _stored(on_disk, people["ada"]["id"])
    exact = pds("rel", "edit", "ADA LOVELACE", "--notes", "this one")
    assert exact.exit_code == 0, exact.output
    assert _stored(on_disk, people["ada"]["id"])["notes"] == "this one"
    missing = pds("rel", "show", "Nobody")
    assert missing.exit_code == NotFound.exit_code and "no relationship named" in missing.output


def test_edit_fields_and_turn_a_company_into_a_vendor(
    pds: Invoke, people: dict[str, Any], on_disk: Callable[[], Any]
) -> None:
    result = pds(
        "rel", "edit", people["acme"]["id"], "--kind", "vendor", "--domain", "acme.example"
    )
    assert result.exit_code == 0, result.output
    acme = _stored(on_disk, people["acme"]["id"])
    assert (acme["kind"], acme["domain"]) == ("vendor", "acme.example")
    back = pds("rel", "edit", "Acme Widgets GmbH", "--kind", "person", "--notes", "a friend's firm")
    assert back.exit_code == 0, back.output
    acme = _stored(on_disk, people["acme"]["id"])
    assert (acme["kind"], acme.get("domain"), acme["notes"]) == (
        "person",
        None,
        "a friend's firm",
    )
    cleared = pds("rel", "edit", "Acme Widgets GmbH", "--notes", "")
    assert cleared.exit_code == 0 and "notes" not in _stored(on_disk, people["acme"]["id"])


def test_end_with_a_date_and_a_note_and_resume(
    pds: Invoke, people: dict[str, Any], on_disk: Callable[[], Any]
) -> None:
    result = pds("rel", "end", "Adam Smith", "--on", "2026-03-01", "--note", "moved away")
    assert result.exit_code == 0, result.output
    assert "Adam Smith is ended since 2026-03-01" in result.output
    adam = _stored(on_disk, people["adam"]["id"])
    assert (adam["status"], adam["status_since"], adam["status_note"]) == (
        "ended",
        "2026-03-01",
        "moved away",
    )
    impossible = pds("rel", "end", "Adam Smith", "--status", "paused", "--on", "2026-02-30")
    assert impossible.exit_code == ValidationFailed.exit_code
    assert "status_since" in impossible.output
    assert _stored(on_disk, people["adam"]["id"]) == adam
    assert pds("rel", "end", "Adam Smith", "--status", "active").exit_code == 0
    assert _stored(on_disk, people["adam"]["id"])["status"] == "active"


def test_delete_asks_with_the_count_and_keeps_on_no(
    pds: Invoke, people: dict[str, Any], on_disk: Callable[[], Any]
) -> None:
    refused = pds("rel", "delete", "Acme Widgets GmbH", input="n\n")
    assert refused.exit_code != 0
    assert "Delete Acme Widgets GmbH with 1 interactions?" in refused.output
    assert _stored(on_disk, people["acme"]["id"])["name"] == "Acme Widgets GmbH"
    done = pds("rel", "delete", "Acme Widgets GmbH", "--yes")
    assert done.exit_code == 0 and "deleted Acme Widgets GmbH with 1 interactions" in done.output
    with on_disk() as services:
        assert services.interactions.count_with(people["acme"]["id"]) == 0
        assert services.relationships.count() == 2


def test_organisation_title_and_nicknames_and_show_prints_every_field(
    pds: Invoke, people: dict[str, Any], on_disk: Callable[[], Any]
) -> None:
    ada_id = people["ada"]["id"]
    result = pds(
        "rel",
        "edit",
        "Ada Lovelace",
        "--organisation",
        "Analytical Engines",
        "--title",
        "Programmer",
        "--nickname",
        "Countess",
        "--nickname",
        "Enchantress of Numbers",
    )
    assert result.exit_code == 0, result.output
    ada = _stored(on_disk, ada_id)
    assert (ada["organisation"], ada["title"], ada["nicknames"]) == (
        "Analytical Engines",
        "Programmer",
        ["Countess", "Enchantress of Numbers"],
    )
    with on_disk() as services:
        services.relationships.update(
            ada_id,
            {
                "birthday": "--12-10",
                "anniversaries": [{"label": "wedding", "date": "1835-07-08"}],
                "addresses": [
                    {"label": "home", "street": "12 St James's Square", "locality": "London"}
                ],
                "related": [
                    {"relation": "friend", "name": "Adam", "relationship_id": people["adam"]["id"]}
                ],
            },
        )
    shown = pds("rel", "show", ada_id).output.splitlines()
    assert "organisation: Analytical Engines" in shown and "title: Programmer" in shown
    assert "nicknames: Countess, Enchantress of Numbers" in shown
    assert "birthday: 10 December" in shown
    assert shown[shown.index("anniversaries:") + 1] == "  wedding: 8 July 1835"
    assert shown[shown.index("addresses:") + 1] == "  home: 12 St James's Square, London"
    assert shown[shown.index("related:") + 1] == f"  friend: Adam ({people['adam']['id']})"
    cleared = pds("rel", "edit", ada_id, "--organisation", "", "--title", "")
    assert cleared.exit_code == 0, cleared.output
    assert "organisation" not in _stored(on_disk, ada_id)
    added = pds("rel", "add", "Grace", "--title", "Rear Admiral", "--nickname", "Amazing Grace")
    assert added.exit_code == 0, added.output


def test_photo_set_refused_and_removed(
    pds: Invoke, people: dict[str, Any], on_disk: Callable[[], Any], tmp_path: Path
) -> None:
    png = tmp_path / "face.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    saved = pds("rel", "photo", "Ada Lovelace", str(png))
    assert saved.exit_code == 0, saved.output
    assert "Ada Lovelace: photo saved (image/png, 48 bytes)" in saved.output
    text = tmp_path / "face.jpg"
    text.write_text("not an image", encoding="utf-8")
    refused = pds("rel", "photo", "Ada Lovelace", str(text))
    assert refused.exit_code == ValidationFailed.exit_code
    assert "Not a JPEG, PNG, GIF or WebP image" in refused.output
    with on_disk() as services:
        kept = services.photos.photo_of(people["ada"]["id"])
        assert kept is not None and kept.media_type == "image/png"
    removed = pds("rel", "photo", "Ada Lovelace", "--remove")
    assert removed.exit_code == 0 and "removed the photo of Ada Lovelace" in removed.output
    with on_disk() as services:
        assert services.photos.photo_of(people["ada"]["id"]) is None
    assert pds("rel", "photo", "Ada Lovelace").exit_code == 2  # neither FILE nor --remove


def test_show_prints_entries_and_the_photo(
    pds: Invoke, initialised: Any, on_disk: Callable[[], Any]
) -> None:
    with on_disk() as services:
        record = services.relationships.add(
            {
                "kind": "person",
                "name": "Noor",
                "nicknames": ["No", "Nono"],
                "addresses": [{"label": "home", "street": "Rua 1\nApt 2", "locality": "Porto"}],
            }
        )
        services.photos.set(record["id"], b"GIF89a" + b"\x00" * 10)
    shown = pds("rel", "show", "Noor")
    assert shown.exit_code == 0, shown.output
    assert "nicknames: No, Nono" in shown.output
    lines = shown.output.splitlines()
    assert "Porto" in lines[lines.index("addresses:") + 1]
    assert "photo: image/gif, 16 bytes" in shown.output
