"""Import purchases from a CSV file, all or nothing.

Columns (header names, any case; ``mapping`` maps other names to these):

==============  ==========================================================================
``date``        required. ``YYYY-MM-DD``, or ``DD.MM.YYYY``.
``vendor``      required. A vendor's name (any case) or domain (``shop.example``).
                Unknown vendors are created (and reported) unless ``create_vendors=False``.
``order_ref``   Rows with the same vendor, date and order reference are one purchase
                with several line items; rows without an order reference stand alone.
``description`` The line item; with ``unit_price`` (and ``quantity``, default 1).
``quantity``    Number of units (up to 3 decimals).
``unit_price``  Price of one unit.
``total``       The purchase's total. Needed when a row has no line item; with items it
                must equal their sum. Rows of one order repeat it or leave it empty.
``currency``    ISO 4217 code; required unless ``default_currency`` is given.
``category``    One label; ``tags``: labels separated by ``,`` ``;`` or ``|``.
``notes``       Free text.
==============  ==========================================================================

Numbers take a dot or a comma as the decimal separator (``12.50`` or ``12,50``) and no
thousands separator; ``1.234,56`` is refused rather than guessed. One of ``total`` and
``unit_price`` must be among the columns. Blank rows are skipped; other columns ignored.

Every row is checked before anything is written. Any error: nothing is written and
``ValidationFailed`` lists every faulty line, ``{"line 7": {"quantity": [...]}}``. With
``dry_run`` nothing is ever written and the report tells what would have been created,
errors included.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from pds.errors import ValidationFailed
from pds.schemas.contact import normalise_domain
from pds.services.container import Services
from pds.services.context import check_actor
from pds.services.importers.csv_source import CsvTable, read_table
from pds.services.records.purchases import PreparedPurchase

COLUMNS = (
    "date",
    "vendor",
    "order_ref",
    "description",
    "quantity",
    "unit_price",
    "total",
    "currency",
    "category",
    "tags",
    "notes",
)
REQUIRED = ("date", "vendor")
ITEM_FIELDS = ("description", "quantity", "unit_price")
SHARED_FIELDS = ("total", "currency")  # must agree across the rows of one order
FIRST_WINS = ("category", "tags", "notes")  # the first non-empty value of an order is kept

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DOTTED_DAY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}([.,' \u00a0\u202f]\d{3})+([.,]\d+)?$")
_TAG_SPLIT = re.compile(r"[,;|]")
PLACEHOLDER_ID = "00000000-0000-7000-8000-000000000000"


@dataclass
class ImportReport:
    """What an import did (or, with ``dry_run``, would do)."""

    dry_run: bool
    rows_read: int = 0
    purchases_created: int = 0
    vendors_created: list[str] = field(default_factory=list)
    errors: dict[str, Any] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","
    purchase_ids: list[str] = field(default_factory=list)
    #: the purchases created (or, with ``dry_run``, that would be), each with ``vendor``: its name
    planned: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        """A few lines for people: what was (or would be) created, and every error."""
        verb = "would create" if self.dry_run else "created"
        vendors = ", ".join(self.vendors_created) or "none"
        lines = [
            f"{self.rows_read} rows read; {verb} {self.purchases_created} purchases "
            f"and {len(self.vendors_created)} vendors ({vendors})"
        ]
        if self.ignored_columns:
            lines.append(f"ignored columns: {', '.join(self.ignored_columns)}")
        for where, fields in self.errors.items():
            for name, messages in fields.items():
                lines.extend(f"{where}: {name}: {message}" for message in messages)
        if self.errors and self.dry_run:
            lines.append(f"{len(self.errors)} line(s) have errors; an import would write nothing")
        return "\n".join(lines)


@dataclass
class _Order:
    """The rows that make one purchase."""

    lines: list[int]
    fields: dict[str, str]
    items: list[tuple[int, dict[str, str]]]


def import_purchases_csv(
    services: Services,
    source: Path | str | bytes | BinaryIO,
    *,
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    default_currency: str | None = None,
    create_vendors: bool = True,
    encoding: str | None = None,
    delimiter: str | None = None,
    actor: str = "owner",
) -> ImportReport:
    """Import the purchases in ``source`` (a path, bytes or binary file); see the module doc."""
    check_actor(actor)
    required = REQUIRED if default_currency else (*REQUIRED, "currency")
    table = read_table(
        source,
        known=COLUMNS,
        required=required,
        mapping=mapping,
        encoding=encoding,
        delimiter=delimiter,
    )
    if not {"total", "unit_price"} & set(table.columns.values()):
        raise ValidationFailed(
            "the header does not fit: it needs a total or a unit_price column",
            {"columns": ["Needs a total or a unit_price column (or both)."]},
        )
    report = ImportReport(
        dry_run=dry_run,
        rows_read=len(table.rows) + len(table.errors),
        errors=dict(table.errors),
        ignored_columns=table.ignored_columns,
        encoding=table.encoding,
        delimiter=table.delimiter,
    )
    plan = _Planner(services, report, default_currency, create_vendors, actor)
    for order in _orders(table, report.errors):
        plan.add(order)
    report.purchases_created = len(plan.purchases)
    report.purchase_ids = [p.purchase["id"] for p in plan.purchases]
    report.planned = [
        {**p.purchase, "vendor": plan.vendor_names.get(p.purchase["vendor_id"], "")}
        for p in plan.purchases
    ]
    report.errors = dict(sorted(report.errors.items(), key=lambda kv: _line_of(kv[0])))
    if dry_run:
        return report
    if report.errors:
        raise ValidationFailed(
            f"{len(report.errors)} line(s) have errors; nothing was imported", report.errors
        )
    plan.write()
    return report


def _line_of(key: str) -> int:
    return int(key.split()[-1])


def _orders(table: CsvTable, errors: dict[str, Any]) -> list[_Order]:
    """Group rows into orders (same vendor, date and order reference)."""
    orders: dict[Any, _Order] = {}
    for line, row in table.rows:
        ref = row.get("order_ref", "")
        key = (row.get("vendor", "").casefold(), row.get("date", ""), ref) if ref else line
        item = {k: row[k] for k in ITEM_FIELDS if row.get(k)}
        order = orders.get(key)
        if order is None:
            fields = {k: v for k, v in row.items() if k not in ITEM_FIELDS and v}
            orders[key] = _Order([line], fields, [(line, item)] if item else [])
            continue
        order.lines.append(line)
        if item:
            order.items.append((line, item))
        clashes = {
            name: [f"Differs from line {order.lines[0]} of the same order."]
            for name in SHARED_FIELDS
            if row.get(name) and order.fields.get(name, row[name]) != row[name]
        }
        if clashes:
            errors[f"line {line}"] = clashes
        for name in (*SHARED_FIELDS, *FIRST_WINS):
            if row.get(name):
                order.fields.setdefault(name, row[name])
    return list(orders.values())


class _Planner:
    """Turns orders into prepared purchases and new vendors, collecting errors by line."""

    def __init__(
        self,
        services: Services,
        report: ImportReport,
        default_currency: str | None,
        create_vendors: bool,
        actor: str,
    ) -> None:
        self.services = services
        self.report = report
        self.default_currency = default_currency
        self.create_vendors = create_vendors
        self.actor = actor
        self.purchases: list[PreparedPurchase] = []
        self.new_vendors: list[dict[str, Any]] = []
        self._vendor_ids: dict[str, str | None] = {}
        self.vendor_names: dict[str, str] = {}  # vendor id -> the name the file gives

    def add(self, order: _Order) -> None:
        """Check one order; keep its purchase if it is valid, else its errors by line."""
        first = order.lines[0]
        errors: dict[int, dict[str, list[str]]] = {}
        data = self._purchase_input(order, errors)
        vendor_id = self._vendor_id(order.fields.get("vendor", ""), errors.setdefault(first, {}))
        data["vendor_id"] = vendor_id or PLACEHOLDER_ID  # to check the rest all the same
        prepared = None
        try:
            prepared = self.services.purchases.prepare(data, actor=self.actor)
        except ValidationFailed as exc:
            _attach(exc, order, errors)
        if any(errors.values()):
            for line, messages in errors.items():
                if messages:
                    self.report.errors.setdefault(f"line {line}", {}).update(messages)
        elif prepared is not None:
            self.purchases.append(prepared)

    def _purchase_input(
        self, order: _Order, errors: dict[int, dict[str, list[str]]]
    ) -> dict[str, Any]:
        fields, first = order.fields, order.lines[0]
        data: dict[str, Any] = {"source": "import"}
        for name in ("order_ref", "category", "notes"):
            if fields.get(name):
                data[name] = fields[name]
        data["currency"] = fields.get("currency") or self.default_currency
        if fields.get("tags"):
            data["tags"] = [t for t in (s.strip() for s in _TAG_SPLIT.split(fields["tags"])) if t]
        _parse_into(data, "date", fields.get("date", ""), parse_day, errors.setdefault(first, {}))
        if fields.get("total"):
            _parse_into(data, "total", fields["total"], parse_number, errors[first])
        items = []
        for line, cells in order.items:
            item: dict[str, Any] = {"description": cells.get("description", "")}
            for name in ("quantity", "unit_price"):
                if cells.get(name):
                    _parse_into(item, name, cells[name], parse_number, errors.setdefault(line, {}))
            items.append(item)
        if items:
            data["items"] = items
        return data

    def _vendor_id(self, text: str, errors: dict[str, list[str]]) -> str | None:
        key = text.strip().casefold()
        if key in self._vendor_ids:
            return self._vendor_ids[key]
        vendor_id = self._resolve_vendor(text.strip(), errors)
        if not errors.get("vendor"):
            self._vendor_ids[key] = vendor_id
        if vendor_id:
            self.vendor_names.setdefault(vendor_id, text.strip())
        return vendor_id

    def _resolve_vendor(self, text: str, errors: dict[str, list[str]]) -> str | None:
        if not text:
            errors["vendor"] = ["Missing data for required field."]
            return None
        domain = _as_domain(text)
        relationships = self.services.relationships
        found = relationships.find_vendor(domain=domain, name=text)
        if found is not None:
            return str(found["id"])
        if not self.create_vendors:
            errors["vendor"] = [f"No vendor named {text!r}; add it first."]
            return None
        data = {"kind": "vendor", "name": text, "how_known": "Created by a purchases import"}
        if domain:
            data["domain"] = domain
        try:
            record = relationships.new_record(data)
        except ValidationFailed as exc:
            errors["vendor"] = exc.messages()
            return None
        self.new_vendors.append(record)
        self.report.vendors_created.append(text)
        return str(record["id"])

    def write(self) -> None:
        services = self.services
        with services.store.transaction():
            services.relationships.store_new(self.new_vendors)
            services.purchases.store_prepared(self.purchases)
        if self.new_vendors:
            event = {"actor": self.actor, "action": "relationship.import"}
            services.store.audit.append({**event, "count": len(self.new_vendors)})
        services.store.audit.append(
            {"actor": self.actor, "action": "purchase.import", "count": len(self.purchases)}
        )


def _attach(error: ValidationFailed, order: _Order, errors: dict[int, dict[str, Any]]) -> None:
    """Put the schema's messages on the lines they are about (items on their own rows)."""
    placed: dict[tuple[int, str], list[str]] = {}
    for path, messages in error.flat().items():
        placed.setdefault(_cell(path, order), []).extend(messages)
    for (line, column), messages in placed.items():
        # a column that failed to parse keeps that message, not the schema's echo of it
        errors.setdefault(line, {}).setdefault(column, messages)


def _cell(path: str, order: _Order) -> tuple[int, str]:
    """The line and column a field path (``items.1.unit_price``) is about."""
    name, *rest = path.split(".")
    if name == "items" and rest:
        line = order.items[int(rest[0])][0] if rest[0].isdigit() else order.lines[0]
        return line, rest[1] if len(rest) > 1 else "description"
    return order.lines[0], "vendor" if name == "vendor_id" else name


def _parse_into(
    target: dict[str, Any], name: str, text: str, parse: Any, errors: dict[str, list[str]]
) -> None:
    try:
        target[name] = parse(text)
    except ValueError as exc:
        errors[name] = [str(exc)]


def parse_day(text: str) -> str:
    """``YYYY-MM-DD`` or ``DD.MM.YYYY`` as an ISO date string (checked by the schema)."""
    text = text.strip()
    if _ISO_DAY.match(text):
        return text
    dotted = _DOTTED_DAY.match(text)
    if dotted:
        day, month, year = dotted.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    if not text:
        raise ValueError("Missing data for required field.")
    raise ValueError("Not a date (use YYYY-MM-DD or DD.MM.YYYY).")


def parse_number(text: str) -> str:
    """A decimal with ``.`` or ``,`` as separator, as a dotted decimal string."""
    text = text.strip()
    if _NUMBER.match(text):
        return text.replace(",", ".")
    if _GROUPED.match(text):
        raise ValueError("Use no thousands separators (write 1234.56).")
    raise ValueError("Not a number (write e.g. 12.50 or 12,50).")


def _as_domain(text: str) -> str | None:
    if " " in text or "." not in text:
        return None
    try:
        return normalise_domain(text)
    except ValueError:
        return None
