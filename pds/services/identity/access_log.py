"""The access log: what each vendor did and saw, read back from the audit log.

Vendor API calls are audit events ``{"actor": "vendor:<client_id>", "action":
"api.call", "target": <grant id>, "endpoint": ..., "count": <records returned>, "records": [...]}``,
where ``records`` names up to ``MAX_RECORD_IDS`` of the records returned as
``"<kind>:<id>"`` (``purchase:<id>``, ``preference:<key>``); the count stays exact.
Authorizations, token issues, refreshes and revocations are audit events too.
The owner filters them by vendor and date, and sees per vendor "what has this
vendor seen": running totals per vendor, folded in from the audit entries appended
since the last question, so a view reads only what is new (the first one after the
store opens reads the log once).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pds.services.context import Context
from pds.services.periods import last_days

API_CALL = "api.call"
MAX_RECORD_IDS = 100  # per audit entry; the count says how many were returned in all


@dataclass(frozen=True)
class AccessEntry:
    seq: int
    at: str
    actor: str
    action: str
    target: str | None
    endpoint: str | None
    count: int | None


@dataclass(frozen=True)
class VendorSeen:
    """What one vendor has seen: calls and records returned per endpoint, first and last."""

    calls: int
    records: int
    by_endpoint: dict[str, int]
    first: str | None
    last: str | None


@dataclass(frozen=True)
class RecordSeen:
    """One record a vendor call returned: audit entry, when, kind and id."""

    seq: int
    at: str
    kind: str
    record_id: str


@dataclass
class _Tally:
    """One vendor's running totals of API calls (see ``VendorSeen``)."""

    calls: int = 0
    by_endpoint: Counter[str] = field(default_factory=Counter)
    first: str | None = None
    last: str | None = None

    def add(self, at: str, event: Mapping[str, Any]) -> None:
        self.calls += 1
        self.by_endpoint[str(event.get("endpoint"))] += int(event.get("count") or 0)
        self.first = self.first or at
        self.last = at

    def seen(self) -> VendorSeen:
        by_endpoint = dict(self.by_endpoint)
        return VendorSeen(self.calls, sum(by_endpoint.values()), by_endpoint, self.first, self.last)


class AccessLog:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._tallies: dict[str, _Tally] = {}
        self._folded = 0  # the audit sequence number the tallies include...
        self._folded_hash = ""  # ...and that entry's hash (a restored log starts over)
        self._fold_lock = threading.Lock()

    def record_call(
        self,
        client_id: str,
        grant_id: str,
        endpoint: str,
        count: int,
        *,
        record_ids: Sequence[str] = (),
    ) -> None:
        """Log one vendor API call with the first ``MAX_RECORD_IDS`` of the records it
        returned (``"<kind>:<id>"``). Group-committed (``sync=False``): written at once,
        fsynced within a fraction of a second, so a read costs no fsync of its own."""
        event: dict[str, Any] = {
            "actor": f"vendor:{client_id}",
            "action": API_CALL,
            "target": grant_id,
            "endpoint": endpoint,
            "count": count,
        }
        if record_ids:
            event["records"] = list(record_ids[:MAX_RECORD_IDS])
        self._ctx.store.audit.append(event, sync=False)

    def entries(
        self,
        *,
        client_id: str | None = None,
        since: date | None = None,
        until: date | None = None,
        before: int | None = None,
        limit: int = 50,
    ) -> list[AccessEntry]:
        """Newest first; ``client_id`` keeps one vendor's entries, dates bound the day."""
        actor = f"vendor:{client_id}" if client_id else None

        def match(event: Mapping[str, Any]) -> bool:
            if actor is not None and event.get("actor") != actor:
                return False
            return client_id is not None or str(event.get("actor", "")).startswith("vendor:")

        found = []
        for entry in self._ctx.store.audit.entries(descending=True, before=before):
            day = entry.at[:10]
            if until is not None and day > until.isoformat():
                continue
            if since is not None and day < since.isoformat():
                break  # newest first: everything further is older still
            if match(entry.event):
                found.append(_entry(entry.seq, entry.at, entry.event))
                if len(found) >= limit:
                    break
        return found

    def records_seen(
        self, client_id: str, *, before: int | None = None, limit: int = 50
    ) -> list[RecordSeen]:
        """The records one vendor's calls returned, newest call first, each with when it
        was seen; ``before`` (an audit sequence number) pages on."""
        actor = f"vendor:{client_id}"
        found: list[RecordSeen] = []
        for entry in self._ctx.store.audit.entries(descending=True, before=before):
            event = entry.event
            if event.get("action") != API_CALL or event.get("actor") != actor:
                continue
            for ref in event.get("records") or ():
                kind, _, record_id = str(ref).partition(":")
                found.append(RecordSeen(entry.seq, entry.at, kind, record_id))
            if len(found) >= limit:
                break
        return found

    def seen_by(self, client_id: str) -> VendorSeen:
        """Totals of one vendor's API calls over the whole log."""
        with self._fold_lock:
            self._fold_new_entries()
            tally = self._tallies.get(f"vendor:{client_id}")
            return tally.seen() if tally is not None else _Tally().seen()

    def _fold_new_entries(self) -> None:
        audit = self._ctx.store.audit
        if self._folded:
            last = next(audit.entries(before=self._folded + 1, after=self._folded - 1), None)
            if last is None or last.hash != self._folded_hash:  # the log was replaced
                self._tallies, self._folded = {}, 0
        for entry in audit.entries(descending=False, after=self._folded):
            event = entry.event
            if event.get("action") == API_CALL:
                actor = str(event.get("actor"))
                self._tallies.setdefault(actor, _Tally()).add(entry.at, event)
            self._folded, self._folded_hash = entry.seq, entry.hash

    def calls_per_day(
        self, days: int = 30, *, client_id: str | None = None, today: date | None = None
    ) -> list[tuple[str, int]]:
        """Vendor API calls per day of the last ``days`` days (UTC, oldest first), of every
        vendor or of ``client_id``'s."""
        keys = last_days(today or self._ctx.now().date(), days)
        counts = dict.fromkeys(keys, 0)
        actor = f"vendor:{client_id}" if client_id else None
        for entry in self._ctx.store.audit.entries(descending=True):
            day = entry.at[:10]
            if day < keys[0]:
                break  # newest first: everything further is older still
            event = entry.event
            if day not in counts or event.get("action") != API_CALL:
                continue
            if actor is None or event.get("actor") == actor:
                counts[day] += 1
        return list(counts.items())


def _entry(seq: int, at: str, event: Mapping[str, Any]) -> AccessEntry:
    count = event.get("count")
    return AccessEntry(
        seq=seq,
        at=at,
        actor=str(event.get("actor", "")),
        action=str(event.get("action", "")),
        target=event.get("target"),
        endpoint=event.get("endpoint"),
        count=int(count) if isinstance(count, int) else None,
    )
