"""``pds.sqlite``: the archive's tables as one SQLite database (``pds export --sqlite``).

The tables are the CSV files' (``csv_mapping``), column for column, with SQLite's
types: numbers and decimals as numbers (``NUMERIC``: exact in ``data/``, summable
here), booleans as 1/0, absent values as NULL, and no formula guard. Each table's
``id`` (a list's table: record id and position) is its primary key; a reference
column is a declared foreign key (not enforced while loading: a purchase may name a
vendor that was deleted; ``PRAGMA foreign_key_check`` lists such rows). Day and
reference columns are indexed, and ``VIEWS`` answer the common questions.

Rows are made by SQLite itself from each batch of JSON records (``json_each`` and
``->>``), so loading costs the exporting thread almost nothing: it runs on a thread of
its own and SQLite lets go of the GIL. Name columns are filled at the end, when every
table is loaded. The database lives in memory (the store's rule: no plaintext on
disk) and is serialized into the zip at the end: the one part of an export whose
memory grows with the store (about the size of the CSV files).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from functools import wraps
from typing import ParamSpec, TypeVar

from pds.errors import ExportFailed
from pds.services.archive.references import all_references
from pds.tabular import Column, CsvPlan, Table
from pds.tabular.plan import DAY, ITEM, JSON, NAME, POSITION, RECORD, TIME

MEMBER = "pds.sqlite"
_P = ParamSpec("_P")
_R = TypeVar("_R")
_SOURCES = {RECORD: "r", ITEM: "i"}

VIEWS: dict[str, tuple[tuple[str, ...], str]] = {
    # name: (the tables it reads, its SELECT)
    "spend_per_vendor_per_month": (
        ("purchases",),
        """SELECT vendor_id, vendor_name, substr(date, 1, 7) AS month, currency,
       count(*) AS purchases, round(sum(total), 6) AS spend
FROM purchases GROUP BY vendor_id, month, currency ORDER BY month, vendor_name""",
    ),
    "spend_per_category_per_month": (
        ("purchases",),
        """SELECT category, substr(date, 1, 7) AS month, currency,
       count(*) AS purchases, round(sum(total), 6) AS spend
FROM purchases GROUP BY category, month, currency ORDER BY month, category""",
    ),
    "last_contact_per_person": (
        ("relationships", "interactions"),
        """SELECT r.id AS person_id, r.name AS name, max(i.date) AS last_contact,
       count(i.id) AS interactions
FROM relationships AS r LEFT JOIN interactions AS i ON i.counterpart_id = r.id
WHERE r.kind = 'person' GROUP BY r.id ORDER BY last_contact DESC, name""",
    ),
}


def _failing_as_export(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """SQLite's errors as ``ExportFailed``, named by kind only (a message can quote data)."""

    @wraps(method)
    def guarded(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as error:
            raise ExportFailed(f"{MEMBER}: SQLite failed ({type(error).__name__})") from None

    return guarded


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _json_path(path: tuple[str, ...]) -> str:
    return "'$" + "".join(f'."{part}"' for part in path) + "'"


def _expression(column: Column) -> str:
    """The SQL that makes the column's value from a record (``r``) or item (``i``)."""
    if column.kind == POSITION:
        return "i.key + 1"
    if column.kind == NAME:
        return "NULL"  # filled by ``_fill_names`` once every table is loaded
    source, path = _SOURCES[column.scope], _json_path(column.path)
    if not column.path:
        return f"{source}.atom"  # a list's scalar item (its value is not JSON text)
    value = f"{source}.value ->> {path}"
    if column.kind == DAY:
        return f"substr({value}, 1, 10)"
    if column.kind == TIME:
        return f"CASE WHEN length({value}) > 10 THEN {value} END"
    if column.kind == JSON:
        return f"json_extract({source}.value, {path})"
    listed = f"json_each({source}.value, {path}) AS j"
    joined = f"(SELECT group_concat(coalesce(j.value, ''), '; ') FROM {listed})"
    if column.shape == "list":
        return joined
    if column.shape == "any":
        kind, text = f"json_type({source}.value, {path})", f"json_extract({source}.value, {path})"
        return f"CASE {kind} WHEN 'array' THEN {joined} WHEN 'object' THEN {text} ELSE {value} END"
    return value


class ArchiveDatabase:
    """An in-memory SQLite database filled collection by collection; ``finish`` gives
    its bytes."""

    def __init__(self) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._inserts: dict[str, list[str]] = {}
        self._tables: dict[str, Table] = {}
        self._plans: list[CsvPlan] = []

    @_failing_as_export
    def add(self, plan: CsvPlan, targets: set[str]) -> None:
        """Create ``plan``'s tables; ``targets``: the collections in the archive (a
        reference to one of them is a foreign key)."""
        main = plan.main
        statements = []
        for table in plan.tables:
            self._db.execute(_create(table, main.name, targets))
            self._tables[table.name] = table
            statements.append(_insert(table))
        self._inserts[main.name] = statements
        self._plans.append(plan)

    @_failing_as_export
    def insert(self, collection: str, records: bytes) -> None:
        """Load a batch: ``records`` is a JSON array of the collection's records."""
        text = records.decode()  # (JSON functions take text, not a blob)
        self._db.execute("BEGIN")
        for statement in self._inserts[collection]:
            self._db.execute(statement, (text,))
        self._db.execute("COMMIT")

    @_failing_as_export
    def finish(self) -> bytes:
        self._db.execute("BEGIN")
        self._fill_names()
        for statement in self._indexes():
            self._db.execute(statement)
        for name, (tables, select) in VIEWS.items():
            if all(table in self._tables for table in tables):
                self._db.execute(f"CREATE VIEW {_quote(name)} AS {select}")
        self._db.execute("COMMIT")
        self._db.execute("ANALYZE")
        return self._db.serialize()

    def close(self) -> None:
        self._db.close()

    def _fill_names(self) -> None:
        labels = {
            ref.names_key: (ref.target, ref.label)
            for _, ref in all_references()
            if ref.target in self._tables
        }
        for table in self._tables.values():
            for column in table.columns:
                if column.kind != NAME or column.names not in labels:
                    continue
                target, label = labels[column.names]
                if label not in self._tables[target].column_names:
                    continue
                id_column = _id_column_of(table, column)
                self._db.execute(
                    f"UPDATE {_quote(table.name)} SET {_quote(column.name)} = "
                    f"(SELECT t.{_quote(label)} FROM {_quote(target)} AS t "
                    f"WHERE t.id = {_quote(table.name)}.{_quote(id_column)})"
                )

    def _indexes(self) -> Iterator[str]:
        for table in self._tables.values():
            for column in table.columns:
                if column.kind == DAY or column.shape == "day" or _is_reference(table, column):
                    index = _quote(f"{table.name}_by_{column.name}")
                    yield (f"CREATE INDEX {index} ON {_quote(table.name)} ({_quote(column.name)})")


def _id_column_of(table: Table, name_column: Column) -> str:
    for column in table.columns:
        if column.kind != NAME and column.path == name_column.path and column.scope == RECORD:
            return column.name
    raise LookupError(name_column.name)


def _is_reference(table: Table, column: Column) -> bool:
    return column.kind != NAME and any(
        other.kind == NAME and other.path == column.path for other in table.columns
    )


def _create(table: Table, collection: str, targets: set[str]) -> str:
    definitions = []
    references = {ref.field: ref for _, ref in all_references()}
    for index, column in enumerate(table.columns):
        sql = f"{_quote(column.name)} {column.sql_type}"
        if not table.items and column.path == ("id",) and index == 0:
            sql += " PRIMARY KEY"
        elif table.items and index == 0:
            sql += f" NOT NULL REFERENCES {_quote(collection)} (id)"
        elif _is_reference(table, column) and column.path[-1] in references:
            target = references[column.path[-1]].target
            if target in targets:
                sql += f" REFERENCES {_quote(target)} (id)"
        definitions.append(sql)
    if table.extra:
        definitions.append('"_extra" TEXT')
    if table.items:
        definitions.append(f"PRIMARY KEY ({_quote(table.columns[0].name)}, position)")
    return f"CREATE TABLE {_quote(table.name)} ({', '.join(definitions)})"


def _insert(table: Table) -> str:
    names = ", ".join(map(_quote, table.column_names))
    values = [_expression(column) for column in table.columns]
    if table.extra:
        known = table.known_fields
        removed = ", ".join(f"'$.\"{name}\"'" for name in known)
        rest = f"json_remove(r.value, {removed})" if removed else "r.value"
        values.append(f"nullif({rest}, '{{}}')")
    source = "json_each(?) AS r"
    if table.items:
        source += f", json_each(r.value, {_json_path(table.items)}) AS i"
    return f"INSERT INTO {_quote(table.name)} ({names}) SELECT {', '.join(values)} FROM {source}"
