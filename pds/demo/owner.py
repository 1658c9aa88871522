"""Demo data: the made-up owner's profile, preferences, people and what happens with them.

People use the reserved ``example.org`` domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rhythm:
    """How often the owner is in touch with someone, and how: contacts come about
    ``every_days`` apart (log-normal, ``spread`` either way), each followed by a reply
    a day or two later with probability ``replies``, for the last ``years`` years,
    none in the last ``silent_days`` days; each contact is one of ``events``."""

    every_days: float
    events: str  # "close" or "casual": which of PERSON_EVENTS
    spread: float = 0.3
    replies: float = 0.0
    years: float = 2.0
    silent_days: int = 0


@dataclass(frozen=True)
class PersonSpec:
    name: str
    email: str
    phone: str
    how_known: str
    tags: tuple[str, ...]
    since_years: int
    rhythm: Rhythm
    birthday_in_days: int | None = None  # days after "today" (the demo's birthday reminder)


PEOPLE: tuple[PersonSpec, ...] = (
    PersonSpec("Jonas Becker", "jonas.becker@example.org", "+49 151 2345 6789",
               "Friend from university", ("friend",), 14, Rhythm(30, "close", years=4)),
    PersonSpec("Elin Lindqvist", "elin.lindqvist@example.org", "+46 70 123 45 67",
               "Sister", ("family",), 35, Rhythm(5, "close", spread=0.4, years=3),
               birthday_in_days=4),
    PersonSpec("Samira Haddad", "samira.haddad@example.org", "+49 160 9876 5432",
               "Colleague, same team", ("colleague",), 4,
               Rhythm(6, "casual", spread=0.5, replies=0.5)),
    # a friend seen every quarter for years, silent for the last nine months or so
    PersonSpec("Tomás Ferreira", "tomas.ferreira@example.org", "+351 912 345 678",
               "Met while travelling in Lisbon", ("friend", "travel"), 6,
               Rhythm(91, "close", spread=0.05, years=5, silent_days=280)),
    PersonSpec("Greta Vogel", "greta.vogel@example.org", "+49 30 5550 2211",
               "Neighbour across the hall", ("neighbour",), 3,
               Rhythm(21, "casual", spread=0.6)),
    PersonSpec("Yuki Tanaka", "yuki.tanaka@example.org", "+49 176 5550 7788",
               "Climbing partner", ("friend", "sport"), 5, Rhythm(7, "close", spread=0.25)),
    PersonSpec("Peter Lindqvist", "peter.lindqvist@example.org", "+46 8 555 123 45",
               "Father", ("family",), 35, Rhythm(9, "close", spread=0.3, years=3)),
    PersonSpec("Amara Okafor", "amara.okafor@example.org", "+49 157 5550 3344",
               "Former manager, now mentor", ("colleague", "mentor"), 8,
               Rhythm(45, "close", spread=0.3, years=4)),
    PersonSpec("Lukas Schmidt", "lukas.schmidt@example.org", "+49 30 5550 9090",
               "Landlord", ("housing",), 4,
               Rhythm(120, "casual", spread=0.6, replies=0.6, years=3)),
    PersonSpec("Noor Rahman", "noor.rahman@example.org", "+49 152 5550 6677",
               "Book club", ("friend", "books"), 2, Rhythm(30, "casual", spread=0.15)),
)  # fmt: skip

PREFERENCES: tuple[dict[str, Any], ...] = (
    {"key": "clothing.size", "value": "M", "visibility": "shared"},
    {"key": "clothing.shoe_size_eu", "value": 43, "visibility": "shared"},
    {"key": "clothing.fit", "value": "regular", "visibility": "shared"},
    {"key": "diet.restrictions", "value": ["vegetarian", "no peanuts"], "visibility": "shared"},
    {"key": "diet.coffee_milk", "value": "oat", "note": "For the coffee subscription"},
    {"key": "contact.channel", "value": "email", "visibility": "public"},
    {"key": "contact.hours", "value": "weekdays 9-18", "visibility": "shared"},
    {"key": "contact.language", "value": ["en", "de"], "visibility": "public"},
    {"key": "marketing.newsletter", "value": False, "visibility": "public"},
    {"key": "marketing.personalised_offers", "value": False, "visibility": "public"},
    {"key": "delivery.window", "value": "evenings", "visibility": "shared"},
    {"key": "delivery.packaging", "value": "minimal, no plastic", "visibility": "shared"},
    {"key": "payment.method", "value": "debit card"},
    {"key": "travel.seat", "value": "aisle", "visibility": "shared"},
    {"key": "travel.meal", "value": "vegetarian", "visibility": "shared"},
    {"key": "cycling.frame_size_cm", "value": 56},
    {"key": "books.genres", "value": ["crime", "history", "travel"], "visibility": "shared"},
    {"key": "privacy.retention_days", "value": 365, "visibility": "public",
     "note": "How long vendors may keep what I share"},
)  # fmt: skip

PROFILE: dict[str, Any] = {
    "name": "Mara Lindqvist",
    "given_name": "Mara",
    "family_name": "Lindqvist",
    "email": "mara.lindqvist@example.org",
    "phone_number": "+49 30 5550 1234",
    "address": {
        "street_address": "Schönhauser Allee 112",
        "locality": "Berlin",
        "postal_code": "10437",
        "country": "Germany",
    },
    "birthdate": "1988-04-17",
    "locale": "en-GB",
    "zoneinfo": "Europe/Berlin",
}

# What happens with vendors besides buying: (vendor key, kind, channel, note).
VENDOR_EVENTS: tuple[tuple[str, str, str, str], ...] = (
    ("carrier", "contract", "web", "Signed a 24-month contract"),
    ("carrier", "support", "phone", "Roaming did not work in Portugal; fixed by a network reset"),
    ("carrier", "support", "chat", "Asked for the itemised bill"),
    ("streaming", "complaint", "email", "Price rise announced with two weeks' notice"),
    ("books", "review", "web", "Five stars for the staff recommendations"),
    ("books", "conversation", "in_person", "Ordered a signed copy for Noor's birthday"),
    ("bikes", "support", "in_person", "Gears slipping after the service; adjusted for free"),
    ("clothing", "return", "post", "Returned chinos, wrong size; refunded"),
    ("clothing", "message", "email", "Asked whether the rain jacket comes in green"),
    ("electronics", "support", "in_person", "Right earbud stopped charging; replaced"),
    ("electronics", "review", "web", "Good repair service, slow delivery"),
    ("utility", "contract", "web", "Two-year green electricity contract"),
    ("utility", "complaint", "email", "Advance payment raised without explanation"),
    ("utility", "message", "web", "Submitted the meter reading"),
    ("airline", "complaint", "web", "Flight delayed 3 hours; claimed compensation"),
    ("airline", "support", "phone", "Rebooked the return flight"),
    ("gym", "contract", "in_person", "Membership paused for the summer"),
    ("coffee", "conversation", "email", "Switched the subscription to a lighter roast"),
    ("restaurant", "review", "web", "Best tiramisu in the neighbourhood"),
    ("grocer", "conversation", "in_person", "Asked them to stock oat drink in glass bottles"),
    ("pharmacy", "conversation", "in_person", "Advice on sunscreen for sensitive skin"),
)

# What happens with people: (kind, channel, note template; {name} is their first name),
# close (in person, on the phone) and casual (messages, online).
PERSON_EVENTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "close": (
        ("conversation", "in_person", "Coffee with {name}"),
        ("meeting", "in_person", "Dinner with {name} at Trattoria Lucia"),
        ("call", "phone", "Long call with {name}"),
        ("gift", "in_person", "Birthday present for {name}"),
        ("recommendation", "in_person", "{name} recommended a book"),
    ),
    "casual": (
        ("message", "chat", "{name} sent photos from the weekend"),
        ("referral", "email", "{name} introduced me to a contact"),
        ("conversation", "social", "Caught up with {name} online"),
        ("message", "email", "E-mail from {name}"),
    ),
}
