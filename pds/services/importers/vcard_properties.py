"""What a card carries beyond names and contact points: dates, addresses, work, nicknames,
related people, a photo; and what the store cannot keep, named.

The card's logical lines are read by ``vobject`` (unfolding, parameters, quoted-printable)
but kept as written (``vobject`` would cut a value at its first comma: a ``data:`` URI, a
list of nicknames), then unescaped here with ``vobject``'s own text rules.

- ``BDAY`` -> ``birthday``; ``ANNIVERSARY``, ``X-ANNIVERSARY`` and Apple's/Google's
  ``itemN.X-ABDATE`` (label from ``itemN.X-ABLabel``) -> ``anniversaries``. Dates as 3.0
  and 4.0 write them: ``1985-04-12``, ``19850412``, ``--0412``, ``--04-12`` (a time is
  ignored); Apple's ``X-APPLE-OMIT-YEAR`` marks a year that is not known.
- ``ADR`` -> ``addresses`` (label: the group's ``X-ABLabel``, else the first ``TYPE``).
- ``ORG`` -> ``organisation`` (its first part; a department is kept after the title);
  ``TITLE`` (else ``ROLE``) -> ``title``; ``NICKNAME`` -> ``nicknames``.
- ``RELATED`` (4.0: its ``TYPE`` the relation, its text or URI the name) and Google's
  ``itemN.X-ABRELATEDNAMES`` (relation from ``X-ABLabel``, ``_$!<Sister>!$_`` ->
  ``sister``) -> ``related``.
- ``PHOTO`` inline (3.0 ``ENCODING=b``, 4.0 ``data:`` URI) -> the photo; a link is never
  fetched, it is named as not kept.
"""

from __future__ import annotations

import binascii
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.error import URLError
from urllib.request import DataHandler, Request

from vobject.base import ContentLine, getLogicalLines, textLineToContentLine
from vobject.icalendar import stringToTextValues
from vobject.vcard import splitFields

from pds.errors import ValidationFailed
from pds.schemas.temporal import parse_yearly_day
from pds.services.relationships.photos import decode_base64, image_type

#: Properties that are the card's frame, not data.
FRAME = frozenset({"BEGIN", "END", "VERSION", "PRODID"})
#: Properties ``vcard.card_fields`` reads (names and contact points).
BASIC = frozenset({"FN", "N", "EMAIL", "TEL", "URL", "NOTE", "CATEGORIES"})
ANNIVERSARIES = frozenset({"ANNIVERSARY", "X-ANNIVERSARY", "X-ABDATE"})
#: ``TYPE`` values that say nothing a label would.
NOT_LABELS = frozenset({"pref", "postal", "parcel", "dom", "intl", "internet", "voice"})
_DATE = re.compile(r"(?:(\d{4})-?|--)(\d{2})-?(\d{2})(?:T[0-9:Z+.-]*)?")
_PARTIAL_DATE = re.compile(r"\d{4}(-\d{2})?|--\d{2}|---\d{2}|T.*")
_APPLE_LABEL = re.compile(r"_\$!<(.+)>!\$_")


@dataclass
class Extras:
    """What ``read_extras`` found: fields, the photo's bytes, errors and what is not kept."""

    fields: dict[str, Any] = field(default_factory=dict)
    photo: bytes | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    not_kept: Counter[str] = field(default_factory=Counter)

    def error(self, prop: str, line: int, message: str) -> None:
        self.errors.setdefault(prop, []).append(f"line {line}: {message}")


def raw_lines(text: str) -> list[ContentLine]:
    """The card's logical lines, values as written (``lineNumber`` counts from 1)."""
    return [
        textLineToContentLine(line, number) for line, number in getLogicalLines(io.StringIO(text))
    ]


def text_of(line: ContentLine) -> str:
    """A text value unescaped (``\\,`` ``\\;`` ``\\n``, and Google's ``\\:``); a bare
    comma stays a comma."""
    return ",".join(stringToTextValues(str(line.value))).replace("\\:", ":").strip()


def list_of(line: ContentLine) -> list[str]:
    """A comma-separated list value (``NICKNAME``, ``CATEGORIES``) unescaped."""
    return [v.strip() for v in stringToTextValues(str(line.value)) if v.strip()]


def parts_of(line: ContentLine) -> list[str]:
    """A structured value's parts (``ADR``, ``ORG``), each unescaped, lists joined."""
    return [", ".join(p) if isinstance(p, list) else str(p) for p in splitFields(str(line.value))]


def label_text(label: str) -> str:
    """An ``X-ABLabel`` as a word: Apple's ``_$!<Sister>!$_`` is ``sister``."""
    match = _APPLE_LABEL.fullmatch(label.strip())
    return match[1].strip().lower() if match else label.strip()


def types_of(line: ContentLine) -> list[str]:
    found = [*line.params.get("TYPE", ()), *line.singletonparams]
    words = [w.strip().lower() for value in found for w in str(value).split(",")]
    return [w for w in words if w and w not in NOT_LABELS]


def card_date(line: ContentLine) -> str | None:
    """``YYYY-MM-DD`` or ``--MM-DD`` of a date property; ``None`` for a partial date
    (a year alone, a month alone, a time); ``ValueError`` saying what is wrong."""
    value = text_of(line)
    match = _DATE.fullmatch(value)
    if match is None:
        if _PARTIAL_DATE.fullmatch(value):
            return None
        raise ValueError(f"{value!r} is not a date (expected YYYY-MM-DD or --MM-DD).")
    year = match[1]
    omitted = line.params.get("X-APPLE-OMIT-YEAR", [None])[0]
    if year is not None and year == omitted:
        year = None
    text = f"{year or '-'}-{match[2]}-{match[3]}"
    if parse_yearly_day(text) is None:
        raise ValueError(f"{value!r} is not a day that exists.")
    return text


class CardReader:
    """Reads one card's lines into ``Extras``; ``number`` is the card's first line."""

    def __init__(self, text: str, first_line: int) -> None:
        self.lines = raw_lines(text)
        self.first_line = first_line
        self.labels = {
            line.group.lower(): label_text(text_of(line))
            for line in self.lines
            if line.name == "X-ABLABEL" and line.group
        }
        self.used_groups: set[str] = set()
        self.out = Extras()

    def at(self, line: ContentLine) -> int:
        return self.first_line + max(int(line.lineNumber or 1), 1) - 1

    def named(self, name: str) -> Iterator[ContentLine]:
        return (line for line in self.lines if line.name == name)

    def label_for(self, line: ContentLine) -> str | None:
        if line.group and line.group.lower() in self.labels:
            self.used_groups.add(line.group.lower())
            return self.labels[line.group.lower()]
        return None

    def read(self) -> Extras:
        self._dates()
        self._addresses()
        self._work()
        self._nicknames()
        self._related()
        self._photo()
        self._not_kept()
        return self.out

    # -- each kind of property -----------------------------------------------------------

    def _dates(self) -> None:
        anniversaries: list[dict[str, str]] = []
        for line in self.lines:
            if line.name != "BDAY" and line.name not in ANNIVERSARIES:
                continue
            try:
                day = card_date(line)
            except ValueError as exc:
                self.out.error(line.name, self.at(line), str(exc))
                continue
            if day is None:
                self.out.not_kept[f"{line.name} (a partial date)"] += 1
            elif line.name == "BDAY" and "birthday" not in self.out.fields:
                self.out.fields["birthday"] = day
            elif line.name == "BDAY":
                self.out.not_kept["BDAY (a second one)"] += 1
            else:
                default = "anniversary" if line.name != "X-ABDATE" else "date"
                label = (self.label_for(line) or default)[:100]
                entry = {"label": label, "date": day}
                if entry not in anniversaries:
                    anniversaries.append(entry)
        if anniversaries:
            self.out.fields["anniversaries"] = anniversaries

    def _addresses(self) -> None:
        addresses: list[dict[str, str]] = []
        for line in self.named("ADR"):
            box, extended, street, locality, region, code, country = (
                *parts_of(line),
                *[""] * 7,
            )[:7]
            address = {
                "street": "\n".join(p.strip() for p in (box, extended, street) if p.strip()),
                "locality": locality.strip(),
                "region": region.strip(),
                "postal_code": code.strip(),
                "country": country.strip(),
            }
            address = {k: v for k, v in address.items() if v}
            if not address:
                self.out.not_kept["ADR (empty)"] += 1
                continue
            label = self.label_for(line) or next(iter(types_of(line)), "")
            if label:
                address = {"label": label[:50], **address}
            if address not in addresses:
                addresses.append(address)
        if addresses:
            self.out.fields["addresses"] = addresses

    def _work(self) -> None:
        department = ""
        for number, line in enumerate(self.named("ORG")):
            parts = [p.strip() for p in parts_of(line) if p.strip()]
            if number or not parts:
                self.out.not_kept["ORG (a second one)" if parts else "ORG (empty)"] += 1
                continue
            self.out.fields["organisation"] = parts[0]
            department = ", ".join(parts[1:])
        titles = [text_of(line) for line in self.named("TITLE") if text_of(line)]
        roles = [text_of(line) for line in self.named("ROLE") if text_of(line)]
        title = (titles or roles or [""])[0]
        extra_roles = len(roles) if titles else max(len(roles) - 1, 0)
        for name, count in (("TITLE (a second one)", len(titles) - 1), ("ROLE", extra_roles)):
            if count > 0:
                self.out.not_kept[name] += count
        if department:
            title = f"{title} ({department})" if title else department
        if title:
            self.out.fields["title"] = title

    def _nicknames(self) -> None:
        names: list[str] = []
        for line in self.named("NICKNAME"):
            names.extend(n for n in list_of(line) if n.casefold() not in map(str.casefold, names))
        if names:
            self.out.fields["nicknames"] = names

    def _related(self) -> None:
        related: list[dict[str, str]] = []
        for line in self.lines:
            if line.name == "RELATED":
                relation = ", ".join(types_of(line)) or "related"
            elif line.name == "X-ABRELATEDNAMES":
                relation = self.label_for(line) or "related"
            else:
                continue
            name = text_of(line)
            for scheme in ("mailto:", "tel:"):
                if name.lower().startswith(scheme):
                    name = name[len(scheme) :]
            if not name:
                self.out.not_kept[f"{line.name} (empty)"] += 1
                continue
            entry = {"relation": relation[:100], "name": name}
            if entry not in related:
                related.append(entry)
        if related:
            self.out.fields["related"] = related

    def _photo(self) -> None:
        for line in self.named("PHOTO"):
            if self.out.photo is not None:
                self.out.not_kept["PHOTO (a second one)"] += 1
                continue
            try:
                data = self._photo_bytes(line)
                if data is None:
                    self.out.not_kept["PHOTO (a link; not fetched)"] += 1
                    continue
                image_type(data)
            except ValidationFailed as exc:
                for message in exc.details.get("photo", [exc.message]):
                    self.out.error("PHOTO", self.at(line), message)
                continue
            self.out.photo = data

    def _photo_bytes(self, line: ContentLine) -> bytes | None:
        value = str(line.value).strip()
        encoding = [e.lower() for e in line.params.get("ENCODING", ())]
        if "b" in encoding or "base64" in encoding or "BASE64" in line.singletonparams:
            return decode_base64(value)
        if value.lower().startswith("data:"):
            try:
                with DataHandler().data_open(Request(value)) as response:
                    data: bytes = response.read()
            except (URLError, ValueError, binascii.Error):
                raise ValidationFailed(
                    "bad data URI", {"photo": ["Not a readable data: URI."]}
                ) from None
            return data
        if re.match(r"^[a-z][a-z0-9+.-]*:", value, re.IGNORECASE):
            return None  # a link (http:, https:, ...): never fetched
        raise ValidationFailed(
            "photo not inline", {"photo": ["Neither base64 (ENCODING=b) nor a data: URI."]}
        )

    def _not_kept(self) -> None:
        read = BASIC | ANNIVERSARIES | {"BDAY", "ADR", "ORG", "TITLE", "ROLE", "NICKNAME"}
        read |= {"RELATED", "X-ABRELATEDNAMES", "PHOTO", "X-ABSHOWAS", "KIND"}
        for line in self.lines:
            name = str(line.name)
            if name in FRAME or name in read:
                continue
            if name == "X-ABLABEL" and line.group and line.group.lower() in self.used_groups:
                continue
            if name == "X-ABLABEL" and line.group and self._labels_contact(line.group):
                name = "X-ABLABEL (of an e-mail, phone or URL)"
            self.out.not_kept[name] += 1

    def _labels_contact(self, group: str) -> bool:
        """Whether ``group`` is an e-mail, phone or URL (kept, but without its label)."""
        return any(
            line.group and line.group.lower() == group.lower() and line.name in BASIC
            for line in self.lines
        )
