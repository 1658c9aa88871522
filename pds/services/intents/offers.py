"""Offers: vendors' answers to the owner's open RFPs, and a small Q&A thread on each.

A vendor (a registered client) has at most one live offer per RFP: submitting again
updates it. Offers are taken and may be updated or withdrawn while the RFP is open
(an RFP whose deadline has passed is expired first). A vendor the owner blocked is
refused everything, and its offers are hidden from the owner's comparison. An RFP
shown only to chosen vendors does not exist for any other vendor.

Vendors see their offers through ``vendor_view``: the RFP under its pseudonym,
never the owner's record id. The owner may ``decline`` a live offer while its RFP is
open (the vendor is told "not selected"), and answering a question tells the vendor
too (``offer.answered``), by webhook in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pds.errors import Conflict, NotFound, ValidationFailed
from pds.schemas import dump, load
from pds.schemas.rfp import OfferSchema, QuestionSchema
from pds.schemas.temporal import format_instant
from pds.services.base import CollectionService
from pds.services.collections import OFFERS
from pds.services.context import Context
from pds.services.identity.clients import BLOCKED, ClientService
from pds.services.intents.rfp_lifecycle import DRAFT, EXPIRED, OPEN
from pds.services.intents.rfp_views import vendor_view
from pds.services.intents.rfps import RfpService
from pds.services.vendor_text import without_invisible

LIVE, NOT_SELECTED, AWARDED, WITHDRAWN = "live", "not_selected", "awarded", "withdrawn"
SORTS = ("price", "delivery_date")
_OFFER = OfferSchema()
_QUESTION = QuestionSchema()
__all__ = ["BLOCKED", "OfferService", "vendor_view"]


def _visible(rfp: Mapping[str, Any], client_id: str) -> bool:
    """Whether the vendor ``client_id`` may see ``rfp`` at all: published, and public or
    shown to this vendor."""
    if rfp["status"] == DRAFT:
        return False
    return rfp["visibility"] != "chosen" or client_id in rfp.get("chosen_vendors", [])


def _sort_key(sort: str) -> Any:
    if sort == "price":
        return lambda o: (Decimal(o["price"]), o["delivery_date"], o["id"])
    return lambda o: (o["delivery_date"], Decimal(o["price"]), o["id"])


class OfferService(CollectionService):
    collection_name = OFFERS
    noun = "offer"

    def __init__(self, ctx: Context, rfps: RfpService, clients: ClientService) -> None:
        super().__init__(ctx)
        self._rfps = rfps
        self._clients = clients

    # -- the vendor's side -------------------------------------------------------------

    def submit(self, rfp_pseudonym: str, client_id: str, data: Any) -> dict[str, Any]:
        """Make or update ``client_id``'s live offer on the RFP named ``rfp_pseudonym``."""
        self._clients.require_active(client_id)
        rfp = self.visible_rfp(rfp_pseudonym, client_id)
        self._require_open(rfp)
        loaded = load(_OFFER, without_invisible(data), what="offer")
        self._check_against(rfp, loaded)
        fields = dump(_OFFER, loaded)
        now = format_instant(self._ctx.now())
        with self._ctx.store.transaction():
            current = self._live(rfp["id"], client_id)
            if current is None:
                offer = self._new(rfp, client_id, fields, now)
                self._col.insert(offer)
            else:
                kept = {k: current[k] for k in ("id", "rfp_id", "rfp", "client_id", "status")}
                kept.update(thread=current["thread"], created_at=current["created_at"])
                offer = self._col.replace(current["id"], {**kept, **fields, "updated_at": now})
            action = "offer.submit" if current is None else "offer.update"
            self._ctx.audit(f"vendor:{client_id}", action, target=offer["id"])
        return vendor_view(offer)

    def withdraw(self, offer_id: str, client_id: str) -> dict[str, Any]:
        """Withdraw the vendor's live offer, while its RFP is open."""
        self._clients.require_active(client_id)
        offer = self.own(offer_id, client_id)
        if offer["status"] != LIVE:
            raise Conflict(
                f"offer {offer['id']} cannot go from {offer['status']} to {WITHDRAWN}",
                {"status": [f"Is {offer['status']}; only a live offer can be withdrawn."]},
            )
        self._require_open(self._rfps.get(offer["rfp_id"]))
        with self._ctx.store.transaction():
            changes = {"status": WITHDRAWN, "updated_at": format_instant(self._ctx.now())}
            withdrawn = self._col.update(offer["id"], changes)
            self._ctx.audit(f"vendor:{client_id}", "offer.withdraw", target=offer["id"])
        return vendor_view(withdrawn)

    def for_vendor(self, client_id: str) -> list[dict[str, Any]]:
        """The vendor's own offers (every state), oldest first."""
        return [vendor_view(o) for o in self._col.query(where={"client_id": client_id})]

    def open_rfps_for(self, client_id: str, category: str | None = None) -> list[dict[str, Any]]:
        """The open RFPs (of ``category`` if given) that the vendor ``client_id`` may see."""
        found = self._rfps.list(status=OPEN, category=category)
        return [rfp for rfp in found if _visible(rfp, client_id)]

    def ask(self, offer_id: str, client_id: str, text: Any) -> dict[str, Any]:
        """The vendor asks the owner a question about its own offer."""
        self._clients.require_active(client_id)
        offer = self.own(offer_id, client_id)
        if offer["status"] != LIVE:
            raise Conflict(
                f"offer {offer['id']} is {offer['status']}; questions need a live offer",
                {"status": [f"Is {offer['status']}, not live."]},
            )
        asked = self._add_to_thread(offer, "vendor", without_invisible(text), f"vendor:{client_id}")
        return vendor_view(asked)

    # -- the owner's side --------------------------------------------------------------

    def list_for_rfp(
        self, rfp_id: str, *, sort: str | None = None, status: str | None = None
    ) -> list[dict[str, Any]]:
        """The RFP's offers (of one ``status`` if given), without those of blocked vendors;
        by submission, or sorted by ``price`` or ``delivery_date`` (the other breaks ties)."""
        if sort is not None and sort not in SORTS:
            raise ValidationFailed(
                "invalid query: check sort", {"sort": [f"Must be one of: {', '.join(SORTS)}."]}
            )
        rfp = self._rfps.get(rfp_id)
        where = {"rfp_id": rfp["id"], **({"status": status} if status else {})}
        blocked = self._clients.is_blocked
        offers = [o for o in self._col.query(where=where) if not blocked(o["client_id"])]
        return sorted(offers, key=_sort_key(sort)) if sort else offers

    def answer(self, offer_id: str, text: Any) -> dict[str, Any]:
        """The owner answers the vendor's open question on an offer (the vendor is told)."""
        with self._ctx.store.transaction():
            offer = self.get(offer_id)
            thread = offer["thread"]
            if not thread or thread[-1]["from"] != "vendor":
                raise Conflict(
                    f"offer {offer['id']} has no question awaiting an answer",
                    {"thread": ["The last message is not a vendor's question."]},
                )
            answered = self._add_to_thread(offer, "owner", text, "owner")
            self._rfps.events.answered(answered)
        return answered

    def decline(self, offer_id: str) -> dict[str, Any]:
        """The owner turns down a live offer of an open RFP; its vendor is told only that."""
        self._rfps.get(self.get(offer_id)["rfp_id"])  # a due expiry persists even if refused
        with self._ctx.store.transaction():
            offer = self.get(offer_id)
            if offer["status"] != LIVE:
                raise Conflict(
                    f"offer {offer['id']} cannot go from {offer['status']} to {NOT_SELECTED}",
                    {"status": [f"Is {offer['status']}; only a live offer can be declined."]},
                )
            rfp = self._rfps.get(offer["rfp_id"])
            if rfp["status"] != OPEN:
                raise Conflict(
                    f"rfp {rfp['id']} is {rfp['status']}; offers are declined only while open",
                    {"rfp": [f"Is {rfp['status']}, not open."]},
                )
            changes = {"status": NOT_SELECTED, "updated_at": format_instant(self._ctx.now())}
            declined = self._col.update(offer["id"], changes)
            self._ctx.audit("owner", "offer.decline", target=offer["id"])
            self._rfps.events.not_selected(declined)
        return declined

    # -- what the RFP's moves ask (``RfpService``) -------------------------------------

    def settle(self, rfp_id: str, offer_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Award the RFP ``rfp_id`` to its live offer ``offer_id`` (in the caller's
        transaction): that offer is awarded, the RFP's other live offers not selected.
        Returns the winner and the others; ``Conflict`` if ``offer_id`` is not a live
        offer of that RFP."""
        offer = self.find(offer_id)
        if offer is None or offer["rfp_id"] != rfp_id or offer["status"] != LIVE:
            raise Conflict(
                f"offer {offer_id} is not a live offer for rfp {rfp_id}",
                {"offer_id": ["Must be a live offer for this rfp."]},
            )
        now = format_instant(self._ctx.now())
        moved = {}
        with self._ctx.store.transaction():
            for other in self._col.query(where={"rfp_id": rfp_id, "status": LIVE}):
                status = AWARDED if other["id"] == offer["id"] else NOT_SELECTED
                moved[other["id"]] = self._col.update(
                    other["id"], {"status": status, "updated_at": now}
                )
        winner = moved.pop(offer["id"])
        return winner, list(moved.values())

    def bidders(self, rfp_id: str, *, live_only: bool = False) -> list[str]:
        """The client ids of the vendors with an offer (a live one if ``live_only``) on the
        RFP ``rfp_id``, in the order the offers came (a vendor may appear more than once)."""
        offers = self._col.query(where={"rfp_id": rfp_id})
        return [o["client_id"] for o in offers if not live_only or o["status"] == LIVE]

    # -- helpers -----------------------------------------------------------------------

    def visible_rfp(self, pseudonym: str, client_id: str) -> dict[str, Any]:
        """The published RFP ``pseudonym`` if this vendor may see it, else ``NotFound``
        (the same answer as for an RFP that does not exist)."""
        rfp = self._rfps.find_by_pseudonym(pseudonym)
        if rfp is None or not _visible(rfp, client_id):
            raise NotFound(f"no rfp {pseudonym}", {"rfp": [f"No rfp {pseudonym}."]})
        return rfp

    @staticmethod
    def _require_open(rfp: Mapping[str, Any]) -> None:
        name = rfp["pseudonym"]
        if rfp["status"] == EXPIRED:
            raise Conflict(
                f"the deadline of rfp {name} has passed",
                {"deadline": [f"Passed at {rfp['deadline']}."]},
            )
        if rfp["status"] != OPEN:
            raise Conflict(
                f"rfp {name} is {rfp['status']}, not open",
                {"rfp": [f"Is {rfp['status']}; offers are taken only while open."]},
            )

    def _check_against(self, rfp: Mapping[str, Any], offer: Mapping[str, Any]) -> None:
        problems: dict[str, list[str]] = {}
        currency = rfp["budget"]["currency"]
        if offer["currency"] != currency:
            problems["currency"] = [f"Must be {currency}, the currency of the rfp's budget."]
        if "valid_until" in offer and offer["valid_until"] <= self._ctx.now():
            problems["valid_until"] = ["Must be in the future."]
        if problems:
            raise ValidationFailed(f"invalid offer: check {', '.join(problems)}", problems)

    def _live(self, rfp_id: str, client_id: str) -> dict[str, Any] | None:
        found = self._col.query(where={"rfp_id": rfp_id, "client_id": client_id, "status": LIVE})
        return found[0] if found else None

    def own(self, offer_id: str, client_id: str) -> dict[str, Any]:
        """The offer if it is this vendor's (``NotFound`` for another vendor's offer)."""
        offer = self.find(offer_id)
        if offer is None or offer["client_id"] != client_id:
            raise self.not_found(offer_id)
        return offer

    def _new(
        self, rfp: Mapping[str, Any], client_id: str, fields: Mapping[str, Any], now: str
    ) -> dict[str, Any]:
        return {
            **fields,
            "id": self._ctx.ids(),
            "rfp_id": rfp["id"],
            "rfp": rfp["pseudonym"],
            "client_id": client_id,
            "status": LIVE,
            "thread": [],
            "created_at": now,
            "updated_at": now,
        }

    def _add_to_thread(
        self, offer: Mapping[str, Any], author: str, text: Any, actor: str
    ) -> dict[str, Any]:
        said = load(_QUESTION, {"text": text}, what="message")["text"]
        now = format_instant(self._ctx.now())
        entry = {"from": author, "text": said, "at": now}
        with self._ctx.store.transaction():
            changes = {"thread": [*offer["thread"], entry], "updated_at": now}
            updated = self._col.update(offer["id"], changes)
            action = "offer.ask" if author == "vendor" else "offer.answer"
            self._ctx.audit(actor, action, target=offer["id"])
        return updated
