"""Who hears what when an RFP or an offer moves: the webhook events each move enqueues.

The deliveries go into the outbox in the caller's transaction (``services.webhooks``).
Audiences come from ``services.subscriptions`` (subscribers to the category, or the
chosen vendors), widened to the vendors with offers on the RFP (its ``bidders``, which
the caller asks of the offers); a blocked vendor and a vendor without a subscription
hear nothing. Nothing here names the owner, the winner to the others, or the RFP's
record id: only what ``rfp_views`` shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pds.services.identity.clients import BLOCKED, ClientService
from pds.services.intents.rfp_views import rfp_view, vendor_view
from pds.services.intents.subscriptions import SubscriptionService
from pds.services.intents.webhooks import WebhookService

SHIPPING_SCOPE = "openid address"
SHIPPING_NOTE = (
    "The buyer offers to share a shipping address: ask the issuer for these scopes with "
    "an authorization request (code + PKCE); the buyer decides on the consent screen."
)


class RfpEvents:
    def __init__(
        self,
        webhooks: WebhookService,
        subscriptions: SubscriptionService,
        clients: ClientService,
        issuer: str | None = None,
    ) -> None:
        self._webhooks = webhooks
        self._subscriptions = subscriptions
        self._clients = clients
        self._issuer = issuer

    # -- RFP moves ---------------------------------------------------------------------

    def published(self, rfp: Mapping[str, Any]) -> None:
        audience = self._subscriptions.audience(rfp)
        self._send("rfp.published", rfp_view(rfp), audience, rfp)

    def updated(self, rfp: Mapping[str, Any], *, bidders: Iterable[str]) -> None:
        """To the audience and to every vendor with a live offer (``bidders``)."""
        subs = self._with_bidders(self._subscriptions.audience(rfp), bidders)
        self._send("rfp.updated", rfp_view(rfp), subs, rfp)

    def closed(
        self, rfp: Mapping[str, Any], *, bidders: Iterable[str], told: Iterable[str] = ()
    ) -> None:
        """To the audience and every vendor with an offer (``bidders``), except the clients
        in ``told``."""
        skip = set(told)
        subs = self._with_bidders(self._subscriptions.audience(rfp), bidders)
        heard = [s for s in subs if s["client_id"] not in skip]
        self._send("rfp.closed", {"id": rfp["pseudonym"], "status": rfp["status"]}, heard, rfp)

    def awarded(
        self, rfp: Mapping[str, Any], offer: Mapping[str, Any], *, share_shipping: bool
    ) -> None:
        """To the winner: its offer, the RFP and, if the owner chose so, how to ask for
        the shipping address."""
        consent = None
        if share_shipping:
            consent = {"issuer": self._issuer, "scope": SHIPPING_SCOPE, "note": SHIPPING_NOTE}
        data = {"offer": vendor_view(offer), "rfp": rfp_view(rfp), "consent": consent}
        self._send("offer.awarded", data, self._of_clients([offer["client_id"]]), rfp)

    # -- offer moves -------------------------------------------------------------------

    def not_selected(self, offer: Mapping[str, Any]) -> None:
        """To the vendor whose offer was not chosen: nothing about the winner."""
        data = {"offer": {"id": offer["id"], "rfp": offer["rfp"], "status": "not_selected"}}
        subs = self._of_clients([offer["client_id"]])
        self._webhooks.enqueue("offer.not_selected", data, subs, rfp_id=offer["rfp_id"])

    def answered(self, offer: Mapping[str, Any]) -> None:
        subs = self._of_clients([offer["client_id"]])
        data = {"offer": vendor_view(offer)}
        self._webhooks.enqueue("offer.answered", data, subs, rfp_id=offer["rfp_id"])

    # -- helpers -----------------------------------------------------------------------

    def _send(
        self,
        event: str,
        data: Mapping[str, Any],
        subs: list[dict[str, Any]],
        rfp: Mapping[str, Any],
    ) -> None:
        self._webhooks.enqueue(event, data, subs, rfp_id=rfp["id"])

    def _with_bidders(
        self, audience: list[dict[str, Any]], bidders: Iterable[str]
    ) -> list[dict[str, Any]]:
        return _unique([*audience, *self._of_clients(bidders)])

    def _of_clients(self, client_ids: Iterable[str]) -> list[dict[str, Any]]:
        """The subscriptions of ``client_ids`` (none for a blocked or unsubscribed one)."""
        found = []
        for client_id in dict.fromkeys(client_ids):
            client = self._clients.find(client_id)
            sub = self._subscriptions.find(client_id)
            if client is not None and client["status"] != BLOCKED and sub is not None:
                found.append(sub)
        return found


def _unique(subs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``subs`` with each client once (first occurrence kept)."""
    seen: dict[str, dict[str, Any]] = {}
    for sub in subs:
        seen.setdefault(sub["client_id"], sub)
    return list(seen.values())
