"""What the shop's RFP desk has seen and done, in memory, for its ``/rfps`` pages.

Events received (verified webhooks), webhooks refused (and why), the shop's answer
to each RFP (its offer, or why it made none) and its awards. Thread-safe: webhooks
arrive on the server's threads while offers are made on the desk's own.
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import UTC, datetime
from typing import Any

MAX_EVENTS = 500
MAX_REFUSED = 100


def now_text() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class Ledger:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: deque[dict[str, Any]] = deque(maxlen=MAX_EVENTS)
        self._refused: deque[dict[str, Any]] = deque(maxlen=MAX_REFUSED)
        self._answers: dict[str, dict[str, Any]] = {}  # by RFP pseudonym
        self._awards: dict[str, dict[str, Any]] = {}  # by offer id

    def event(self, message_id: str, kind: str, rfp: str | None, offer: str | None) -> None:
        entry = {"id": message_id, "type": kind, "rfp": rfp, "offer": offer}
        with self._lock:
            self._events.append({**entry, "received_at": now_text()})

    def refused(self, code: str, detail: str) -> None:
        with self._lock:
            self._refused.append({"code": code, "detail": detail, "at": now_text()})

    def answer(self, rfp: str, **fields: Any) -> None:
        """Set what the shop did about ``rfp`` (fields given replace the old ones)."""
        with self._lock:
            entry = self._answers.setdefault(rfp, {"rfp": rfp})
            entry.update(fields, updated_at=now_text())

    def answer_for(self, rfp: str) -> dict[str, Any] | None:
        with self._lock:
            entry = self._answers.get(rfp)
            return None if entry is None else dict(entry)

    def rfp_of_offer(self, offer_id: str) -> str | None:
        with self._lock:
            for rfp, entry in self._answers.items():
                if entry.get("offer_id") == offer_id:
                    return rfp
        return None

    def award(self, offer_id: str, **fields: Any) -> dict[str, Any]:
        with self._lock:
            entry = self._awards.setdefault(offer_id, {"offer_id": offer_id})
            entry.update(fields, updated_at=now_text())
            return dict(entry)

    def award_for(self, offer_id: str) -> dict[str, Any] | None:
        with self._lock:
            entry = self._awards.get(offer_id)
            return None if entry is None else dict(entry)

    def snapshot(self) -> dict[str, Any]:
        """Everything, as JSON-ready lists (events oldest first)."""
        with self._lock:
            return {
                "events": [dict(e) for e in self._events],
                "answers": [dict(a) for a in self._answers.values()],
                "awards": [dict(a) for a in self._awards.values()],
                "refused": [dict(r) for r in self._refused],
            }
