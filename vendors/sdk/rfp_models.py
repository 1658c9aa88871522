"""The owner's RFPs and the vendor's offers as the RFP API returns them, and the body of
an offer. Same conventions as ``models``: ``Decimal`` amounts, ``date`` days, aware
``datetime`` instants, unknown fields ignored."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from vendors.sdk.models import (
    LineItem,
    ReceiptItem,
    _day,
    _decimal,
    _instant,
    _object,
    _required,
    _unexpected,
    wire_decimal,
)


@dataclass(frozen=True)
class Budget:
    max: Decimal
    currency: str
    min: Decimal | None = None

    @classmethod
    def from_json(cls, data: Any) -> Budget:
        body = _object(data, "budget")
        low = body.get("min")
        return cls(
            max=_decimal(_required(body, "max", "budget"), "max", "budget"),
            currency=str(_required(body, "currency", "budget")),
            min=None if low is None else _decimal(low, "min", "budget"),
        )


@dataclass(frozen=True)
class Requirement:
    """``key operator value``: ``size eq M``, ``delivery_before before 2026-12-01``."""

    key: str
    operator: str
    value: Any

    @classmethod
    def from_json(cls, data: Any) -> Requirement:
        body = _object(data, "requirement")
        value = body.get("value")
        return cls(
            key=str(_required(body, "key", "requirement")),
            operator=str(_required(body, "operator", "requirement")),
            value=tuple(value) if isinstance(value, list) else value,
        )


@dataclass(frozen=True)
class Rfp:
    """An RFP as vendors see it: named by its pseudonym ``id``, never by its owner.

    ``buyer`` (``name``, ``email``) is there only when the owner chose to reveal it."""

    id: str
    title: str
    category: str
    budget: Budget
    deadline: datetime
    quantity: int = 1
    description: str | None = None
    requirements: tuple[Requirement, ...] = ()
    location_hint: Mapping[str, Any] | None = None
    disclosed: Mapping[str, Any] = field(default_factory=dict)
    published_at: datetime | None = None
    status: str | None = None
    buyer: Mapping[str, Any] | None = None

    def requirements_for(self, key: str) -> tuple[Requirement, ...]:
        return tuple(r for r in self.requirements if r.key == key)

    @classmethod
    def from_json(cls, data: Any) -> Rfp:
        body, what = _object(data, "rfp"), "rfp"
        deadline = _instant(_required(body, "deadline", what), "deadline", what)
        assert deadline is not None
        quantity = body.get("quantity", 1)
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise _unexpected(what, "quantity", "is not a whole number")
        return cls(
            id=str(_required(body, "id", what)),
            title=str(_required(body, "title", what)),
            category=str(_required(body, "category", what)),
            budget=Budget.from_json(_required(body, "budget", what)),
            deadline=deadline,
            quantity=quantity,
            description=body.get("description"),
            requirements=tuple(Requirement.from_json(r) for r in body.get("requirements") or ()),
            location_hint=body.get("location_hint"),
            disclosed=dict(body.get("disclosed") or {}),
            published_at=_instant(body.get("published_at"), "published_at", what),
            status=body.get("status"),
            buyer=body.get("buyer"),
        )


@dataclass(frozen=True)
class Message:
    """One message of an offer's thread: ``sender`` is ``vendor`` (a question) or ``owner``."""

    sender: str
    text: str
    at: datetime | None = None

    @classmethod
    def from_json(cls, data: Any) -> Message:
        body = _object(data, "message")
        return cls(
            sender=str(_required(body, "from", "message")),
            text=str(_required(body, "text", "message")),
            at=_instant(body.get("at"), "at", "message"),
        )


@dataclass(frozen=True)
class Offer:
    """The vendor's offer on the RFP ``rfp`` (its pseudonym). ``status``: ``live``,
    ``withdrawn``, ``awarded`` or ``not_selected``. ``created`` is true only on the
    answer to the submission that made it (``201``), false when one was updated."""

    id: str
    rfp: str
    status: str
    price: Decimal
    currency: str
    delivery_date: date
    line_items: tuple[LineItem, ...] = ()
    conditions: str | None = None
    valid_until: datetime | None = None
    message: str | None = None
    thread: tuple[Message, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    created: bool = False

    @property
    def open_question(self) -> str | None:
        """The vendor's last question while the owner has not answered it yet."""
        return self.thread[-1].text if self.thread and self.thread[-1].sender == "vendor" else None

    @classmethod
    def from_json(cls, data: Any, *, created: bool = False) -> Offer:
        body, what = _object(data, "offer"), "offer"
        return cls(
            id=str(_required(body, "id", what)),
            rfp=str(_required(body, "rfp", what)),
            status=str(_required(body, "status", what)),
            price=_decimal(_required(body, "price", what), "price", what),
            currency=str(_required(body, "currency", what)),
            delivery_date=_day(_required(body, "delivery_date", what), "delivery_date", what),
            line_items=tuple(LineItem.from_json(item) for item in body.get("line_items") or ()),
            conditions=body.get("conditions"),
            valid_until=_instant(body.get("valid_until"), "valid_until", what),
            message=body.get("message"),
            thread=tuple(Message.from_json(m) for m in body.get("thread") or ()),
            created_at=_instant(body.get("created_at"), "created_at", what),
            updated_at=_instant(body.get("updated_at"), "updated_at", what),
            created=created,
        )


@dataclass(frozen=True)
class Subscription:
    """Where the store sends this vendor's webhooks, for which categories (empty: all).
    ``secret`` (``whsec_...``) is there only when the store just made it: keep it."""

    url: str
    categories: tuple[str, ...] = ()
    secret: str | None = field(default=None, repr=False)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def from_json(cls, data: Any) -> Subscription:
        body, what = _object(data, "subscription"), "subscription"
        return cls(
            url=str(_required(body, "url", what)),
            categories=tuple(str(c) for c in body.get("categories") or ()),
            secret=body.get("secret"),
            created_at=_instant(body.get("created_at"), "created_at", what),
            updated_at=_instant(body.get("updated_at"), "updated_at", what),
        )


LineItemInput = ReceiptItem | LineItem | Mapping[str, Any]


def offer_body(
    *,
    price: Decimal | int | str,
    currency: str,
    delivery_date: date | str,
    line_items: Iterable[LineItemInput] = (),
    conditions: str | None = None,
    valid_until: datetime | str | None = None,
    message: str | None = None,
) -> dict[str, Any]:
    """The JSON body of ``PUT /rfps/<pseudonym>/offer``: amounts as strings, never floats."""
    body: dict[str, Any] = {
        "price": wire_decimal(price),
        "currency": currency,
        "delivery_date": delivery_date.isoformat()
        if isinstance(delivery_date, date)
        else delivery_date,
    }
    items = [_line_item(item) for item in line_items]
    if items:
        body["line_items"] = items
    if valid_until is not None:
        body["valid_until"] = _wire_instant(valid_until)
    optional = {"conditions": conditions, "message": message}
    body.update({name: value for name, value in optional.items() if value is not None})
    return body


def _line_item(item: LineItemInput) -> dict[str, Any]:
    if isinstance(item, ReceiptItem):
        return item.to_json()
    if isinstance(item, LineItem):
        receipt = ReceiptItem(item.description, item.unit_price, item.quantity, item.sku)
        return receipt.to_json()
    return dict(item)


def _wire_instant(value: datetime | str) -> str:
    if isinstance(value, str):
        return value
    if value.tzinfo is None:
        raise ValueError("valid_until must be timezone-aware")
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
