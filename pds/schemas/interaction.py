"""Interactions: the relationship log (what happened between the owner and a counterpart)."""

from __future__ import annotations

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
    "other",
)
CHANNELS = ("email", "phone", "in_person", "web", "app", "post", "chat", "social", "other")


class InteractionSchema(Schema):
    id = Id()
    kind = Choice(KINDS, required=True)
    date = When(required=True)
    channel = Choice(CHANNELS)
    counterpart_id = Id(required=True)
    purchase_id = Id()
    note = Text(max_length=4000, multiline=True)
    created_at = Instant()
    updated_at = Instant()


class InteractionQuerySchema(DateRangeQuerySchema):
    counterpart_id = Id()
    kind = Choice(KINDS)
    purchase_id = Id()
