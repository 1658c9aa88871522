"""The shape of a collection that has no schema of its own (RFPs, offers, grants, ...),
inferred from its records as a JSON Schema that the flattening (``csv_mapping``) reads
like a declared one.

One pass over the records notes, for each field, the JSON types it holds: objects
with their fields, lists with their items, and strings that are all days
(``YYYY-MM-DD``), all instants (``...Z``) or both (then the field is split into a day
and an instant column, as for declared ``When`` fields); long base64 texts are taken for
bytes (a photo), which the tables leave out. Fields come in the order
they are first met, ``id`` first. A field whose name is not a plain identifier, or
that holds different kinds in different records, becomes one value column (its JSON
text when it is an object) or is left to ``_extra``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pds.services.archive.schemas import temporal_node

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T.+Z$")
_BASE64 = re.compile(r"^[A-Za-z0-9+/_-]+={0,2}$")
BINARY_FROM = 256  # characters: a longer base64 text without spaces is taken for bytes
MAX_DEPTH = 3


@dataclass
class _Shape:
    types: set[str] = field(default_factory=set)
    fields: dict[str, _Shape] = field(default_factory=dict)
    items: _Shape | None = None
    strings: set[str] = field(default_factory=set)  # "day", "instant", "text"

    def note(self, value: Any, depth: int = 0) -> None:
        if value is None:
            return
        if isinstance(value, dict):
            self.types.add("object")
            if depth < MAX_DEPTH:
                for key, sub in value.items():
                    if _IDENTIFIER.match(key):
                        self.fields.setdefault(key, _Shape()).note(sub, depth + 1)
        elif isinstance(value, list):
            self.types.add("array")
            self.items = self.items or _Shape()
            for item in value:
                self.items.note(item, depth + 1)
        elif isinstance(value, str):
            self.types.add("string")
            self.strings.add(_string_kind(value))
        else:
            self.types.add("boolean" if isinstance(value, bool) else "number")

    def schema(self) -> dict[str, Any]:
        if self.types == {"object"}:
            return {"type": "object", "properties": {k: s.schema() for k, s in self.fields.items()}}
        if self.types == {"array"}:
            return {"type": "array", "items": self.items.schema() if self.items else {}}
        if self.types == {"string"}:
            return _string_schema(self.strings)
        if len(self.types) == 1:
            return {"type": next(iter(self.types))}
        return {}


def _string_kind(value: str) -> str:
    if len(value) >= BINARY_FROM and _BASE64.match(value):
        return "binary"
    if _DAY.match(value):
        return "day"
    return "instant" if _INSTANT.match(value) else "text"


def _string_schema(kinds: set[str]) -> dict[str, Any]:
    if kinds == {"day"}:
        return temporal_node("day")
    if kinds == {"instant"}:
        return temporal_node("instant")
    if kinds == {"day", "instant"}:
        return temporal_node("when")
    if kinds == {"binary"}:
        return {"type": "string", "contentEncoding": "base64"}
    return {"type": "string"}


def inferred_schema(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A JSON Schema (the parts the flattening reads) of ``records``."""
    shape = _Shape(fields={"id": _Shape()})
    for record in records:
        shape.note(record)
    schema: dict[str, Any] = {"type": "object", "properties": {"id": {}}}
    if shape.types:
        schema = shape.schema()
    return {**schema, "additionalProperties": True}
