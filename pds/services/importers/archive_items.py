"""The line items of an archive's ``csv/purchases.csv``: they are in ``purchase_items.csv``
beside it (one row per item, keyed by ``purchase_id``; docs/archive.md), read back here
into the ``items`` cell the purchases importer takes (JSON text, one per purchase).

Only a purchases file with the archive's ``id`` column next to a ``purchase_items.csv``
is joined; any other file is imported as it is. A cell the archive guarded against
formulas (a leading ``'`` before ``= + - @``, a tab or a carriage return) is unguarded.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from pathlib import Path

ITEMS_FILE = "purchase_items.csv"
#: The item columns a purchase's input takes (the rest are the purchase's own or position).
ITEM_FIELDS = ("description", "quantity", "unit_price", "currency", "sku")
_GUARDED = ("=", "+", "-", "@", "\t", "\r")


def items_beside(source: object) -> dict[str, str] | None:
    """``purchase_id`` -> the items as JSON text, when ``source`` is a path with the
    archive's items file beside it; else ``None``."""
    if not isinstance(source, str | Path):
        return None
    path = Path(source).with_name(ITEMS_FILE)
    if not path.is_file():
        return None
    grouped: dict[str, list[dict[str, str]]] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            purchase_id = row.get("purchase_id") or ""
            grouped.setdefault(purchase_id, []).append(_item(row))
    return {purchase_id: json.dumps(items) for purchase_id, items in grouped.items()}


def _item(row: Mapping[str, str | None]) -> dict[str, str]:
    cells = {name: _unguarded(row.get(name) or "") for name in ITEM_FIELDS}
    return {name: value for name, value in cells.items() if value}


def _unguarded(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(_GUARDED) else cell
