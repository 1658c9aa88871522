"""The RFP side of the vendor API: what a vendor answering the owner's RFPs receives.

These schemas shape responses (only declared fields leave, see ``pds.api.conventions
.project``) and document them in OpenAPI. Requests are validated with the domain's own
schemas: ``OfferSchema``, ``QuestionSchema`` (``pds.schemas.rfp``) and
``SubscriptionSchema`` (``pds.schemas.subscription``), which the endpoints declare. An
RFP is named by its pseudonym; nothing here can carry the owner's identifiers.
"""

from __future__ import annotations

from marshmallow import fields

from pds.schemas.common import Choice, Label, ListingSchema, Schema, Text
from pds.schemas.money import Currency, ExactDecimal
from pds.schemas.purchase import LineItemSchema
from pds.schemas.rfp import OPERATORS, STATUSES, RequirementValue
from pds.schemas.temporal import Day, Instant

OFFER_STATUSES = ("live", "withdrawn", "not_selected", "awarded")


class ApiRequirementSchema(Schema):
    key = fields.String(required=True)
    operator = Choice(OPERATORS, required=True)
    value = RequirementValue(required=True)


class ApiBudgetSchema(Schema):
    min = ExactDecimal(places=6)
    max = ExactDecimal(places=6, required=True)
    currency = Currency(required=True)


class ApiLocationHintSchema(Schema):
    country = fields.String(required=True)
    region = fields.String()


class ApiBuyerSchema(Schema):
    """Who the buyer is: only on an RFP whose owner chose to reveal it."""

    name = fields.String()
    email = fields.String()


class ApiRfpSchema(Schema):
    """An RFP as a vendor sees it: under its pseudonym (``id``), with its status."""

    id = fields.String(required=True, metadata={"description": "The RFP's pseudonym."})
    title = fields.String(required=True)
    description = fields.String()
    category = fields.String(required=True)
    requirements = fields.List(fields.Nested(ApiRequirementSchema))
    budget = fields.Nested(ApiBudgetSchema, required=True)
    deadline = Instant(required=True)
    quantity = fields.Integer(required=True)
    location_hint = fields.Nested(ApiLocationHintSchema)
    disclosed = fields.Dict(
        keys=fields.String(),
        required=True,
        metadata={"description": "The owner's preferences sent with the RFP, by key."},
    )
    buyer = fields.Nested(ApiBuyerSchema)
    published_at = Instant()
    status = Choice(STATUSES, required=True)


class RfpListSchema(ListingSchema):
    items = fields.List(fields.Nested(ApiRfpSchema), required=True)


class RfpListQuerySchema(Schema):
    """``GET /rfps``: the open RFPs this vendor may see, of one category if given."""

    category = Label()


#: One message on an offer's thread: ``from`` (``vendor`` or ``owner``), ``text``, ``at``.
ThreadEntrySchema = Schema.from_dict(
    {
        "from": Choice(("vendor", "owner"), required=True),
        "text": fields.String(required=True),
        "at": Instant(required=True),
    },
    name="ThreadEntrySchema",
)


class ApiOfferSchema(Schema):
    """A vendor's offer, as that vendor sees it: the RFP named by its pseudonym."""

    id = fields.String(required=True)
    rfp = fields.String(required=True, metadata={"description": "The RFP's pseudonym."})
    client_id = fields.String(required=True)
    status = Choice(OFFER_STATUSES, required=True)
    price = ExactDecimal(places=6, required=True)
    currency = Currency(required=True)
    line_items = fields.List(fields.Nested(LineItemSchema))
    delivery_date = Day(required=True)
    conditions = fields.String()
    valid_until = Instant()
    message = fields.String()
    thread = fields.List(fields.Nested(ThreadEntrySchema), required=True)
    created_at = Instant(required=True)
    updated_at = Instant(required=True)


class OfferListSchema(ListingSchema):
    items = fields.List(fields.Nested(ApiOfferSchema), required=True)


class ApiSubscriptionSchema(Schema):
    """A vendor's webhook subscription; ``secret`` only in the answer that created it."""

    url = fields.String(required=True)
    categories = fields.List(fields.String(), required=True)
    secret = fields.String(
        metadata={"description": "whsec_ + base64 of 32 bytes: the webhook signing key."}
    )
    created_at = Instant(required=True)
    updated_at = Instant(required=True)


class SecretSchema(Schema):
    secret = Text(max_length=100, required=True)
