"""How records fill the columns of a CSV, and the CSV text they make.

- RFC 4180: every cell in double quotes (a ``"`` inside doubled), CRLF line ends.
- A column is a path into the record (``("address", "locality")``); a value that is
  absent or null, or a path through something that is not an object, is an empty
  cell.
- A list of scalars becomes its values joined by ``"; "``; a column of lists of
  objects (line items) holds their JSON text.
- Strings are written as they are, numbers as JSON writes them, booleans as ``true``
  / ``false``.
- A string that a spreadsheet would take for a formula (it starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return) is prefixed with ``'``.
- A ``whole`` plan has the columns ``id`` and ``record`` (the record but its id, as
  JSON text); an ``extra`` plan ends with a column ``_extra`` holding the JSON text
  of the fields no column names.

``CsvPlan.row`` makes one record's cells the plain way and is the definition;
``CsvPlan.text`` makes the lines of a whole batch column by column, with C-level
passes over each column instead of Python work per cell (it runs for every record of
an export), and is tested to agree with ``row``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat
from operator import itemgetter, methodcaller
from types import NoneType
from typing import Any

import orjson

RECORD = "record"
EXTRA = "_extra"
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(_FORMULA)
_first = itemgetter(slice(0, 1))
_double_quotes = methodcaller("replace", '"', '""')
_SEPARATOR = "; "
_STRINGS = frozenset({str, NoneType})
_LISTS = frozenset({list, NoneType})


@dataclass(frozen=True)
class CsvPlan:
    """The columns of a CSV of records: each column's path into a record and whether
    it holds JSON text (lists of objects); see the module doc for ``whole`` and
    ``extra``."""

    paths: tuple[tuple[str, ...], ...]
    json_columns: tuple[bool, ...]
    whole: bool = False
    extra: bool = False

    @classmethod
    def for_whole_records(cls) -> CsvPlan:
        return cls(paths=(("id",), (RECORD,)), json_columns=(False, True), whole=True)

    @property
    def columns(self) -> list[str]:
        return [".".join(path) for path in self.paths] + ([EXTRA] if self.extra else [])

    @cached_property
    def _top(self) -> frozenset[str]:
        return frozenset(path[0] for path in self.paths)

    def to_json(self) -> bytes:
        return orjson.dumps(
            {
                "paths": self.paths,
                "json_columns": self.json_columns,
                "whole": self.whole,
                "extra": self.extra,
            }
        )

    @classmethod
    def from_json(cls, data: bytes) -> CsvPlan:
        fields = orjson.loads(data)
        return cls(
            paths=tuple(tuple(path) for path in fields["paths"]),
            json_columns=tuple(fields["json_columns"]),
            whole=fields["whole"],
            extra=fields["extra"],
        )

    def header(self) -> str:
        return csv_line(self.columns)

    def row(self, record: dict[str, Any]) -> list[str]:
        if self.whole:
            return [cell(record.get("id")), _rest_text(record)]
        cells = [
            _json_text(_get(record, path)) if json_text else cell(_get(record, path))
            for path, json_text in zip(self.paths, self.json_columns, strict=True)
        ]
        if self.extra:
            cells.append(self._extra_text(record))
        return cells

    def line(self, record: dict[str, Any]) -> str:
        return csv_line(self.row(record))

    def text(self, records: list[dict[str, Any]]) -> str:
        """The CSV lines of ``records``, in order (the same as their ``line``s joined)."""
        if not records:
            return ""
        return csv_lines(self._columns_of(records))

    def text_of_json(self, records: bytes) -> bytes:
        """The CSV lines (UTF-8) of JSON records joined by commas (an array's inside)."""
        return self.text(orjson.loads(b"[" + records + b"]")).encode()

    def _columns_of(self, records: list[dict[str, Any]]) -> list[list[str]]:
        if self.whole:
            return [_scalar_cells(_column(records, ("id",))), list(map(_rest_text, records))]
        columns = [
            (_json_cells if json_text else _scalar_cells)(_column(records, path))
            for path, json_text in zip(self.paths, self.json_columns, strict=True)
        ]
        if self.extra:
            if all(map(self._top.issuperset, records)):
                columns.append([""] * len(records))
            else:
                columns.append(list(map(self._extra_text, records)))
        return columns

    def _extra_text(self, record: dict[str, Any]) -> str:
        others = {key: value for key, value in record.items() if key not in self._top}
        return orjson.dumps(others).decode() if others else ""


def _json_text(value: Any) -> str:
    """A column of lists of objects (line items): JSON text."""
    return "" if value is None else orjson.dumps(value).decode()


def csv_line(cells: Sequence[str]) -> str:
    """One CSV line (RFC 4180: every cell quoted, a quote inside doubled, CRLF)."""
    return '"' + '","'.join([c.replace('"', '""') for c in cells]) + '"\r\n'


def _rest_text(record: dict[str, Any]) -> str:
    """A plain record's fields but its id, as JSON text."""
    return orjson.dumps({key: value for key, value in record.items() if key != "id"}).decode()


def _column(records: list[dict[str, Any]], path: tuple[str, ...]) -> list[Any]:
    if len(path) == 1:
        return list(map(dict.get, records, repeat(path[0])))
    return [_get(record, path) for record in records]


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
        values = ["'" + value if value.startswith(_FORMULA) else value for value in values]
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
    """``_json_text`` of each value."""
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
