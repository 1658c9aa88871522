"""The flat, spreadsheet-ready tables of a collection (its CSV files and SQLite tables),
derived from its JSON Schema: the declared one, or the one ``shapes`` infers for a
collection without.

- The main table (``<collection>``) has one column per top-level property, in the
  schema's order; an object property with known properties becomes one column per
  property, named ``parent.child`` (recursively).
- A field that holds a day or an instant (``When``) becomes two columns: ``date``
  (``YYYY-MM-DD``) and ``date_time`` (ISO 8601 UTC, empty when only the day is known).
- A reference (``references``) gets its name column beside it: ``vendor_id``,
  ``vendor_name``.
- A top-level list gets a table of its own, ``<singular>_<field>``
  (``purchase_items``, ``relationship_emails``): one row per item with the record's
  id (``purchase_id``), its human columns (its order field, name or title, and the
  names of what it refers to), the item's ``position`` (from 1) and the item's
  columns (an object's properties, or one column named for a scalar). A list of
  scalars is also kept in the main table, joined by ``"; "``.
  Should that name be a collection's, the table is ``<collection>__<field>``.
- Deeper lists are one cell: scalars joined by ``"; "``, objects as JSON text.
- A field no column names goes to a last column ``_extra`` (JSON text) when the
  schema allows such fields.
- A binary field (``contentEncoding`` base64: a photo's bytes) is left out of the
  tables; ``data/`` keeps it.

How values become cells (numbers, the formula guard) is ``pds.tabular.plan``. The
tables are a view for people: ``data/`` is what restores.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pds.services.archive.references import Reference, references_of
from pds.services.archive.schemas import is_decimal, temporal_kind
from pds.tabular import Column, CsvPlan, Table
from pds.tabular.plan import DAY, ITEM, JSON, NAME, POSITION, TIME, VALUE

Leaf = tuple[tuple[str, ...], dict[str, Any]]
HUMAN_FIELDS = ("name", "title", "key", "label")  # a record's human columns, if it has them


@dataclass(frozen=True)
class Shape:
    """What the planner needs of a collection besides its schema."""

    collection: str
    schema: dict[str, Any]
    order_by: str | None = None


def table_plan(
    shape: Shape,
    names: dict[str, dict[str, str]] | None = None,
    reserved: frozenset[str] = frozenset(),
) -> CsvPlan:
    """The collection's tables; ``names``: the names its references need; ``reserved``:
    the names a list's table must not take (the other collections')."""
    schema = shape.schema
    every = _paths(schema, schema, ())
    leaves = [leaf for leaf in every if not _binary(leaf[1])]
    binary = [path[0] for path, node in every if _binary(node) and len(path) == 1]
    references = {r.field: r for r in references_of(shape.collection)}
    main: list[Column] = []
    lists: list[Leaf] = []
    for path, node in leaves:
        if len(path) == 1 and _array_items(schema, node) is not None:
            lists.append((path, node))
            if _resolve(schema, node["items"]).get("type") == "object":
                continue
        main.extend(_columns(schema, path, node, references.get(path[0]) if path else None))
    singular = _singular(shape.collection)
    context = _context(singular, main, shape.order_by)
    elsewhere = tuple(sorted({*binary, *(path[0] for path, _ in lists)}))
    tables = [
        Table(shape.collection, tuple(main), extra=_allows_extra(schema), elsewhere=elsewhere)
    ]
    for path, node in lists:
        table = _list_table(schema, singular, context, path, node)
        if table.name in reserved:  # (a collection of that name: csv/ holds it)
            table = replace(table, name=f"{shape.collection}__{path[0]}")
        tables.append(table)
    return CsvPlan(tables=tuple(tables), names=dict(names or {}))


def _columns(
    schema: dict[str, Any], path: tuple[str, ...], node: dict[str, Any], ref: Reference | None
) -> list[Column]:
    name = ".".join(path)
    if temporal_kind(node) == "when":
        return [Column(name, path, DAY), Column(f"{name}_time", path, TIME)]
    column = Column(name, path, _kind(schema, node), sql_type=_sql_type(node), shape=_shape(node))
    if ref is None:
        return [column]
    return [column, Column(ref.column, path, NAME, names=ref.names_key)]


def _context(singular: str, main: list[Column], order_by: str | None) -> list[Column]:
    """The record's columns a list's table repeats on each row: the record's id (as
    ``<singular>_id``), its order field, its first human field (name, title, ...) and
    the names of what it refers to (``vendor_name``)."""
    tops = {column.path[0] for column in main if len(column.path) == 1}
    human = next((name for name in HUMAN_FIELDS if name in tops), None)
    wanted = {order_by, human} - {None}
    chosen = [Column(f"{singular}_id", ("id",), sql_type="TEXT")]
    for column in main:
        top_level = len(column.path) == 1 and column.path[0] in wanted
        if (top_level and column.kind != TIME) or column.kind == NAME:
            chosen.append(column)
    return chosen


def _list_table(
    schema: dict[str, Any],
    singular: str,
    context: list[Column],
    path: tuple[str, ...],
    node: dict[str, Any],
) -> Table:
    items = _resolve(schema, node["items"])
    columns = [*context, Column("position", kind=POSITION, scope=POSITION, sql_type="INTEGER")]
    taken = {column.name for column in columns}
    if items.get("type") == "object":
        for sub, sub_node in _paths(schema, items, ()):
            if not _binary(sub_node):
                for column in _columns(schema, sub, sub_node, None):
                    columns.append(_in_item(column, path[0], taken))
    else:
        scalar = Column(_singular(path[0]), (), _kind(schema, items), sql_type=_sql_type(items))
        columns.append(_in_item(scalar, path[0], taken))
    return Table(f"{singular}_{path[0]}", tuple(columns), items=path)


def _in_item(column: Column, field: str, taken: set[str]) -> Column:
    """An item's column; named ``<list>.<name>`` if the record's columns have its name."""
    name = f"{field}.{column.name}" if column.name in taken else column.name
    return Column(name, column.path, column.kind, ITEM, column.names, column.sql_type, column.shape)


def _kind(schema: dict[str, Any], node: dict[str, Any]) -> str:
    items = _array_items(schema, node)
    return JSON if items is not None and items.get("type") == "object" else VALUE


def _shape(node: dict[str, Any]) -> str:
    if temporal_kind(node) == "day":
        return "day"  # (indexed in SQLite)
    if node.get("type") == "array":
        return "list"
    return "scalar" if node.get("type") in ("string", "number", "integer", "boolean") else "any"


def _sql_type(node: dict[str, Any]) -> str:
    if is_decimal(node):
        return "NUMERIC"  # exact in data/; a number SQLite can sum here
    return {"integer": "INTEGER", "boolean": "INTEGER", "number": "REAL"}.get(
        str(node.get("type")), "TEXT"
    )


def _singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name


def _allows_extra(schema: dict[str, Any]) -> bool:
    return schema.get("additionalProperties", True) is not False


def _binary(node: dict[str, Any]) -> bool:
    return "contentEncoding" in node or node.get("format") in ("byte", "binary")


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return _resolve(schema, schema["$defs"][ref.removeprefix("#/$defs/")])
    return node


def _array_items(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any] | None:
    items = node.get("items")
    if node.get("type") != "array" or not isinstance(items, dict):
        return None
    return _resolve(schema, items)


def _paths(schema: dict[str, Any], node: dict[str, Any], prefix: tuple[str, ...]) -> list[Leaf]:
    """Each leaf property's path and its (resolved) schema."""
    found: list[Leaf] = []
    for name, sub in node.get("properties", {}).items():
        sub = _resolve(schema, sub)
        if sub.get("type") == "object" and sub.get("properties"):
            found.extend(_paths(schema, sub, (*prefix, name)))
        else:
            found.append(((*prefix, name), sub))
    return found
