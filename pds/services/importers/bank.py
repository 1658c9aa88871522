"""Purchases from bank and card statements: OFX/QFX, ISO 20022 camt.053 and SWIFT MT940.

Each statement's transactions become rows for :mod:`purchase_plan`: a debit (money out)
is a purchase from its payee (no line items, ``order_ref`` the transaction's own
reference, ``notes`` its remittance text, source ``import:<format>``); a credit (money
in: salary, refunds) is skipped and named, as are entries not booked yet (camt ``PDNG``)
and OFX transfers and cash withdrawals. Duplicates and vendor matching are as for CSV.

- OFX 1.x (SGML) and 2.x (XML), ``.qfx`` alike, read by ofxtools.
- camt.053 (any version ``camt.053.001.xx``) read with defusedxml against the ISO 20022
  element names: ``Ntry`` with ``Amt``/``@Ccy``, ``CdtDbtInd``, ``Sts``, ``BookgDt``,
  ``AcctSvcrRef``; from its first ``TxDtls``: the creditor's (``Cdtr``) name, the
  ``EndToEndId`` and the unstructured remittance (``Ustrd``).
- MT940 read by mt-940, the German structured ``:86:`` field (``?32`` name, ``?20``-
  ``?29`` purpose) included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO
from xml.etree.ElementTree import Element

from pds.errors import ValidationFailed
from pds.services.container import Services
from pds.services.importers.csv_source import read_bytes
from pds.services.importers.purchase_plan import Row, import_rows
from pds.services.importers.purchase_report import ImportReport, PurchaseImportOptions

FORMATS = ("ofx", "camt053", "mt940")
NO_REFERENCE = ("", "NONREF", "NOTPROVIDED")
OFX_NOT_PURCHASES = {"XFER": "a transfer", "ATM": "a cash withdrawal", "CASH": "cash"}


@dataclass(frozen=True)
class Transaction:
    """One booked movement of a statement: negative ``amount`` is money out."""

    label: str
    day: date
    amount: Decimal
    currency: str
    payee: str
    reference: str = ""
    text: str = ""

    def row(self) -> Row:
        cells = {
            "date": self.day.isoformat(),
            "vendor": self.payee.strip(),
            "total": format(self.amount, "f"),
            "currency": self.currency,
        }
        if self.reference.strip() not in NO_REFERENCE:
            cells["order_ref"] = self.reference.strip()[:100]
        if self.text.strip():
            cells["notes"] = " ".join(self.text.split())
        return self.label, cells


Skipped = dict[str, str]  # label -> why


def detect_format(data: bytes) -> str:
    """The statement format of ``data`` by its content; ``ValidationFailed`` if none fits."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"OFXHEADER") or b"<OFX>" in head.upper():
        return "ofx"
    if b"BkToCstmrStmt" in head or b"camt.053" in head:
        return "camt053"
    if b":20:" in head and (b":60F:" in head or b":61:" in head):
        return "mt940"
    raise ValidationFailed(
        "not a statement this importer knows",
        {"file": ["Neither OFX/QFX, camt.053 nor MT940; give --format if it is one."]},
    )


def import_statement(
    services: Services,
    source: Path | str | bytes | BinaryIO,
    file_format: str | None = None,
    *,
    options: PurchaseImportOptions | None = None,
    name: str | None = None,
    **option_values: Any,
) -> ImportReport:
    """Import the debits of the statement ``source`` (``file_format``: one of FORMATS,
    else told by the content)."""
    if file_format is not None and file_format not in READERS:
        raise ValidationFailed(
            "unknown statement format", {"format": [f"One of {', '.join(FORMATS)}."]}
        )
    options = options or PurchaseImportOptions(**option_values)
    label = name or (Path(source).name if isinstance(source, str | Path) else "file")
    data = read_bytes(source)
    skipped: Skipped = {}
    try:
        file_format = file_format or detect_format(data)
        transactions = READERS[file_format](data, skipped)
    except ValidationFailed as exc:
        raise ValidationFailed(f"{label}: {exc.message}", exc.details) from None
    report = ImportReport(dry_run=options.dry_run, source=label, format=file_format)
    report.skipped.update(skipped)
    read_as = replace(options, debits_as_purchases=True, date_format="%Y-%m-%d", decimal=".")
    return import_rows(services, [t.row() for t in transactions], report, read_as)


def _unreadable(what: str, exc: BaseException) -> ValidationFailed:
    reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
    return ValidationFailed(f"not a readable {what} file: {reason}", {"file": [reason]})


# -- OFX -------------------------------------------------------------------------------


def read_ofx(data: bytes, skipped: Skipped) -> list[Transaction]:
    from io import BytesIO

    from ofxtools.Parser import OFXTree

    tree = OFXTree()
    try:
        tree.parse(BytesIO(data))
        ofx = tree.convert()
    except Exception as exc:  # ofxtools raises many kinds; each means "not readable"
        raise _unreadable("OFX", exc) from None
    found: list[Transaction] = []
    for statement in ofx.statements:
        for transaction in statement.transactions:
            label = f"transaction {len(found) + len(skipped) + 1}"
            kind = str(transaction.trntype)
            if kind in OFX_NOT_PURCHASES:
                skipped[label] = f"{OFX_NOT_PURCHASES[kind]} ({kind}), not a purchase"
                continue
            posted: datetime = transaction.dtposted
            payee = transaction.name or (transaction.payee.name if transaction.payee else "")
            found.append(
                Transaction(
                    label,
                    posted.date(),
                    Decimal(transaction.trnamt),
                    str(transaction.currency.cursym if transaction.currency else statement.curdef),
                    str(payee or ""),
                    str(transaction.fitid or ""),
                    str(transaction.memo or ""),
                )
            )
    return found


# -- camt.053 --------------------------------------------------------------------------


def read_camt053(data: bytes, skipped: Skipped) -> list[Transaction]:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(data)
    except (DefusedXmlException, SyntaxError, ValueError) as exc:
        raise _unreadable("camt.053", exc) from None
    if _local(root.tag) != "Document" or _first(root, "BkToCstmrStmt") is None:
        raise ValidationFailed(
            "not a camt.053 statement",
            {"file": ["A camt.053 file is a Document holding BkToCstmrStmt."]},
        )
    found: list[Transaction] = []
    for number, entry in enumerate(_all(root, "Ntry"), start=1):
        label = f"entry {number}"
        status = _text(_first(entry, "Sts"))
        if status and status not in ("BOOK",):
            skipped[label] = f"not booked yet (status {status})"
            continue
        found.append(_camt_entry(label, entry))
    return found


def _camt_entry(label: str, entry: Element) -> Transaction:
    amount_element = _child(entry, "Amt")
    day_text = _text(_first(_child(entry, "BookgDt"), "Dt")) or _text(
        _first(_child(entry, "ValDt"), "Dt")
    )
    errors: dict[str, list[str]] = {}
    try:
        amount = Decimal(_text(amount_element))
    except ArithmeticError:
        errors["Amt"] = [f"Not an amount: {_text(amount_element)!r}."]
        amount = Decimal(0)
    debit = _text(_child(entry, "CdtDbtInd")) == "DBIT"
    try:
        day = date.fromisoformat(day_text[:10])
    except ValueError:
        errors["BookgDt"] = [f"Not a date: {day_text!r}."]
        day = date.min
    if errors:
        raise ValidationFailed(f"{label} is not readable", {label: errors})
    details = _first(entry, "TxDtls")
    party = _first(details, "Cdtr" if debit else "Dbtr")
    reference = _text(_first(details, "EndToEndId"))
    if reference in NO_REFERENCE:
        reference = _text(_child(entry, "AcctSvcrRef"))
    return Transaction(
        label,
        day,
        -amount if debit else amount,
        amount_element.get("Ccy", "") if amount_element is not None else "",
        _text(_first(party, "Nm")),
        reference,
        " ".join(_text(e) for e in _all(details, "Ustrd")),
    )


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _all(element: Element | None, name: str) -> list[Element]:
    if element is None:
        return []
    return [e for e in element.iter() if _local(e.tag) == name]


def _first(element: Element | None, name: str) -> Element | None:
    return next(iter(_all(element, name)), None)


def _child(element: Element | None, name: str) -> Element | None:
    if element is None:
        return None
    return next((e for e in element if _local(e.tag) == name), None)


def _text(element: Element | None) -> str:
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())


# -- MT940 -----------------------------------------------------------------------------


def read_mt940(data: bytes, skipped: Skipped) -> list[Transaction]:
    import mt940
    from mt940.options import Options

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # SWIFT's character set is a subset of both
    if ":61:" not in text and ":20:" not in text:
        raise ValidationFailed(
            "not an MT940 statement", {"file": ["An MT940 file has :20: and :61: fields."]}
        )
    try:
        parsed = mt940.parse(text, options=Options(applicant_iban=True))
    except Exception as exc:  # mt-940 raises many kinds; each means "not readable"
        raise _unreadable("MT940", exc) from None
    found: list[Transaction] = []
    for number, transaction in enumerate(parsed, start=1):
        cells = transaction.data
        amount = cells["amount"]
        reference = next(
            (
                str(cells.get(key) or "")
                for key in ("end_to_end_reference", "customer_reference", "bank_reference")
                if str(cells.get(key) or "") not in NO_REFERENCE
            ),
            "",
        )
        found.append(
            Transaction(
                f"transaction {number}",
                date(cells["date"].year, cells["date"].month, cells["date"].day),
                Decimal(amount.amount),
                str(amount.currency),
                str(cells.get("applicant_name") or cells.get("recipient_name") or ""),
                reference,
                str(cells.get("purpose") or cells.get("transaction_details") or ""),
            )
        )
    return found


READERS: dict[str, Callable[[bytes, Skipped], list[Transaction]]] = {
    "ofx": read_ofx,
    "camt053": read_camt053,
    "mt940": read_mt940,
}
