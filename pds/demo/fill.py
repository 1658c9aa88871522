"""Demo data: a realistic, made-up life of purchases, vendors, people and preferences.

``fill_demo`` is deterministic: the same ``seed`` and ``today`` give the same records,
ids and timestamps included (ids are UUIDv7 built from the record's date and the
seeded generator; ``created_at`` is noon UTC of ``today``). Everything goes in with
bulk inserts inside one transaction, so a demo store is all there or not at all.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pds.demo.owner import PEOPLE, PERSON_EVENTS, PROFILE, VENDOR_EVENTS, Rhythm
from pds.demo.owner import PREFERENCES as PREFERENCE_DATA
from pds.demo.vendors import VENDORS, Plan, Product, VendorSpec
from pds.errors import Conflict, ValidationFailed
from pds.services.collections import INTERACTIONS, PREFERENCES, PURCHASES, RELATIONSHIPS
from pds.services.container import Services

DEMO_ACTOR = "system"
PURCHASES_PER_YEAR = 250
DAYS_A_YEAR = 365.25
_HOURS_OPEN = range(8, 20)


def demo_id(rng: random.Random, when: datetime) -> str:
    """A UUIDv7 whose time is ``when`` and whose other bits come from ``rng``."""
    ms = int(when.timestamp() * 1000)
    value = (
        (ms << 80) | (0x7 << 76) | (rng.getrandbits(12) << 64) | (0b10 << 62) | rng.getrandbits(62)
    )
    return str(uuid.UUID(int=value))


def fill_demo(
    services: Services, *, seed: int = 2024, years: int = 2, today: date | None = None
) -> dict[str, int]:
    """Fill an empty store with ``years`` of demo data up to ``today``; return the counts.

    ``Conflict`` if the store already holds purchases, relationships, interactions or
    preferences. An existing profile is kept.
    """
    if not isinstance(years, int) or not 1 <= years <= 20:
        raise ValidationFailed("years must be 1 to 20", {"years": ["Must be from 1 to 20."]})
    today = today or date.today()
    counts = services.counts()
    if any(counts[name] for name in (PURCHASES, RELATIONSHIPS, INTERACTIONS, PREFERENCES)):
        raise Conflict("the store already holds data; demo data goes into an empty store", counts)
    noon = datetime.combine(today, time(12), UTC)
    world = _World(random.Random(seed), today, years)
    svc = services.using(clock=lambda: noon, ids=_SeededIds(random.Random(seed + 1), noon))
    with services.store.transaction():
        vendors = svc.relationships.add_many(world.vendors(), actor=DEMO_ACTOR)
        people = svc.relationships.add_many(world.people(), actor=DEMO_ACTOR)
        purchases = svc.purchases.add_many(world.purchases(), actor=DEMO_ACTOR)
        logged = svc.interactions.log_many(world.interactions(), actor=DEMO_ACTOR)
        preferences = svc.preferences.add_many(PREFERENCE_DATA, actor=DEMO_ACTOR)
        has_profile = bool(svc.profile.get())
        if not has_profile:
            svc.profile.update(PROFILE, actor=DEMO_ACTOR)
    return {
        "vendors": len(vendors),
        "people": len(people),
        "purchases": len(purchases),
        "interactions": len(purchases) + len(logged),
        "preferences": len(preferences),
        "profile": 0 if has_profile else 1,
    }


class _SeededIds:
    """Ids for records the services name themselves: increasing, from a seeded generator."""

    def __init__(self, rng: random.Random, start: datetime) -> None:
        self.rng = rng
        self.at = start

    def __call__(self) -> str:
        self.at += timedelta(milliseconds=1)
        return demo_id(self.rng, self.at)


class _World:
    """Generates the records; every random choice comes from one seeded generator."""

    def __init__(self, rng: random.Random, today: date, years: int) -> None:
        self.rng = rng
        self.today = today
        self.years = years
        self.start = today - timedelta(days=round(DAYS_A_YEAR * years))
        self.ids: dict[str, str] = {}  # vendor key or person name -> id
        self.ends = {v.key: self._end_of(v) for v in VENDORS}

    def _end_of(self, spec: VendorSpec) -> date:
        """The last day the owner bought from the vendor (earlier if it ended or paused)."""
        back = {"ended": 95, "paused": 40}.get(spec.status, 0)
        return self.today - timedelta(days=back)

    def _day(self, until: date | None = None) -> date:
        last = until or self.today
        return self.start + timedelta(days=self.rng.randrange((last - self.start).days + 1))

    def _at(self, day: date) -> datetime:
        clock = time(self.rng.choice(_HOURS_OPEN), self.rng.randrange(60), self.rng.randrange(60))
        return datetime.combine(day, clock, UTC)

    # -- relationships -----------------------------------------------------------------

    def vendors(self) -> list[dict[str, Any]]:
        records = []
        for spec in VENDORS:
            since = self.start - timedelta(days=self.rng.randint(20, 1500))
            record_id = demo_id(self.rng, self._at(since))
            self.ids[spec.key] = record_id
            records.append(
                {
                    "id": record_id,
                    "kind": "vendor",
                    "name": spec.name,
                    "domain": spec.domain,
                    "urls": [f"https://{spec.domain}/"],
                    "emails": [f"service@{spec.domain}"],
                    "how_known": spec.how_known,
                    "status": spec.status,
                    "tags": list(spec.tags),
                    "since": since.isoformat(),
                }
            )
        return records

    def people(self) -> list[dict[str, Any]]:
        records = []
        for spec in PEOPLE:
            since = self.today - timedelta(days=round(DAYS_A_YEAR * spec.since_years))
            since -= timedelta(days=self.rng.randrange(200))
            record_id = demo_id(self.rng, self._at(max(since, date(1970, 1, 2))))
            self.ids[spec.name] = record_id
            records.append(
                {
                    "id": record_id,
                    "kind": "person",
                    "name": spec.name,
                    "emails": [spec.email],
                    "phones": [spec.phone],
                    "how_known": spec.how_known,
                    "tags": list(spec.tags),
                    "since": since.isoformat(),
                }
            )
            if spec.birthday_in_days is not None:
                birthday = self.today + timedelta(days=spec.birthday_in_days)
                records[-1]["birthday"] = f"--{birthday:%m-%d}"
        return records

    # -- purchases ---------------------------------------------------------------------

    def purchases(self) -> list[dict[str, Any]]:
        records = [p for spec in VENDORS if spec.plan for p in self._bills(spec, spec.plan)]
        target = PURCHASES_PER_YEAR * self.years + self.rng.randint(0, 25)
        shops = [spec for spec in VENDORS if spec.per_month > 0]
        weights = [spec.per_month for spec in shops]
        while len(records) < target:
            spec = self.rng.choices(shops, weights)[0]
            records.append(self._shopping(spec, self._day(self.ends[spec.key])))
        records.sort(key=lambda r: (r["date"], r["id"]))
        return records

    def _bills(self, spec: VendorSpec, plan: Plan) -> Iterator[dict[str, Any]]:
        year_amounts: dict[int, int] = {}
        month = date(self.start.year, self.start.month, 1)
        while month <= self.ends[spec.key]:
            day = month.replace(day=plan.day)
            if self.start <= day <= self.ends[spec.key]:
                cents = year_amounts.setdefault(
                    day.year, _price(self.rng, plan.low_cents, plan.high_cents)
                )
                item = {"description": plan.description, "quantity": "1", "unit_price": cents}
                yield self._purchase(spec, day, [item], category=spec.category)
            month = (month + timedelta(days=32)).replace(day=1)

    def _shopping(self, spec: VendorSpec, day: date) -> dict[str, Any]:
        wanted = min(spec.max_items, 1 + int(self.rng.expovariate(3 / spec.max_items)))
        products = self.rng.sample(spec.products, k=min(wanted, len(spec.products)))
        items = [self._item(product) for product in products]
        return self._purchase(spec, day, items, category=spec.category)

    def _item(self, product: Product) -> dict[str, Any]:
        if product.by_weight:
            quantity = self.rng.choice(["0.5", "0.75", "1", "1.25", "1.5", "2"])
        else:
            quantity = self.rng.choices(["1", "2", "3"], [80, 15, 5])[0]
        cents = _price(self.rng, product.low_cents, product.high_cents)
        return {"description": product.description, "quantity": quantity, "unit_price": cents}

    def _purchase(
        self, spec: VendorSpec, day: date, items: list[dict[str, Any]], *, category: str
    ) -> dict[str, Any]:
        rng = self.rng
        for item in items:
            item["unit_price"] = f"{item['unit_price'] // 100}.{item['unit_price'] % 100:02d}"
        tags = list(spec.tags)
        notes = None
        if rng.random() < 0.05:
            tags.append("gift")
            notes = f"Present for {rng.choice(PEOPLE).name.split()[0]}"
        elif rng.random() < 0.04:
            tags += ["work", "reimbursable"]
        record: dict[str, Any] = {
            "id": demo_id(rng, self._at(day)),
            "vendor_id": self.ids[spec.key],
            "date": day.isoformat(),
            "items": items,
            "currency": "EUR",
            "category": category,
            "tags": tags,
            "notes": notes,
            "source": self._source(spec, rng.random()),
        }
        if spec.order_prefix:
            record["order_ref"] = f"{spec.order_prefix}-{day:%Y%m%d}-{rng.randrange(10**5):05d}"
        if record["source"].startswith("vendor:"):
            record["status"] = "new" if (self.today - day).days <= 30 else "reviewed"
        return record

    def _source(self, spec: VendorSpec, draw: float) -> str:
        if spec.web and draw < 0.3:
            return f"vendor:{spec.key}-{spec.domain.split('.')[0]}"
        return "import" if draw > 0.9 else "owner"

    # -- interactions ------------------------------------------------------------------

    def interactions(self) -> list[dict[str, Any]]:
        records = []
        for spec in VENDORS:
            if spec.plan:
                first = min(self.start.replace(day=spec.plan.day), self.ends[spec.key])
                records.append(self._event(spec.key, "subscription", "web", first, spec.plan))
                if spec.status == "ended":
                    note = "Cancelled the subscription"
                    records.append(
                        self._logged(spec.key, "subscription", "web", self.ends[spec.key], note)
                    )
        for key, kind, channel, note in VENDOR_EVENTS:
            day = self._day(self.ends[key])
            records.append(self._logged(key, kind, channel, day, note))
        for person in PEOPLE:
            first_name = person.name.split()[0]
            for day in self._contact_days(person.rhythm):
                kind, channel, template = self.rng.choice(PERSON_EVENTS[person.rhythm.events])
                note = template.format(name=first_name)
                records.append(self._logged(person.name, kind, channel, day, note))
        records.sort(key=lambda r: (r["date"], r["id"]))
        return records

    def _contact_days(self, rhythm: Rhythm) -> list[date]:
        """The days the owner was in touch, following ``rhythm`` back from yesterday."""
        first = self.today - timedelta(days=round(DAYS_A_YEAR * rhythm.years))
        yesterday = self.today - timedelta(days=1)
        day = yesterday - timedelta(days=rhythm.silent_days + self.rng.randrange(3))
        days = []
        while day >= first:
            days.append(day)
            if self.rng.random() < rhythm.replies:
                days.append(min(yesterday, day + timedelta(days=self.rng.randint(1, 2))))
            gap = rhythm.every_days * math.exp(self.rng.gauss(0, rhythm.spread))
            day -= timedelta(days=max(1, round(gap)))
        return sorted(days)

    def _event(self, key: str, kind: str, channel: str, day: date, plan: Plan) -> dict[str, Any]:
        return self._logged(key, kind, channel, day, f"Started: {plan.description}")

    def _logged(self, key: str, kind: str, channel: str, day: date, note: str) -> dict[str, Any]:
        at = self._at(day)
        timed = channel in ("phone", "in_person", "chat")
        return {
            "id": demo_id(self.rng, at),
            "kind": kind,
            "date": at.strftime("%Y-%m-%dT%H:%M:%SZ") if timed else day.isoformat(),
            "channel": channel,
            "counterpart_id": self.ids[key],
            "note": note,
        }


def _price(rng: random.Random, low: int, high: int) -> int:
    """A price in cents between ``low`` and ``high``, ending in 9 where the range allows."""
    cents = rng.randint(low, high)
    nine = cents - cents % 10 + 9
    return nine if low <= nine <= high else cents
