"""pds import purchases | amazon, through click's runner, against a real store."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from pds.services import Services
from tests.cli.conftest import Invoke
from tests.cli.test_data_commands import _digest

DATA = Path(__file__).resolve().parents[1] / "data"
OnDisk = Callable[[], AbstractContextManager[Services]]


def _counts(pds: Invoke) -> dict[str, int]:
    return json.loads(pds("status", "--json").output)["counts"]


def _with_known_vendor(on_disk: OnDisk) -> None:
    with on_disk() as services:
        services.relationships.add({"kind": "vendor", "name": "Fresh Fields Market"})


def test_bank_csv_refused_names_each_line_and_changes_nothing(
    pds: Invoke, initialised: Path, on_disk: OnDisk
) -> None:
    _with_known_vendor(on_disk)
    before = _digest(initialised)
    result = pds("import", "purchases", str(DATA / "bank_de.csv"))
    assert result.exit_code == 2
    assert "error: bank_de.csv: 4 row(s) have errors; nothing was imported" in result.output
    assert "line 3: total: -23,47 is negative" in result.output
    assert "Traceback" not in result.output
    assert _digest(initialised) == before


def test_bank_csv_with_debits_matches_and_again(
    pds: Invoke, initialised: Path, on_disk: OnDisk
) -> None:
    _with_known_vendor(on_disk)
    bank = str(DATA / "bank_de.csv")
    result = pds("import", "purchases", "--debits-as-purchases", "--dry-run", bank)
    assert result.exit_code == 2
    assert "vendor Fresh Fields Market GmbH -> Fresh Fields Market? (" in result.output
    flags = ("--debits-as-purchases", "--accept-matches")
    result = pds("import", "purchases", *flags, bank)
    assert result.exit_code == 0, result.output
    assert "5 rows read; created 3 purchases and 2 vendors" in result.output
    assert "line 2: skipped: a credit of 3.250,00" in result.output
    assert "'Betrag' -> total (a synonym)" in result.output
    before = _digest(initialised)
    result = pds("import", "purchases", *flags, bank)
    assert result.exit_code == 0, result.output
    assert "created 0 purchases and 0 vendors (none); 3 already imported" in result.output
    assert _counts(pds)["purchases"] == 3
    assert _digest(initialised) == before


def test_skip_invalid_through_the_cli(pds: Invoke, initialised: Path) -> None:
    result = pds("import", "purchases", "--skip-invalid", str(DATA / "purchases_bad_rows.csv"))
    assert result.exit_code == 0, result.output
    assert "line 4: skipped: quantity: Not a number" in result.output
    assert _counts(pds)["purchases"] == 1


def test_amazon_order_history(pds: Invoke, initialised: Path, on_disk: OnDisk) -> None:
    amazon = str(DATA / "amazon_orders.csv")
    result = pds("import", "amazon", amazon)
    assert result.exit_code == 0, result.output
    assert "3 rows read; created 2 purchases and 1 vendors (Amazon.com)" in result.output
    assert "'Item Total' -> line_total (a synonym)" in result.output
    assert "dates read as %m/%d/%Y" in result.output
    result = pds("import", "amazon", amazon)
    assert "created 0 purchases and 0 vendors (none); 2 already imported" in result.output
    with on_disk() as services:
        cable_and_pens, book = services.purchases.list(limit=9, descending=False).items
    assert (cable_and_pens["total"], book["total"]) == ("20.49", "14.03")
    assert cable_and_pens["order_ref"] == "112-3456789-0123456"
    assert cable_and_pens["source"] == "import:amazon"
    assert [i["unit_price"] for i in cable_and_pens["items"]] == ["8.63", "5.93"]


def test_the_archives_own_csv_imports_back(
    pds: Invoke, initialised: Path, on_disk: OnDisk, tmp_path: Path
) -> None:
    assert pds("import", "purchases", str(DATA / "purchases_good.csv")).exit_code == 0
    archive = tmp_path / "a.zip"
    assert pds("export", "--out", str(archive)).exit_code == 0
    exported = tmp_path / "purchases.csv"
    with zipfile.ZipFile(archive) as members:
        exported.write_bytes(members.read("csv/purchases.csv"))
        (tmp_path / "purchase_items.csv").write_bytes(members.read("csv/purchase_items.csv"))
    result = pds("import", "purchases", str(exported))
    assert result.exit_code == 0, result.output
    assert "created 0 purchases and 0 vendors (none); 5 already imported" in result.output
    with on_disk() as services:
        kept = {p["id"]: p for p in services.purchases.list(limit=50).items}
        for purchase_id in kept:
            services.purchases.delete(purchase_id)
    result = pds("import", "purchases", str(exported))
    assert result.exit_code == 0, result.output
    assert "created 5 purchases and 0 vendors" in result.output
    with on_disk() as services:
        again = services.purchases.list(limit=50).items
    fields = ("vendor_id", "date", "order_ref", "total", "currency", "category", "tags", "notes")
    shape = sorted(tuple(str(p.get(f)) for f in fields) for p in kept.values())
    assert sorted(tuple(str(p.get(f)) for f in fields) for p in again) == shape
    items = sorted(json.dumps(p.get("items"), sort_keys=True) for p in kept.values())
    assert sorted(json.dumps(p.get("items"), sort_keys=True) for p in again) == items


def test_bank_statements_of_each_format_and_again(pds: Invoke, initialised: Path) -> None:
    for name, created in (("card.ofx", 2), ("statement_camt053.xml", 2), ("statement.sta", 2)):
        result = pds("import", "bank", "--ignore-matches", str(DATA / name))
        assert result.exit_code == 0, result.output
        assert f"created {created} purchases" in result.output
    before = _digest(initialised)
    for name in ("card.ofx", "statement_camt053.xml", "statement.sta"):
        result = pds("import", "bank", "--ignore-matches", str(DATA / name))
        assert "created 0 purchases and 0 vendors (none)" in result.output
    assert _digest(initialised) == before
    assert _counts(pds)["purchases"] == 6


def test_a_broken_statement_is_refused(pds: Invoke, initialised: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ofx"
    broken.write_bytes((DATA / "card.ofx").read_bytes().replace(b"-42.17", b"x"))
    before = _digest(initialised)
    result = pds("import", "bank", str(broken))
    assert result.exit_code == 2
    assert "broken.ofx: not a readable OFX file" in result.output
    assert _digest(initialised) == before


def test_receipts_from_a_mailbox_and_again(pds: Invoke, initialised: Path) -> None:
    mbox = str(DATA / "receipts.mbox")
    result = pds("import", "receipts", mbox)
    assert result.exit_code == 0, result.output
    assert "2 receipt(s) found in 3 message(s); 1 without receipt markup left alone" in (
        result.output
    )
    assert "created 2 purchases and 2 vendors" in result.output
    before = _digest(initialised)
    result = pds("import", "receipts", mbox)
    assert "created 0 purchases and 0 vendors (none); 2 already imported" in result.output
    assert _digest(initialised) == before
    assert _counts(pds)["interactions"] == 4
