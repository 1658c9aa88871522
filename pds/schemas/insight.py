"""The owner's choices about relationship insights: drift answers, tier labels, depth weights."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from pds.schemas.common import Choice, Id, Schema, Text
from pds.schemas.interaction import CHANNELS, KINDS

DECISIONS = ("keep", "let_drift", "target")
MAX_EVERY_DAYS = 3650


class DriftAnswerSchema(Schema):
    """The owner's answer to a drift question."""

    decision = Choice(DECISIONS, required=True)
    every_days = fields.Integer(
        strict=False, validate=validate.Range(min=1, max=MAX_EVERY_DAYS), allow_none=True
    )

    @validates_schema
    def _target_needs_days(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("decision") == "target" and not data.get("every_days"):
            raise ValidationError({"every_days": ["A target needs a number of days."]})


class TierLabelSchema(Schema):
    """The owner's name for a tier (by its id); none removes the name."""

    tier = Id(required=True)
    label = Text(max_length=60, allow_none=True)


_WEIGHT = fields.Float(validate=validate.Range(min=0.0, max=1.0), allow_nan=False)


class DepthWeightsSchema(Schema):
    """Depth weights by interaction kind and by channel, each in 0..1."""

    kinds = fields.Dict(keys=Choice(KINDS), values=_WEIGHT, load_default=dict)
    channels = fields.Dict(keys=Choice(CHANNELS), values=_WEIGHT, load_default=dict)
