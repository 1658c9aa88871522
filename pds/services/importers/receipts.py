"""Purchases from order confirmations and invoices in e-mail (mbox or ``.eml`` folders).

Only what a mail's HTML carries as schema.org markup is read (JSON-LD or microdata, by
extruct): an ``Order`` (``merchant``/``seller`` -> vendor, ``orderNumber``,
``orderDate``, ``price``/``priceCurrency``, ``acceptedOffer``/``orderedItem`` -> line
items) or, in a mail without an ``Order``, an ``Invoice`` (``provider``,
``confirmationNumber``, ``totalPaymentDue``, the order it references). A mail without
such markup is left alone: nothing is guessed from prose. When an order's total differs
from its items' sum, the difference is a line "Not itemised (shipping, tax, discounts)",
named in the report.

Each receipt is a purchase (source ``import:receipt``) and a ``message`` interaction
(channel ``email``, "Receipt: <subject>") linking the mail to it, stored together.
Duplicates (vendor, day, total, order number) and vendor matching are as for CSV.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from pds.errors import ValidationFailed
from pds.services.container import Services
from pds.services.importers.mail import MAX_NOTE, is_mbox, mbox_upload_messages, messages_of
from pds.services.importers.outcome import stable_id
from pds.services.importers.purchase_plan import Row, import_rows
from pds.services.importers.purchase_report import ImportReport, PurchaseImportOptions

RECEIPT_TYPES = ("Order", "Invoice")
REST = "Not itemised (shipping, tax, discounts)"
MAX_UNZIPPED = 50 * 1024 * 1024


def import_receipts(
    services: Services,
    source: Path | str | bytes,
    *,
    options: PurchaseImportOptions | None = None,
    name: str | None = None,
    **option_values: Any,
) -> ImportReport:
    """Import the receipts in the mbox file or ``.eml`` folder ``source`` (or, as bytes,
    one ``.eml``, a zip of ``.eml`` files or an mbox file); see the module."""
    options = options or PurchaseImportOptions(**option_values)
    label_of_file = name or (Path(source).name if not isinstance(source, bytes) else "file")
    report = ImportReport(dry_run=options.dry_run, source=label_of_file, format="receipt")
    rows: list[Row] = []
    mails: dict[str, tuple[str, EmailMessage]] = {}  # row label -> message key, message
    read = 0
    messages = (
        messages_in_upload(source, label_of_file)
        if isinstance(source, bytes)
        else messages_of(Path(source))
    )
    for label, message in messages:
        read += 1
        found = list(receipts_in(message))
        for number, receipt in enumerate(found, start=1):
            row_label = label if len(found) == 1 else f"{label} receipt {number}"
            rows.append((row_label, _cells(receipt, message, report, row_label)))
            mails[row_label] = (_message_key(message), message)
    report.remarks.append(
        f"{len(rows)} receipt(s) found in {read} message(s); "
        f"{read - len({k for k, _ in mails.values()})} without receipt markup left alone"
    )

    def link(label: str, purchase: dict[str, Any]) -> dict[str, Any] | None:
        key, message = mails[label]
        record_id = stable_id(_day(purchase["date"]), key, "receipt")
        if services.interactions.find(record_id) is not None:
            return None  # the mail is logged already (its purchase was deleted since)
        subject = " ".join(str(message.get("Subject", "")).split()) or "(no subject)"
        return services.interactions.new_record(
            {
                "id": record_id,
                "kind": "message",
                "channel": "email",
                "date": purchase["date"],
                "counterpart_id": purchase["vendor_id"],
                "purchase_id": purchase["id"],
                "note": f"Receipt: {subject}"[:MAX_NOTE],
            }
        )

    read_as = replace(options, date_format="%Y-%m-%d", decimal=".")
    return import_rows(services, rows, report, read_as, link=link)


def messages_in_upload(data: bytes, name: str) -> Iterator[tuple[str, EmailMessage]]:
    """The messages of an upload: a zip of ``.eml`` files (read in memory), an mbox file
    (kept in memory), else one ``.eml``."""
    parser = BytesParser(policy=policy.default)
    if is_mbox(data):
        yield from mbox_upload_messages(data, name)
        return
    if not zipfile.is_zipfile(io.BytesIO(data)):
        yield name, parser.parsebytes(data)
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = sorted(
                (m for m in archive.infolist() if m.filename.lower().endswith(".eml")),
                key=lambda m: m.filename,
            )
            if sum(m.file_size for m in members) > MAX_UNZIPPED:
                raise ValidationFailed(
                    f"{name} unpacks to too much",
                    {"file": [f"At most {MAX_UNZIPPED // 2**20} MB of mail; split it."]},
                )
            if not members:
                raise ValidationFailed(
                    f"{name} holds no .eml files", {"file": [f"{name}: no .eml files."]}
                )
            for member in members:
                yield member.filename, parser.parsebytes(archive.read(member))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError) as exc:
        raise ValidationFailed(f"{name} is not a readable zip", {"file": [str(exc)]}) from None


def receipts_in(message: EmailMessage) -> Iterator[dict[str, Any]]:
    """The schema.org Orders of ``message``'s HTML, else its Invoices."""
    import extruct

    part = message.get_body(preferencelist=("html",))
    if part is None:
        return
    try:
        html = str(part.get_content())
        data = extruct.extract(html, syntaxes=["json-ld", "microdata"], uniform=True)
    except (LookupError, UnicodeError, ValueError):
        return  # an unreadable body holds no receipt we could read
    found = [item for items in data.values() for item in _flatten(items)]
    orders = [item for item in found if _type(item) == "Order"]
    yield from orders or [item for item in found if _type(item) == "Invoice"]


def _flatten(items: Any) -> Iterator[dict[str, Any]]:
    for item in items if isinstance(items, list) else [items]:
        if isinstance(item, dict):
            if "@graph" in item:
                yield from _flatten(item["@graph"])
            else:
                yield item


def _type(item: dict[str, Any]) -> str:
    kind = item.get("@type", "")
    kind = kind[0] if isinstance(kind, list) and kind else kind
    return str(kind).rpartition("/")[2]


def _cells(
    receipt: dict[str, Any], message: EmailMessage, report: ImportReport, label: str
) -> dict[str, str]:
    order = receipt if _type(receipt) == "Order" else _dict(receipt.get("referencesOrder"))
    party = (
        _dict(order.get("merchant")) or _dict(order.get("seller")) or _dict(receipt.get("provider"))
    )
    due = _dict(receipt.get("totalPaymentDue"))
    cells = {
        "vendor": _vendor_text(party),
        "order_ref": _text(
            order.get("orderNumber")
            or receipt.get("confirmationNumber")
            or receipt.get("identifier")
        ),
        "date": _text(order.get("orderDate"))[:10] or _mail_day(message),
        "currency": _text(order.get("priceCurrency") or due.get("priceCurrency")),
    }
    total = _text(order.get("price") or due.get("price"))
    items = _items(order)
    if items and total:
        items = _with_rest(items, total, report, label)
    if items:
        cells["items"] = json.dumps(items)
    if total:
        cells["total"] = total
    if not items and not total and order.get("description"):
        cells["notes"] = _text(order.get("description"))
    return {k: v for k, v in cells.items() if v}


def _items(order: dict[str, Any]) -> list[dict[str, str]]:
    items = []
    for offer in _list(order.get("acceptedOffer")) + _list(order.get("orderedItem")):
        product = _dict(offer.get("itemOffered")) or _dict(offer.get("orderedItem"))
        quantity = _dict(offer.get("eligibleQuantity")).get("value") or offer.get("orderQuantity")
        price = offer.get("price") or _dict(offer.get("priceSpecification")).get("price")
        item = {
            "description": _text(product.get("name") or offer.get("name")),
            "quantity": _text(quantity) or "1",
            "unit_price": _text(price),
        }
        if product.get("sku"):
            item["sku"] = _text(product["sku"])[:64]
        items.append(item)
    return items


def _with_rest(
    items: list[dict[str, str]], total: str, report: ImportReport, label: str
) -> list[dict[str, str]]:
    try:
        summed = sum(Decimal(i["quantity"]) * Decimal(i["unit_price"]) for i in items)
        rest = Decimal(total) - summed
    except (InvalidOperation, ArithmeticError):
        return items  # the schema names the faulty number
    if rest == 0:
        return items
    report.adjustments[label] = f"total {total} is {rest:+} off the items' sum: a line '{REST}'"
    return [*items, {"description": REST, "quantity": "1", "unit_price": format(rest, "f")}]


def _vendor_text(party: dict[str, Any]) -> str:
    return _text(party.get("name") or party.get("legalName") or party.get("url"))


def _dict(value: Any) -> dict[str, Any]:
    value = value[0] if isinstance(value, list) and value else value
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[dict[str, Any]]:
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, dict)]


def _text(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("value") or value.get("name") or value.get("@id") or ""
    return " ".join(str(value).split()) if value is not None else ""


def _mail_day(message: EmailMessage) -> str:
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(str(message.get("Date", ""))).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return ""


def _message_key(message: EmailMessage) -> str:
    return str(message.get("Message-ID", "")).strip() or json.dumps(
        [str(message.get(h, "")) for h in ("From", "Date", "Subject")]
    )


def _day(text: str) -> Any:
    from datetime import date

    return date.fromisoformat(text)
