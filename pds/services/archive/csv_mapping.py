"""The flat, spreadsheet-friendly view of a collection: its CSV plan (``pds.tabular``)
from its JSON Schema.

- One column per top-level property of the collection's schema, in the schema's
  order; an object property with known properties becomes one column per property,
  named ``parent.child`` (recursively).
- A property that is a list of objects (line items) holds their JSON text.
- A collection whose schema lists only ``id`` gets the columns ``id`` and ``record``
  (the whole record as JSON text); any field a schema does not list goes to a last
  column ``_extra`` (JSON text of those fields) when the schema allows such fields.
- How values become cells (lists, numbers, the formula guard) is ``pds.tabular.plan``.
- The file is UTF-8 with a byte order mark (spreadsheets then detect the encoding).

The CSV is a view for people: ``data/`` is what restores.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pds.services.archive.schemas import json_schema
from pds.tabular import CsvPlan


@cache
def csv_plan(collection: str) -> CsvPlan:
    schema = json_schema(collection)
    leaves = _paths(schema, schema, ())
    paths = tuple(path for path, _ in leaves)
    if paths == (("id",),):
        return CsvPlan.for_whole_records()
    return CsvPlan(
        paths=paths,
        json_columns=tuple(_is_object_list(schema, node) for _, node in leaves),
        extra=schema.get("additionalProperties", True) is not False,
    )


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return _resolve(schema, schema["$defs"][ref.removeprefix("#/$defs/")])
    return node


def _paths(
    schema: dict[str, Any], node: dict[str, Any], prefix: tuple[str, ...]
) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """Each leaf property's path and its (resolved) schema."""
    found: list[tuple[tuple[str, ...], dict[str, Any]]] = []
    for name, sub in node.get("properties", {}).items():
        sub = _resolve(schema, sub)
        if sub.get("type") == "object" and sub.get("properties"):
            found.extend(_paths(schema, sub, (*prefix, name)))
        else:
            found.append(((*prefix, name), sub))
    return found


def _is_object_list(schema: dict[str, Any], node: dict[str, Any]) -> bool:
    items = node.get("items")
    if node.get("type") != "array" or not isinstance(items, dict):
        return False
    return bool(_resolve(schema, items).get("type") == "object")
