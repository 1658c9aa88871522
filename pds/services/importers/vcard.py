"""Import people from a vCard file (RFC 6350 4.0, RFC 2426 3.0; several cards per file).

Each card becomes a *person* relationship: ``FN`` (else ``N``) is the name; ``EMAIL``,
``TEL`` (``tel:`` URIs too) and ``URL`` the contact points; ``NOTE`` the notes;
``CATEGORIES`` the tags. Other properties are ignored. Lines are parsed by ``vobject``
(unfolding, escapes, parameters, quoted-printable); the file is cut into cards here so
that each error names its card and line.

A card is merged into an existing person who has one of its e-mail addresses, else who
has the same name (ignoring case and surrounding spaces): the person gains the card's
addresses, phones, URLs and tags they lack, and its note if theirs does not hold it. A
card with nothing new is skipped, so importing a file twice changes nothing. Cards of one
file that match each other are merged the same way. Any faulty card: nothing is written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import vobject

from pds.errors import ValidationFailed
from pds.schemas.relationship import MAX_CONTACTS
from pds.services.container import Services
from pds.services.context import check_actor
from pds.services.importers.outcome import ImportReport, read_source
from pds.services.relationships.relationships import PERSON

LISTS = ("emails", "phones", "urls", "tags")
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


def import_vcard(
    services: Services,
    source: Path | str,
    *,
    dry_run: bool = False,
    actor: str = "owner",
) -> ImportReport:
    """Import the cards of the vCard file ``source`` as people; see the module doc."""
    check_actor(actor)
    path = Path(source)
    text = _decode(read_source(path), path)
    report = ImportReport(source=path.name, what="contacts", dry_run=dry_run)
    cards = split_cards(text, report)
    report.items_read = len(cards)
    plan = _Plan(services, report, path.name)
    for card in cards:
        if not card.text:  # not closed: its error is already reported
            continue
        try:
            fields = card_fields(card)
        except ValidationFailed as exc:
            report.errors[card.label] = exc.details
            continue
        plan.add(card, fields)
    if dry_run:
        return report
    report.refuse_if_errors()
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


def card_fields(card: Card) -> dict[str, Any]:
    """The relationship fields of ``card``; ``ValidationFailed`` if it cannot be read."""
    try:
        component = vobject.readOne(card.text, ignoreUnreadable=False)
    except Exception as exc:  # vobject raises ParseError and, on odd input, others
        message = str(exc).strip() or type(exc).__name__
        raise ValidationFailed(message, {"card": [f"Not a readable vCard: {message}."]}) from None
    contents = component.contents
    fields: dict[str, Any] = {"kind": PERSON}
    name = _first(contents, "fn") or _name_of(contents.get("n"))
    if not name:
        raise ValidationFailed("no name", {"name": ["Has no name (FN or N)."]})
    fields["name"] = name
    fields["emails"] = _values(contents, "email")
    fields["phones"] = [_phone(v) for v in _values(contents, "tel")]
    fields["urls"] = _values(contents, "url")
    fields["tags"] = [_tag(t) for line in contents.get("categories", ()) for t in _list(line.value)]
    notes = _values(contents, "note")
    if notes:
        fields["notes"] = "\n\n".join(notes)
    return {k: v for k, v in fields.items() if v}


def _first(contents: dict[str, Any], key: str) -> str:
    values = _values(contents, key)
    return values[0] if values else ""


def _values(contents: dict[str, Any], key: str) -> list[str]:
    found = []
    for line in contents.get(key, ()):
        value = line.value
        text = value.strip() if isinstance(value, str) else ""
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
    """People to create and people to change, matched by e-mail address, then by name."""

    def __init__(self, services: Services, report: ImportReport, source: str) -> None:
        self.services = services
        self.report = report
        self.source = source
        self.people: dict[str, dict[str, Any]] = {}  # id -> the record as planned
        self.new: set[str] = set()
        self.changed: set[str] = set()
        self.by_email: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        existing = services.relationships.of_kind(PERSON)
        for record in sorted(existing, key=lambda r: r["id"]):
            self._remember(record)

    def _remember(self, record: dict[str, Any]) -> None:
        self.people[record["id"]] = record
        for email in record.get("emails", ()):
            self.by_email.setdefault(email.casefold(), record["id"])
        self.by_name.setdefault(_key(record["name"]), record["id"])

    def _match(self, fields: dict[str, Any]) -> tuple[str, str] | None:
        for email in fields.get("emails", ()):
            if email.casefold() in self.by_email:
                return self.by_email[email.casefold()], f"same e-mail address {email}"
        if _key(fields["name"]) in self.by_name:
            return self.by_name[_key(fields["name"])], "same name"
        return None

    def add(self, card: Card, fields: dict[str, Any]) -> None:
        match = self._match(fields)
        relationships = self.services.relationships
        try:
            if match is None:
                data = {**fields, "how_known": f"Imported from {self.source}"}
                record = relationships.new_record(data)
                self.new.add(record["id"])
                self._remember(record)
                self.report.add(card.label, "created", f"person {record['name']}")
                return
            record_id, why = match
            current = self.people[record_id]
            changes = _merged(current, fields)
            if not changes:
                self.report.add(card.label, "skipped", f"{current['name']}: nothing new ({why})")
                return
            record = relationships.changed_record(current, changes)
        except ValidationFailed as exc:
            self.report.errors[card.label] = exc.details
            return
        if record_id not in self.new:
            self.changed.add(record_id)
        self._remember(record)
        added = ", ".join(sorted(changes))
        self.report.add(card.label, "merged", f"into {record['name']} ({why}): {added}")

    def write(self, actor: str) -> None:
        services = self.services
        new = [self.people[i] for i in self.people if i in self.new]
        with services.store.transaction():
            services.relationships.store_new(new)
            for record_id in sorted(self.changed):
                record = self.people[record_id]
                changes = {k: v for k, v in record.items() if k in (*LISTS, "notes")}
                services.relationships.update(record_id, changes, actor=actor)
            if new:
                services.store.log_event(
                    {"actor": actor, "action": "relationship.import", "count": len(new)}
                )
        self.report.record_ids = [r["id"] for r in new] + sorted(self.changed)


def _merged(current: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """The fields of ``current`` that ``fields`` adds to (lists gain values, notes a note)."""
    changes: dict[str, Any] = {}
    for name in LISTS:
        have = list(current.get(name, ()))
        folded = {v.casefold() for v in have}
        extra = [v for v in fields.get(name, ()) if v.casefold() not in folded]
        if extra:
            if len(have) + len(extra) > MAX_CONTACTS and name != "tags":
                raise ValidationFailed(
                    f"too many {name}", {name: [f"Would have more than {MAX_CONTACTS}."]}
                )
            changes[name] = have + extra
    note = fields.get("notes")
    if note and note not in current.get("notes", ""):
        changes["notes"] = f"{current['notes']}\n\n{note}" if current.get("notes") else note
    return changes
