"""The vendor API's data contract: what vendors send and what they receive.

The same schemas validate requests, shape responses and generate the OpenAPI
document (``pds.api.openapi``). Vendors never see the owner's private notes, and
cannot choose a purchase's vendor, source or status.
"""

from __future__ import annotations

from marshmallow import fields, validate

from pds.schemas.common import Label, ListingSchema, Schema, Text
from pds.schemas.preference import PreferenceValue
from pds.schemas.profile import AddressSchema
from pds.schemas.purchase import PurchaseSchema, receipt_fields
from pds.schemas.query import DateRangeQuerySchema
from pds.schemas.temporal import Day

API_MAX_LIMIT = 100
HIDDEN_PURCHASE_FIELDS = ("notes",)


class ApiPurchaseSchema(PurchaseSchema):
    """A purchase as a vendor sees it (never the owner's notes)."""

    class Meta:
        exclude = HIDDEN_PURCHASE_FIELDS


#: A digital receipt a vendor pushes: a purchase's own fields, without vendor, source,
#: status or notes (the store sets the first three; notes are the owner's).
ReceiptSchema = Schema.from_dict(receipt_fields(), name="ReceiptSchema")


class ApiPurchaseQuerySchema(DateRangeQuerySchema):
    """``GET /purchases``: newest first, filtered by days and category."""

    class Meta:
        exclude = ("descending",)

    limit = fields.Integer(load_default=50, validate=validate.Range(1, API_MAX_LIMIT))
    category = Label()


class PurchasePageSchema(ListingSchema):
    items = fields.List(fields.Nested(ApiPurchaseSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class ApiPreferenceSchema(Schema):
    key = fields.String(required=True)
    category = fields.String(required=True)
    value = PreferenceValue(required=True)


class PreferenceListSchema(ListingSchema):
    items = fields.List(fields.Nested(ApiPreferenceSchema), required=True)


class ApiSharedContactSchema(Schema):
    """What the owner chose to tell this vendor about keeping in touch (each field optional)."""

    contact_every_days = fields.Integer(metadata={"description": "Contact at most every N days."})
    channel = fields.String(metadata={"description": "The channel to use, e.g. email."})
    note = fields.String(metadata={"description": "The owner's note to the vendor."})


class ApiRelationshipSchema(Schema):
    """The owner's public-facing record of one vendor relationship: never notes, tags,
    contact targets or anything inferred from the interaction log."""

    name = Text(max_length=200, required=True)
    status = fields.String(required=True)
    since = Day(allow_none=True)
    preferred_channel = fields.String(allow_none=True)
    shared = fields.Nested(ApiSharedContactSchema, allow_none=True)


class MeSchema(Schema):
    """The owner as this vendor may know them: the pairwise ``sub`` and the claims the
    grant's scopes release (each present only when granted and known)."""

    sub = fields.String(required=True)
    name = fields.String()
    given_name = fields.String()
    family_name = fields.String()
    middle_name = fields.String()
    nickname = fields.String()
    email = fields.String()
    phone_number = fields.String()
    address = fields.Nested(AddressSchema)
    birthdate = fields.String()
    locale = fields.String()
    zoneinfo = fields.String()
    website = fields.String()
    updated_at = fields.Integer()
