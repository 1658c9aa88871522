"""From rows of named cells (a CSV file's, a bank statement's) to purchases, all or none.

Each format reads its file into :data:`Row` s: a label naming the row in its file
(``line 7``, ``transaction 3``) and text cells under the field names of
:data:`COLUMNS`. This module decides the file's date format and decimal separator,
groups rows into orders, reads amounts and vendors, checks every purchase, and writes
them in one transaction; see ``docs/import.md`` for every rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pds.errors import ValidationFailed
from pds.services.container import Services
from pds.services.context import check_actor
from pds.services.importers.cells import (
    CellError,
    check_date_format,
    check_decimal,
    detect_date_format,
    detect_decimal,
)
from pds.services.importers.order_reader import Order, OrderReader
from pds.services.importers.purchase_report import ImportReport, PurchaseImportOptions
from pds.services.importers.vendor_resolver import VendorResolver
from pds.services.records.purchases import PreparedPurchase

Row = tuple[str, dict[str, str]]
COLUMNS = (
    "date",
    "vendor",
    "vendor_id",
    "order_ref",
    "description",
    "quantity",
    "unit_price",
    "line_total",
    "items",
    "total",
    "currency",
    "category",
    "tags",
    "notes",
)
ITEM_FIELDS = ("description", "quantity", "unit_price", "line_total")
SHARED_FIELDS = ("total", "currency")  # must agree across the rows of one order
FIRST_WINS = ("category", "tags", "notes", "items")  # an order keeps the first non-empty
AMOUNT_FIELDS = ("total", "unit_price", "line_total", "quantity")
PLACEHOLDER_ID = "00000000-0000-7000-8000-000000000000"


Link = Callable[[str, dict[str, Any]], dict[str, Any] | None]


def import_rows(
    services: Services,
    rows: Sequence[Row],
    report: ImportReport,
    options: PurchaseImportOptions,
    *,
    link: Link | None = None,
) -> ImportReport:
    """Check every row, then (unless a dry run, or errors without ``skip_invalid``) write.

    ``link(label, purchase)`` makes an interaction (from ``new_record``) to store with
    each new purchase, in the same transaction (a receipt's mail).
    """
    check_actor(options.actor)
    report.rows_read = len(rows) + len(report.errors) + len(report.skipped)
    report.date_format, report.decimal = _file_conventions(rows, options, report.source)
    planner = _Planner(services, report, options, link)
    for order in group_orders(rows, report.errors):
        planner.add(order)
    if options.skip_invalid:
        for label, fields in report.errors.items():
            report.skipped[label] = "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in _flat(fields).items()
            )
        report.errors = {}
    report.errors = dict(sorted(report.errors.items(), key=lambda kv: label_order(kv[0])))
    report.purchases_created = len(planner.purchases)
    report.purchase_ids = [p.purchase["id"] for p in planner.purchases]
    report.planned = [
        {**p.purchase, "vendor": planner.vendors.name_of(p.purchase["vendor_id"])}
        for p in planner.purchases
    ]
    if options.dry_run:
        return report
    if report.errors:
        raise ValidationFailed(
            f"{report.source}: {len(report.errors)} row(s) have errors; nothing was imported",
            report.errors,
        )
    planner.write()
    return report


def label_order(label: str) -> tuple[str, int]:
    word, _, number = label.rpartition(" ")
    return (word, int(number)) if number.isdigit() else (label, 0)


def _flat(fields: Any) -> dict[str, list[str]]:
    return {str(k): [str(m) for m in v] for k, v in fields.items()}


def _file_conventions(
    rows: Sequence[Row], options: PurchaseImportOptions, source: str
) -> tuple[str | None, str | None]:
    """The date format and decimal separator of the whole file (given or detected)."""
    try:
        if options.date_format:
            date_format: str | None = check_date_format(options.date_format)
        else:
            date_format = detect_date_format(cells.get("date", "") for _, cells in rows)
    except CellError as exc:
        raise ValidationFailed(f"{source}: {exc}", {"date_format": [str(exc)]}) from None
    try:
        if options.decimal:
            decimal: str | None = check_decimal(options.decimal)
        else:
            decimal = detect_decimal(
                cells[name] for _, cells in rows for name in AMOUNT_FIELDS if cells.get(name)
            )
    except CellError as exc:
        raise ValidationFailed(f"{source}: {exc}", {"decimal": [str(exc)]}) from None
    return date_format, decimal


def group_orders(rows: Sequence[Row], errors: dict[str, Any]) -> list[Order]:
    """Group rows into orders (same vendor, date and order reference)."""
    orders: dict[Any, Order] = {}
    for label, row in rows:
        ref = row.get("order_ref", "")
        vendor = (row.get("vendor") or row.get("vendor_id") or "").casefold()
        key = (vendor, row.get("date", ""), ref) if ref else label
        item = {k: row[k] for k in ITEM_FIELDS if row.get(k)}
        order = orders.get(key)
        if order is None:
            fields = {k: v for k, v in row.items() if k not in ITEM_FIELDS and v}
            orders[key] = Order([label], fields, [(label, item)] if item else [])
            continue
        order.labels.append(label)
        if item:
            order.items.append((label, item))
        clashes = {
            name: [f"Differs from {order.labels[0]} of the same order."]
            for name in SHARED_FIELDS
            if row.get(name) and order.fields.get(name, row[name]) != row[name]
        }
        if clashes:
            errors[label] = clashes
        for name in (*SHARED_FIELDS, *FIRST_WINS):
            if row.get(name):
                order.fields.setdefault(name, row[name])
    return list(orders.values())


@dataclass(frozen=True)
class Fingerprint:
    """What makes two purchases the same: vendor, day, total, reference."""

    vendor_id: str
    day: str
    total: Decimal
    reference: str

    @classmethod
    def of(cls, purchase: dict[str, Any]) -> Fingerprint:
        total = Decimal(str(purchase.get("total", "0"))).normalize()
        reference = str(purchase.get("order_ref") or "").strip().casefold()
        return cls(str(purchase["vendor_id"]), str(purchase["date"]), total, reference)


class _Planner:
    """Turns orders into prepared purchases and new vendors, collecting errors by row."""

    def __init__(
        self,
        services: Services,
        report: ImportReport,
        options: PurchaseImportOptions,
        link: Link | None,
    ) -> None:
        self.link = link
        self.linked: list[dict[str, Any]] = []
        self.services = services
        self.report = report
        self.options = options
        self.purchases: list[PreparedPurchase] = []
        self.vendors = VendorResolver(services, report, options)
        self.reader = OrderReader(report, options)
        self._stored: dict[str, Counter[Fingerprint]] = {}  # day -> what the store has

    def add(self, order: Order) -> None:
        """Check one order; keep its purchase if valid and new, else say why not."""
        first = order.labels[0]
        errors: dict[str, dict[str, list[str]]] = {}
        data = self.reader.purchase_input(order, errors)
        if data is None:
            return  # skipped (a credit), and reported so
        vendor_id = self.vendors.vendor_id(order.fields, errors.setdefault(first, {}))
        data["vendor_id"] = vendor_id or PLACEHOLDER_ID  # to check the rest all the same
        prepared = None
        try:
            prepared = self.services.purchases.prepare(data, actor=self.options.actor)
        except ValidationFailed as exc:
            order.attach(exc, errors)
        if any(errors.values()):
            for label, messages in errors.items():
                if messages:
                    self.report.errors.setdefault(label, {}).update(messages)
        elif prepared is not None and not self._already_there(first, prepared):
            self._keep(first, prepared)

    def _keep(self, label: str, prepared: PreparedPurchase) -> None:
        if self.link is not None:
            try:
                entry = self.link(label, prepared.purchase)
            except ValidationFailed as exc:
                self.report.errors.setdefault(label, {}).update(exc.flat())
                return
            if entry is not None:
                self.linked.append(entry)
        self.purchases.append(prepared)

    def _already_there(self, label: str, prepared: PreparedPurchase) -> bool:
        """Whether the store already holds this purchase (one stored copy per copy read)."""
        purchase = prepared.purchase
        if self.vendors.is_new(purchase["vendor_id"]):
            return False
        day = str(purchase["date"])
        if day not in self._stored:
            self._stored[day] = Counter(
                Fingerprint.of(p) for p in self.services.purchases.on_day(day)
            )
        mark, stored = Fingerprint.of(purchase), self._stored[day]
        if stored[mark] <= 0:
            return False
        stored[mark] -= 1
        ref = f", {purchase['order_ref']}" if purchase.get("order_ref") else ""
        self.report.duplicates[label] = (
            f"{self.vendors.name_of(purchase['vendor_id'])}, {purchase['date']}, "
            f"{purchase['total']} {purchase['currency']}{ref}"
        )
        return True

    def write(self) -> None:
        """Store it all in one transaction; nothing new (a re-import) touches nothing."""
        services, actor = self.services, self.options.actor
        if not self.purchases and not self.vendors.new_vendors:
            return
        with services.store.transaction():
            services.relationships.store_new(self.vendors.new_vendors)
            services.purchases.store_prepared(self.purchases)
            services.interactions.store_new(self.linked)
        if self.vendors.new_vendors:
            event = {"actor": actor, "action": "relationship.import"}
            services.store.audit.append({**event, "count": len(self.vendors.new_vendors)})
        services.store.audit.append(
            {"actor": actor, "action": "purchase.import", "count": len(self.purchases)}
        )
