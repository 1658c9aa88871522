"""What vendors may see of the owner's RFPs and of their own offers, and nothing else.

Before award a vendor knows an RFP only by its pseudonym and what the owner chose to
disclose; ``buyer`` (name and email, frozen at publish) only when the owner chose to
reveal who they are. An offer is shown to its vendor without the RFP's record id, and
its times (when the owner answered a question, declined or awarded it) to the minute
only, like the RFP's ``published_at``: seconds would help tie the RFP to the owner's
activity elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pds.schemas.temporal import parse_instant, to_minute

_WRITTEN = ("title", "description", "category", "requirements", "budget", "deadline")
_TIMES = ("created_at", "updated_at")  # of an offer


def public_view(rfp: Mapping[str, Any]) -> dict[str, Any]:
    """Exactly what a vendor may see of a published RFP before award, and nothing else."""
    view: dict[str, Any] = {"id": rfp["pseudonym"]}
    for key in _WRITTEN:
        if key in rfp:
            view[key] = rfp[key]
    view["quantity"] = rfp["quantity"]
    if "location_hint" in rfp:
        view["location_hint"] = rfp["location_hint"]
    view["disclosed"] = dict(rfp.get("disclosed", {}))
    if "buyer" in rfp:
        view["buyer"] = dict(rfp["buyer"])
    if "published_at" in rfp:
        view["published_at"] = rfp["published_at"]
    return view


def rfp_view(rfp: Mapping[str, Any]) -> dict[str, Any]:
    """The public view with the RFP's status: the vendor-facing form (API, webhooks)."""
    return {**public_view(rfp), "status": rfp["status"]}


def vendor_view(offer: Mapping[str, Any]) -> dict[str, Any]:
    """The offer as its vendor sees it: the RFP named by its pseudonym only, its times
    to the minute."""
    view = {key: value for key, value in offer.items() if key != "rfp_id"}
    for key in _TIMES:
        if isinstance(view.get(key), str):
            view[key] = _minute(view[key])
    if "thread" in view:
        view["thread"] = [{**said, "at": _minute(said["at"])} for said in view["thread"]]
    return view


def _minute(instant: str) -> str:
    return to_minute(parse_instant(instant))
