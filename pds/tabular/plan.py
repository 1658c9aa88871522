"""How records fill the tables of CSV files, and the CSV text they make.

A ``CsvPlan`` is a collection's tables: the main one (one row per record) and one per
list the records hold (one row per item, with the record's id and its human columns
beside the item's own). Each ``Column`` says where its value comes from (``scope``:
the record, the list item, or the item's position) and how it becomes a cell
(``kind``):

- ``value``: strings as they are, numbers as JSON writes them, booleans ``true`` /
  ``false``; a list of scalars its values joined by ``"; "``; absent or null (or a
  path through something that is not an object) an empty cell;
- ``json``: the value's JSON text (a list of objects nested below the top level);
- ``day`` / ``time``: the two halves of a field that holds either a day or an instant
  (``2026-11-14`` or ``2026-08-17T09:30:21Z``): the day (``YYYY-MM-DD``) and the
  instant (ISO 8601 UTC), empty when only the day is known, so that each column has
  one format;
- ``name``: the human name of the id at ``path``, looked up in ``CsvPlan.names``
  under the column's ``names`` key (``vendor_id`` -> ``vendor_name``);
- ``position``: the item's position in its list, from 1.

RFC 4180: every cell in double quotes (a ``"`` inside doubled), CRLF line ends. A
cell that a spreadsheet would read as a formula is prefixed with ``'``: one that
starts with ``=`` or ``@``, a tab or a carriage return, or with ``+`` or ``-`` unless
the whole cell is a number (``-12.50`` stays a number; ``+49 30 1234`` and
``-A1`` are guarded). A main table with ``extra`` ends with ``_extra``, the JSON text
of the fields no column names.

``CsvPlan.texts`` makes a batch's lines column by column, with C-level passes over
each column instead of Python work per cell (it runs for every record of an export);
``cell`` is the one-value definition it is tested against.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain, repeat
from operator import itemgetter, methodcaller
from types import NoneType
from typing import Any

import orjson

EXTRA = "_extra"
VALUE, JSON, DAY, TIME, NAME, POSITION = "value", "json", "day", "time", "name", "position"
RECORD, ITEM = "record", "item"  # where a column's value comes from
_ALWAYS_FORMULA = ("=", "@", "\t", "\r")
_SIGNS = ("+", "-")
_FORMULA_FIRST = frozenset(_ALWAYS_FORMULA + _SIGNS)
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_first = itemgetter(slice(0, 1))
_double_quotes = methodcaller("replace", '"', '""')
_SEPARATOR = "; "
_STRINGS = frozenset({str, NoneType})
_LISTS = frozenset({list, NoneType})
_DICTS = frozenset({dict})


@dataclass(frozen=True)
class Column:
    name: str
    path: tuple[str, ...] = ()  # into the record or the item (``()``: the item itself)
    kind: str = VALUE
    scope: str = RECORD
    names: str = ""  # ``name`` columns: the key of their table in ``CsvPlan.names``
    sql_type: str = "TEXT"  # what the column holds in SQLite (``database``)
    shape: str = "scalar"  # "scalar", "day", "list" (of scalars) or "any" (unknown)


@dataclass(frozen=True)
class Table:
    """``items``: for a list's table, the list's path in the record (``()``: the main
    table). ``elsewhere``: the record's top-level fields no column names that are not
    ``_extra`` either (a list with a table of its own, bytes left out)."""

    name: str
    columns: tuple[Column, ...]
    items: tuple[str, ...] = ()
    extra: bool = False
    elsewhere: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns] + ([EXTRA] if self.extra else [])

    def header(self) -> str:
        return csv_line(self.column_names)

    @cached_property
    def _top(self) -> frozenset[str]:
        return frozenset(self.known_fields)

    @property
    def known_fields(self) -> list[str]:
        """The record's top-level fields that are not ``_extra``."""
        named = {c.path[0] for c in self.columns if c.path and c.scope == RECORD}
        return sorted(named | set(self.elsewhere))

    def extra_text(self, record: dict[str, Any]) -> str:
        others = {key: value for key, value in record.items() if key not in self._top}
        return orjson.dumps(others).decode() if others else ""


@dataclass(frozen=True)
class CsvPlan:
    """A collection's tables, the main one first; ``names`` maps a names key to ids and
    their human names."""

    tables: tuple[Table, ...]
    names: dict[str, dict[str, str]] = field(default_factory=dict, hash=False)

    @property
    def main(self) -> Table:
        return self.tables[0]

    def to_json(self) -> bytes:
        return orjson.dumps({"tables": self.tables, "names": self.names})

    @classmethod
    def from_json(cls, data: bytes) -> CsvPlan:
        fields = orjson.loads(data)
        tables = tuple(
            Table(
                name=t["name"],
                columns=tuple(Column(**{**c, "path": tuple(c["path"])}) for c in t["columns"]),
                items=tuple(t["items"]),
                extra=t["extra"],
                elsewhere=tuple(t["elsewhere"]),
            )
            for t in fields["tables"]
        )
        return cls(tables=tables, names=fields["names"])

    def texts(self, records: list[dict[str, Any]]) -> list[str]:
        """The CSV lines of ``records`` for each table, in the tables' order."""
        return [self._table_text(table, records) for table in self.tables]

    def texts_of_json(self, records: bytes) -> list[bytes]:
        """``texts`` (UTF-8) of JSON records joined by commas (an array's inside)."""
        return [text.encode() for text in self.texts(orjson.loads(b"[" + records + b"]"))]

    def rows(self, table: Table, records: list[dict[str, Any]]) -> list[list[str]]:
        """The cells of ``table``'s rows for ``records`` (the plain way; for tests and
        small uses)."""
        columns = self._columns_of(table, records)
        return [list(row) for row in zip(*columns, strict=True)] if columns else []

    def values(self, table: Table, records: list[dict[str, Any]]) -> list[list[Any]]:
        """``table``'s values for ``records`` column by column, typed for a database:
        texts, numbers and booleans as they are, absent values ``None``, lists of
        scalars joined by ``"; "``, objects as JSON text, names looked up; no formula
        guard (a database computes nothing)."""
        if not table.items:
            sources: dict[str, list[Any]] = {RECORD: records}
        else:
            sources = _item_sources(records, table.items)
        columns = [self._values(column, sources[column.scope]) for column in table.columns]
        if table.extra:
            columns.append([table.extra_text(record) or None for record in records])
        return columns

    def _values(self, column: Column, sources: list[Any]) -> list[Any]:
        if column.kind == POSITION:
            return sources
        values = _column(sources, column.path)
        if column.kind == JSON:
            return [None if value is None else orjson.dumps(value).decode() for value in values]
        if column.kind == NAME:
            return self._names(column, values)
        if column.kind in (DAY, TIME):
            return [text or None for text in _half(column.kind, values)]
        if set(map(type, values)) <= _PLAIN:
            return values
        return list(map(_plain, values))

    def _table_text(self, table: Table, records: list[dict[str, Any]]) -> str:
        columns = self._columns_of(table, records)
        return csv_lines(columns) if columns and columns[0] else ""

    def _columns_of(self, table: Table, records: list[dict[str, Any]]) -> list[list[str]]:
        if not table.items:
            sources: dict[str, list[Any]] = {RECORD: records}
        else:
            sources = _item_sources(records, table.items)
        columns = [self._cells(column, sources[column.scope]) for column in table.columns]
        if table.extra:
            if all(map(table._top.issuperset, records)):
                columns.append([""] * len(records))
            else:
                columns.append(list(map(table.extra_text, records)))
        return columns

    def _cells(self, column: Column, sources: list[Any]) -> list[str]:
        if column.kind == POSITION:
            return list(map(str, sources))
        values = _column(sources, column.path)
        if column.kind == JSON:
            return _json_cells(values)
        if column.kind in (DAY, TIME):
            return _scalar_cells(_half(column.kind, values))  # (guarded: a value may be no day)
        if column.kind == NAME:
            values = self._names(column, values)
        return _scalar_cells(values)

    def _names(self, column: Column, ids: list[Any]) -> list[str | None]:
        """The name of each id (``None`` for an unknown id, or a value that is none)."""
        names = self.names.get(column.names, {})
        if not names:
            return [None] * len(ids)
        if set(map(type, ids)) <= _STRINGS:
            return list(map(names.get, ids))
        return [names.get(value) if isinstance(value, str) else None for value in ids]


def _half(kind: str, values: list[Any]) -> list[str]:
    """The day (``YYYY-MM-DD``) or the instant (empty if only the day is known) of
    values that are either."""
    if kind == DAY:
        return [value[:10] if isinstance(value, str) else "" for value in values]
    return [value if isinstance(value, str) and len(value) > 10 else "" for value in values]


def _item_sources(records: list[dict[str, Any]], items: tuple[str, ...]) -> dict[str, list[Any]]:
    """The records, items and positions of a list's table: one entry per item (whole
    columns at C speed when every value is a list or absent, the usual case)."""
    lists = _column(records, items)
    if not set(map(type, lists)) <= _LISTS:
        lists = [value if isinstance(value, list) else None for value in lists]
    lists = [() if value is None else value for value in lists]
    lengths = list(map(len, lists))
    return {
        RECORD: list(chain.from_iterable(map(repeat, records, lengths))),
        ITEM: list(chain.from_iterable(lists)),
        POSITION: list(chain.from_iterable(map(range, repeat(1), [n + 1 for n in lengths]))),
    }


_PLAIN = frozenset({str, int, float, bool, NoneType})


def _plain(value: Any) -> Any:
    """A value a database column holds: lists of scalars joined, objects as JSON text."""
    if isinstance(value, list) and not any(isinstance(v, dict | list) for v in value):
        return _SEPARATOR.join(v if isinstance(v, str) else cell(v) for v in value)
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    return value


def _json_text(value: Any) -> str:
    return "" if value is None else orjson.dumps(value).decode()


def csv_line(cells: Sequence[str]) -> str:
    """One CSV line (RFC 4180: every cell quoted, a quote inside doubled, CRLF)."""
    return '"' + '","'.join([c.replace('"', '""') for c in cells]) + '"\r\n'


def _column(records: list[Any], path: tuple[str, ...]) -> list[Any]:
    if not path:
        return records
    if len(path) == 1 and set(map(type, records)) <= _DICTS:
        return list(map(dict.get, records, repeat(path[0])))
    return [_get(record, path) for record in records]


def is_formula(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula (see the module doc)."""
    if text.startswith(_ALWAYS_FORMULA):
        return True
    return text.startswith(_SIGNS) and _NUMBER.fullmatch(text) is None


def guarded(text: str) -> str:
    return "'" + text if is_formula(text) else text


def _scalar_cells(values: list[Any]) -> list[str]:
    """``cell`` of each value: at C speed when they are strings (the usual case), lists
    of strings or absent; one by one otherwise."""
    try:
        "".join(values)  # (only strings join)
    except TypeError:
        texts = _texts(values)
        if texts is None:
            return list(map(cell, values))
        values = texts
    if not _FORMULA_FIRST.isdisjoint(map(_first, values)):
        values = list(map(guarded, values))
    return values


def _texts(values: list[Any]) -> list[str] | None:
    """Strings and lists of strings as text, absent values empty; ``None`` if some
    value is anything else."""
    kinds = set(map(type, values))
    if kinds <= _STRINGS:
        return ["" if value is None else value for value in values]
    if kinds <= _LISTS:
        lists = [() if value is None else value for value in values]
        try:
            return list(map(_SEPARATOR.join, lists))
        except TypeError:  # a list holding something other than strings
            return None
    return None


def _json_cells(values: list[Any]) -> list[str]:
    if None in values:
        return list(map(_json_text, values))
    return list(map(bytes.decode, map(orjson.dumps, values)))


def _quoted(cells: list[str]) -> list[str]:
    """The cells with each quote doubled (RFC 4180), looked at one by one only if a quote
    is in the column at all."""
    return list(map(_double_quotes, cells)) if '"' in "".join(cells) else cells


def csv_lines(columns: list[list[str]]) -> str:
    """CSV lines from their cells given column by column (whole columns at C speed)."""
    rows = zip(*map(_quoted, columns), strict=True)
    return '"' + '"\r\n"'.join(map('","'.join, rows)) + '"\r\n'


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
        return guarded(value)
    if isinstance(value, int | float):
        return orjson.dumps(value).decode()
    if isinstance(value, list):
        try:
            return cell(_SEPARATOR.join(value))  # the common case: a list of strings
        except TypeError:
            if not any(isinstance(v, dict | list) for v in value):
                return cell(_SEPARATOR.join(v if isinstance(v, str) else cell(v) for v in value))
    return orjson.dumps(value).decode()
