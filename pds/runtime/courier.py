"""The courier: a background thread that posts due webhooks, sweeps expired RFPs and
prunes the delivery log.

It never runs in an owner's request: the services only put deliveries in the outbox
(``services.webhooks``) and ring its bell. Each round it expires the RFPs whose
deadline has passed (every ``sweep_seconds``), removes the finished deliveries older
than the store keeps them (``webhooks.prune_log``, every ``prune_seconds``: about once
an hour), then posts every due delivery, up to ``PARALLEL`` at once so that one slow
vendor does not hold up the others, through the ``OutboundClient``
(``pds.services.outbound``: ``timeout`` seconds, redirects not followed, no proxy or
netrc from the environment, the body exactly as stored, and only to addresses outside
the owner's network, checked at the connection) and records the attempt. A delivery
whose URL now leads into the owner's network fails at once, its reason in the owner's
delivery log and the server log (ids only). Between rounds it sleeps until the next
delivery is due, the bell rings, or ``idle`` seconds pass (so it notices a closed
store). ``stop`` ends it. The store lock is never held while posting.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from pds.errors import OutboundRefused, StoreLocked, Unreachable
from pds.schemas.temporal import to_utc
from pds.services.intents.webhooks import Outgoing
from pds.services.outbound import OutboundClient

if TYPE_CHECKING:
    from pds.services.container import Services

log = logging.getLogger("pds.courier")
TIMEOUT = 5.0
SWEEP_SECONDS = 30.0
PRUNE_SECONDS = 3600.0  # the delivery log is pruned about once an hour
IDLE_SECONDS = 1.0
PARALLEL = 4  # posts under way at once


class Courier:
    def __init__(
        self,
        services: Services,
        *,
        timeout: float = TIMEOUT,
        sweep_seconds: float = SWEEP_SECONDS,
        prune_seconds: float = PRUNE_SECONDS,
        idle: float = IDLE_SECONDS,
        client: OutboundClient | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._services = services
        self.timeout = timeout
        self.sweep_seconds = sweep_seconds
        self.prune_seconds = prune_seconds
        self.idle = idle
        self._client = client or OutboundClient(services.outbound)
        self._monotonic = monotonic
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._next_sweep = 0.0
        self._next_prune = 0.0

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Run the rounds in a daemon thread (once)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="pds-courier", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to end and wait for it (a post under way finishes first)."""
        self._stopping.set()
        self._services.webhooks.bell.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def wake(self) -> None:
        """Start the next round now."""
        self._services.webhooks.bell.set()

    # -- one round ---------------------------------------------------------------------

    def run_once(self) -> int:
        """Sweep and prune if it is time, then post every due delivery; how many were posted."""
        self._housekeeping()
        webhooks = self._services.webhooks
        outgoing = [webhooks.outgoing(delivery) for delivery in webhooks.due()]
        posts = [post for post in outgoing if post is not None]
        if len(posts) <= 1:
            for post in posts:
                self._post(post)
            return len(posts)
        with ThreadPoolExecutor(min(PARALLEL, len(posts)), "pds-courier-post") as pool:
            list(pool.map(self._post, posts))
        return len(posts)

    def _housekeeping(self) -> None:
        """Expire due RFPs every ``sweep_seconds``; prune the delivery log every
        ``prune_seconds`` (each on its own clock, the first round does both)."""
        if self._monotonic() >= self._next_sweep:
            self._services.rfps.expire_due()
            self._next_sweep = self._monotonic() + self.sweep_seconds
        if self._monotonic() >= self._next_prune:
            pruned = self._services.webhooks.prune_log()
            if pruned:
                log.info("pruned %d finished webhook deliveries", pruned)
            self._next_prune = self._monotonic() + self.prune_seconds

    def _post(self, outgoing: Outgoing) -> None:
        if self._stopping.is_set():
            return  # stays due: the next start posts it
        status: int | None = None
        error: str | None = None
        started = time.perf_counter()
        try:
            status = self._client.post(outgoing.url, outgoing.body, outgoing.headers, self.timeout)
        except OutboundRefused as refused:
            self._refuse(outgoing, refused)
            return
        except Unreachable as unreachable:
            error = unreachable.message
        ms = round((time.perf_counter() - started) * 1000)
        updated = self._services.webhooks.record_attempt(outgoing.delivery_id, status, error, ms)
        log.info(
            "webhook %s attempt %d: %s",
            outgoing.delivery_id,
            len(updated["attempts"]),
            status if status is not None else "no response",
        )

    def _refuse(self, outgoing: Outgoing, refused: OutboundRefused) -> None:
        """Fail the delivery unsent: its URL leads into the owner's network."""
        self._services.webhooks.refuse(outgoing.delivery_id, f"not sent: {refused.message}")
        log.warning(
            "webhook %s not sent: its URL leads into the owner's network", outgoing.delivery_id
        )

    # -- the thread --------------------------------------------------------------------

    def _run(self) -> None:
        bell = self._services.webhooks.bell
        while not self._stopping.is_set() and self._services.unlocked:
            try:
                self.run_once()
                pause = self._pause()
            except StoreLocked:
                break  # the store was closed under us: nothing left to do
            except Exception:  # a bad round must not end deliveries for good
                log.exception("courier round failed")
                pause = self.idle
            bell.wait(pause)
            bell.clear()

    def _pause(self) -> float:
        """Seconds until the next delivery is due (at most ``idle``)."""
        next_due = self._services.webhooks.next_due()
        if next_due is None:
            return self.idle
        wait = (next_due - to_utc(self._services.clock())).total_seconds()
        return min(max(wait, 0.0), self.idle)
