"""Demo data: the vendors of the made-up owner, what they sell and for how much (EUR).

Names and domains are invented.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Product:
    description: str
    low_cents: int
    high_cents: int
    by_weight: bool = False


@dataclass(frozen=True)
class Plan:
    """A monthly bill: ``day`` of the month, amount between ``low`` and ``high`` cents."""

    description: str
    low_cents: int
    high_cents: int
    day: int


@dataclass(frozen=True)
class VendorSpec:
    key: str
    name: str
    domain: str
    category: str
    tags: tuple[str, ...]
    how_known: str
    products: tuple[Product, ...]
    per_month: float  # purchases a month besides the plan
    max_items: int = 3
    plan: Plan | None = None
    order_prefix: str | None = None  # None: paid at the counter, no order reference
    status: str = "active"
    web: bool = True


P = Product

VENDORS: tuple[VendorSpec, ...] = (
    VendorSpec(
        "grocer",
        "Fresh Fields Market",
        "freshfields-market.eu",
        "groceries",
        ("food", "weekly"),
        "Organic market two streets away",
        (
            P("Organic apples", 249, 349, by_weight=True),
            P("Sourdough loaf", 380, 450),
            P("Whole milk 1 l", 109, 135),
            P("Free-range eggs (10)", 329, 399),
            P("Gouda 200 g", 279, 349),
            P("Spaghetti 500 g", 129, 189),
            P("Vine tomatoes", 299, 449, by_weight=True),
            P("Greek yoghurt 500 g", 199, 259),
            P("Olive oil 750 ml", 799, 1099),
            P("Bananas", 169, 219, by_weight=True),
            P("Oat drink 1 l", 189, 229),
            P("Basmati rice 1 kg", 299, 379),
            P("Dark chocolate 100 g", 179, 249),
            P("Red lentils 500 g", 199, 249),
        ),
        per_month=7.0,
        max_items=8,
        web=False,
    ),
    VendorSpec(
        "bakery",
        "Morning Crumb Bakery",
        "morningcrumb.de",
        "groceries",
        ("food", "bakery"),
        "On the way to the station",
        (
            P("Croissant", 120, 160),
            P("Rye bread", 450, 520),
            P("Cinnamon roll", 250, 320),
            P("Pretzel", 90, 120),
            P("Apple strudel slice", 320, 380),
            P("Baguette", 180, 240),
        ),
        per_month=4.0,
        max_items=4,
        web=False,
    ),
    VendorSpec(
        "books",
        "Paper Lantern Books",
        "paperlanternbooks.com",
        "books",
        ("books", "local"),
        "Independent bookshop in the old town",
        (
            P("Paperback novel", 999, 1499),
            P("Hardcover non-fiction", 2200, 3400),
            P("Cookbook", 2400, 3200),
            P("Travel guide", 1699, 2299),
            P("Notebook A5", 899, 1299),
            P("Children's picture book", 1299, 1699),
        ),
        per_month=1.0,
        order_prefix="PLB",
    ),
    VendorSpec(
        "bikes",
        "Spoke & Chain Cycles",
        "spokeandchain.de",
        "cycling",
        ("bike", "local"),
        "Recommended by Jonas",
        (
            P("Inner tube 28 inch", 699, 899),
            P("Chain lube", 899, 1299),
            P("Brake pads (pair)", 1499, 2199),
            P("Annual service", 6900, 8900),
            P("Bike light set", 2999, 4999),
            P("Tyre 700x32c", 2999, 4499),
        ),
        per_month=0.35,
        order_prefix="SC",
    ),
    VendorSpec(
        "carrier",
        "Nordwave Mobile",
        "nordwave-mobile.com",
        "telecom",
        ("phone", "subscription"),
        "Switched from the old carrier for the better tariff",
        (P("EU roaming pack", 499, 999), P("Phone case", 1999, 2999)),
        per_month=0.05,
        plan=Plan("Mobile plan 20 GB, monthly", 1999, 1999, day=3),
        order_prefix="NW",
    ),
    VendorSpec(
        "streaming",
        "Lumen Stream",
        "lumenstream.tv",
        "entertainment",
        ("subscription", "video"),
        "Free trial, then kept it",
        (P("Movie rental", 399, 599),),
        per_month=0.1,
        plan=Plan("Streaming subscription Standard", 1299, 1299, day=14),
        order_prefix="LS",
        status="ended",
    ),
    VendorSpec(
        "pharmacy",
        "Apotheca Pharmacy",
        "apotheca-pharmacy.eu",
        "health",
        ("health",),
        "Nearest pharmacy",
        (
            P("Ibuprofen 400 mg (20)", 349, 499),
            P("Sunscreen SPF 50", 1299, 1899),
            P("Vitamin D3 drops", 899, 1299),
            P("Plasters, assorted", 249, 399),
            P("Throat lozenges", 549, 749),
            P("Hand cream", 499, 799),
        ),
        per_month=0.9,
        web=False,
    ),
    VendorSpec(
        "hardware",
        "Ironmonger & Sons",
        "ironmonger-hardware.com",
        "home",
        ("diy", "home"),
        "Hardware store by the canal",
        (
            P("Wood screws (200)", 599, 899),
            P("LED bulb E27", 399, 699),
            P("Wall plugs (100)", 349, 499),
            P("Paint brush set", 899, 1299),
            P("Masking tape", 299, 449),
            P("Extension cord 5 m", 1299, 1899),
            P("Sandpaper assortment", 599, 899),
        ),
        per_month=0.6,
        max_items=4,
        web=False,
    ),
    VendorSpec(
        "coffee",
        "Bergkaffee Roasters",
        "bergkaffee.coffee",
        "groceries",
        ("coffee", "subscription"),
        "Tasting at a market stall",
        (
            P("Espresso beans 500 g", 1490, 1790),
            P("Pour-over filters (100)", 490, 690),
            P("Coffee gift box", 3490, 3490),
        ),
        per_month=0.2,
        plan=Plan("Coffee subscription, 2 x 250 g", 2400, 2400, day=1),
        order_prefix="BK",
    ),
    VendorSpec(
        "airline",
        "Skylark Air",
        "skylark-air.com",
        "travel",
        ("travel", "flight"),
        "Cheapest direct flights to Lisbon",
        (
            P("Economy flight BER-LIS", 8900, 24900),
            P("Economy flight BER-CPH", 5900, 15900),
            P("Checked bag", 3500, 4500),
            P("Seat reservation", 900, 1900),
        ),
        per_month=0.2,
        max_items=2,
        order_prefix="SKY",
    ),
    VendorSpec(
        "clothing",
        "Threadline Outfitters",
        "threadline.shop",
        "clothing",
        ("clothes",),
        "Online shop with free returns",
        (
            P("Merino T-shirt", 4900, 5900),
            P("Chinos", 6900, 8900),
            P("Rain jacket", 12900, 16900),
            P("Wool socks (3 pairs)", 1990, 2490),
            P("Hoodie", 5900, 7900),
            P("Sneakers", 8900, 11900),
        ),
        per_month=0.5,
        order_prefix="TL",
    ),
    VendorSpec(
        "electronics",
        "Circuit House",
        "circuithouse.store",
        "electronics",
        ("electronics",),
        "Electronics shop with a good repair service",
        (
            P("USB-C cable 2 m", 999, 1499),
            P("Wireless earbuds", 4999, 12999),
            P("Power bank 10000 mAh", 2499, 3999),
            P("Keyboard", 4999, 9999),
            P("SD card 128 GB", 1499, 2499),
            P("Smart plug", 1299, 1999),
        ),
        per_month=0.3,
        max_items=2,
        order_prefix="CH",
    ),
    VendorSpec(
        "utility",
        "Solace Energy",
        "solace-energy.eu",
        "utilities",
        ("home", "contract"),
        "Green electricity tariff",
        (),
        per_month=0.0,
        plan=Plan("Electricity advance payment", 6800, 9500, day=15),
        order_prefix="SE",
    ),
    VendorSpec(
        "restaurant",
        "Trattoria Lucia",
        "trattoria-lucia.de",
        "dining",
        ("restaurant",),
        "Friday dinners with friends",
        (
            P("Pizza Margherita", 950, 1150),
            P("Pasta al pesto", 1250, 1450),
            P("Tiramisu", 650, 750),
            P("Glass of house wine", 550, 650),
            P("Espresso", 220, 260),
        ),
        per_month=0.8,
        max_items=4,
        web=False,
    ),
    VendorSpec(
        "gym",
        "Pulse Fitness Club",
        "pulsefitness.club",
        "fitness",
        ("sport", "subscription"),
        "Gym near the office",
        (P("Protein bar", 250, 300), P("Personal training session", 4500, 5500)),
        per_month=0.1,
        plan=Plan("Membership, monthly", 3490, 3490, day=1),
        order_prefix="PF",
        status="paused",
    ),
)
