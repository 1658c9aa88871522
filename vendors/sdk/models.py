"""What the store's API returns and accepts, as frozen dataclasses.

Amounts are ``Decimal`` (the wire carries them as strings, never floats), days are
``date`` and instants timezone-aware ``datetime``. ``from_json`` reads the store's
JSON (ignoring fields it does not know, so newer stores stay readable);
``Receipt.to_json`` writes the body of ``POST /purchases``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

from vendors.sdk.errors import ServerError

T = TypeVar("T")


def _unexpected(what: str, name: str, problem: str) -> ServerError:
    return ServerError(None, "unexpected_response", f"{what}.{name} {problem}")


def _required(data: Mapping[str, Any], name: str, what: str) -> Any:
    if data.get(name) is None:
        raise _unexpected(what, name, "is missing")
    return data[name]


def _decimal(value: Any, name: str, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _unexpected(what, name, "is not a decimal string")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise _unexpected(what, name, "is not a decimal string") from None
    if not number.is_finite():
        raise _unexpected(what, name, "is not a finite decimal")
    return number


def _day(value: Any, name: str, what: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _unexpected(what, name, "is not a YYYY-MM-DD date") from None


def _optional_day(value: Any, name: str, what: str) -> date | None:
    return None if value is None else _day(value, name, what)


def _instant(value: Any, name: str, what: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise _unexpected(what, name, "is not an ISO 8601 instant") from None


def _object(data: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ServerError(None, "unexpected_response", f"{what} is not a JSON object")
    return data


def wire_decimal(value: Decimal | int | str) -> str:
    """A decimal as the wire wants it: a plain string, no exponent (``"12.50"``)."""
    number = Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"not a finite amount: {value!r}")
    return format(number, "f")


@dataclass(frozen=True)
class Me:
    """The owner as this vendor may see them: the pairwise ``sub`` and granted claims."""

    sub: str
    claims: Mapping[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str | None:
        return self.claims.get("name")

    @property
    def email(self) -> str | None:
        return self.claims.get("email")

    @classmethod
    def from_json(cls, data: Any) -> Me:
        body = _object(data, "me")
        return cls(sub=str(_required(body, "sub", "me")), claims=dict(body))


@dataclass(frozen=True)
class LineItem:
    description: str
    quantity: Decimal
    unit_price: Decimal
    currency: str | None = None
    sku: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> LineItem:
        body = _object(data, "item")
        return cls(
            description=str(_required(body, "description", "item")),
            quantity=_decimal(body.get("quantity", "1"), "quantity", "item"),
            unit_price=_decimal(_required(body, "unit_price", "item"), "unit_price", "item"),
            currency=body.get("currency"),
            sku=body.get("sku"),
        )


@dataclass(frozen=True)
class Purchase:
    """A purchase in the owner's store (``source`` is ``vendor:<client_id>`` for receipts)."""

    id: str
    date: date
    total: Decimal
    currency: str
    items: tuple[LineItem, ...] = ()
    order_ref: str | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()
    source: str | None = None
    status: str | None = None
    vendor_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def from_json(cls, data: Any) -> Purchase:
        body = _object(data, "purchase")
        what = "purchase"
        return cls(
            id=str(_required(body, "id", what)),
            date=_day(_required(body, "date", what), "date", what),
            total=_decimal(_required(body, "total", what), "total", what),
            currency=str(_required(body, "currency", what)),
            items=tuple(LineItem.from_json(item) for item in body.get("items") or ()),
            order_ref=body.get("order_ref"),
            category=body.get("category"),
            tags=tuple(body.get("tags") or ()),
            source=body.get("source"),
            status=body.get("status"),
            vendor_id=body.get("vendor_id"),
            created_at=_instant(body.get("created_at"), "created_at", what),
            updated_at=_instant(body.get("updated_at"), "updated_at", what),
        )


@dataclass(frozen=True)
class ReceiptItem:
    description: str
    unit_price: Decimal
    quantity: Decimal = Decimal(1)
    sku: str | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "description": self.description,
            "quantity": wire_decimal(self.quantity),
            "unit_price": wire_decimal(self.unit_price),
        }
        if self.sku is not None:
            body["sku"] = self.sku
        return body


@dataclass(frozen=True)
class Receipt:
    """A digital receipt the vendor pushes into the owner's store (``POST /purchases``).
    ``total`` may be left out when ``items`` are given: the store sums them."""

    date: date
    currency: str
    items: tuple[ReceiptItem, ...] = ()
    total: Decimal | None = None
    order_ref: str | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"date": self.date.isoformat(), "currency": self.currency}
        if self.items:
            body["items"] = [item.to_json() for item in self.items]
        if self.total is not None:
            body["total"] = wire_decimal(self.total)
        optional = {"order_ref": self.order_ref, "category": self.category}
        body.update({name: value for name, value in optional.items() if value is not None})
        if self.tags:
            body["tags"] = list(self.tags)
        return body


@dataclass(frozen=True)
class Preference:
    """One preference the owner shares with this vendor (``value``: scalar or list)."""

    key: str
    value: Any
    category: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> Preference:
        body = _object(data, "preference")
        if "value" not in body:
            raise _unexpected("preference", "value", "is missing")
        value = body["value"]
        return cls(
            key=str(_required(body, "key", "preference")),
            value=tuple(value) if isinstance(value, list) else value,
            category=body.get("category"),
        )


@dataclass(frozen=True)
class Relationship:
    """The owner's public-facing record of their relationship with this vendor."""

    name: str
    status: str
    since: date | None = None
    preferred_channel: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> Relationship:
        body = _object(data, "relationship")
        return cls(
            name=str(_required(body, "name", "relationship")),
            status=str(_required(body, "status", "relationship")),
            since=_optional_day(body.get("since"), "since", "relationship"),
            preferred_channel=body.get("preferred_channel"),
        )


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list; pass ``next_cursor`` back (same filters) for the next one."""

    items: tuple[T, ...]
    next_cursor: str | None = None
