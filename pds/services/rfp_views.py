"""What vendors may see of the owner's RFPs and of their own offers, and nothing else.

Before award a vendor knows an RFP only by its pseudonym and what the owner chose to
disclose; ``buyer`` (name and email, frozen at publish) only when the owner chose to
reveal who they are. An offer is shown to its vendor without the RFP's record id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_WRITTEN = ("title", "description", "category", "requirements", "budget", "deadline")


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
    """The offer as its vendor sees it: the RFP named by its pseudonym only."""
    return {key: value for key, value in offer.items() if key != "rfp_id"}
