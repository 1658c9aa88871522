"""The webhook outbox: deliveries of RFP events to vendors' subscriptions, and their log.

``enqueue`` inserts one delivery per subscription in the caller's transaction, so an
event exists exactly when the state change that caused it does. The courier
(``pds.runtime.courier``) asks for the ``due`` ones, posts each as ``outgoing`` says
and reports with ``record_attempt``: a 2xx delivers it; anything else retries after
``retry_seconds * 2**(attempt - 1)`` seconds plus up to 10 % jitter, until ``attempts``
attempts have failed and the delivery is ``failed``. A delivery the courier would not
send (its URL now leads into the owner's network) fails at once with ``refuse``. The
owner reads the log with ``deliveries``; ``prune`` removes finished deliveries (never a
pending one) that ended before a cutoff, and ``prune_log`` applies the retention the
store keeps them for (``log_days``, 0 = forever).
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pds.errors import Conflict
from pds.schemas.temporal import format_instant, parse_instant, to_minute, to_utc
from pds.services.base import CollectionService
from pds.services.collections import DELIVERIES
from pds.services.context import Context
from pds.services.identity.clients import BLOCKED, ClientService
from pds.services.intents.subscriptions import SubscriptionService
from pds.services.intents.webhook_signing import new_message_id, signed_headers

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
STATES = (PENDING, DELIVERED, FAILED)
JITTER = 0.1
LOG_DAYS = 90  # days finished deliveries are kept (PDS_WEBHOOK_LOG_DAYS); 0 = forever
EVENTS = (
    "rfp.published",
    "rfp.updated",
    "rfp.closed",
    "offer.awarded",
    "offer.not_selected",
    "offer.answered",
)


@dataclass(frozen=True)
class RetryPolicy:
    """How often a delivery is tried: ``attempts`` times, waiting ``retry_seconds`` doubled."""

    retry_seconds: int = 30
    attempts: int = 8

    def delay(self, attempt: int, jitter: float) -> float:
        """Seconds to wait after failed ``attempt`` (1-based); ``jitter`` in [0, 1)."""
        return float(self.retry_seconds * 2 ** (attempt - 1) * (1 + JITTER * jitter))


@dataclass(frozen=True)
class Outgoing:
    """One post the courier makes: where, with which headers, what bytes."""

    delivery_id: str
    url: str
    headers: dict[str, str]
    body: bytes


def compact(value: Any) -> str:
    """``value`` as compact JSON (the exact body sent)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class WebhookService(CollectionService):
    collection_name = DELIVERIES
    noun = "delivery"

    def __init__(
        self,
        ctx: Context,
        subscriptions: SubscriptionService,
        clients: ClientService,
        policy: RetryPolicy | None = None,
        *,
        jitter: random.Random | None = None,
        log_days: int = LOG_DAYS,
    ) -> None:
        super().__init__(ctx)
        if log_days < 0:
            raise ValueError(f"log_days must be 0 (forever) or more, not {log_days}")
        self.log_days = log_days
        self._subscriptions = subscriptions
        self._clients = clients
        self.policy = policy or RetryPolicy()
        self.jitter = jitter or random.SystemRandom()
        self.bell = threading.Event()  # rung on enqueue; the courier waits on it

    # -- the outbox --------------------------------------------------------------------

    def enqueue(
        self,
        event: str,
        data: Mapping[str, Any],
        subscriptions: Iterable[Mapping[str, Any]],
        *,
        rfp_id: str,
    ) -> list[dict[str, Any]]:
        """One pending delivery of ``event`` per subscription, in the caller's transaction."""
        if event not in EVENTS:
            raise ValueError(f"unknown webhook event {event}")
        moment = self._ctx.now()
        now = format_instant(moment)
        # the body says when to the minute only, like the RFP's published_at (see rfp_views)
        body = compact({"type": event, "timestamp": to_minute(moment), "data": data})
        records = [
            {
                "id": self._ctx.ids(),
                "message_id": new_message_id(),
                "client_id": sub["client_id"],
                "subscription_id": sub["id"],
                "url": sub["url"],
                "event": event,
                "rfp_id": rfp_id,
                "body": body,
                "state": PENDING,
                "attempts": [],
                "next_attempt_at": now,
                "created_at": now,
                "updated_at": now,
            }
            for sub in subscriptions
        ]
        if records:
            with self._ctx.store.transaction():
                self._col.insert_many(records)
            self.bell.set()
        return records

    def due(self, now: datetime | None = None) -> list[dict[str, Any]]:
        """The pending deliveries whose next attempt is due by ``now``, most overdue first."""
        when = now or self._ctx.now()
        pending = self._col.query(where={"state": PENDING})
        due = [d for d in pending if parse_instant(d["next_attempt_at"]) <= when]
        return sorted(due, key=lambda d: (d["next_attempt_at"], d["id"]))

    def next_due(self) -> datetime | None:
        """When the earliest pending delivery is due, or ``None`` if none is pending."""
        pending = self._col.query(where={"state": PENDING})
        return min((parse_instant(d["next_attempt_at"]) for d in pending), default=None)

    def outgoing(self, delivery: Mapping[str, Any]) -> Outgoing | None:
        """The signed post of ``delivery`` now (current url and secret of its subscription),
        or ``None`` after failing it when its subscription is gone or its vendor blocked."""
        sub = self._subscriptions.with_id(delivery["subscription_id"])
        client = self._clients.find(delivery["client_id"])
        if sub is None or client is None or client["status"] == BLOCKED:
            gone = sub is None
            self._finish(delivery, "the vendor unsubscribed" if gone else "the vendor is blocked")
            return None
        body = delivery["body"].encode("utf-8")
        stamp = int(self._ctx.now().timestamp())
        headers = signed_headers(sub["secret"], delivery["message_id"], stamp, body)
        return Outgoing(delivery["id"], sub["url"], headers, body)

    def record_attempt(
        self, delivery_id: str, status: int | None, error: str | None, ms: int
    ) -> dict[str, Any]:
        """Log one attempt; a 2xx delivers, else retry later or, after the last, fail."""
        with self._ctx.store.transaction():
            delivery = self._pending(delivery_id)
            now = self._ctx.now()
            attempt = {"at": format_instant(now), "status": status, "error": error, "ms": ms}
            attempts = [*delivery["attempts"], attempt]
            changes: dict[str, Any] = {"attempts": attempts, "updated_at": format_instant(now)}
            if status is not None and 200 <= status < 300:
                changes.update(state=DELIVERED, next_attempt_at=None)
            elif len(attempts) >= self.policy.attempts:
                changes.update(state=FAILED, next_attempt_at=None)
            else:
                wait = self.policy.delay(len(attempts), self.jitter.random())
                changes["next_attempt_at"] = format_instant(now + timedelta(seconds=wait))
            updated = self._col.update(delivery["id"], changes)
            if updated["state"] != PENDING:
                self._ctx.audit("system", f"webhook.{updated['state']}", target=delivery["id"])
        return updated

    def refuse(self, delivery_id: str, reason: str) -> dict[str, Any]:
        """Fail a pending delivery at once without posting it; ``reason`` is logged as
        its last attempt (the owner reads it in the delivery log)."""
        with self._ctx.store.transaction():
            return self._finish(self._pending(delivery_id), reason)

    def _pending(self, delivery_id: str) -> dict[str, Any]:
        """The delivery, which must still be pending (else ``Conflict``)."""
        delivery = self.get(delivery_id)
        if delivery["state"] != PENDING:
            raise Conflict(
                f"delivery {delivery['id']} is {delivery['state']}, not pending",
                {"state": [f"Is {delivery['state']}."]},
            )
        return delivery

    # -- the owner's log ---------------------------------------------------------------

    def deliveries(
        self, *, rfp_id: str | None = None, client_id: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """The deliveries (of one RFP and/or to one vendor), newest first."""
        where = {k: v for k, v in {"rfp_id": rfp_id, "client_id": client_id}.items() if v}
        return self._col.query(where=where or None, descending=True, limit=limit)

    def prune(self, older_than: datetime) -> int:
        """Remove the finished deliveries (delivered or failed, never pending) whose last
        attempt ended before ``older_than``, in one transaction audited once
        (``webhook.prune``, actor ``system``, the count) if any went; how many went."""
        cutoff = to_utc(older_than)

        def ended_before(delivery: Mapping[str, Any]) -> bool:
            return parse_instant(delivery["updated_at"]) < cutoff

        with self._ctx.store.transaction():
            stale = [
                delivery["id"]
                for state in (DELIVERED, FAILED)
                for delivery in self._col.query(where={"state": state}, predicate=ended_before)
            ]
            for delivery_id in stale:
                self._col.delete(delivery_id)
            if stale:
                self._ctx.audit("system", "webhook.prune", count=len(stale))
        return len(stale)

    def prune_log(self) -> int:
        """Prune the deliveries that finished more than ``log_days`` days ago (none when
        ``log_days`` is 0: kept forever); how many went."""
        if not self.log_days:
            return 0
        return self.prune(self._ctx.now() - timedelta(days=self.log_days))

    def _finish(self, delivery: Mapping[str, Any], error: str) -> dict[str, Any]:
        """Fail ``delivery`` without posting it (its reason logged as an attempt)."""
        now = format_instant(self._ctx.now())
        attempt = {"at": now, "status": None, "error": error, "ms": 0}
        changes = {
            "state": FAILED,
            "attempts": [*delivery["attempts"], attempt],
            "next_attempt_at": None,
            "updated_at": now,
        }
        with self._ctx.store.transaction():
            finished = self._col.update(delivery["id"], changes)
            self._ctx.audit("system", f"webhook.{FAILED}", target=delivery["id"])
        return finished
