"""The flat, spreadsheet-friendly view of a collection: columns from its JSON Schema.

- RFC 4180: every cell in double quotes (a ``"`` inside doubled), CRLF line ends,
  UTF-8 with a byte order mark (spreadsheets then detect the encoding).
- One column per top-level property of the collection's schema, in the schema's
  order; an object property with known properties becomes one column per property,
  named ``parent.child`` (recursively).
- A list of scalars becomes its values joined by ``"; "``; a list holding objects
  (line items) becomes its JSON text.
- Strings are written as they are, numbers as JSON writes them, booleans as ``true``
  / ``false``; an absent or null value is an empty cell.
- A string that a spreadsheet would take for a formula (it starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return) is prefixed with ``'``.
- A collection whose schema lists only ``id`` gets the columns ``id`` and ``record``
  (the whole record as JSON text); any field a schema does not list goes to a last
  column ``_extra`` (JSON text of those fields) when the schema allows such fields.

The CSV is a view for people: ``data/`` is what restores.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from pds.services.archive.schemas import json_schema

RECORD = "record"
EXTRA = "_extra"
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(_FORMULA)
_SEPARATOR = "; "


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


def _compile_row(
    columns: list[tuple[tuple[str, ...], bool]],
) -> Callable[[dict[str, Any]], list[str]]:
    """The function that makes a record's cells, one expression per column (no call
    per cell: it runs for every record of an export). ``columns``: each column's path
    and whether it holds a list of objects (then JSON text)."""
    lines, cells = ["def row(record):", "    get = record.get"], []
    for n, (path, json_text) in enumerate(columns):
        value = f"get({path[0]!r})" if len(path) == 1 else f"dig(record, {path!r})"
        lines.append(f"    v{n} = {value}")
        if json_text:
            cells.append(f"('' if v{n} is None else dumps(v{n}).decode())")
        else:
            guarded = f'("\'" + v{n} if v{n}[:1] in FORMULA else v{n})'
            cells.append(f"({guarded} if v{n}.__class__ is str else cell(v{n}))")
    lines.append("    return [" + ", ".join(cells) + "]")
    scope = {"dumps": orjson.dumps, "dig": _get, "FORMULA": _FORMULA_FIRST, "cell": cell}
    exec("\n".join(lines), scope)
    return scope["row"]  # type: ignore[no-any-return]


def _json_text(value: Any) -> str:
    """A column of lists of objects (line items): JSON text."""
    return "" if value is None else orjson.dumps(value).decode()


def _is_object_list(schema: dict[str, Any], node: dict[str, Any]) -> bool:
    items = node.get("items")
    arrays = node.get("type") == "array" and isinstance(items, dict)
    return arrays and _resolve(schema, items).get("type") == "object"


def csv_line(cells: list[str]) -> str:
    """One CSV line (RFC 4180, every cell quoted, CRLF): a few C-level string operations
    per line rather than a look at each cell."""
    joined = "\x00".join(cells)
    if joined.count("\x00") != len(cells) - 1:  # a cell holds NUL itself: cell by cell
        return '"' + '","'.join(c.replace('"', '""') for c in cells) + '"\r\n'
    return '"' + joined.replace('"', '""').replace("\x00", '","') + '"\r\n'


class CsvMapping:
    """The columns of one collection and how a record fills them."""

    def __init__(self, collection: str) -> None:
        schema = json_schema(collection)
        leaves = _paths(schema, schema, ())
        paths = [path for path, _ in leaves]
        self.whole = paths == [("id",)]
        self.paths = [("id",), (RECORD,)] if self.whole else paths
        self.extra = not self.whole and schema.get("additionalProperties", True) is not False
        self._top = {path[0] for path in paths}
        self._cells = _compile_row([(path, _is_object_list(schema, node)) for path, node in leaves])
        self.columns = [".".join(path) for path in self.paths] + ([EXTRA] if self.extra else [])

    def row(self, record: dict[str, Any]) -> list[str]:
        if self.whole:
            rest = {key: value for key, value in record.items() if key != "id"}
            return [cell(record.get("id")), orjson.dumps(rest).decode()]
        cells = self._cells(record)
        if self.extra:
            others = {key: value for key, value in record.items() if key not in self._top}
            cells.append(orjson.dumps(others).decode() if others else "")
        return cells

    def header(self) -> str:
        return csv_line(self.columns)

    def line(self, record: dict[str, Any]) -> str:
        return csv_line(self.row(record))


def _get(record: Any, path: tuple[str, ...]) -> Any:
    value: Any = record
    for name in path:
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


def cell(value: Any) -> str:
    """One value as a CSV cell (see the module doc)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA) else value
    if isinstance(value, int | float):
        return orjson.dumps(value).decode()
    if isinstance(value, list):
        try:
            return cell(_SEPARATOR.join(value))  # the common case: a list of strings
        except TypeError:
            if not any(isinstance(v, dict | list) for v in value):
                return cell(_SEPARATOR.join(v if isinstance(v, str) else cell(v) for v in value))
    return orjson.dumps(value).decode()
