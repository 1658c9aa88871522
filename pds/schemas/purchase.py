"""Purchases: what the owner bought, from which vendor, when, for how much.

``total`` is exact. With line items, it is their sum (``quantity * unit_price``)
rounded half-up to the currency's minor unit (commercial rounding, as receipts do); a
given total must equal that sum exactly or rounded either half-up or half-even.
Without line items the total must be given. Line items carry the purchase's currency
(filled in when absent, refused when different).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from pds.schemas.common import Choice, Id, Label, Schema, Tags, Text
from pds.schemas.currencies import minor_units
from pds.schemas.money import MAX_INTEGER_DIGITS, Currency, ExactDecimal, plain_string
from pds.schemas.query import DateRangeQuerySchema
from pds.schemas.temporal import Day, Instant

MAX_ITEMS = 200
STATUSES = ("new", "reviewed")
SOURCE_PATTERN = re.compile(r"^(owner|import(:[a-z0-9-]{1,32})?|vendor:[A-Za-z0-9._~:-]{1,128})$")


class Source(Text):
    """Where a purchase came from: ``owner``, ``import`` (``import:<format>``: which
    importer, e.g. ``import:ofx``) or ``vendor:<client_id>``."""

    default_error_messages = {
        "source": "Must be owner, import, import:<format> or vendor:<client_id>."
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=140, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not SOURCE_PATTERN.match(text):
            raise self.make_error("source")
        return text


def is_vendor_source(source: str) -> bool:
    return source.startswith("vendor:")


class LineItemSchema(Schema):
    description = Text(max_length=200, required=True)
    quantity = ExactDecimal(places=3, positive=True, load_default=Decimal(1))
    unit_price = ExactDecimal(places=6, required=True)
    currency = Currency()
    sku = Text(max_length=64)


def line_sum(items: list[dict[str, Any]]) -> Decimal:
    """The exact sum of ``quantity * unit_price`` over ``items``."""
    with localcontext(prec=80):
        return sum((item["quantity"] * item["unit_price"] for item in items), Decimal(0))


def round_to_currency(amount: Decimal, currency: str, rounding: str = ROUND_HALF_UP) -> Decimal:
    with localcontext(prec=80):
        return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding)


def receipt_fields() -> dict[str, fields.Field[Any]]:
    """The fields a purchase shares with a vendor's receipt, in the purchase's order:
    new field objects on every call (a schema binds the ones it is given)."""
    return {
        "date": Day(required=True),
        "order_ref": Text(max_length=100),
        "items": fields.List(
            fields.Nested(LineItemSchema), validate=validate.Length(max=MAX_ITEMS)
        ),
        "total": ExactDecimal(places=6, minimum=Decimal(0)),
        "currency": Currency(required=True),
        "category": Label(),
        "tags": Tags(),
    }


class PurchaseSchema(Schema):
    id = Id()
    vendor_id = Id(required=True)
    date, order_ref, items, total, currency, category, tags = receipt_fields().values()
    notes = Text(max_length=4000, multiline=True)
    source = Source(load_default="owner")
    status = Choice(STATUSES)
    created_at = Instant()
    updated_at = Instant()

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _check_total(self, data: dict[str, Any], original: Any, **_: Any) -> None:
        if not isinstance(original, dict):
            return  # "Invalid input type." says it all
        if "items" not in data and original.get("items"):
            return  # the items themselves are invalid; that is reported already
        currency = data.get("currency")
        items = data.get("items") or []
        if any("unit_price" not in item or "quantity" not in item for item in items):
            return  # an item is invalid (marshmallow passes the valid part); reported already
        errors: dict[str, Any] = {}
        if currency:
            mismatched = {
                i: {"currency": ["Must match the purchase currency."]}
                for i, item in enumerate(items)
                if item.get("currency", currency) != currency
            }
            if mismatched:
                errors["items"] = mismatched
        if not items:
            if "total" not in data and "total" not in original:
                errors["total"] = ["Give the total, or line items to sum."]
        elif currency:
            errors.update(_total_errors(data.get("total"), items, currency))
        if errors:
            raise ValidationError(errors)

    @post_load
    def _complete(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        items = data.pop("items", None)
        if items:
            for item in items:
                item.setdefault("currency", data["currency"])
            data["items"] = items
            data.setdefault("total", round_to_currency(line_sum(items), data["currency"]))
        data.setdefault("status", "new" if is_vendor_source(data["source"]) else "reviewed")
        return data


def _total_errors(
    total: Decimal | None, items: list[dict[str, Any]], currency: str
) -> dict[str, list[str]]:
    exact = line_sum(items)
    rounded = round_to_currency(exact, currency)
    if rounded < 0:
        return {"total": ["The line items must not sum to less than 0."]}
    if rounded.adjusted() >= MAX_INTEGER_DIGITS:
        return {"total": [f"At most {MAX_INTEGER_DIGITS} digits before the decimal point."]}
    if total is not None and total not in (
        exact,
        rounded,
        round_to_currency(exact, currency, ROUND_HALF_EVEN),
    ):
        return {"total": [f"Must equal the sum of the line items ({plain_string(rounded)})."]}
    return {}


class PurchaseQuerySchema(DateRangeQuerySchema):
    vendor_id = Id()
    category = Label()
    tag = Label(max_length=32)
    source = Source()
    status = Choice(STATUSES)
