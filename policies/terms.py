"""The owner's personal terms: what a vendor agrees to when it accepts a grant.

In the spirit of IEEE 7012 ("MyTerms"): the person proffers the terms, the vendor
accepts them. They are machine-readable (purposes from a fixed vocabulary, onward
sharing, retention, tracking, profiling, marketing) with plain-language clauses
beside them, and versioned: a grant records the version the vendor accepted.
The default terms and the purpose vocabulary are data (``policies/data/terms.json``).
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, Protocol

from policies._resources import read_json
from policies._text import check_text, is_whole_number

MAX_TITLE = 120
MAX_CLAUSE_TEXT = 2000
MAX_CLAUSES = 20
MIN_RETENTION_DAYS = 1
MAX_RETENTION_DAYS = 3650  # ten years
CLAUSE_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
MAX_CLAUSE_ID = 40
#: The yes/no terms: ``True`` allows the practice, ``False`` forbids it.
SWITCHES = ("onward_sharing", "tracking", "profiling", "marketing")
FIELDS = ("version", "title", "purposes", *SWITCHES, "retention_days", "clauses")
REQUIRED = tuple(field for field in FIELDS if field != "version")
CLAUSE_FIELDS = ("id", "title", "text")

Details = dict[str, list[str]]


class TermsInvalid(ValueError):
    """Terms that cannot be published; ``details`` maps each field to what is wrong."""

    def __init__(self, details: Mapping[str, list[str]]) -> None:
        self.details: Details = {field: list(messages) for field, messages in details.items()}
        super().__init__(f"invalid terms: check {', '.join(sorted(self.details))}")


_DATA = read_json("terms.json")
#: The purposes terms may allow, id -> plain words, in display order.
PURPOSES: Mapping[str, str] = MappingProxyType(dict(_DATA["purposes"]))


def default_terms() -> dict[str, Any]:
    """The terms every store starts with (version 1), as a fresh copy."""
    return copy.deepcopy(_DEFAULT)


# -- validation -------------------------------------------------------------------------


def validate_terms(data: Any) -> dict[str, Any]:
    """``data`` as stored terms, or ``TermsInvalid`` naming every field at fault.

    Strict: every field but ``version`` is required, unknown fields, wrong types and
    blank text are errors, retention must be 1 to 3650 days. Purposes come back in
    vocabulary order without repeats; text is NFC-normalised and stripped.
    """
    if not isinstance(data, Mapping):
        raise TermsInvalid({"_schema": ["Terms must be an object."]})
    errors: Details = {}
    terms: dict[str, Any] = {}
    for field in data:
        if field not in FIELDS:
            errors[str(field)] = ["Unknown field."]
    for field in FIELDS:
        if field not in data:
            if field in REQUIRED:
                errors[field] = ["Missing data for required field."]
            continue
        value, messages = _CHECKS[field](data[field], errors)
        if messages:
            errors[field] = messages
        else:
            terms[field] = value
    if errors:
        raise TermsInvalid(errors)
    return terms


def _check_version(value: Any, _: Details) -> tuple[int, list[str]]:
    if not is_whole_number(value) or value < 1:
        return 0, ["Must be a whole number from 1."]
    return value, []


def _check_title(value: Any, _: Details) -> tuple[str, list[str]]:
    return check_text(value, max_length=MAX_TITLE)


def _check_switch(value: Any, _: Details) -> tuple[bool, list[str]]:
    if not isinstance(value, bool):
        return False, ["Must be true or false."]
    return value, []


def _check_retention(value: Any, _: Details) -> tuple[int, list[str]]:
    if not is_whole_number(value):
        return 0, ["Must be a whole number of days."]
    if value < MIN_RETENTION_DAYS:
        return value, [f"Must be at least {MIN_RETENTION_DAYS} day."]
    if value > MAX_RETENTION_DAYS:
        return value, [f"Must be at most {MAX_RETENTION_DAYS} days (ten years)."]
    return value, []


def _check_purposes(value: Any, _: Details) -> tuple[list[str], list[str]]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return [], ["Must be a list of purposes."]
    unknown = sorted({item for item in value if item not in PURPOSES})
    if unknown:
        return [], [f"Unknown purpose: {', '.join(unknown)}. Choose from: {', '.join(PURPOSES)}."]
    if not value:
        return [], ["Choose at least one purpose."]
    return [purpose for purpose in PURPOSES if purpose in value], []


def _check_clauses(value: Any, errors: Details) -> tuple[list[dict[str, str]], list[str]]:
    """The clauses; errors of one clause go to ``errors`` under ``clauses.<i>.<field>``."""
    if not isinstance(value, list):
        return [], ["Must be a list of clauses."]
    if len(value) > MAX_CLAUSES:
        return [], [f"At most {MAX_CLAUSES} clauses."]
    clauses: list[dict[str, str]] = []
    before = len(errors)
    seen: set[str] = set()
    for index, item in enumerate(value):
        clause = _check_clause(item, f"clauses.{index}", errors)
        if clause is None:
            continue
        clause_id = clause.get("id")
        if clause_id and clause_id in seen:
            errors[f"clauses.{index}.id"] = ["Another clause has this id."]
        seen.add(clause_id or "")
        clauses.append(clause)
    return clauses, (["Some clauses are invalid."] if len(errors) > before else [])


def _check_clause(item: Any, where: str, errors: Details) -> dict[str, str] | None:
    if not isinstance(item, Mapping):
        errors[where] = ["Must be an object with id, title and text."]
        return None
    clause: dict[str, str] = {}
    for field in item:
        if field not in CLAUSE_FIELDS:
            errors[f"{where}.{field}"] = ["Unknown field."]
    limits = {"id": MAX_CLAUSE_ID, "title": MAX_TITLE, "text": MAX_CLAUSE_TEXT}
    for field, limit in limits.items():
        if field not in item:
            errors[f"{where}.{field}"] = ["Missing data for required field."]
            continue
        text, messages = check_text(item[field], max_length=limit, multiline=field == "text")
        if field == "id" and not messages and not CLAUSE_ID.match(text):
            messages = ["Use lower-case letters, digits and single hyphens (e.g. ask-first)."]
        if messages:
            errors[f"{where}.{field}"] = messages
        clause[field] = text
    return clause


_CHECKS: dict[str, Callable[[Any, Details], tuple[Any, list[str]]]] = {
    "version": _check_version,
    "title": _check_title,
    "purposes": _check_purposes,
    "retention_days": _check_retention,
    "clauses": _check_clauses,
    **{switch: _check_switch for switch in SWITCHES},
}


def clause_id_for(title: str, taken: Iterable[str] = ()) -> str:
    """A clause id from ``title`` (``Tell me first`` -> ``tell-me-first``), not in ``taken``."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    base = "-".join(words)[: MAX_CLAUSE_ID - 4].strip("-") or "clause"
    if not base[0].isalpha():
        base = f"clause-{base}"[: MAX_CLAUSE_ID - 4].strip("-")
    used = set(taken)
    candidate, number = base, 1
    while candidate in used:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


# -- the consent screen -----------------------------------------------------------------


class Gettext(Protocol):
    """Translates a message, then fills its named placeholders (``pds.i18n.gettext``)."""

    def __call__(self, message: str, **values: object) -> str: ...


class Ngettext(Protocol):
    """The plural form for ``num``, translated and filled (``pds.i18n.ngettext``)."""

    def __call__(self, singular: str, plural: str, num: int, **values: object) -> str: ...


def N_(message: str) -> str:
    """Mark text kept in a constant for extraction (``make messages``)."""
    return message


def in_english(message: str, **values: object) -> str:
    return message % values if values else message


def in_english_plural(singular: str, plural: str, num: int, **values: object) -> str:
    return (singular if num == 1 else plural) % {"num": num, **values}


_ALLOWED = {
    "onward_sharing": N_(
        "You may share my data with others, but only for these purposes and under these terms."
    ),
    "tracking": N_("You may track what I do on your own sites and apps."),
    "profiling": N_("You may build a profile of me from my data, for these purposes only."),
    "marketing": N_("You may send me marketing; stop when I ask you to."),
}
_FORBIDDEN = {
    "onward_sharing": N_("Do not share, sell or rent my data to anyone else."),
    "tracking": N_(
        "Do not track me: no cookies, pixels or fingerprinting that follow me "
        "across sites and apps."
    ),
    "profiling": N_(
        "Do not build a profile of me or make automated decisions about me from my data."
    ),
    "marketing": N_("Do not send me marketing I did not ask for: I will tell you what I want."),
}


def summary(
    terms: Mapping[str, Any],
    gettext: Gettext = in_english,
    ngettext: Ngettext = in_english_plural,
) -> list[str]:
    """The terms as plain-language lines, addressed to the vendor (for the consent screen),
    in English or in the language ``gettext`` and ``ngettext`` write (the purposes and the
    default clauses are translated too; clauses the owner wrote stay as written)."""
    purposes = [gettext(PURPOSES[p]) for p in terms["purposes"] if p in PURPOSES]
    lines = [
        gettext("Use my data only for %(purposes)s.", purposes=_listing(purposes, gettext)),
        ngettext(
            "Keep my data no longer than %(num)d day after you receive it, unless the law "
            "requires you to keep it longer.",
            "Keep my data no longer than %(num)d days after you receive it, unless the law "
            "requires you to keep it longer.",
            terms["retention_days"],
        ),
    ]
    lines.extend(gettext((_ALLOWED if terms[s] else _FORBIDDEN)[s]) for s in SWITCHES)
    lines.extend(
        gettext("%(title)s: %(text)s", title=gettext(clause["title"]), text=gettext(clause["text"]))
        for clause in terms["clauses"]
    )
    return lines


def _listing(items: list[str], gettext: Gettext) -> str:
    if len(items) <= 1:
        return "".join(items) or gettext("nothing")
    return gettext("%(items)s; and %(last)s", items="; ".join(items[:-1]), last=items[-1])


#: The shipped default, checked once at import like the scope catalogue.
_DEFAULT = validate_terms(_DATA["default"])
if _DEFAULT.get("version") != 1:
    raise TermsInvalid({"version": ["The default terms must be version 1."]})
