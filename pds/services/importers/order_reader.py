"""Reading one order's cells (dates, amounts, currency, line items) into a purchase's input.

The rules (signs, credits, currency symbols, per-line totals) are in ``docs/import.md``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

from pds.errors import ValidationFailed
from pds.services.importers.cells import Amount, CellError, parse_amount, parse_date
from pds.services.importers.purchase_report import ImportReport, PurchaseImportOptions

_TAG_SPLIT = re.compile(r"[,;|]")
UNIT_PLACES = Decimal("0.000001")
Errors = dict[str, dict[str, list[str]]]  # row label -> field -> messages


@dataclass
class Order:
    """The rows that make one purchase: their labels, the shared cells, the items' cells."""

    labels: list[str]
    fields: dict[str, str]
    items: list[tuple[str, dict[str, str]]]

    def attach(self, error: ValidationFailed, errors: Errors) -> None:
        """Put the schema's messages on the rows they are about (items on their own)."""
        placed: dict[tuple[str, str], list[str]] = {}
        for path, messages in error.flat().items():
            placed.setdefault(self._cell(path), []).extend(messages)
        for (label, column), messages in placed.items():
            # a cell that failed to parse keeps that message, not the schema's echo of it
            errors.setdefault(label, {}).setdefault(column, messages)

    def _cell(self, path: str) -> tuple[str, str]:
        name, *rest = path.split(".")
        if name == "items" and rest and self.items:
            index = int(rest[0]) if rest[0].isdigit() else -1
            label = self.items[index][0] if 0 <= index < len(self.items) else self.labels[0]
            return label, rest[1] if len(rest) > 1 else "description"
        return self.labels[0], "vendor" if name == "vendor_id" else name


class OrderReader:
    """Reads orders with the file's conventions (``report.date_format``, ``.decimal``)."""

    def __init__(self, report: ImportReport, options: PurchaseImportOptions) -> None:
        self.report = report
        self.options = options

    def purchase_input(self, order: Order, errors: Errors) -> dict[str, Any] | None:
        """The purchase's input; ``None`` when the order is a credit, skipped (reported)."""
        fields, first = order.fields, order.labels[0]
        mine = errors.setdefault(first, {})
        data: dict[str, Any] = {"source": f"import:{self.report.format}"}
        for name in ("order_ref", "category", "notes"):
            if fields.get(name):
                data[name] = fields[name]
        if fields.get("tags"):
            data["tags"] = [t for t in (s.strip() for s in _TAG_SPLIT.split(fields["tags"])) if t]
        self._date(data, fields.get("date", ""), mine)
        currencies: list[Amount] = []
        if fields.get("total") and not self._total(data, fields["total"], mine, currencies):
            self.report.skipped[first] = (
                f"a credit of {fields['total']} (money in: salary, refund...), not a purchase"
            )
            return None
        items = self._items(order, fields, errors, currencies)
        if len(items) == 1 and "unit_price" not in items[0] and data.get("total"):
            self._priced_by_total(order.items[0][0], items[0], Decimal(data["total"]))
        if items:
            data["items"] = items
        self._currency(data, fields.get("currency", ""), currencies, mine)
        return data

    def _date(self, data: dict[str, Any], text: str, errors: dict[str, list[str]]) -> None:
        try:
            data["date"] = parse_date(text, self.report.date_format)
        except CellError as exc:
            errors["date"] = [str(exc)]

    def _amount(self, text: str, name: str, errors: dict[str, list[str]]) -> Amount | None:
        try:
            return parse_amount(text, self.report.decimal)
        except CellError as exc:
            errors[name] = [str(exc)]
            return None

    def _total(
        self, data: dict[str, Any], text: str, errors: dict[str, list[str]], seen: list[Amount]
    ) -> bool:
        """Read the total into ``data``; ``False`` if the row is a credit to skip."""
        amount = self._amount(text, "total", errors)
        if amount is None:
            return True
        seen.append(amount)
        if self.options.debits_as_purchases:
            if amount.value > 0:
                return False
            if amount.value == 0:
                errors["total"] = ["Zero: neither a debit nor a credit."]
                return True
            data["total"] = format(-amount.value, "f")
        elif amount.negative:
            errors["total"] = [
                f"{text} is negative: a debit from a bank statement? Give --debits-as-purchases"
                " (debits become purchases, credits are skipped)."
            ]
        else:
            data["total"] = amount.text()
        return True

    def _items(
        self, order: Order, fields: dict[str, str], errors: Errors, seen: list[Amount]
    ) -> list[dict[str, Any]]:
        if fields.get("items") and not order.items:
            try:
                return parse_items_json(fields["items"])
            except CellError as exc:
                errors.setdefault(order.labels[0], {})["items"] = [str(exc)]
                return []
        return [self._item(label, cells, errors.setdefault(label, {}), seen)
                for label, cells in order.items]  # fmt: skip

    def _item(
        self, label: str, cells: dict[str, str], errors: dict[str, list[str]], seen: list[Amount]
    ) -> dict[str, Any]:
        item: dict[str, Any] = {"description": cells.get("description", "")}
        amounts: dict[str, Decimal] = {}
        for name in ("quantity", "unit_price", "line_total"):
            if cells.get(name):
                amount = self._amount(cells[name], name, errors)
                if amount is not None:
                    amounts[name] = amount.value
                    if name != "quantity":
                        seen.append(amount)
        if "quantity" in amounts:
            item["quantity"] = format(amounts["quantity"], "f")
        if "line_total" in amounts:
            self._from_line_total(label, item, amounts)
        elif "unit_price" in amounts:
            item["unit_price"] = format(amounts["unit_price"], "f")
        return item

    def _priced_by_total(self, label: str, item: dict[str, Any], total: Decimal) -> None:
        """The one line of an order with a total but no price costs the total."""
        quantity = Decimal(item.get("quantity", "1"))
        self._from_line_total(label, item, {"quantity": quantity, "line_total": total})

    def _from_line_total(
        self, label: str, item: dict[str, Any], amounts: dict[str, Decimal]
    ) -> None:
        """The unit price from the line's total: what was paid for the line is kept."""
        quantity, line_total = amounts.get("quantity", Decimal(1)), amounts["line_total"]
        with localcontext(prec=40):
            unit = line_total / quantity if quantity else line_total
            exact = quantity and unit.quantize(UNIT_PLACES) * quantity == line_total
        if exact:
            item["unit_price"] = format(unit.quantize(UNIT_PLACES).normalize(), "f")
        else:  # 3 for 10.00: one line of 10.00, the quantity in the description
            item["description"] = f"{format(quantity.normalize(), 'f')} × {item['description']}"
            item["quantity"], item["unit_price"] = "1", format(line_total, "f")
            self.report.adjustments[label] = (
                f"line total {line_total} is not {quantity} equal unit prices; kept as one line"
            )
        given = amounts.get("unit_price")
        if given is not None and given * quantity != line_total:
            self.report.adjustments[label] = (
                f"line total {line_total} differs from {format(quantity.normalize(), 'f')} x "
                f"{given} (tax, shipping or discount); the line total is kept"
            )

    def _currency(
        self, data: dict[str, Any], text: str, seen: list[Amount], errors: dict[str, list[str]]
    ) -> None:
        """The row's currency: its cell, else the amounts' symbol or code, else the default."""
        named = {a.currency for a in seen if a.currency}
        given = text.strip().upper() or None
        if len(named) > 1:
            errors["currency"] = [
                f"The amounts name several currencies: {', '.join(sorted(named))}."
            ]
            return
        from_amounts = next(iter(named), None)
        if given and from_amounts and given != from_amounts:
            errors["currency"] = [f"{given}, but an amount is in {from_amounts}."]
            return
        currency = given or from_amounts or self.options.default_currency
        if currency is None:
            symbols = sorted({a.symbol for a in seen if a.symbol})
            hint = f"{symbols[0]!r} names no single currency; " if symbols else ""
            errors["currency"] = [f"{hint}Give a currency column or --currency (e.g. USD)."]
            return
        data["currency"] = currency


def parse_items_json(text: str) -> list[dict[str, Any]]:
    """The ``items`` column of the archive's CSV: the line items as JSON text."""
    try:
        items = json.loads(text)
    except ValueError:
        raise CellError("Not JSON line items (as the archive's CSV writes them).") from None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise CellError("Must be a JSON list of line items.")
    keep = ("description", "quantity", "unit_price", "currency", "sku")
    return [{k: v for k, v in item.items() if k in keep} for item in items]
