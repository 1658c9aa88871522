"""The RFP form of the portal: an RFP as form values, the posted form as RFP data, and the
domain's field errors keyed by the form's field names.

Requirements are rows ``req-<n>-key``, ``req-<n>-operator``, ``req-<n>-value``; a row left
empty is skipped. A value is a number or ``true``/``false`` when it reads as one, and a
comma-separated list for the ``in`` operator. The deadline is a ``datetime-local`` value
in the owner's time zone; budget amounts are read as the owner writes them (``120,00``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from werkzeug.datastructures import MultiDict

from pds.errors import ValidationFailed
from pds.schemas.rfp import MAX_REQUIREMENTS
from pds.services.intents.rfp_lifecycle import AMENDABLE
from pds.web.owner_locale import AmountUnclear, OwnerLocale

BLANK_ROWS = 5
#: What an open RFP may still change (``rfps.amend``).
_NUMBER = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$")
_WHOLE = re.compile(r"^[0-9]{1,9}$")
#: The form's fields that show their own errors, in the amend form and in the full one.
_BUDGET = ("budget_min", "budget_max", "budget_currency")
AMEND_FIELDS = frozenset(("description", "requirements", *_BUDGET, "deadline", "quantity"))
FORM_FIELDS = AMEND_FIELDS | {"title", "category", "country", "region", "visibility"}
FORM_FIELDS |= {"chosen_vendors", "disclosure", "reveal_identity"}
_TEXT_FIELDS = ("title", "description", "category", "deadline", "quantity", "country", "region")
#: The domain's field paths -> the form's field names (requirement rows are mapped apart).
_FIELD_NAMES = {
    "budget.min": "budget_min",
    "budget.max": "budget_max",
    "budget.currency": "budget_currency",
    "budget": "budget_max",
    "location_hint.country": "country",
    "location_hint.region": "region",
    "location_hint": "country",
}


@dataclass
class RfpForm:
    """What the form shows: text ``values``, requirement ``rows``, field ``errors``."""

    values: dict[str, Any]
    rows: list[dict[str, str]]
    errors: dict[str, list[str]] = field(default_factory=dict)
    #: For each requirement sent to the domain, the form row it came from.
    row_of: list[int] = field(default_factory=list)

    def with_errors(self, error: ValidationFailed) -> RfpForm:
        self.errors = form_errors(error, self.row_of)
        return self

    def unplaced_errors(self, *, amending: bool = False) -> dict[str, list[str]]:
        """The errors no field of the form shows (they go in the summary above it)."""
        placed = AMEND_FIELDS if amending else FORM_FIELDS
        return {
            key: messages
            for key, messages in self.errors.items()
            if key not in placed and not key.startswith("req-")
        }


def empty_form() -> RfpForm:
    values: dict[str, Any] = {name: "" for name in (*_TEXT_FIELDS, *_BUDGET)}
    values.update(quantity="1", visibility="public", chosen_vendors=[], disclosure=[])
    values["reveal_identity"] = False
    return RfpForm(values, _padded([]))


def form_of(rfp: Mapping[str, Any], owner: OwnerLocale) -> RfpForm:
    """The form's values for the owner's fields of ``rfp``."""
    budget = rfp.get("budget", {})
    hint = rfp.get("location_hint", {})
    values = {
        "title": rfp.get("title", ""),
        "description": rfp.get("description", ""),
        "category": rfp.get("category", ""),
        "budget_min": budget.get("min", ""),
        "budget_max": budget.get("max", ""),
        "budget_currency": budget.get("currency", ""),
        "deadline": owner.local_input(rfp.get("deadline") or None),
        "quantity": str(rfp.get("quantity", 1)),
        "country": hint.get("country", ""),
        "region": hint.get("region", ""),
        "visibility": rfp.get("visibility", "public"),
        "chosen_vendors": list(rfp.get("chosen_vendors", [])),
        "disclosure": list(rfp.get("disclosure", [])),
        "reveal_identity": bool(rfp.get("reveal_identity")),
    }
    rows = [
        {"key": r["key"], "operator": r["operator"], "value": value_text(r["value"])}
        for r in rfp.get("requirements", [])
    ]
    return RfpForm(values, _padded(rows))


def posted_form(form: MultiDict[str, str]) -> RfpForm:
    """The posted form's values (as typed), with blank requirement rows padded again."""
    values: dict[str, Any] = {name: form.get(name, "") for name in _TEXT_FIELDS}
    for name in _BUDGET:
        values[name] = form.get(name, "")
    values["visibility"] = form.get("visibility", "public")
    values["chosen_vendors"] = form.getlist("chosen_vendors")
    values["disclosure"] = form.getlist("disclosure")
    values["reveal_identity"] = "reveal_identity" in form
    rows = []
    for index in range(MAX_REQUIREMENTS + BLANK_ROWS):
        if f"req-{index}-key" not in form:
            break
        rows.append({part: form.get(f"req-{index}-{part}", "") for part in _ROW_PARTS})
    return RfpForm(values, rows if rows else _padded([]))


def rfp_data(form: RfpForm, owner: OwnerLocale) -> dict[str, Any]:
    """The RFP data the form stands for (``None`` for a field left empty, which clears it);
    notes on ``form`` which row each requirement came from. An amount that cannot be read
    for sure (``1,000``) is refused with ``ValidationFailed`` naming it."""
    values = form.values
    requirements, form.row_of = [], []
    for index, row in enumerate(form.rows):
        if any(row[part].strip() for part in _ROW_PARTS):
            requirements.append(_requirement(row))
            form.row_of.append(index)
    chosen = values["visibility"] == "chosen"
    return {
        "title": values["title"],
        "description": values["description"] or None,
        "category": values["category"],
        "requirements": requirements or None,
        "budget": _budget(values, owner),
        "deadline": _instant(values["deadline"], owner),
        "quantity": _quantity(values["quantity"]),
        "location_hint": _hint(values),
        "visibility": values["visibility"],
        "chosen_vendors": values["chosen_vendors"] if chosen else None,
        "disclosure": values["disclosure"] or None,
        "reveal_identity": values["reveal_identity"],
    }


def amendments(form: RfpForm, current: RfpForm, owner: OwnerLocale) -> dict[str, Any]:
    """The amendable fields whose text the owner changed from ``current``, as RFP data."""
    data = rfp_data(form, owner)
    before = rfp_data(current, owner)
    return {key: data[key] for key in AMENDABLE if data[key] != before[key]}


def value_text(value: Any) -> str:
    """A requirement value as the owner types it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(value_text(item) for item in value)
    return str(value)


def form_errors(error: ValidationFailed, row_of: list[int]) -> dict[str, list[str]]:
    """The domain's field errors keyed by form field name (``req-<row>-value`` for rows)."""
    errors: dict[str, list[str]] = {}
    for path, messages in error.flat().items():
        errors.setdefault(_field_name(path, row_of), []).extend(messages)
    return errors


# -- helpers ------------------------------------------------------------------------------

_ROW_PARTS = ("key", "operator", "value")


def _padded(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    blanks = min(BLANK_ROWS, MAX_REQUIREMENTS - len(rows))
    return rows + [dict.fromkeys(_ROW_PARTS, "") for _ in range(max(blanks, 0))]


def _instant(text: str, owner: OwnerLocale) -> str | None:
    """A ``datetime-local`` value in the owner's zone as a UTC instant; text that is not
    one goes on as typed, for the schema to say what is wrong with it."""
    text = text.strip()
    if not text:
        return None
    try:
        local = datetime.fromisoformat(text)
    except ValueError:
        return text
    if local.tzinfo is None:
        local = local.replace(tzinfo=owner.zone)
    return local.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def _scalar(text: str) -> Any:
    text = text.strip()
    if _NUMBER.match(text):
        return float(text) if "." in text else int(text)
    if text in ("true", "false"):
        return text == "true"
    return text


def _requirement(row: Mapping[str, str]) -> dict[str, Any]:
    operator = row["operator"].strip()
    text = row["value"]
    if operator == "in":
        value: Any = [_scalar(part) for part in text.split(",") if part.strip()]
    elif operator in ("before", "after"):
        value = text.strip()
    else:
        value = _scalar(text)
    return {"key": row["key"], "operator": operator or None, "value": value}


def _budget(values: Mapping[str, Any], owner: OwnerLocale) -> dict[str, Any] | None:
    parts = {
        "min": values["budget_min"].strip() or None,
        "max": values["budget_max"].strip() or None,
        "currency": values["budget_currency"].strip() or None,
    }
    unclear: dict[str, list[str]] = {}
    for end in ("min", "max"):
        typed = parts[end]
        if typed is not None:
            try:
                parts[end] = str(owner.parse_amount(typed))
            except AmountUnclear as refused:  # not a number: the schema says so with the rest
                if refused.ambiguous:
                    unclear[f"budget.{end}"] = [str(refused)]
    if unclear:
        raise ValidationFailed("invalid input", unclear)
    return parts if any(parts.values()) else None


def _quantity(text: str) -> Any:
    text = text.strip()
    if not text:
        return None
    return int(text) if _WHOLE.match(text) else text


def _hint(values: Mapping[str, Any]) -> dict[str, Any] | None:
    country, region = values["country"].strip(), values["region"].strip()
    if not country and not region:
        return None
    return {"country": country or None, "region": region or None}


def _field_name(path: str, row_of: list[int]) -> str:
    parts = path.split(".")
    if parts[0] == "requirements" and len(parts) >= 2 and parts[1].isdigit():
        index = int(parts[1])
        row = row_of[index] if index < len(row_of) else index
        part = parts[2] if len(parts) > 2 and parts[2] in _ROW_PARTS else "key"
        return f"req-{row}-{part}"
    if path.endswith("._schema"):
        path = path.removesuffix("._schema")
    return _FIELD_NAMES.get(path, path)
