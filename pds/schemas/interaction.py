"""Interactions: the relationship log (what happened between the owner and a counterpart).

Every kind names its counterpart, except ``rfp``: the moves of the owner's personal RFPs
(published, closed, ...) are the owner's own, and name the RFP (``rfp_id``) instead;
an award names the winning vendor as well.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, validates_schema

from pds.schemas.common import Choice, Id, Schema, Text
from pds.schemas.query import DateRangeQuerySchema
from pds.schemas.temporal import Instant, When

KINDS = (
    "purchase",
    "subscription",
    "support",
    "recommendation",
    "contract",
    "conversation",
    "complaint",
    "review",
    "gift",
    "referral",
    "meeting",
    "message",
    "call",
    "return",
    "rfp",
    "other",
)
RFP = "rfp"
CHANNELS = ("email", "phone", "in_person", "web", "app", "post", "chat", "social", "other")


class InteractionSchema(Schema):
    id = Id()
    kind = Choice(KINDS, required=True)
    date = When(required=True)
    channel = Choice(CHANNELS)
    counterpart_id = Id()
    purchase_id = Id()
    rfp_id = Id()
    note = Text(max_length=4000, multiline=True)
    created_at = Instant()
    updated_at = Instant()

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _counterpart(self, data: dict[str, Any], original: Any, **_: Any) -> None:
        given = isinstance(original, Mapping) and str(original.get("counterpart_id") or "").strip()
        if not given and data.get("kind") != RFP:
            raise ValidationError({"counterpart_id": ["Missing data for required field."]})


class InteractionQuerySchema(DateRangeQuerySchema):
    counterpart_id = Id()
    kind = Choice(KINDS)
    channel = Choice(CHANNELS)
    purchase_id = Id()
