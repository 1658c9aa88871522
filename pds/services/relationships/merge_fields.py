"""The fields of two relationship records merged into one (pure; ``merging`` stores it).

The kept record's fields win; the other fills the kept one's empty fields. Lists (contact
points, tags, nicknames, addresses, related people, anniversaries) are the union of both,
without duplicates, the kept record's first; a union longer than the schema allows is
refused, naming the field. Notes are joined (kept record's first); ``since`` is the
earlier of the two; a domain stays only on a vendor.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import validate

from pds.errors import ValidationFailed
from pds.schemas import RelationshipSchema
from pds.schemas.common import Text

_FIELDS = RelationshipSchema().fields


def _most(field: str) -> int:
    """The schema's largest length of ``field`` (its ``Length`` validator)."""
    found = [v.max for v in _FIELDS[field].validators if isinstance(v, validate.Length)]
    if not found or found[0] is None:
        raise LookupError(f"relationships: {field} has no length limit")
    return found[0]


#: List fields and the most items the schema allows in each.
LIST_LIMITS: dict[str, int] = {
    field: _most(field)
    for field in (
        "emails",
        "phones",
        "urls",
        "tags",
        "nicknames",
        "addresses",
        "related",
        "anniversaries",
    )
}
#: How long joined notes may be (the schema's limit).
_NOTES = _FIELDS["notes"]
if not isinstance(_NOTES, Text):
    raise LookupError("relationships: notes are no longer Text")
MAX_NOTES = _NOTES.max_length
NOTES_JOINER = "\n\n"
#: Fields the merge never takes from the other record (the status goes with its day and
#: note: an active record does not take the day and note the other one ended on).
KEPT_AS_IS = frozenset(
    {"id", "kind", "created_at", "updated_at", "status", "status_since", "status_note"}
)
#: Words for the list fields in error messages.
NOUNS = {
    "emails": "e-mail addresses",
    "phones": "phone numbers",
    "urls": "web addresses",
    "tags": "tags",
    "nicknames": "nicknames",
    "addresses": "postal addresses",
    "related": "related people",
    "anniversaries": "anniversaries",
}


def merged_fields(keep: Mapping[str, Any], other: Mapping[str, Any]) -> dict[str, Any]:
    """The changes that make ``keep`` the merge of both (for ``changed_record``);
    ``ValidationFailed`` naming each list or the notes that would be too long."""
    changes: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field, value in other.items():
        if field in KEPT_AS_IS or field in LIST_LIMITS or field in ("notes", "since"):
            continue
        if keep.get(field) in (None, "", [], {}) and value not in (None, "", [], {}):
            changes[field] = value
    for field, limit in LIST_LIMITS.items():
        union = _union(keep.get(field, []), other.get(field, []), merged=(keep, other), field=field)
        if len(union) > limit:
            errors[field] = [
                f"Together they have {len(union)} {NOUNS[field]}; a relationship holds at "
                f"most {limit}. Remove some first."
            ]
        elif union != list(keep.get(field, [])):
            changes[field] = union
    notes = _joined_notes(keep.get("notes"), other.get("notes"))
    if len(notes or "") > MAX_NOTES:
        errors["notes"] = [
            f"Their notes together are {len(notes or '')} characters; at most {MAX_NOTES}."
        ]
    elif notes != keep.get("notes"):
        changes["notes"] = notes
    since = _earlier(keep.get("since"), other.get("since"))
    if since != keep.get("since"):
        changes["since"] = since
    if keep["kind"] != "vendor":
        changes.pop("domain", None)
    if errors:
        raise ValidationFailed("the merged record would be too large", errors)
    return changes


def _union(
    first: list[Any], second: list[Any], *, merged: tuple[Mapping[str, Any], ...], field: str
) -> list[Any]:
    """``first`` then the items of ``second`` it lacks; ``related`` entries naming either
    merged record are dropped (one cannot be related to oneself)."""
    ids = {record["id"] for record in merged}
    union: list[Any] = []
    for item in [*first, *second]:
        if field == "related" and item.get("relationship_id") in ids:
            continue
        if item not in union:
            union.append(item)
    return union


def _joined_notes(keep: str | None, other: str | None) -> str | None:
    if keep and other and other not in keep:
        return f"{keep}{NOTES_JOINER}{other}"
    return keep or other


def _earlier(keep: str | None, other: str | None) -> str | None:
    if keep and other:
        return min(keep, other)
    return keep or other
