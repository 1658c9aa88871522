"""The life of a personal RFP: its states, the moves between them, what may change.

Pure rules over the stored record (``RfpService`` applies them)::

    draft --publish--> open --award----> awarded
                            --close----> closed
                            --withdraw-> withdrawn
                            --(deadline passes)--> expired
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pds.errors import Conflict
from pds.schemas.rfp import RfpSchema
from pds.schemas.temporal import parse_instant

DRAFT, OPEN = "draft", "open"
AWARDED, CLOSED, EXPIRED, WITHDRAWN = "awarded", "closed", "expired", "withdrawn"
#: The moves an RFP may make: from a state to the states it may go to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    DRAFT: (OPEN,),
    OPEN: (AWARDED, CLOSED, EXPIRED, WITHDRAWN),
}
#: What an open RFP may still change (``amend``); the deadline only to a later one.
AMENDABLE = ("description", "requirements", "budget", "deadline", "quantity")
#: How each state reads in the owner's interaction log.
VERBS = {
    OPEN: "published",
    AWARDED: "awarded",
    CLOSED: "closed",
    EXPIRED: "expired",
    WITHDRAWN: "withdrawn",
}
#: The fields the owner writes (the rest the store keeps: id, status, history, ...).
OWNER_FIELDS = tuple(RfpSchema().fields)


def owner_fields(rfp: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of ``rfp`` that the owner wrote (storage form)."""
    return {key: rfp[key] for key in OWNER_FIELDS if key in rfp}


def check_transition(rfp: Mapping[str, Any], target: str) -> None:
    """``Conflict`` unless ``rfp`` may move to ``target``."""
    current = rfp["status"]
    if target not in TRANSITIONS.get(current, ()):
        raise Conflict(
            f"rfp {rfp['id']} cannot go from {current} to {target}",
            {"status": [f"Is {current}; cannot become {target}."]},
        )


def past_deadline(rfp: Mapping[str, Any], now: datetime) -> bool:
    return parse_instant(rfp["deadline"]) <= now


def amend_problems(
    current: Mapping[str, Any], changes: Mapping[str, Any], fields: Mapping[str, Any]
) -> dict[str, Any]:
    """Why ``changes`` may not be made to the open RFP ``current`` (``fields``: the result)."""
    problems: dict[str, Any] = {
        key: ["Cannot be changed once published."]
        for key in sorted(changes)
        if key not in AMENDABLE and key in OWNER_FIELDS and fields.get(key) != current.get(key)
    }
    if parse_instant(fields["deadline"]) < parse_instant(current["deadline"]):
        problems["deadline"] = ["Must not be earlier than the current deadline."]
    if fields["budget"]["currency"] != current["budget"]["currency"]:
        problems["budget"] = {"currency": ["Cannot be changed once published."]}
    return problems
