"""The relationship form of the portal, read and written: the fields of a person or an
organisation as the edit page (and the "new" page) name them, turned into what
``RelationshipService`` takes, and the service's errors turned back onto those fields.

Lists are rows numbered from 0: ``emails-0``, ``addresses-1-street``, ``related-0-name``;
empty rows are ignored, so an error about the service's item 1 is put on the form row it
came from. A birthday or an anniversary is a day, a month and an optional year
(``birthday-day``, ``birthday-month``, ``birthday-year``): without a year it is stored as
``--MM-DD``, as contact files write it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from pds.errors import ValidationFailed
from pds.i18n import gettext
from pds.schemas.temporal import MONTHS, parse_yearly_day
from pds.web.forms import tag_list

TEXT_FIELDS = ("name", "organisation", "title", "domain", "how_known", "since", "notes")
LIST_FIELDS = ("emails", "phones", "urls", "nicknames")
ADDRESS_PARTS = ("label", "street", "locality", "region", "postal_code", "country")
RELATED_PARTS = ("relation", "name", "relationship_id")
ANNIVERSARY_PARTS = ("label", "day", "month", "year")
#: The rows of each list, and the parts of a row (``()``: the row is one value).
ROWS: dict[str, tuple[str, ...]] = {
    **{name: () for name in LIST_FIELDS},
    "addresses": ADDRESS_PARTS,
    "related": RELATED_PARTS,
    "anniversaries": ANNIVERSARY_PARTS,
}
#: How many empty rows each list offers below the filled ones (one more row each time).
BLANK_ROWS = 1


def month_names() -> list[str]:
    """January to December in the page's language."""
    return [gettext(month) for month in MONTHS]


@dataclass
class RelationshipForm:
    """What a posted form says: ``data`` for the service, the form row of each item the
    service gets (``rows``), and what was wrong before the service saw it (``errors``)."""

    data: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, list[int]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    #: Plain words for a day that does not exist, shown instead of the schema's message.
    day_errors: dict[str, list[str]] = field(default_factory=dict)

    def field_errors(self, exc: ValidationFailed) -> dict[str, list[str]]:
        """``exc``'s messages keyed by the form's field names (``addresses-2-postal_code``)."""
        details = {key: self._on_rows(key, value) for key, value in exc.details.items()}
        flat = ValidationFailed(exc.message, details).flat("-")
        flat.update({k: v for k, v in self.day_errors.items() if k in flat})
        return {**flat, **self.errors}

    def _on_rows(self, key: str, value: Any) -> Any:
        rows = self.rows.get(key)
        if rows is None or not isinstance(value, Mapping):
            return value
        return {
            str(rows[int(index)]) if str(index).isdigit() and int(index) < len(rows) else index: v
            for index, v in value.items()
        }


def read_form(
    form: Mapping[str, str],
    *,
    kind: str | None,
    editing: bool,
    known: Mapping[str, str] | None = None,
) -> RelationshipForm:
    """The relationship ``form`` describes. ``kind``: the record's (a person's form has no
    domain), ``None`` when the form picks it. ``editing``: a blank field clears what was
    there (``None``); else it is left out. ``known``: the relationships a related person
    may be linked to (id -> name)."""
    read = RelationshipForm()
    for name in TEXT_FIELDS:
        if name == "domain" and kind == "person":
            continue
        _put(read.data, name, form.get(name, "").strip(), editing)
    _put(read.data, "tags", tag_list(form.get("tags", "")), editing)
    for name in LIST_FIELDS:
        count = rows_in(form, name)
        kept = [(i, v) for i in range(count) if (v := form.get(f"{name}-{i}", "").strip())]
        _put_rows(read, name, kept, editing)
    _put_rows(read, "addresses", _parts_rows(form, "addresses", ADDRESS_PARTS), editing)
    _put_rows(read, "related", _related_rows(form, read, known or {}), editing)
    _put_rows(read, "anniversaries", _anniversary_rows(form, read), editing)
    _put(read.data, "birthday", _yearly_day(form, "birthday", read), editing)
    return read


def _put(data: dict[str, Any], name: str, value: Any, editing: bool) -> None:
    if value:
        data[name] = value
    elif editing:
        data[name] = None


def _put_rows(
    read: RelationshipForm, name: str, rows: list[tuple[int, Any]], editing: bool
) -> None:
    read.rows[name] = [index for index, _ in rows]
    _put(read.data, name, [value for _, value in rows], editing)


def rows_in(form: Mapping[str, str], name: str, *, filled: bool = False) -> int:
    """How many rows of list ``name`` the form has (the highest row number + 1); with
    ``filled``, up to the last row with something in it."""
    pattern = re.compile(rf"{re.escape(name)}-(\d+)(?:-|$)")
    numbers = [
        int(m[1])
        for key, value in form.items()
        if (value or not filled) and (m := pattern.match(key))
    ]
    return max(numbers) + 1 if numbers else 0


def _parts_rows(
    form: Mapping[str, str], name: str, parts: tuple[str, ...]
) -> list[tuple[int, dict[str, str]]]:
    rows = []
    for index in range(rows_in(form, name)):
        cells = {p: form.get(f"{name}-{index}-{p}", "").strip() for p in parts}
        if any(cells.values()):
            rows.append((index, {p: v for p, v in cells.items() if v}))
    return rows


def _related_rows(
    form: Mapping[str, str], read: RelationshipForm, known: Mapping[str, str]
) -> list[tuple[int, dict[str, str]]]:
    rows = _parts_rows(form, "related", RELATED_PARTS)
    for index, row in rows:
        linked = row.get("relationship_id")
        if linked and linked not in known:
            read.errors[f"related-{index}-relationship_id"] = [
                gettext("No relationship with this id.")
            ]
        elif linked and not row.get("name"):
            row["name"] = known[linked]
    return rows


def _anniversary_rows(
    form: Mapping[str, str], read: RelationshipForm
) -> list[tuple[int, dict[str, str]]]:
    rows = []
    for index, row in _parts_rows(form, "anniversaries", ANNIVERSARY_PARTS):
        entry = {"label": row.get("label", "")}
        when = _yearly_day(form, f"anniversaries-{index}", read, key="date")
        if when:
            entry["date"] = when
        rows.append((index, {k: v for k, v in entry.items() if v}))
    return rows


def _yearly_day(
    form: Mapping[str, str], prefix: str, read: RelationshipForm, *, key: str | None = None
) -> str:
    """The day, month and optional year under ``prefix`` as ``YYYY-MM-DD`` or ``--MM-DD``;
    ``""`` when all are blank. A day that does not exist is passed on as typed (the
    service refuses it) with a message in plain words in ``read.day_errors``."""
    day, month, year = (form.get(f"{prefix}-{p}", "").strip() for p in ("day", "month", "year"))
    if not (day or month or year):
        return ""
    text = f"{year or '-'}-{month.zfill(2)}-{day.zfill(2)}"
    if parse_yearly_day(text) is None:
        name = f"{prefix}-{key}" if key else prefix
        read.day_errors[name] = [_why_not_a_day(day, month, year)]
    return text


def _why_not_a_day(day: str, month: str, year: str) -> str:
    if not day or not month:
        return gettext("Give the day and the month (the year may stay empty).")
    if year and not re.fullmatch(r"\d{4}", year):
        return gettext("The year has four digits, e.g. 1987 (or leave it empty).")
    if not day.isdigit() or not month.isdigit() or not 1 <= int(month) <= 12:
        return gettext("Give the day as a number and choose a month.")
    name = gettext(MONTHS[int(month) - 1])
    if year:
        return gettext(
            "There is no %(day)d %(month)s in %(year)s.", day=int(day), month=name, year=year
        )
    return gettext("There is no %(day)d %(month)s.", day=int(day), month=name)


def form_of(record: Mapping[str, Any], known: Mapping[str, str]) -> MultiDict[str, str]:
    """``record`` as the edit form shows it (a link to a relationship gone is dropped)."""
    form: MultiDict[str, str] = MultiDict()
    for name in TEXT_FIELDS:
        form[name] = str(record.get(name) or "")
    form["tags"] = ", ".join(record.get("tags") or [])
    for name in LIST_FIELDS:
        for index, value in enumerate(record.get(name) or []):
            form[f"{name}-{index}"] = str(value)
    for name, parts in (("addresses", ADDRESS_PARTS), ("related", RELATED_PARTS)):
        for index, row in enumerate(record.get(name) or []):
            for part in parts:
                form[f"{name}-{index}-{part}"] = str(row.get(part) or "")
    for index, related in enumerate(record.get("related") or []):
        if related.get("relationship_id") not in known:
            form[f"related-{index}-relationship_id"] = ""
    for index, anniversary in enumerate(record.get("anniversaries") or []):
        form[f"anniversaries-{index}-label"] = anniversary["label"]
        _put_day(form, f"anniversaries-{index}", anniversary["date"])
    if record.get("birthday"):
        _put_day(form, "birthday", record["birthday"])
    return form


def _put_day(form: MultiDict[str, str], prefix: str, text: str) -> None:
    parsed = parse_yearly_day(text)
    if parsed is None:
        return
    year, month, day = parsed
    form[f"{prefix}-day"] = str(day)
    form[f"{prefix}-month"] = str(month)
    form[f"{prefix}-year"] = str(year) if year else ""


def row_counts(form: Mapping[str, str]) -> dict[str, range]:
    """The rows the page shows of each list: up to the last filled one, and ``BLANK_ROWS``
    more (a form posted back with its empty rows does not grow)."""
    return {name: range(rows_in(form, name, filled=True) + BLANK_ROWS) for name in ROWS}
