"""What the importers from elsewhere share: the per-item report, stable ids, address matching.

Each item read (a card, an event, a message) ends up *created*, *merged* or *skipped*
(each with a reason) or in *errors*. Any error and nothing is written; with ``dry_run``
nothing is ever written and the report says what would have happened.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pds.errors import ValidationFailed, detail_lines
from pds.schemas.contact import normalise_domain
from pds.services.container import Services
from pds.services.relationships.relationships import VENDOR

MAX_BYTES = 50 * 1024 * 1024
OUTCOMES = ("created", "merged", "skipped")


@dataclass
class Outcome:
    """One item's fate: ``created``, ``merged`` or ``skipped``, and why."""

    item: str
    outcome: str
    reason: str


@dataclass
class ImportReport:
    """What an import from elsewhere did (or, with ``dry_run``, would do)."""

    source: str
    what: str  # "contacts", "events", "messages"
    dry_run: bool
    items_read: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    errors: dict[str, Any] = field(default_factory=dict)
    record_ids: list[str] = field(default_factory=list)
    #: What the items carry that the store has no place for: how many of each property.
    not_kept: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, item: str, outcome: str, reason: str) -> None:
        self.outcomes.append(Outcome(item, outcome, reason))

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    def summary(self) -> str:
        """A few lines for people: the totals, every item's outcome and every error."""
        verb = "would be" if self.dry_run else "were"
        totals = ", ".join(f"{self.count(name)} {name}" for name in OUTCOMES)
        lines = [f"{self.source}: {self.items_read} {self.what} read; {verb}: {totals}"]
        lines.extend(f"  {o.item}: {o.outcome}: {o.reason}" for o in self.outcomes)
        if self.not_kept:
            kept_not = ", ".join(f"{name} ({n})" for name, n in sorted(self.not_kept.items()))
            lines.append(f"  not kept (pds has no place for them): {kept_not}")
        lines.extend(f"  {line}" for line in detail_lines(self.errors))
        if self.errors:
            lines.append(
                f"{len(self.errors)} item(s) of {self.source} have errors; "
                + ("an import would write nothing" if self.dry_run else "nothing was imported")
            )
        return "\n".join(lines)

    def refuse_if_errors(self) -> None:
        """``ValidationFailed`` naming the file and every faulty item, if there are any."""
        if self.errors:
            raise ValidationFailed(
                f"{self.source}: {len(self.errors)} item(s) have errors; nothing was imported",
                self.errors,
            )


def named_source(source: Path | str | bytes, name: str | None, default: str) -> tuple[Path, bytes]:
    """A file to import as its name and bytes: a path read (``read_source``), or bytes as
    uploaded with their file ``name`` (``default`` when none was given)."""
    if isinstance(source, bytes):
        return Path(name or default), source
    return Path(source), read_source(source)


def read_source(path: Path | str) -> bytes:
    """The bytes of the file at ``path``; ``ValidationFailed`` naming it if unreadable."""
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ValidationFailed(
            f"cannot read {path}: {exc.strerror}", {"file": [f"{path}: {exc.strerror}"]}
        ) from None
    if len(data) > MAX_BYTES:
        raise ValidationFailed(
            f"{path} is too large", {"file": [f"At most {MAX_BYTES // 2**20} MB; split it."]}
        )
    return data


def stable_id(when: date | datetime, *parts: str) -> str:
    """A UUIDv7 made from ``when`` and ``parts``: the same inputs always give the same id.

    Re-importing an item gives the id it had, so the import can tell it is already there.
    """
    if not isinstance(when, datetime):
        when = datetime(when.year, when.month, when.day, tzinfo=UTC)
    elif when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    ms = max(0, min(int(when.timestamp() * 1000), (1 << 48) - 1))
    digest = int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest()[:10], "big")
    rand_a, rand_b = digest >> 68, digest & ((1 << 62) - 1)
    value = (ms << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
    return str(uuid.UUID(int=value))


def owner_addresses(services: Services, me: Iterable[str] = ()) -> set[str]:
    """The owner's own e-mail addresses (the profile's and ``me``), case-folded."""
    addresses = {a.strip().casefold() for a in me if a.strip()}
    email = services.profile.get().get("email")
    if email:
        addresses.add(str(email).casefold())
    return addresses


class AddressBook:
    """Finds the person or vendor behind an e-mail address.

    An address listed on a relationship (person first) wins; else a vendor whose domain
    is the address's domain or a parent of it (``mail.shop.example`` -> ``shop.example``).
    """

    def __init__(self, services: Services) -> None:
        self._services = services
        self._by_email: dict[str, dict[str, Any]] = {}
        records = sorted(
            services.relationships.all_records(),
            key=lambda r: (r["kind"] == VENDOR, r["id"]),  # people first, then oldest first
        )
        for record in records:
            for email in record.get("emails", ()):
                self._by_email.setdefault(email.casefold(), record)
        self._by_domain: dict[str, dict[str, Any] | None] = {}

    def find(self, address: str) -> dict[str, Any] | None:
        address = address.strip().casefold()
        found = self._by_email.get(address)
        if found is not None:
            return found
        _, _, domain = address.rpartition("@")
        return self.vendor_of(domain)

    def counterparts(
        self, addresses: Iterable[str], me: set[str]
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """The people and vendors behind ``addresses`` (each once), and the addresses no
        one is known by; the owner's own addresses (``me``, case-folded) are neither."""
        found: dict[str, dict[str, Any]] = {}
        unknown: list[str] = []
        for address in dict.fromkeys(addresses):
            if address.casefold() in me:
                continue
            record = self.find(address)
            if record is None:
                unknown.append(address)
            else:
                found.setdefault(record["id"], record)
        return list(found.values()), unknown

    def vendor_of(self, domain: str) -> dict[str, Any] | None:
        """The vendor of ``domain`` (or of a parent domain), if there is one."""
        try:
            domain = normalise_domain(domain)
        except ValueError:
            return None
        if domain not in self._by_domain:
            self._by_domain[domain] = self._services.relationships.find_vendor(domain=domain)
        return self._by_domain[domain]


def label_of(record: dict[str, Any]) -> str:
    return f"{record['kind']} {record['name']}"


class InteractionPlan:
    """Interactions to log, each under a stable id: already logged ones are skipped."""

    def __init__(self, services: Services, report: ImportReport, actor: str) -> None:
        self._services = services
        self._report = report
        self._actor = actor
        self.items: list[dict[str, Any]] = []
        self._planned: dict[str, str] = {}  # id -> the item that planned it

    def add(self, item: str, data: dict[str, Any], counterpart: dict[str, Any], key: str) -> None:
        """Plan ``data`` (an interaction without counterpart) with ``counterpart``.

        ``key`` names the item in its source (a UID, a Message-ID): with the counterpart
        and ``data["date"]`` it makes the id, so re-importing finds the entry logged.
        """
        record_id = stable_id(data["date"], key, counterpart["id"])
        who = label_of(counterpart)
        if record_id in self._planned:
            self._report.add(item, "skipped", f"{who}: same as {self._planned[record_id]}")
            return
        if self._services.interactions.find(record_id) is not None:
            self._report.add(item, "skipped", f"{who}: already imported")
            return
        entry = {**data, "id": record_id, "counterpart_id": counterpart["id"]}
        if not isinstance(data["date"], datetime):
            entry["date"] = data["date"].isoformat()
        try:
            self._services.interactions.new_record(entry)
        except ValidationFailed as exc:
            self._report.errors.setdefault(item, {}).update(exc.details)
            return
        self._planned[record_id] = item
        self.items.append(entry)
        self._report.record_ids.append(record_id)
        self._report.add(item, "created", f"{data['kind']} with {who}")

    def write(self) -> None:
        if self.items:
            self._services.interactions.log_many(self.items, actor=self._actor)
