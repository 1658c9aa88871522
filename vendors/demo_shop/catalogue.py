"""The shop's own little catalogue (in code: it is a demo) and how an order is priced."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

CURRENCY = "EUR"
MAX_QUANTITY = 20


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    blurb: str
    price: Decimal
    category: str


PRODUCTS = (
    Product(
        "NB-A5", "Dot-grid notebook, A5", "192 pages, lies flat.", Decimal("12.50"), "stationery"
    ),
    Product("PEN-FT", "Fountain pen", "Steel nib, refillable.", Decimal("34.00"), "stationery"),
    Product(
        "BK-IE",
        "The Intention Economy (paperback)",
        "When customers take charge.",
        Decimal("18.99"),
        "books",
    ),
    Product(
        "TEA-SN",
        "Sencha green tea, 100 g",
        "Loose leaf, first flush.",
        Decimal("8.40"),
        "groceries",
    ),
    Product("MUG-EN", "Enamel mug", "Camp-fire proof.", Decimal("14.00"), "home"),
    Product(
        "HP-NC",
        "Noise-cancelling headphones",
        "Over-ear, 30 hours a charge.",
        Decimal("89.00"),
        "electronics",
    ),
)
CATEGORIES = tuple(dict.fromkeys(product.category for product in PRODUCTS))
BY_SKU = {product.sku: product for product in PRODUCTS}


@dataclass(frozen=True)
class Order:
    ref: str
    product: Product
    quantity: int

    @property
    def total(self) -> Decimal:
        return self.product.price * self.quantity


def parse_quantity(raw: str | None) -> int | None:
    """A quantity from a form field, or ``None`` if it is not 1..MAX_QUANTITY."""
    if raw is None or not raw.strip().isdigit():
        return None
    quantity = int(raw.strip())
    return quantity if 1 <= quantity <= MAX_QUANTITY else None
