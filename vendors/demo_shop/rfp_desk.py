"""The shop's RFP desk: it subscribes to the store's RFPs in the categories it serves,
takes the store's webhooks (verified, else refused), answers each RFP it can with a
priced offer from its catalogue, and keeps track of how its offers fare.

Offers are made on the desk's own worker thread, never on the webhook's request, so
the store gets its ``2xx`` at once. An award that comes with a consent block waits
for the owner: the shop's page offers a Connect button that asks the store for the
block's scope (``openid address``); once the owner allows it, the shop reads the
shipping address from ``/api/v1/me`` (the ``address`` claim) and keeps it with the
award. Everything is kept in memory (``Ledger``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import date
from decimal import Decimal
from typing import Any

from vendors.demo_shop.catalogue import PRODUCTS, Product
from vendors.demo_shop.connection import ShopConnection
from vendors.demo_shop.ledger import Ledger
from vendors.demo_shop.quoting import Decline, Quote, quote
from vendors.sdk import (
    AuthorizationRequest,
    PDSError,
    Rfp,
    RfpClient,
    ServerError,
    Subscription,
    WebhookError,
    WebhookEvent,
    WebhookVerifier,
)
from vendors.sdk.discovery import normalise

log = logging.getLogger("demo_shop.rfps")
RFP_EVENTS = ("rfp.published", "rfp.updated")
AWAITING_CONSENT = "awaiting_consent"
AWARD_PREFIX = "award:"


class DeskError(Exception):
    """A request to the desk that cannot be done (shown to the user as is)."""


class RfpDesk:
    def __init__(
        self,
        connection: ShopConnection,
        *,
        webhook_url: str,
        categories: Sequence[str],
        markup: Decimal = Decimal(0),
        products: Sequence[Product] = PRODUCTS,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.connection = connection
        self.webhook_url = webhook_url
        self.categories = tuple(categories)
        self.markup = markup
        self.products = tuple(products)
        self._today = today
        self.ledger = Ledger()
        self.subscription: Subscription | None = None
        self._verifier: WebhookVerifier | None = None
        self._rfps: RfpClient | None = None
        self._workers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="rfp-desk")
        self._jobs: set[Future[None]] = set()
        self._lock = threading.Lock()

    # -- setting up ---------------------------------------------------------------------

    def start(self) -> Subscription:
        """Register (with client credentials), subscribe to the store's webhooks for the
        shop's categories, and keep a secret to verify them (a new one if the store
        did not just make one)."""
        self.connection.ensure_registered()
        rfps = self.connection.client.rfp_client()
        subscription = rfps.subscribe(self.webhook_url, self.categories)
        secret = subscription.secret or rfps.rotate_secret()
        with self._lock:
            self._rfps, self.subscription = rfps, subscription
            if self._verifier is None:
                self._verifier = WebhookVerifier(secret)
            else:
                self._verifier.use_secret(secret)
        return subscription

    @property
    def rfps(self) -> RfpClient:
        if self._rfps is None:
            raise DeskError("the shop has not subscribed to the store's RFPs yet")
        return self._rfps

    # -- webhooks -----------------------------------------------------------------------

    def receive(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        """Verify a webhook and act on it (offers on the worker); ``WebhookError`` if it
        is not genuine, fresh and new: then nothing is done."""
        verifier = self._verifier
        if verifier is None:
            error = WebhookError("not_subscribed", "the shop has no subscription yet")
            self.ledger.refused(error.code, error.detail)
            raise error
        try:
            event = verifier.verify(headers, body)
        except WebhookError as error:
            self.ledger.refused(error.code, error.detail)
            raise
        self._record(event)
        if event.type in RFP_EVENTS:
            self._submit(self._answer, dict(event.data))
        elif event.type == "offer.awarded":
            self._awarded(event.data)
        elif event.type == "offer.not_selected":
            self._offer_state(event.data, "not_selected")
        elif event.type == "offer.answered":
            self._offer_state(event.data, None)
        elif event.type == "rfp.closed":
            self._closed(event.data)
        return event

    def _record(self, event: WebhookEvent) -> None:
        data = event.data
        offer = data.get("offer") if isinstance(data.get("offer"), Mapping) else None
        if event.type in (*RFP_EVENTS, "rfp.closed"):
            rfp = data.get("id")
        elif offer is not None:
            rfp = offer.get("rfp")
        else:
            rfp = None
        offer_id = offer.get("id") if offer is not None else None
        self.ledger.event(event.id, event.type, _text(rfp), _text(offer_id))

    def _submit(self, job: Callable[[dict[str, Any]], None], data: dict[str, Any]) -> None:
        future = self._workers.submit(job, data)
        with self._lock:
            self._jobs.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: Future[None]) -> None:
        with self._lock:
            self._jobs.discard(future)
        if not future.cancelled() and future.exception() is not None:
            log.error("answering an rfp failed: %r", future.exception())

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until the offers under way are made (for tests and shutdown)."""
        with self._lock:
            jobs = set(self._jobs)
        _, pending = wait(jobs, timeout=timeout)
        return not pending

    def close(self) -> None:
        self._workers.shutdown(wait=True, cancel_futures=True)

    # -- answering an RFP (on the worker) -----------------------------------------------

    def _answer(self, data: dict[str, Any]) -> None:
        try:
            rfp = Rfp.from_json(data)
        except ServerError as exc:
            self.ledger.answer(str(data.get("id")), state="failed", reason=exc.detail)
            return
        if self.categories and rfp.category not in self.categories:
            self._decline(rfp, Decline(f"we do not serve {rfp.category}"))
            return
        answer = quote(rfp, self.products, today=self._today(), markup=self.markup)
        if isinstance(answer, Decline):
            self._decline(rfp, answer)
            return
        try:
            offer = self.rfps.submit_offer(
                rfp.id,
                price=answer.price,
                currency=answer.currency,
                delivery_date=answer.delivery_date,
                line_items=[answer.line_item],
                valid_until=answer.valid_until,
                conditions="Free returns within 30 days.",
                message=self._pitch(answer),
            )
        except PDSError as exc:
            self.ledger.answer(rfp.id, title=rfp.title, state="failed", reason=exc.code)
            return
        self.ledger.answer(
            rfp.id,
            title=rfp.title,
            category=rfp.category,
            state="submitted" if offer.created else "updated",
            reason=None,
            offer_id=offer.id,
            sku=answer.product.sku,
            quantity=answer.quantity,
            price=str(offer.price),
            currency=offer.currency,
            delivery_date=offer.delivery_date.isoformat(),
        )

    def _decline(self, rfp: Rfp, decline: Decline) -> None:
        """No offer; a live one we made before (the RFP changed) is withdrawn."""
        before = self.ledger.answer_for(rfp.id) or {}
        state = "declined"
        if before.get("offer_id") and before.get("state") in ("submitted", "updated"):
            try:
                self.rfps.withdraw_offer(before["offer_id"])
                state = "withdrawn"
            except PDSError as exc:
                decline = Decline(f"{decline.reason}; withdrawing failed ({exc.code})")
        self.ledger.answer(
            rfp.id, title=rfp.title, category=rfp.category, state=state, reason=decline.reason
        )

    def _pitch(self, answer: Quote) -> str:
        return (
            f"{self.connection.client_name}: {answer.quantity} x {answer.product.name} "
            f"at {answer.unit_price} {answer.currency}, delivered by "
            f"{answer.delivery_date.isoformat()}."
        )

    # -- how it ends --------------------------------------------------------------------

    def _offer_state(self, data: Mapping[str, Any], state: str | None) -> None:
        offer = data.get("offer")
        if not isinstance(offer, Mapping) or not isinstance(offer.get("rfp"), str):
            return
        fields: dict[str, Any] = {"offer_id": offer.get("id")}
        if state is not None:
            fields["state"] = state
        thread = offer.get("thread")
        if isinstance(thread, list) and thread and isinstance(thread[-1], Mapping):
            fields["last_message"] = {
                "from": thread[-1].get("from"),
                "text": thread[-1].get("text"),
            }
        self.ledger.answer(offer["rfp"], **fields)

    def _closed(self, data: Mapping[str, Any]) -> None:
        if isinstance(data.get("id"), str):
            self.ledger.answer(data["id"], state="closed", rfp_status=data.get("status"))

    def _awarded(self, data: Mapping[str, Any]) -> None:
        offer, rfp = data.get("offer"), data.get("rfp")
        if not isinstance(offer, Mapping) or not isinstance(offer.get("id"), str):
            return
        rfp = rfp if isinstance(rfp, Mapping) else {}
        consent = data.get("consent") if isinstance(data.get("consent"), Mapping) else None
        self.ledger.answer(str(offer.get("rfp")), state="awarded", offer_id=offer["id"])
        self.ledger.award(
            offer["id"],
            rfp=offer.get("rfp"),
            title=rfp.get("title"),
            price=offer.get("price"),
            currency=offer.get("currency"),
            delivery_date=offer.get("delivery_date"),
            buyer=rfp.get("buyer"),
            consent=dict(consent) if consent else None,
            state=AWAITING_CONSENT if consent else "awarded",
            shipping_address=None,
        )

    # -- the owner's consent for an award's shipping address ----------------------------

    def start_consent(self, offer_id: str) -> AuthorizationRequest:
        """An authorization request for the award's consent scope, at the shop's store."""
        award = self.ledger.award_for(offer_id)
        if award is None or award.get("state") != AWAITING_CONSENT:
            raise DeskError("This award is not waiting for the buyer's consent.")
        consent = award["consent"]
        if normalise(str(consent.get("issuer", ""))) != self.connection.client.store_url:
            raise DeskError("This award names another data store than ours; we do not follow it.")
        return self.connection.start(
            str(consent.get("scope") or "openid address"), purpose=AWARD_PREFIX + offer_id
        )

    def finish_consent(
        self, offer_id: str, callback_url: str, request: AuthorizationRequest
    ) -> dict[str, Any]:
        """Finish the owner's consent, read the shipping address, keep it with the award."""
        client = self.connection.one_off_client()
        client.finish_authorization(callback_url, request)
        me = client.me()
        address = me.claims.get("address")
        return self.ledger.award(
            offer_id,
            state="shipping_address_received" if address else "no_address_shared",
            shipping_address=address if isinstance(address, Mapping) else None,
        )

    # -- for the pages ------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        subscription = self.subscription
        return {
            "name": self.connection.client_name,
            "categories": list(self.categories),
            "webhook_url": self.webhook_url,
            "subscribed": subscription is not None,
            **self.ledger.snapshot(),
        }


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
