"""Personal RFPs: the owner says what they want to buy; vendors answer with offers.

Lifecycle (every other move is a ``Conflict`` naming both states; the rules are in
``rfp_lifecycle``)::

    draft --publish--> open --award----> awarded
                            --close----> closed
                            --withdraw-> withdrawn
                            --(deadline passes)--> expired

Expiry needs no cron: every read (``get``, ``find_open``, ``list``) expires an open RFP
whose deadline has passed, and ``expire_due`` sweeps them all (the server's courier
thread calls it every so often). Each move is appended to the record's ``history``, to
the audit log (ids only) and to the owner's interaction log (kind ``rfp``), and tells
the vendors concerned by webhook (``rfp_events``) in the same transaction. An open
RFP may still be ``amend``ed (description, requirements, budget, a later deadline,
quantity). An award also creates or updates the winner's vendor relationship.

The offers are the offer service's: an award asks it to ``settle`` them, and the
events ask it who the ``bidders`` are. That service is built on this one (it reads
RFPs), so the container hands it over once both are built (``settle_offers_with``).

Vendors never see the record: ``public_view`` is all they get before award, under the
RFP's own random pseudonym.
"""

from __future__ import annotations

import base64
import builtins
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from pds.errors import Conflict, ValidationFailed
from pds.schemas import dump, load
from pds.schemas.rfp import STATUSES, RfpQuerySchema, RfpSchema
from pds.schemas.temporal import format_instant, to_minute
from pds.services.base import CollectionService, present
from pds.services.collections import RFPS
from pds.services.context import Context
from pds.services.identity.clients import ClientService
from pds.services.identity.consent import ConsentService
from pds.services.intents.rfp_events import RfpEvents
from pds.services.intents.rfp_lifecycle import (
    AWARDED,
    CLOSED,
    DRAFT,
    EXPIRED,
    OPEN,
    OWNER_FIELDS,
    VERBS,
    WITHDRAWN,
    amend_problems,
    check_transition,
    owner_fields,
    past_deadline,
)
from pds.services.intents.rfp_views import public_view
from pds.services.records.preferences import PreferenceService
from pds.services.records.profile import ProfileService
from pds.services.relationships.interactions import InteractionService
from pds.services.relationships.relationships import RelationshipService

RFP_TAG = "rfp"
MAX_TAGS = 20
__all__ = ["DRAFT", "EXPIRED", "OPEN", "STATUSES", "RfpService", "public_view", "to_minute"]
PSEUDONYM_PREFIX = "rfp-"
_SCHEMA = RfpSchema()
_QUERY = RfpQuerySchema()


def new_pseudonym() -> str:
    """A fresh random RFP name (80 bits), derived from nothing: ``rfp-`` + 16 base32."""
    return PSEUDONYM_PREFIX + base64.b32encode(secrets.token_bytes(10)).decode().lower()


class OfferBook(Protocol):
    """What the RFP moves ask of the offers (``OfferService``)."""

    def settle(self, rfp_id: str, offer_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The award's offer moves: the winner, and the other live offers not selected."""
        ...

    def bidders(self, rfp_id: str, *, live_only: bool = False) -> list[str]:
        """The client ids of the vendors with an offer (a live one) on the RFP."""
        ...


class RfpService(CollectionService):
    collection_name = RFPS
    noun = "rfp"

    def __init__(
        self,
        ctx: Context,
        *,
        events: RfpEvents,
        interactions: InteractionService,
        relationships: RelationshipService,
        clients: ClientService,
        consent: ConsentService,
        preferences: PreferenceService,
        profile: ProfileService,
    ) -> None:
        super().__init__(ctx)
        self.events = events
        self._interactions = interactions
        self._relationships = relationships
        self._clients = clients
        self._consent = consent
        self._preferences = preferences
        self._profile = profile
        self._offer_book: OfferBook | None = None

    def settle_offers_with(self, offers: OfferBook) -> None:
        """The offers service (built on this one, so given once both are built)."""
        self._offer_book = offers

    @property
    def _offers(self) -> OfferBook:
        if self._offer_book is None:
            raise RuntimeError("rfps: settle_offers_with was never called")
        return self._offer_book

    # -- writes ------------------------------------------------------------------------

    def draft(self, data: Any) -> dict[str, Any]:
        """A new draft RFP from the owner's ``data``, under a fresh pseudonym."""
        fields = dump(_SCHEMA, load(_SCHEMA, data, what="rfp"))
        now = self._ctx.now()
        record = {
            **fields,
            "id": self._ctx.ids(),
            "pseudonym": new_pseudonym(),
            "status": DRAFT,
            "history": [{"state": DRAFT, "at": format_instant(now)}],
            "created_at": format_instant(now),
            "updated_at": format_instant(now),
        }
        with self._ctx.store.transaction():
            self._col.insert(record)
        self._ctx.audit("owner", "rfp.draft", target=record["id"])
        return record

    def update_draft(self, rfp_id: str, changes: Any) -> dict[str, Any]:
        """Change the owner's fields of a draft (``None`` clears one)."""
        if not isinstance(changes, Mapping):
            raise ValidationFailed(
                "invalid rfp: changes must be an object", {"_schema": ["Invalid input type."]}
            )
        with self._ctx.store.transaction():
            current = self.get(rfp_id)
            if current["status"] != DRAFT:
                raise Conflict(
                    f"rfp {current['id']} is {current['status']}; only a draft can be changed",
                    {"status": [f"Is {current['status']}, not draft."]},
                )
            merged = {**owner_fields(current), **changes}
            fields = dump(_SCHEMA, load(_SCHEMA, merged, what="rfp"))
            server = {k: v for k, v in current.items() if k not in OWNER_FIELDS}
            record = {**server, **fields, "updated_at": format_instant(self._ctx.now())}
            self._col.replace(record["id"], record)
        self._ctx.audit("owner", "rfp.update", target=record["id"])
        return record

    def publish(self, rfp_id: str) -> dict[str, Any]:
        """Open a draft to vendors; the disclosed preferences' values (and, if the owner
        reveals who they are, their name and email) are frozen now."""
        with self._ctx.store.transaction():
            rfp = self.get(rfp_id)
            check_transition(rfp, OPEN)
            now = self._ctx.now()
            problems = self._publish_problems(rfp, now)
            if problems:
                raise ValidationFailed(f"invalid rfp: check {', '.join(problems)}", problems)
            return self._move(rfp, OPEN, "owner", self._frozen_at_publish(rfp, now))

    def as_published(self, rfp: Mapping[str, Any]) -> dict[str, Any]:
        """``rfp`` as publishing it now would make it (for a preview of a draft): the
        disclosed preferences' current values, the buyer if revealed, this minute."""
        if rfp["status"] != DRAFT:
            return dict(rfp)
        return {**rfp, **self._frozen_at_publish(rfp, self._ctx.now())}

    def amend(self, rfp_id: str, changes: Any) -> dict[str, Any]:
        """Change what an open RFP asks for (``AMENDABLE`` fields; ``None`` clears one);
        the vendors that heard of it are told (``rfp.updated``)."""
        if not isinstance(changes, Mapping):
            raise ValidationFailed(
                "invalid rfp: changes must be an object", {"_schema": ["Invalid input type."]}
            )
        self.get(rfp_id)  # an expiry that is due persists even if the amendment is refused
        with self._ctx.store.transaction():
            current = self.get(rfp_id)
            if current["status"] != OPEN:
                raise Conflict(
                    f"rfp {current['id']} is {current['status']}; only an open rfp can be amended",
                    {"status": [f"Is {current['status']}, not open."]},
                )
            merged = {**owner_fields(current), **changes}
            fields = dump(_SCHEMA, load(_SCHEMA, merged, what="rfp"))
            problems = amend_problems(current, changes, fields)
            if problems:
                raise ValidationFailed(f"invalid rfp: check {', '.join(problems)}", problems)
            server = {k: v for k, v in current.items() if k not in OWNER_FIELDS}
            at = format_instant(self._ctx.now())
            record = self._col.replace(current["id"], {**server, **fields, "updated_at": at})
            self._ctx.audit("owner", "rfp.amend", target=record["id"])
            self.events.updated(record, bidders=self._offers.bidders(record["id"], live_only=True))
        return record

    def withdraw(self, rfp_id: str) -> dict[str, Any]:
        return self._transition(rfp_id, WITHDRAWN)

    def close(self, rfp_id: str) -> dict[str, Any]:
        return self._transition(rfp_id, CLOSED)

    def award(self, rfp_id: str, offer_id: str, *, share_shipping: bool = False) -> dict[str, Any]:
        """Award an open RFP to one of its live offers; its other live offers are not selected.

        The winner is told (with how to ask for the shipping address if ``share_shipping``),
        the others "not selected", the rest of the audience that the RFP closed; the
        winner's vendor relationship is created or updated and the award logged on it.
        """
        self.get(rfp_id)  # an expiry that is due persists even if the award is refused
        with self._ctx.store.transaction():
            rfp = self.get(rfp_id)
            check_transition(rfp, AWARDED)
            winner, others = self._offers.settle(rfp["id"], offer_id)
            vendor_id = self._winner_relationship(rfp, winner)
            awarded = {
                "awarded_offer_id": winner["id"],
                "awarded_client_id": winner["client_id"],
                "share_shipping": share_shipping,
            }
            record = self._move(rfp, AWARDED, "owner", awarded, counterpart_id=vendor_id)
            self._tell_award(record, winner, others, share_shipping)
            return record

    def expire_due(self, now: datetime | None = None) -> int:
        """Expire every open RFP whose deadline has passed by ``now``; returns how many."""
        when = now or self._ctx.now()
        with self._ctx.store.transaction():
            due = [r for r in self._col.query(where={"status": OPEN}) if past_deadline(r, when)]
            for rfp in due:
                self._move(rfp, EXPIRED, "system")
        return len(due)

    # -- reads -------------------------------------------------------------------------

    def get(self, rfp_id: str) -> dict[str, Any]:
        """The RFP with ``rfp_id`` (expired first if its deadline has passed); ``find``
        gives the record as stored."""
        return self._expired_if_due(super().get(rfp_id))

    def find_by_pseudonym(self, pseudonym: Any) -> dict[str, Any] | None:
        """The RFP named ``pseudonym`` (expired first if due), or ``None``."""
        if not isinstance(pseudonym, str) or not pseudonym.startswith(PSEUDONYM_PREFIX):
            return None
        found = self._col.query(where={"pseudonym": pseudonym}, limit=1)
        return self._expired_if_due(found[0]) if found else None

    def shipping_award_to(self, client_id: str) -> dict[str, Any] | None:
        """The newest RFP awarded to ``client_id`` with the shipping address on offer (the
        award its consent request for the address follows), or ``None``."""
        found = self._col.query(
            where={"status": AWARDED},
            descending=True,
            limit=1,
            predicate=lambda r: (
                r.get("awarded_client_id") == client_id and r.get("share_shipping") is True
            ),
        )
        return found[0] if found else None

    def list(
        self, *, status: str | None = None, category: str | None = None
    ) -> list[dict[str, Any]]:
        """RFPs, newest first, optionally in one status and/or category (due ones expired)."""
        where = load(_QUERY, present(status=status, category=category), what="query")
        self.expire_due()
        return self._col.query(where=where or None, descending=True)

    # -- helpers -----------------------------------------------------------------------

    def _transition(self, rfp_id: str, target: str) -> dict[str, Any]:
        self.get(rfp_id)  # an expiry that is due persists even if the move is refused
        with self._ctx.store.transaction():
            rfp = self.get(rfp_id)
            check_transition(rfp, target)
            return self._move(rfp, target, "owner")

    def _move(
        self,
        rfp: Mapping[str, Any],
        target: str,
        actor: str,
        changes: Mapping[str, Any] | None = None,
        *,
        counterpart_id: str | None = None,
    ) -> dict[str, Any]:
        """Move ``rfp`` to ``target`` (in the caller's transaction): history, interaction,
        audit, and the webhooks of a publish or an ending (an award tells its own)."""
        at = format_instant(self._ctx.now())
        history = [*rfp["history"], {"state": target, "at": at}]
        record = {**rfp, **(changes or {}), "status": target, "history": history, "updated_at": at}
        record = self._col.replace(rfp["id"], record)
        self._log_interaction(record, counterpart_id)
        self._ctx.audit(actor, f"rfp.{target}", target=rfp["id"])
        if target == OPEN:
            self.events.published(record)
        elif target != AWARDED:
            self.events.closed(record, bidders=self._offers.bidders(record["id"]))
        return record

    def _log_interaction(self, rfp: Mapping[str, Any], counterpart_id: str | None) -> None:
        entry: dict[str, Any] = {
            "kind": "rfp",
            "date": format_instant(self._ctx.now()),
            "note": f"rfp {VERBS[rfp['status']]}: {rfp['title']}",
            "rfp_id": rfp["id"],
        }
        if counterpart_id is not None:
            entry["counterpart_id"] = counterpart_id
        self._interactions.log_system(entry)

    def _winner_relationship(self, rfp: Mapping[str, Any], offer: Mapping[str, Any]) -> str | None:
        """The id of the winner's vendor relationship (found or made, tagged ``rfp``)."""
        client = self._clients.find(offer["client_id"])
        if client is None:
            return None
        vendor = self._consent.vendor_for(client, how_known=f"Won my RFP: {rfp['title']}")
        tags = vendor.get("tags", [])
        if RFP_TAG not in tags and len(tags) < MAX_TAGS:
            vendor = self._relationships.update(vendor["id"], {"tags": [*tags, RFP_TAG]})
        return str(vendor["id"])

    def _tell_award(
        self,
        rfp: Mapping[str, Any],
        winner: Mapping[str, Any],
        losers: builtins.list[dict[str, Any]],
        share_shipping: bool,
    ) -> None:
        self.events.awarded(rfp, winner, share_shipping=share_shipping)
        for loser in losers:
            self.events.not_selected(loser)
        told = [winner["client_id"], *(loser["client_id"] for loser in losers)]
        self.events.closed(rfp, bidders=self._offers.bidders(rfp["id"]), told=told)

    def _frozen_at_publish(self, rfp: Mapping[str, Any], now: datetime) -> dict[str, Any]:
        """What publishing freezes into the record: disclosed values, time, buyer."""
        frozen = {"disclosed": self._disclosed(rfp), "published_at": to_minute(now)}
        if rfp.get("reveal_identity"):
            frozen["buyer"] = self._buyer()
        return frozen

    def _buyer(self) -> dict[str, Any]:
        """The owner's name and email as the profile has them now (for reveal_identity)."""
        profile = self._profile.get()
        parts = (profile.get("given_name"), profile.get("family_name"))
        name = profile.get("name") or " ".join(p for p in parts if p) or None
        return {"name": name, "email": profile.get("email")}

    def _expired_if_due(self, rfp: dict[str, Any]) -> dict[str, Any]:
        if rfp["status"] != OPEN or not past_deadline(rfp, self._ctx.now()):
            return rfp
        with self._ctx.store.transaction():
            return self._move(rfp, EXPIRED, "system")

    def _publish_problems(
        self, rfp: Mapping[str, Any], now: datetime
    ) -> dict[str, builtins.list[str]]:
        problems: dict[str, list[str]] = {}
        if past_deadline(rfp, now):
            problems["deadline"] = ["Must be in the future."]
        preferences, clients = self._preferences, self._clients
        missing = [key for key in rfp.get("disclosure", []) if preferences.find(key) is None]
        if missing:
            problems["disclosure"] = [f"No preference {key}." for key in missing]
        unknown = [cid for cid in rfp.get("chosen_vendors", []) if clients.find(cid) is None]
        if unknown:
            problems["chosen_vendors"] = [f"No vendor {cid}." for cid in unknown]
        return problems

    def _disclosed(self, rfp: Mapping[str, Any]) -> dict[str, Any]:
        disclosed: dict[str, Any] = {}
        for key in rfp.get("disclosure", []):
            preference = self._preferences.find(key)
            if preference is not None:
                disclosed[key] = preference["value"]
        return disclosed
