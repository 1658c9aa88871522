"""``pds.sqlite``: the archive's tables as one SQLite database (``pds export --sqlite``).

The tables are the CSV files' (``csv_mapping``), column for column, with SQLite's
types: numbers and decimals as numbers (``NUMERIC``: exact in ``data/``, summable
here), booleans as 1/0, absent values as NULL, and no formula guard. Each table's
``id`` is its primary key (a list's table: record id and position are unique); a reference
column is a declared foreign key (not enforced while loading: a purchase may name a
vendor that was deleted; ``PRAGMA foreign_key_check`` lists such rows). Day and
reference columns are indexed, and ``VIEWS`` answer the common questions.

Rows are the CSV plan's values (``CsvPlan.values``: the same columns, typed), loaded
a batch at a time with ``executemany`` on a thread of their own. The database lives
in memory (the store's rule: no plaintext on disk) and is serialized into the zip at
the end: the one part of an export whose memory grows with the store (the database
and its serialized copy, each about the size of the CSV files).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from functools import wraps
from typing import ParamSpec, TypeVar

import orjson

from pds.errors import ExportFailed
from pds.services.archive.references import all_references
from pds.tabular import Column, CsvPlan, Table
from pds.tabular.plan import DAY, NAME

MEMBER = "pds.sqlite"
_P = ParamSpec("_P")
_R = TypeVar("_R")

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


class ArchiveDatabase:
    """An in-memory SQLite database filled collection by collection; ``finish`` gives
    its bytes."""

    def __init__(self) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._plans: dict[str, CsvPlan] = {}
        self._tables: dict[str, Table] = {}

    @_failing_as_export
    def add(self, plan: CsvPlan, targets: set[str]) -> None:
        """Create ``plan``'s tables; ``targets``: the collections in the archive (a
        reference to one of them is a foreign key)."""
        for table in plan.tables:
            self._db.execute(_create(table, plan.main.name, targets))
            self._tables[table.name] = table
        self._plans[plan.main.name] = plan

    @_failing_as_export
    def insert(self, collection: str, records: bytes) -> None:
        """Load a batch: ``records`` is a JSON array of the collection's records."""
        plan, loaded = self._plans[collection], orjson.loads(records)
        self._db.execute("BEGIN")
        for table in plan.tables:
            rows = zip(*plan.values(table, loaded), strict=True)
            self._db.executemany(_insert(table), rows)
        self._db.execute("COMMIT")

    @_failing_as_export
    def finish(self) -> bytes:
        self._db.execute("BEGIN")
        for statement in self._indexes():
            self._db.execute(statement)
        for name, (tables, select) in VIEWS.items():
            if all(table in self._tables for table in tables):
                self._db.execute(f"CREATE VIEW {_quote(name)} AS {select}")
        self._db.execute("COMMIT")
        self._db.execute("ANALYZE")
        data = self._db.serialize()
        self._db.close()  # (its pages go before the bytes go into the zip)
        return data

    def close(self) -> None:
        self._db.close()

    def _indexes(self) -> Iterator[str]:
        for table in self._tables.values():
            if table.items:  # (made once loaded: quicker than row by row)
                record = _quote(table.columns[0].name)
                index = _quote(f"{table.name}_by_{table.columns[0].name}")
                yield f"CREATE UNIQUE INDEX {index} ON {_quote(table.name)} ({record}, position)"
            for column in table.columns:
                if column.kind == DAY or column.shape == "day" or _is_reference(table, column):
                    index = _quote(f"{table.name}_by_{column.name}")
                    yield (f"CREATE INDEX {index} ON {_quote(table.name)} ({_quote(column.name)})")


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
    return f"CREATE TABLE {_quote(table.name)} ({', '.join(definitions)})"


def _insert(table: Table) -> str:
    names = ", ".join(map(_quote, table.column_names))
    marks = ", ".join("?" * len(table.column_names))
    return f"INSERT INTO {_quote(table.name)} ({names}) VALUES ({marks})"
