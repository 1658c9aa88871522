"""Import purchases from a CSV file: forgiving in what it reads, explicit in what it did.

Columns (header names, any case, or a synonym of ``columns.SYNONYMS``, or mapped with
``mapping``): ``date`` and ``vendor`` (or ``vendor_id``/``vendor_name``, as the archive's
CSV has them) are required; ``order_ref``, ``description``, ``quantity``, ``unit_price``,
``line_total``, ``items`` (JSON, the archive's), ``total``, ``currency``, ``category``,
``tags``, ``notes``. One of ``total``, ``unit_price``, ``line_total`` and ``items`` must
be among them. Rows with the same vendor, date and order reference are one purchase.

``preset="amazon"`` reads an Amazon order history export (its column names, US dates,
vendor "Amazon" unless a ``Website`` column names the shop). See ``docs/import.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO

from pds.errors import ValidationFailed
from pds.services.container import Services
from pds.services.importers.archive_items import items_beside
from pds.services.importers.columns import SYNONYMS, ColumnChoice
from pds.services.importers.csv_source import read_table
from pds.services.importers.purchase_plan import COLUMNS, Row, import_rows
from pds.services.importers.purchase_report import ImportReport, PurchaseImportOptions

__all__ = ["ImportReport", "PurchaseImportOptions", "header_choices", "import_purchases_csv"]

PRICED = ("total", "unit_price", "line_total", "items")
AMAZON_SYNONYMS: dict[str, tuple[str, ...]] = {
    **SYNONYMS,
    "description": ("title", "product name"),
    "order_ref": ("order id",),
    "line_total": ("item total", "shipment item subtotal"),
    "vendor": ("website", "seller"),
    "unit_price": (),  # Amazon's unit prices leave out tax: the item total is what was paid
    "total": (),
}
PRESETS = {"csv": (SYNONYMS, None), "amazon": (AMAZON_SYNONYMS, "%m/%d/%Y")}


def import_purchases_csv(
    services: Services,
    source: Path | str | bytes | BinaryIO,
    *,
    mapping: Mapping[str, str] | None = None,
    options: PurchaseImportOptions | None = None,
    preset: str = "csv",
    name: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    **option_values: Any,
) -> ImportReport:
    """Import the purchases in ``source`` (a path, bytes or binary file); see the module doc.

    ``options`` or its fields as keywords (``dry_run=True``, ``default_currency="EUR"``).
    """
    options = options or PurchaseImportOptions(**option_values)
    synonyms, date_format = PRESETS[preset]
    if date_format and not options.date_format:
        options = replace(options, date_format=date_format)
    label = name or (Path(source).name if isinstance(source, str | Path) else "file")
    archive_items = items_beside(source) if preset == "csv" else None
    try:
        table = read_table(
            source,
            known=(*COLUMNS, "id") if archive_items is not None else COLUMNS,
            required=("date",),
            mapping=mapping,
            synonyms=synonyms,
            encoding=encoding,
            delimiter=delimiter,
        )
    except ValidationFailed as exc:
        raise ValidationFailed(f"{label}: {exc.message}", exc.details) from None
    fields = set(table.columns.values())
    missing = []
    if not {"vendor", "vendor_id"} & fields and preset != "amazon":
        missing.append("a vendor (or vendor_id) column")
    if not set(PRICED) & fields:
        missing.append("a total, unit_price or line_total column")
    if missing:
        raise ValidationFailed(
            f"{label}: the header does not fit: it needs {' and '.join(missing)}",
            {"columns": [f"Needs {' and '.join(missing)} ({_described(table.choices)})."]},
        )
    report = ImportReport(
        dry_run=options.dry_run,
        source=label,
        format=preset,
        errors=dict(table.errors),
        ignored_columns=table.ignored_columns,
        columns=[c.describe() for c in table.choices if c.header],
        encoding=table.encoding,
        delimiter=table.delimiter,
    )
    rows: list[Row] = [(f"line {line}", cells) for line, cells in table.rows]
    if archive_items is not None:
        rows = [(line, _with_items(cells, archive_items)) for line, cells in rows]
    if preset == "amazon" and "vendor" not in fields:
        rows = [(line, {**cells, "vendor": "Amazon"}) for line, cells in rows]
    return import_rows(services, rows, report, options)


def _with_items(cells: dict[str, str], items: Mapping[str, str]) -> dict[str, str]:
    """An archive row with its line items from ``purchase_items.csv`` (by its ``id``)."""
    row = {k: v for k, v in cells.items() if k != "id"}
    found = items.get(cells.get("id", ""))
    if found and not row.get("items"):
        row["items"] = found
    return row


def header_choices(
    source: bytes, *, preset: str = "csv", mapping: Mapping[str, str] | None = None
) -> list[ColumnChoice]:
    """How each header cell of ``source`` would be read (for a mapping step); ``[]`` when
    the file cannot be read at all. A mapping naming no header cell is left out."""
    synonyms, _ = PRESETS.get(preset, PRESETS["csv"])
    header = {c.strip().casefold() for c in _header_cells(source)}
    usable = {k: v for k, v in (mapping or {}).items() if k.strip().casefold() in header}
    usable = {k: v for k, v in usable.items() if v in COLUMNS}
    try:
        table = read_table(source, known=COLUMNS, required=(), mapping=usable, synonyms=synonyms)
    except ValidationFailed:
        return []
    return [c for c in table.choices if c.header]


def _header_cells(source: bytes) -> list[str]:
    try:
        return read_table(source, known=(), required=(), synonyms={}).header
    except ValidationFailed:
        return []


def _described(choices: Any) -> str:
    return "; ".join(c.describe() for c in choices if c.header) or "no header"
