"""vCard import of what contact files carry beyond names and contact points: dates,
postal addresses, organisation and title, nicknames, related people, the photo; cards
named by their organisation, e-mail or number; and what is not kept, named."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pds.errors import ValidationFailed
from pds.schemas.photo import MAX_PHOTO_BYTES
from pds.services import Services
from pds.services.importers.vcard import import_vcard
from pds.store import Store

from .test_import_elsewhere import DATA, digest

GOOGLE = DATA / "google_contacts.vcf"
V4 = DATA / "contacts_v4.vcf"
JPEG_SHA256 = "d9fc9051457526e37fee8a6df98be4a521c8cbc8ee6b9955045711f1cc4a2933"


def by_name(services: Services) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in services.relationships.all_records()}


def card_of(folder: Path, *lines: str) -> Path:
    """A 4.0 file of one card of ``lines``."""
    path = folder / "card.vcf"
    path.write_text("\r\n".join(["BEGIN:VCARD", "VERSION:4.0", *lines, "END:VCARD", ""]), "utf-8")
    return path


def card(tmp_path: Path, *lines: str, version: str = "3.0") -> Path:
    """A file of one card with ``lines`` (after FN:Test Person)."""
    path = tmp_path / "one.vcf"
    body = ["BEGIN:VCARD", f"VERSION:{version}", "FN:Test Person", *lines, "END:VCARD", ""]
    path.write_text("\r\n".join(body), encoding="utf-8")
    return path


@pytest.fixture
def google(services: Services) -> Services:
    import_vcard(services, GOOGLE)
    return services


def test_google_card_keeps_dates_addresses_work_nicknames_related(google: Services) -> None:
    maria = by_name(google)["Maria Santos"]
    assert maria["birthday"] == "1985-04-12"
    assert maria["anniversaries"] == [{"label": "anniversary", "date": "2012-06-16"}]
    assert maria["nicknames"] == ["Mia", "Mimi"]
    assert maria["organisation"] == "Atlântico Design"
    assert maria["title"] == "Art Director (Brand Studio)"  # ORG's department after TITLE
    assert maria["addresses"] == [
        {
            "label": "home",
            "street": "Rua das Flores 12\n3.º Esq.",
            "locality": "Lisboa",
            "postal_code": "1200-192",
            "country": "Portugal",
        },
        {
            "label": "Studio",  # itemN.ADR with its X-ABLabel
            "street": "Travessa do Carmo 5",
            "locality": "Lisboa",
            "postal_code": "1200-094",
            "country": "Portugal",
        },
    ]
    assert maria["related"] == [
        {"relation": "sister", "name": "Lúcia Santos"},
        {"relation": "spouse", "name": "Pedro Alves"},
    ]
    assert maria["urls"] == ["https://mariasantos.example/"]  # Google's escaped "\:"
    assert maria["notes"] == "Met at Lisbon design week 2019, loves tiles."


def test_google_card_photo_is_kept_apart_from_the_record(google: Services) -> None:
    maria = by_name(google)["Maria Santos"]
    assert "photo" not in maria
    photo = google.photos.photo_of(maria["id"])
    assert photo is not None
    assert photo.media_type == "image/jpeg"
    assert photo.data.startswith(b"\xff\xd8\xff") and photo.size == 876


def test_no_year_birthday_role_and_custom_relation(google: Services) -> None:
    records = by_name(google)
    tomasz = records["Tomasz Nowak"]
    assert tomasz["birthday"] == "--07-03"
    assert tomasz["title"] == "Baker"  # ROLE, as there is no TITLE
    assert tomasz["related"] == [  # linked to the one relationship of that name
        {
            "relation": "friend",
            "name": "Maria Santos",
            "relationship_id": records["Maria Santos"]["id"],
        },
        {
            "relation": "works at",
            "name": "Padaria Estrela",
            "relationship_id": records["Padaria Estrela"]["id"],
        },
    ]
    assert google.photos.photo_of(tomasz["id"]) is None  # a link: never fetched


def test_org_only_card_is_an_organisation_and_number_only_a_person(google: Services) -> None:
    records = by_name(google)
    bakery = records["Padaria Estrela"]
    assert bakery["kind"] == "vendor"
    assert "organisation" not in bakery
    assert bakery["addresses"][0]["label"] == "work"
    number = records["+351 913 000 111"]
    assert number["kind"] == "person" and number["phones"] == ["+351 913 000 111"]


def test_report_names_what_is_not_kept(services: Services) -> None:
    report = import_vcard(services, GOOGLE, dry_run=True)
    assert dict(report.not_kept) == {
        "PHOTO (a link; not fetched)": 1,
        "X-PHONETIC-FIRST-NAME": 1,
        "X-ABLABEL (of an e-mail, phone or URL)": 2,
    }
    assert "not kept (pds has no place for them): PHOTO (a link; not fetched) (1)" in (
        report.summary()
    )
    assert [o.reason for o in report.outcomes] == [
        "person Maria Santos",
        "person Tomasz Nowak",
        "vendor Padaria Estrela",
        "person +351 913 000 111",
    ]


def test_vcard_4_related_anniversary_data_uri_photo_and_kind_org(services: Services) -> None:
    report = import_vcard(services, V4)
    assert dict(report.not_kept) == {"GEO": 1, "KEY": 1, "REV": 1, "UID": 1}
    records = by_name(services)
    lucia = records["Lúcia Santos"]
    assert lucia["birthday"] == "--04-12"
    assert lucia["anniversaries"] == [{"label": "anniversary", "date": "2015-09-05"}]
    assert lucia["related"] == [  # no Maria Santos in this store: not linked
        {"relation": "sister", "name": "Maria Santos"},
        {"relation": "co-worker", "name": "joana@porto-tiles.example"},
    ]
    assert lucia["nicknames"] == ["Lu"]
    assert lucia["phones"] == ["+351-22-555-0101"]
    photo = services.photos.photo_of(lucia["id"])
    assert photo is not None and photo.media_type == "image/png"
    assert photo.data.startswith(b"\x89PNG")
    henrik = records["Henrik Dahl"]
    assert henrik["birthday"] == "1979-02-03"  # 4.0's basic form 19790203
    assert henrik["anniversaries"] == [{"label": "anniversary", "date": "--09-01"}]
    assert records["Nordlicht Books"]["kind"] == "vendor"  # KIND:org


def test_reimport_changes_nothing(google: Services, store: Store) -> None:
    before = digest(store)
    report = import_vcard(google, GOOGLE)
    assert report.count("skipped") == 4
    assert digest(store) == before


def test_related_people_link_across_files_only_to_a_unique_name(
    google: Services, tmp_path: Path
) -> None:
    import_vcard(google, V4)
    records = by_name(google)
    (sister, _) = records["Lúcia Santos"]["related"]
    assert sister["relationship_id"] == records["Maria Santos"]["id"]
    google.relationships.add({"kind": "person", "name": "Joana Reis"})
    google.relationships.add({"kind": "person", "name": "Joana Reis"})
    import_vcard(google, card_of(tmp_path, "FN:Rui", "RELATED;TYPE=friend;VALUE=text:Joana Reis"))
    assert by_name(google)["Rui"]["related"] == [{"relation": "friend", "name": "Joana Reis"}]


def test_merge_fills_what_the_person_lacks_and_keeps_their_photo(
    services: Services, tmp_path: Path
) -> None:
    ana = services.relationships.add(
        {"kind": "person", "name": "Ana Lima", "emails": ["ana@example.org"], "title": "Chef"}
    )
    own = b"GIF89a" + b"\x00" * 20
    services.photos.set(ana["id"], own)
    jpeg = _jpeg_of_google_file()
    path = card(
        tmp_path,
        "EMAIL:ana@example.org",
        "BDAY:--02-29",
        "TITLE:Sous-chef",
        "NICKNAME:Aninha",
        "X-ANNIVERSARY:2001-05-05",
        "ADR;TYPE=HOME:;;Rua 1;Porto;;;",
        f"PHOTO;ENCODING=b;TYPE=JPEG:{base64.b64encode(jpeg).decode()}",
    )
    report = import_vcard(services, path)
    assert report.outcomes[0].outcome == "merged"
    merged = services.relationships.get(ana["id"])
    assert merged["name"] == "Ana Lima"
    assert merged["title"] == "Chef"  # hers is kept
    assert merged["birthday"] == "--02-29"
    assert merged["nicknames"] == ["Aninha"]
    assert merged["anniversaries"] == [{"label": "anniversary", "date": "2001-05-05"}]
    assert merged["addresses"] == [{"label": "home", "street": "Rua 1", "locality": "Porto"}]
    kept = services.photos.photo_of(ana["id"])
    assert kept is not None and kept.data == own


def test_merge_gives_a_photo_to_someone_without_one(
    services: Services, person: dict[str, Any], tmp_path: Path
) -> None:
    jpeg = _jpeg_of_google_file()
    path = card(tmp_path, "EMAIL:jonas@example.org", "PHOTO;ENCODING=b;TYPE=JPEG:" + _b64(jpeg))
    report = import_vcard(services, path)
    assert report.outcomes[0].reason.endswith(": photo")
    photo = services.photos.photo_of(person["id"])
    assert photo is not None and photo.data == jpeg


def test_apple_omitted_year_is_no_year(services: Services, tmp_path: Path) -> None:
    import_vcard(services, card(tmp_path, "BDAY;X-APPLE-OMIT-YEAR=1604:1604-11-23"))
    assert by_name(services)["Test Person"]["birthday"] == "--11-23"


# -- refusals: the card and line are named, nothing is written ----------------------------


def refused(services: Services, store: Store, path: Path) -> dict[str, Any]:
    before = digest(store)
    with pytest.raises(ValidationFailed) as caught:
        import_vcard(services, path)
    assert digest(store) == before
    assert services.relationships.count() == 0
    return dict(caught.value.details)


def test_impossible_date_names_card_and_line(
    services: Services, store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "two.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Fine\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Wrong\nEMAIL:w@example.org\nBDAY:1985-02-30\nEND:VCARD\n",
        encoding="utf-8",
    )
    assert refused(services, store, path) == {
        "card 2 (line 5)": {"BDAY": ["line 9: '1985-02-30' is not a day that exists."]}
    }


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("ANNIVERSARY:--1332", "line 4: '--1332' is not a day that exists."),
        (
            "X-ABDATE:next spring",
            "line 4: 'next spring' is not a date (expected YYYY-MM-DD or --MM-DD).",
        ),
    ],
)
def test_other_wrong_dates(
    services: Services, store: Store, tmp_path: Path, line: str, message: str
) -> None:
    details = refused(services, store, card(tmp_path, line))
    assert list(details["card 1 (line 1)"].values()) == [[message]]


def test_oversized_photo_is_refused(services: Services, store: Store, tmp_path: Path) -> None:
    big = b"\xff\xd8\xff\xe0" + b"\x00" * MAX_PHOTO_BYTES
    details = refused(services, store, card(tmp_path, "PHOTO;ENCODING=b;TYPE=JPEG:" + _b64(big)))
    assert details == {"card 1 (line 1)": {"PHOTO": ["line 4: Is 256 KiB; at most 256 KiB."]}}


def test_photo_that_is_not_an_image_is_refused(
    services: Services, store: Store, tmp_path: Path
) -> None:
    script = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
    path = card(tmp_path, "PHOTO:data:image/jpeg;base64," + _b64(script), version="4.0")
    assert refused(services, store, path) == {
        "card 1 (line 1)": {"PHOTO": ["line 4: Not a JPEG, PNG, GIF or WebP image (by its bytes)."]}
    }


def test_photo_that_is_not_base64_is_refused(
    services: Services, store: Store, tmp_path: Path
) -> None:
    path = card(tmp_path, "PHOTO;ENCODING=b;TYPE=JPEG:not*base64!")
    assert refused(services, store, path) == {
        "card 1 (line 1)": {"PHOTO": ["line 4: Not valid base64."]}
    }


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _jpeg_of_google_file() -> bytes:
    """The JPEG inside google_contacts.vcf (a real 24x24 picture)."""
    text = GOOGLE.read_text(encoding="utf-8").replace("\n ", "")
    line = next(x for x in text.splitlines() if x.startswith("PHOTO;ENCODING=b"))
    data = base64.b64decode(line.partition(":")[2])
    assert hashlib.sha256(data).hexdigest() == JPEG_SHA256
    return data


def test_skip_invalid_imports_the_good_cards_and_says_why_others_were_skipped(
    services: Services, tmp_path: Path
) -> None:
    path = tmp_path / "mixed.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Fine\nBDAY:--05-01\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Wrong\nBDAY:1985-02-30\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nNOTE:nobody\nEND:VCARD\n",
        encoding="utf-8",
    )
    report = import_vcard(services, path, skip_invalid=True)
    assert report.ok
    assert [(o.item, o.outcome, o.reason) for o in report.outcomes] == [
        ("card 1 (line 1)", "created", "person Fine"),
        (
            "card 2 (line 6)",
            "skipped",
            "invalid: BDAY: line 9: '1985-02-30' is not a day that exists.",
        ),
        (
            "card 3 (line 11)",
            "skipped",
            "invalid: name: Has no name (FN or N), organisation (ORG), e-mail address or phone.",
        ),
    ]
    assert list(by_name(services)) == ["Fine"]


def test_a_card_that_says_it_is_a_company_is_an_organisation(
    services: Services, tmp_path: Path
) -> None:
    import_vcard(services, card_of(tmp_path, "KIND:org", "FN:Kiosk am Eck"))
    (first,) = services.relationships.all_records()
    assert (first["kind"], first["name"]) == ("vendor", "Kiosk am Eck")
    path = tmp_path / "apple.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nN:;;;;\nFN:Velo Shop\nORG:Velo Shop GmbH;\n"
        "X-ABShowAs:COMPANY\nEND:VCARD\n",
        encoding="utf-8",
    )
    import_vcard(services, path)
    assert by_name(services)["Velo Shop GmbH"]["kind"] == "vendor"


PROPERTY_NAMES = st.sampled_from(
    ["BDAY", "ANNIVERSARY", "ADR", "ORG", "NICKNAME", "RELATED", "PHOTO", "X-ABDATE", "GEO"]
)
VALUES = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=st.lists(st.tuples(PROPERTY_NAMES, VALUES), max_size=6))
def test_any_value_is_read_or_refused_never_a_crash(
    services: Services, tmp_path: Path, lines: list[tuple[str, str]]
) -> None:
    path = card(tmp_path, *(f"{name}:{value}" for name, value in lines))
    try:
        report = import_vcard(services, path, dry_run=True)
    except ValidationFailed:
        return
    assert report.items_read == 1
