"""The archive opens anywhere: its CSV files read with the ``csv`` module and its
``pds.sqlite`` with ``sqlite3`` answer the common questions as the store does; one
format per date column; names beside ids; a file per list; the formula guard only
where a spreadsheet would compute."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
import zipfile
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pds.errors import ArchiveInvalid, ExportFailed
from pds.services import Services
from pds.services.archive import restore
from pds.services.archive.csv_mapping import Shape, table_plan
from pds.services.archive.database import ArchiveDatabase
from pds.services.archive.schemas import json_schema
from pds.store import Store
from pds.tabular import is_formula

from .archivekit import digest, export_to, members, rezip

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def _fill(services: Services) -> dict[str, str]:
    rel = services.relationships
    ids = {
        "fresh": rel.add({"kind": "vendor", "name": "Green Grocer"})["id"],
        "bikes": rel.add({"kind": "vendor", "name": "=Bikes & Co"})["id"],
        "old": rel.add({"kind": "vendor", "name": "Old Shop"})["id"],
        "ada": rel.add(
            {
                "kind": "person",
                "name": "Ada Lovelace",
                "emails": ["ada@example.org", "ada@work.example"],
                "phones": ["+44 20 7946 0000"],
                "nicknames": ["Ada"],
                "organisation": "Analytical Engines",
                "addresses": [{"label": "home", "locality": "London", "country": "UK"}],
                "related": [{"relation": "mother", "name": "Anne"}],
                "anniversaries": [{"label": "met", "date": "--06-01"}],
            }
        )["id"],
        "jonas": rel.add({"kind": "person", "name": "Jonas Becker"})["id"],
        "nobody": rel.add({"kind": "person", "name": "Never Met"})["id"],
    }
    purchases = [
        ("fresh", "2024-12-31", "100.00", None),
        ("fresh", "2025-01-05", "12.50", None),
        ("fresh", "2025-03-07", "7.25", [("apples", "2", "1.25"), ("bread", "1", "4.75")]),
        ("bikes", "2025-06-01", "899.99", [("bike", "1", "899.99")]),
        ("old", "2026-01-02", "3.00", None),
    ]
    for vendor, day, total, items in purchases:
        record = {"vendor_id": ids[vendor], "date": day, "currency": "EUR"}
        if items:
            lines = [{"description": d, "quantity": q, "unit_price": p} for d, q, p in items]
            record["items"] = lines
        else:
            record["total"] = total
        services.purchases.add(record)
    services.interactions.log(
        {"kind": "meeting", "date": "2025-02-03", "counterpart_id": ids["ada"]}
    )
    services.interactions.log(
        {"kind": "meeting", "date": "2025-05-04T09:30:21Z", "counterpart_id": ids["ada"]}
    )
    services.interactions.log(
        {"kind": "conversation", "date": "2025-01-09", "counterpart_id": ids["jonas"]}
    )
    services.rfps.draft(
        {
            "title": "A cargo bike",
            "category": "bikes",
            "budget": {"max": "2500", "currency": "EUR"},
            "deadline": "2031-01-01T00:00:00Z",
            "requirements": [{"key": "colour", "operator": "eq", "value": "green"}],
        }
    )
    return ids


@pytest.fixture
def exported(source: Services, tmp_path: Path) -> tuple[Services, dict[str, str], Path]:
    ids = _fill(source)
    path = tmp_path / "tables.zip"
    export_to(source.store, path, sqlite=True)
    return source, ids, path


def _csv(archive: Path, table: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(archive) as opened, opened.open(f"csv/{table}.csv") as member:
        text = io.TextIOWrapper(member, encoding="utf-8-sig", newline="")
        return list(csv.DictReader(text))


@pytest.fixture
def database(exported: tuple[Services, dict[str, str], Path], tmp_path: Path) -> sqlite3.Connection:
    path = tmp_path / "pds.sqlite"
    with zipfile.ZipFile(exported[2]) as opened:
        path.write_bytes(opened.read("pds.sqlite"))
    return sqlite3.connect(path)


def _store_spend_2025(services: Services) -> dict[str, Decimal]:
    spending = services.purchases.spending_per_vendor(12, today=date(2025, 12, 31))
    return {row.name: row.amount for row in spending.vendors if row.amount}


def test_spend_per_vendor_in_2025_from_the_csv(
    exported: tuple[Services, dict[str, str], Path],
) -> None:
    services, _, archive = exported
    spend: dict[str, Decimal] = defaultdict(Decimal)
    for row in _csv(archive, "purchases"):
        if row["date"].startswith("2025-"):
            spend[row["vendor_name"].removeprefix("'")] += Decimal(row["total"])
    assert dict(spend) == _store_spend_2025(services)
    assert set(spend) == {"Green Grocer", "=Bikes & Co"}


def test_spend_per_vendor_in_2025_from_sqlite(
    exported: tuple[Services, dict[str, str], Path], database: sqlite3.Connection
) -> None:
    rows = database.execute(
        "SELECT vendor_name, round(sum(total), 2) FROM purchases"
        " WHERE date BETWEEN '2025-01-01' AND '2025-12-31' GROUP BY vendor_id"
    ).fetchall()
    expected = _store_spend_2025(exported[0])
    assert {name: Decimal(str(amount)) for name, amount in rows} == expected
    by_view = database.execute(
        "SELECT vendor_name, round(sum(spend), 2) FROM spend_per_vendor_per_month"
        " WHERE month LIKE '2025-%' GROUP BY vendor_id"
    ).fetchall()
    assert sorted(by_view) == sorted(rows)
    months = database.execute(
        "SELECT month, spend FROM spend_per_vendor_per_month WHERE vendor_id = ?",
        (exported[1]["fresh"],),
    ).fetchall()
    assert months == [("2024-12", 100.0), ("2025-01", 12.5), ("2025-03", 7.25)]


def test_last_contact_per_person(
    exported: tuple[Services, dict[str, str], Path], database: sqlite3.Connection
) -> None:
    services, ids, archive = exported
    persons = [r["id"] for r in services.relationships.list(kind="person", limit=100).items]
    assert {ids["ada"], ids["jonas"], ids["nobody"]} <= set(persons)
    store = {}
    for person in persons:
        latest = services.interactions.latest_with(person)
        store[person] = latest["date"][:10] if latest else None
    assert store[ids["ada"]] == "2025-05-04" and store[ids["nobody"]] is None
    plain = dict(
        database.execute(
            "SELECT r.id, max(i.date) FROM relationships r"
            " LEFT JOIN interactions i ON i.counterpart_id = r.id"
            " WHERE r.kind = 'person' GROUP BY r.id"
        ).fetchall()
    )
    view = dict(database.execute("SELECT person_id, last_contact FROM last_contact_per_person"))
    assert plain == view == store
    from_csv: dict[str, str] = {}
    for row in _csv(archive, "interactions"):
        if row["counterpart_id"] in store:
            from_csv[row["counterpart_id"]] = max(
                row["date"], from_csv.get(row["counterpart_id"], "")
            )
    assert from_csv == {k: v for k, v in store.items() if v}


def test_every_date_column_has_one_format(exported: tuple[Services, dict[str, str], Path]) -> None:
    rows = _csv(exported[2], "interactions")
    assert all(DAY.match(row["date"]) for row in rows)
    assert {row["date_time"] for row in rows if row["date_time"]} == {"2025-05-04T09:30:21Z"}
    for table in ("interactions", "purchases", "relationships", "rfps"):
        for row in _csv(exported[2], table):
            for column in ("created_at", "updated_at"):
                assert INSTANT.match(row[column]), (table, column, row[column])


def test_lists_have_files_with_the_records_id_and_human_columns(
    exported: tuple[Services, dict[str, str], Path], database: sqlite3.Connection
) -> None:
    _, ids, archive = exported
    items = _csv(archive, "purchase_items")
    assert [(r["date"], r["vendor_name"], r["position"], r["description"]) for r in items] == [
        ("2025-03-07", "Green Grocer", "1", "apples"),
        ("2025-03-07", "Green Grocer", "2", "bread"),
        ("2025-06-01", "'=Bikes & Co", "1", "bike"),
    ]
    purchases = {row["id"]: row for row in _csv(archive, "purchases")}
    assert all(purchases[r["purchase_id"]]["date"] == r["date"] for r in items)
    assert "items" not in next(iter(purchases.values()))  # no JSON blob
    emails = [r for r in _csv(archive, "relationship_emails") if r["relationship_id"] == ids["ada"]]
    assert [(r["relationship_id"], r["name"], r["email"]) for r in emails] == [
        (ids["ada"], "Ada Lovelace", "ada@example.org"),
        (ids["ada"], "Ada Lovelace", "ada@work.example"),
    ]
    address = _csv(archive, "relationship_addresses")[0]
    assert (address["label"], address["locality"], address["country"]) == ("home", "London", "UK")
    related = _csv(archive, "relationship_related")[0]
    assert (related["relation"], related["related.name"], related["name"]) == (
        "mother", "Anne", "Ada Lovelace",
    )  # fmt: skip
    ada = next(r for r in _csv(archive, "relationships") if r["id"] == ids["ada"])
    assert ada["organisation"] == "Analytical Engines" and ada["nicknames"] == "Ada"
    assert ada["emails"] == "ada@example.org; ada@work.example"
    requirement = _csv(archive, "rfp_requirements")[0]
    assert (requirement["title"], requirement["key"], requirement["value"]) == (
        "A cargo bike", "colour", "green",
    )  # fmt: skip
    rfp = _csv(archive, "rfps")[0]
    assert rfp["budget.max"] == "2500" and rfp["status"] == "draft" and "record" not in rfp
    joined = database.execute(
        "SELECT p.vendor_name, i.description FROM purchase_items i"
        " JOIN purchases p ON p.id = i.purchase_id ORDER BY i.description"
    ).fetchall()
    assert joined == [
        ("Green Grocer", "apples"),
        ("=Bikes & Co", "bike"),
        ("Green Grocer", "bread"),
    ]


def test_the_formula_guard_only_where_a_spreadsheet_computes(
    exported: tuple[Services, dict[str, str], Path],
) -> None:
    names = {row["name"] for row in _csv(exported[2], "relationships")}
    assert "'=Bikes & Co" in names and "Green Grocer" in names
    phone = _csv(exported[2], "relationship_phones")[0]["phone"]
    assert phone == "'+44 20 7946 0000"
    assert not is_formula("-12.50") and not is_formula("+3") and not is_formula("1e5")
    assert is_formula("-A1") and is_formula("=1+1") and is_formula("@SUM(A1)")
    assert is_formula("-") and is_formula("+ 3") and is_formula("\tx")


def test_sqlite_has_foreign_keys_indexes_and_opens_in_the_shell(
    exported: tuple[Services, dict[str, str], Path], database: sqlite3.Connection
) -> None:
    keys = database.execute("PRAGMA foreign_key_list(purchases)").fetchall()
    assert [(k[2], k[3], k[4]) for k in keys] == [("relationships", "vendor_id", "id")]
    assert database.execute("PRAGMA foreign_key_check").fetchall() == []
    indexes = {row[1] for row in database.execute("PRAGMA index_list(purchases)")}
    assert {"purchases_by_date", "purchases_by_vendor_id"} <= indexes
    counts = dict(database.execute("SELECT 'purchases', count(*) FROM purchases"))
    assert counts == {"purchases": exported[0].purchases.count()}
    assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_an_archive_with_its_tables_restores_and_a_changed_database_is_refused(
    exported: tuple[Services, dict[str, str], Path], target: Store, tmp_path: Path
) -> None:
    archive = exported[2]
    changed = members(archive)["pds.sqlite"].replace(b"Green Grocer", b"Green Grocor")
    tampered = rezip(archive, tmp_path / "t.zip", {"pds.sqlite": changed}, fix_manifest=False)
    before = digest(target.home)
    with pytest.raises(ArchiveInvalid, match=r"^pds\.sqlite: checksum mismatch"):
        restore(target, tampered)
    assert digest(target.home) == before
    report = restore(target, archive)
    assert report.counts["purchases"]["created"] == exported[0].purchases.count()


def test_a_database_that_cannot_load_a_batch_fails_the_export_naming_no_data() -> None:
    database = ArchiveDatabase()
    try:
        database.add(table_plan(Shape("purchases", json_schema("purchases"), "date")), set())
        batch = b'[{"id": "p1", "notes": "secret text"}]'
        database.insert("purchases", batch)
        with pytest.raises(ExportFailed) as failed:
            database.insert("purchases", batch)  # the same id twice
        assert failed.value.message == "pds.sqlite: SQLite failed (IntegrityError)"
    finally:
        database.close()
