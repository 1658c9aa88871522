"""How the shop prices an answer to an RFP from its catalogue, or why it does not answer.

An RFP is answered with one product: of its category (and its ``sku`` if the RFP asks
for one), in stock for its quantity, priced in the budget's currency (the catalogue's
EUR at the shop's fixed demo rates, plus the shop's markup) within the budget's
``max``, and delivered before any ``delivery... before`` date it sets (after any
``delivery... after`` date). Of the products that fit, the cheapest one that reaches
the budget's ``min`` wins, else the cheapest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from vendors.demo_shop.catalogue import CURRENCY, MAX_QUANTITY, Product
from vendors.sdk import ReceiptItem, Rfp

LEAD_DAYS = 3  # standard delivery
VALID_DAYS = 14  # an offer holds this long after the RFP's deadline
CENT = Decimal("0.01")
RATES = {  # units of the currency per EUR (fixed: it is a demo)
    "EUR": Decimal(1),
    "USD": Decimal("1.08"),
    "GBP": Decimal("0.85"),
    "CHF": Decimal("0.95"),
    "SEK": Decimal("11.40"),
}


@dataclass(frozen=True)
class Quote:
    """A priced answer: ``quantity`` x ``product`` at ``unit_price`` in ``currency``."""

    product: Product
    quantity: int
    unit_price: Decimal
    currency: str
    delivery_date: date
    valid_until: datetime

    @property
    def price(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def line_item(self) -> ReceiptItem:
        return ReceiptItem(
            self.product.name, self.unit_price, Decimal(self.quantity), self.product.sku
        )


@dataclass(frozen=True)
class Decline:
    """Why the shop does not answer (shown on its RFP page)."""

    reason: str


def quote(
    rfp: Rfp, products: Iterable[Product], *, today: date, markup: Decimal = Decimal(0)
) -> Quote | Decline:
    """The shop's answer to ``rfp``, or why there is none."""
    currency = rfp.budget.currency
    if currency not in RATES:
        return Decline(f"we do not sell in {currency}")
    if not 1 <= rfp.quantity <= MAX_QUANTITY:
        return Decline(f"we cannot supply {rfp.quantity} (at most {MAX_QUANTITY})")
    delivery = delivery_date(rfp, today)
    if isinstance(delivery, Decline):
        return delivery
    fitting = [(unit_price(p, currency, markup), p) for p in products if _matches(rfp, p)]
    affordable = sorted(
        ((price, p) for price, p in fitting if price * rfp.quantity <= rfp.budget.max),
        key=lambda pair: (pair[0], pair[1].sku),
    )
    if not affordable:
        what = "nothing in" if not fitting else "nothing within the budget in"
        return Decline(f"{what} {rfp.category}")
    low = rfp.budget.min
    reaching = [pair for pair in affordable if low is None or pair[0] * rfp.quantity >= low]
    price, product = (reaching or affordable)[0]
    valid_until = rfp.deadline + timedelta(days=VALID_DAYS)
    return Quote(product, rfp.quantity, price, currency, delivery, valid_until)


def unit_price(product: Product, currency: str, markup: Decimal) -> Decimal:
    """The product's price in ``currency``, with ``markup`` percent, to the cent."""
    converted = product.price / RATES[CURRENCY] * RATES[currency]
    return (converted * (100 + markup) / 100).quantize(CENT, ROUND_HALF_UP)


def delivery_date(rfp: Rfp, today: date) -> date | Decline:
    """Standard delivery, sooner (express, from tomorrow) if the RFP needs it before a
    date, later if it wants it after one."""
    earliest, standard = today + timedelta(days=1), today + timedelta(days=LEAD_DAYS)
    after = _dates(rfp, "after")
    if after:
        earliest = max(earliest, max(after) + timedelta(days=1))
        standard = max(standard, earliest)
    before = _dates(rfp, "before")
    if not before:
        return standard
    limit = min(before)
    if earliest >= limit:
        return Decline(f"we cannot deliver before {limit.isoformat()}")
    return min(standard, limit - timedelta(days=1))


def _matches(rfp: Rfp, product: Product) -> bool:
    if product.category != rfp.category:
        return False
    for requirement in rfp.requirements_for("sku"):
        wanted = requirement.value
        if requirement.operator == "eq" and product.sku != wanted:
            return False
        if requirement.operator == "in" and product.sku not in wanted:
            return False
    return True


def _dates(rfp: Rfp, operator: str) -> list[date]:
    found = []
    for requirement in rfp.requirements:
        if requirement.operator == operator and requirement.key.startswith("delivery"):
            try:
                found.append(date.fromisoformat(str(requirement.value)))
            except ValueError:
                continue
    return found
