"""Import people from a vCard file (RFC 6350 4.0, RFC 2426 3.0; several cards per file).

Each card becomes a *person* relationship: ``FN`` (else ``N``) is the name; ``EMAIL``,
``TEL`` (``tel:`` URIs too) and ``URL`` the contact points; ``NOTE`` the notes;
``CATEGORIES`` the tags; birthday, anniversaries, addresses, organisation and title,
nicknames, related people and the photo as ``vcard_properties`` reads them. A card with
no name but an ``ORG``, or one that says it is a company (``KIND:org``, Apple's
``X-ABShowAs:COMPANY``), is an organisation (a vendor named by it); one with no name
and no ``ORG`` is a person named by its first e-mail address, else its first phone
number. Whatever else a card carries is counted
per property in the report's ``not_kept``, never dropped unsaid. Lines are parsed by
``vobject`` (unfolding, escapes, parameters, quoted-printable); the file is cut into
cards here so that each error names its card and line.

A card is merged into an existing relationship of its kind that has one of its e-mail
addresses, else the same name (ignoring case and surrounding spaces): it gains the
card's addresses, phones, URLs, tags, nicknames, anniversaries, postal addresses and
related people it lacks, its birthday, organisation, title and photo if it has none, and
its note if its notes do not hold it. A card with nothing new is skipped, so importing a
file twice changes nothing. Cards of one file that match each other are merged the same
way. A related person whose name only one relationship has is linked to it. Any faulty
card (an impossible date, an oversized photo or one that is not an image): nothing is
written, unless ``skip_invalid`` skips such cards.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import vobject

from pds.errors import ValidationFailed, detail_lines
from pds.schemas.relationship import MAX_CONTACTS
from pds.services.container import Services
from pds.services.context import check_actor
from pds.services.importers.outcome import ImportReport, named_source
from pds.services.importers.vcard_properties import CardReader
from pds.services.relationships.relationships import PERSON, VENDOR

LISTS = ("emails", "phones", "urls", "tags", "nicknames")
#: Lists of entries (dicts): an entry is new when no equal entry is there.
ENTRY_LISTS = ("anniversaries", "addresses", "related")
#: Fields a card fills only when the record has none.
SINGLE = ("birthday", "organisation", "title")
MERGED = (*LISTS, *ENTRY_LISTS, *SINGLE, "notes")
_BEGIN = re.compile(r"^BEGIN:VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^END:VCARD\s*$", re.IGNORECASE)
_TAG_FORBIDDEN = re.compile(r"[,;|]+")


@dataclass
class Card:
    number: int
    line: int
    text: str

    @property
    def label(self) -> str:
        return f"card {self.number} (line {self.line})"


@dataclass
class CardData:
    """What one card gives: the relationship's fields, its photo, what is not kept."""

    fields: dict[str, Any]
    photo: bytes | None = None
    not_kept: Counter[str] = field(default_factory=Counter)


def import_vcard(
    services: Services,
    source: Path | str | bytes,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    actor: str = "owner",
    name: str | None = None,
) -> ImportReport:
    """Import the cards of the vCard file ``source`` (a path, or its bytes and ``name``,
    as uploaded) as people; see the module doc.

    With ``skip_invalid`` a faulty card (or stray line) is skipped, its errors as the
    reason, and the others are imported; without it any fault refuses the whole file."""
    check_actor(actor)
    path, raw = named_source(source, name, "contacts.vcf")
    text = _decode(raw, path)
    report = ImportReport(source=path.name, what="contacts", dry_run=dry_run)
    cards = split_cards(text, report)
    report.items_read = len(cards)
    plan = _Plan(services, report, path.name)
    for card in cards:
        if not card.text:  # not closed: its error is already reported
            continue
        try:
            data = read_card(card)
        except ValidationFailed as exc:
            report.errors[card.label] = exc.details
            continue
        report.not_kept += data.not_kept
        plan.add(card, data)
    if skip_invalid:
        for item, details in report.errors.items():
            report.add(item, "skipped", "invalid: " + "; ".join(detail_lines(details)))
        report.errors.clear()
    if dry_run:
        return report
    report.refuse_if_errors()
    plan.link_related()
    plan.write(actor)
    return report


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValidationFailed(
            f"{path.name} is not UTF-8 (line {line})",
            {"file": [f"{path.name}: not valid UTF-8 at line {line}."]},
        ) from None


def split_cards(text: str, report: ImportReport) -> list[Card]:
    """The cards of ``text``, numbered, with the line each begins on; stray lines are errors."""
    cards: list[Card] = []
    current: list[str] | None = None
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if current is None:
            if _BEGIN.match(line):
                current, start = [line], number
            elif line.strip():
                report.errors[f"line {number}"] = {"file": ["Outside any BEGIN:VCARD/END:VCARD."]}
            continue
        if _BEGIN.match(line):  # the previous card was never closed
            card = Card(len(cards) + 1, start, "")
            report.errors[card.label] = {"card": ["Has no END:VCARD."]}
            cards.append(card)
            current, start = [line], number
            continue
        current.append(line)
        if _END.match(line):
            cards.append(Card(len(cards) + 1, start, "\r\n".join(current) + "\r\n"))
            current = None
    if current is not None:
        card = Card(len(cards) + 1, start, "")
        report.errors[card.label] = {"card": ["Has no END:VCARD (the file ends first)."]}
        cards.append(card)
    return cards


def read_card(card: Card) -> CardData:
    """What ``card`` gives; ``ValidationFailed`` if it cannot be read or holds a wrong value."""
    try:
        extras = CardReader(card.text, card.line).read()
        if extras.errors:  # first: these name their line
            raise ValidationFailed("wrong values", extras.errors)
        component = vobject.readOne(card.text, ignoreUnreadable=False)
    except ValidationFailed:
        raise
    except Exception as exc:  # vobject raises ParseError and, on odd input, others
        message = str(exc).strip() or type(exc).__name__
        raise ValidationFailed(message, {"card": [f"Not a readable vCard: {message}."]}) from None
    fields = {**card_fields(component.contents), **extras.fields}
    _name_the_card(fields)
    return CardData({k: v for k, v in fields.items() if v}, extras.photo, extras.not_kept)


def _name_the_card(fields: dict[str, Any]) -> None:
    """Set ``kind`` and ``name``: a card that says it is a company (``KIND:org``, Apple's
    ``X-ABShowAs:COMPANY``) or has an ``ORG`` and no name is an organisation named by its
    ``ORG`` (else its ``FN``); else a person by name, e-mail address or phone number;
    ``ValidationFailed`` if there is nothing to name it by."""
    company = fields.pop("_company", False)
    if company or (fields.get("organisation") and not fields.get("name")):
        name = fields.pop("organisation", None) or fields.get("name")
        if name:
            fields.update(kind=VENDOR, name=name)
            return
    if not fields.get("name"):
        fields["name"] = next(iter([*fields.get("emails", ()), *fields.get("phones", ())]), "")
    if not fields["name"]:
        raise ValidationFailed(
            "no name",
            {"name": ["Has no name (FN or N), organisation (ORG), e-mail address or phone."]},
        )
    fields["kind"] = PERSON


def card_fields(contents: dict[str, Any]) -> dict[str, Any]:
    """The names and contact points of a card's ``vobject`` contents."""
    fields: dict[str, Any] = {"name": _first(contents, "fn") or _name_of(contents.get("n"))}
    fields["_company"] = (
        _first(contents, "x-abshowas").upper() == "COMPANY"
        or _first(contents, "kind").lower() == "org"
    )
    fields["emails"] = _values(contents, "email")
    fields["phones"] = [_phone(v) for v in _values(contents, "tel")]
    fields["urls"] = _values(contents, "url")
    fields["tags"] = [_tag(t) for line in contents.get("categories", ()) for t in _list(line.value)]
    notes = _values(contents, "note")
    if notes:
        fields["notes"] = "\n\n".join(notes)
    return fields


def _first(contents: dict[str, Any], key: str) -> str:
    values = _values(contents, key)
    return values[0] if values else ""


def _values(contents: dict[str, Any], key: str) -> list[str]:
    found = []
    for line in contents.get(key, ()):
        value = line.value
        text = value.replace("\\:", ":").strip() if isinstance(value, str) else ""
        if text and text not in found:
            found.append(text)
    return found


def _list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _name_of(lines: Any) -> str:
    if not lines:
        return ""
    n = lines[0].value
    parts = [*_list(n.prefix), *_list(n.given), *_list(n.additional), *_list(n.family)]
    return " ".join(p.strip() for p in [*parts, *_list(n.suffix)] if p.strip())


def _phone(value: str) -> str:
    return value[4:] if value.lower().startswith("tel:") else value


def _tag(value: str) -> str:
    return _TAG_FORBIDDEN.sub(" ", value).strip().lower()


def _key(name: str) -> str:
    return unicodedata.normalize("NFC", name).strip().casefold()


class _Plan:
    """Relationships to create and to change, matched within their kind by e-mail address,
    then by name; and the photos to store with them."""

    def __init__(self, services: Services, report: ImportReport, source: str) -> None:
        self.services = services
        self.report = report
        self.source = source
        self.records: dict[str, dict[str, Any]] = {}  # id -> the record as planned
        self.new: set[str] = set()
        self.changed: set[str] = set()
        self.photos: dict[str, dict[str, Any]] = {}  # id -> the photo record to store
        self.by_email: dict[tuple[str, str], str] = {}
        self.by_name: dict[tuple[str, str], str] = {}
        existing = [
            *services.relationships.of_kind(PERSON),
            *services.relationships.of_kind(VENDOR),
        ]
        for record in sorted(existing, key=lambda r: r["id"]):
            self._remember(record)

    def _remember(self, record: dict[str, Any]) -> None:
        self.records[record["id"]] = record
        kind = record["kind"]
        for email in record.get("emails", ()):
            self.by_email.setdefault((kind, email.casefold()), record["id"])
        self.by_name.setdefault((kind, _key(record["name"])), record["id"])

    def _match(self, fields: dict[str, Any]) -> tuple[str, str] | None:
        kind = fields["kind"]
        for email in fields.get("emails", ()):
            if (kind, email.casefold()) in self.by_email:
                return self.by_email[(kind, email.casefold())], f"same e-mail address {email}"
        if (kind, _key(fields["name"])) in self.by_name:
            return self.by_name[(kind, _key(fields["name"]))], "same name"
        return None

    def add(self, card: Card, data: CardData) -> None:
        fields = data.fields
        match = self._match(fields)
        relationships = self.services.relationships
        try:
            if match is None:
                record = relationships.new_record(
                    {**fields, "how_known": f"Imported from {self.source}"}
                )
                self._plan_photo(record["id"], data.photo)
                self.new.add(record["id"])
                self._remember(record)
                self.report.add(card.label, "created", f"{record['kind']} {record['name']}")
                return
            record_id, why = match
            current = self.records[record_id]
            changes = _merged(current, fields)
            record = relationships.changed_record(current, changes) if changes else current
            added = sorted(changes)
            if self._plan_photo(record_id, data.photo):  # last: a card in error plans none
                added.append("photo")
            if not added:
                self.report.add(card.label, "skipped", f"{current['name']}: nothing new ({why})")
                return
        except ValidationFailed as exc:
            self.report.errors[card.label] = exc.details
            return
        if changes and record_id not in self.new:
            self.changed.add(record_id)
        self._remember(record)
        self.report.add(card.label, "merged", f"into {record['name']} ({why}): {', '.join(added)}")

    def _plan_photo(self, record_id: str, photo: bytes | None) -> bool:
        """Plan ``photo`` for the record unless it has one already; whether it was planned."""
        if photo is None or record_id in self.photos:
            return False
        if record_id not in self.new and self.services.photos.has_photo(record_id):
            return False
        self.photos[record_id] = self.services.photos.new_record(record_id, photo)
        return True

    def link_related(self) -> None:
        """Give the related people of the records this import writes the id of the one
        relationship with that name, when exactly one has it (never a guess between two)."""
        named: dict[str, list[str]] = {}
        for record_id, record in self.records.items():
            named.setdefault(_key(record["name"]), []).append(record_id)
        for record_id in self.new | self.changed:
            record = self.records[record_id]
            for entry in record.get("related", ()):
                ids = [i for i in named.get(_key(entry["name"]), ()) if i != record_id]
                if "relationship_id" not in entry and len(ids) == 1:
                    entry["relationship_id"] = ids[0]

    def write(self, actor: str) -> None:
        services = self.services
        new = [self.records[i] for i in self.records if i in self.new]
        with services.store.transaction():
            services.relationships.store_new(new)
            for record_id in sorted(self.changed):
                record = self.records[record_id]
                changes = {k: v for k, v in record.items() if k in MERGED}
                services.relationships.update(record_id, changes, actor=actor)
            services.photos.store_many(list(self.photos.values()))
            if new:
                services.store.log_event(
                    {"actor": actor, "action": "relationship.import", "count": len(new)}
                )
            if self.photos:
                services.store.log_event(
                    {"actor": actor, "action": "relationship.photo.set", "count": len(self.photos)}
                )
        self.report.record_ids = [r["id"] for r in new] + sorted(self.changed)


def _entry_key(entry: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """An entry as a card would give it: without the link to a relationship, any case."""
    return tuple(sorted((k, str(v).casefold()) for k, v in entry.items() if k != "relationship_id"))


def _merged(current: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """The fields of ``current`` that ``fields`` adds to: lists gain values and entries,
    empty fields are filled, notes gain a note."""
    changes: dict[str, Any] = {}
    for name in LISTS:
        have = list(current.get(name, ()))
        folded = {v.casefold() for v in have}
        extra = [v for v in fields.get(name, ()) if v.casefold() not in folded]
        if extra:
            if len(have) + len(extra) > MAX_CONTACTS and name not in ("tags", "nicknames"):
                raise ValidationFailed(
                    f"too many {name}", {name: [f"Would have more than {MAX_CONTACTS}."]}
                )
            changes[name] = have + extra
    for name in ENTRY_LISTS:
        have = list(current.get(name, ()))
        known = {_entry_key(entry) for entry in have}
        extra = [entry for entry in fields.get(name, ()) if _entry_key(entry) not in known]
        if extra:
            changes[name] = have + extra
    for name in SINGLE:
        if fields.get(name) and not current.get(name):
            changes[name] = fields[name]
    note = fields.get("notes")
    if note and note not in current.get("notes", ""):
        changes["notes"] = f"{current['notes']}\n\n{note}" if current.get("notes") else note
    return changes
