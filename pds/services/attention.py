"""What needs the owner's attention, in counts: relationships due for contact or
drifting, live offers on open RFPs, receipts vendors pushed, grants about to expire,
and what vendors did lately."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from pds.services.identity.access_log import AccessEntry
from pds.services.intents.offers import LIVE
from pds.services.intents.rfp_lifecycle import OPEN

if TYPE_CHECKING:
    from pds.services.container import Services

EXPIRY_WINDOW = timedelta(days=14)
RECENT_DAYS = 7
RECENT_ENTRIES = 5


@dataclass(frozen=True)
class OpenRfp:
    id: str
    title: str
    live_offers: int


@dataclass(frozen=True)
class ExpiringGrant:
    id: str
    client_id: str
    client_name: str
    expires_at: str


@dataclass(frozen=True)
class Attention:
    due_contacts: int
    drifting: int
    open_rfps: tuple[OpenRfp, ...]
    receipts_to_review: int
    expiring_grants: tuple[ExpiringGrant, ...]
    recent_calls: int  # vendor API calls in the last RECENT_DAYS days
    recent_access: tuple[AccessEntry, ...]  # the newest of them, at most RECENT_ENTRIES

    @property
    def live_offers(self) -> int:
        """Live offers on all open RFPs together."""
        return sum(rfp.live_offers for rfp in self.open_rfps)


def attention(svc: Services) -> Attention:
    """The owner's attention list as of the services' clock."""
    today = svc.clock().date()
    since = today - timedelta(days=RECENT_DAYS - 1)
    return Attention(
        due_contacts=len(svc.reminders.due(today)),
        drifting=len(svc.insights.report().drifts),
        open_rfps=_open_rfps(svc),
        receipts_to_review=svc.purchases.count_awaiting_review(),
        expiring_grants=_expiring_grants(svc),
        recent_calls=sum(n for _, n in svc.access_log.calls_per_day(RECENT_DAYS, today=today)),
        recent_access=tuple(svc.access_log.entries(since=since, limit=RECENT_ENTRIES)),
    )


def _open_rfps(svc: Services) -> tuple[OpenRfp, ...]:
    return tuple(
        OpenRfp(rfp["id"], rfp["title"], len(svc.offers.list_for_rfp(rfp["id"], status=LIVE)))
        for rfp in svc.rfps.list(status=OPEN)
    )


def _expiring_grants(svc: Services) -> tuple[ExpiringGrant, ...]:
    names = {c["id"]: c["client_name"] for c in svc.clients.list()}
    return tuple(
        ExpiringGrant(
            g["id"], g["client_id"], names.get(g["client_id"], g["client_id"]), g["expires_at"]
        )
        for g in svc.grants.expiring(EXPIRY_WINDOW)
    )
