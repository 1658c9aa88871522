"""A relationship as ``pds rel show`` prints it: one ``field: value`` line per field, and
the fields made of parts (addresses, related people, anniversaries, what a vendor may
read) one indented line per item."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pds.schemas.temporal import yearly_day_words

#: Address parts in the order a letter is written.
ADDRESS_ORDER = ("street", "postal_code", "locality", "region", "country")


def record_lines(record: Mapping[str, Any]) -> list[str]:
    """Every field of ``record`` in words, in the order it is stored."""
    lines: list[str] = []
    for key, value in record.items():
        if key == "addresses":
            lines += ["addresses:", *(f"  {_address(a)}" for a in value)]
        elif key == "related":
            lines += ["related:", *(f"  {_related(r)}" for r in value)]
        elif key == "anniversaries":
            lines += ["anniversaries:"]
            lines += [f"  {a['label']}: {yearly_day_words(a['date'])}" for a in value]
        elif key == "birthday":
            lines.append(f"birthday: {yearly_day_words(value)}")
        elif isinstance(value, Mapping):
            lines.append(f"{key}: " + ", ".join(f"{k} {v}" for k, v in value.items()))
        elif isinstance(value, list):
            lines.append(f"{key}: " + ", ".join(map(str, value)))
        else:
            lines.append(f"{key}: {value}")
    return lines


def _address(address: Mapping[str, Any]) -> str:
    parts = [" ".join(str(address[p]).split()) for p in ADDRESS_ORDER if address.get(p)]
    label = f"{address['label']}: " if address.get("label") else ""
    return label + ", ".join(parts)


def _related(related: Mapping[str, Any]) -> str:
    linked = f" ({related['relationship_id']})" if related.get("relationship_id") else ""
    return f"{related['relation']}: {related['name']}{linked}"
