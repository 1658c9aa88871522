"""Which column of a file is which field: the names people's files use for them.

A header cell is read as a field by, in order: the ``--map HEADER=FIELD`` given, its own
name (any case), then a synonym below (English and German, any case, ignoring spaces,
``_``, ``-`` and ``.``). Every decision is kept (:class:`ColumnChoice`) for the report;
a header that is none of these is named with the closest field it may mean, never taken
for it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": (
        "day", "datum", "order date", "purchase date", "booking date", "buchungstag",
        "buchungsdatum", "transaction date", "posted", "posting date", "bestelldatum",
        "kaufdatum", "rechnungsdatum", "invoice date",
    ),
    "vendor": (
        "shop", "store", "merchant", "payee", "seller", "retailer", "supplier", "händler",
        "haendler", "geschäft", "laden", "verkäufer", "empfänger", "empfaenger",
        "zahlungsempfänger", "auftraggeber/empfänger", "beguenstigter/zahlungspflichtiger",
        "begünstigter/zahlungspflichtiger", "name", "counterparty", "vendor name",
        "vendor_name", "website",
    ),
    "vendor_id": ("vendor id",),
    "order_ref": (
        "order", "order id", "order number", "order no", "reference", "ref", "invoice",
        "invoice number", "bestellnummer", "bestellung", "referenz", "rechnungsnummer",
        "transaction id", "purchase order number",
    ),
    "description": (
        "item", "items name", "product", "product name", "article", "title", "artikel",
        "produkt", "beschreibung", "bezeichnung", "position", "item description",
    ),
    "quantity": ("qty", "count", "menge", "anzahl", "stück", "units"),
    "unit_price": (
        "price", "unit price", "price per unit", "purchase price per unit", "einzelpreis",
        "stückpreis", "preis",
    ),
    "line_total": (
        "line total", "item total", "item subtotal", "position total", "positionssumme",
        "gesamtpreis", "zeilensumme",
    ),
    "total": (
        "amount", "sum", "grand total", "order total", "total amount", "total owed",
        "betrag", "summe", "gesamt", "gesamtbetrag", "umsatz", "value",
    ),
    "currency": ("currency code", "währung", "waehrung", "cur", "ccy"),
    "category": ("kategorie", "type", "art"),
    "tags": ("labels", "schlagworte", "stichworte"),
    "notes": (
        "note", "memo", "comment", "comments", "notiz", "notizen", "bemerkung",
        "verwendungszweck", "purpose", "description of transaction",
    ),
}  # fmt: skip


def fold(name: str) -> str:
    """A header's name for comparing: case-folded, without spaces, ``_``, ``-``, ``.``."""
    return re.sub(r"[\s_.\-]+", "", name.casefold())


@dataclass(frozen=True)
class ColumnChoice:
    """How one header cell was read: as ``field`` (``None``: ignored), and ``why``."""

    header: str
    field: str | None
    why: str  # "mapped", "named", "synonym", "ignored"
    hint: str | None = None  # the field an ignored column may be

    def describe(self) -> str:
        if self.field is None:
            hint = f" (did you mean --map {self.header}={self.hint}?)" if self.hint else ""
            return f"{self.header!r} ignored{hint}"
        how = {"mapped": "as mapped", "named": "by its name", "synonym": "a synonym"}[self.why]
        return f"{self.header!r} -> {self.field} ({how})"


def choose_columns(
    header: Sequence[str],
    known: Sequence[str],
    mapping: Mapping[str, str],
    synonyms: Mapping[str, Sequence[str]] | None = None,
) -> list[ColumnChoice]:
    """One choice per header cell; a field claimed twice is left to the caller to refuse."""
    by_synonym = {fold(s): name for name, words in (synonyms or SYNONYMS).items() for s in words}
    by_synonym = {k: v for k, v in by_synonym.items() if v in known}
    mapped = {fold(k): v for k, v in mapping.items()}
    named = {fold(name): name for name in known}
    taken = set(mapped.values())
    choices = []
    for cell in header:
        key = fold(cell)
        if key in mapped:
            choices.append(ColumnChoice(cell.strip(), mapped[key], "mapped"))
        elif key in named and named[key] not in taken:
            choices.append(ColumnChoice(cell.strip(), named[key], "named"))
        else:
            choices.append(ColumnChoice(cell.strip(), None, "ignored"))
    fields = {c.field for c in choices}
    for position, choice in enumerate(choices):  # synonyms only for fields still free
        target = by_synonym.get(fold(choice.header)) if choice.field is None else None
        if target and target not in fields:
            choices[position] = ColumnChoice(choice.header, target, "synonym")
            fields.add(target)
    return [_with_hint(c, known, by_synonym, fields) for c in choices]


def _with_hint(
    choice: ColumnChoice, known: Sequence[str], by_synonym: Mapping[str, str], used: set[str | None]
) -> ColumnChoice:
    if choice.field is not None or not choice.header:
        return choice
    candidates = {fold(name): name for name in known} | dict(by_synonym)
    found = process.extractOne(fold(choice.header), list(candidates), scorer=fuzz.ratio)
    if found is None or found[1] < 75:
        return choice
    hint = candidates[found[0]]
    return ColumnChoice(choice.header, None, "ignored", hint if hint not in used else None)
