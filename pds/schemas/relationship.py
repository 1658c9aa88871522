"""Relationships: the vendors and people the owner deals with.

Vendors may have a ``domain`` (their web identity, unique among vendors); people
may not. Both can have contact points: e-mail addresses, phone numbers, URLs.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from pds.schemas.common import Choice, Id, Schema, Tags, Text, UniqueList
from pds.schemas.contact import Domain, Email, Phone, Url
from pds.schemas.interaction import CHANNELS
from pds.schemas.query import PageQuerySchema
from pds.schemas.temporal import Day, Instant, YearlyDay

KINDS = ("vendor", "person")
STATUSES = ("active", "paused", "ended", "blocked")
MAX_CONTACTS = 20


def _contacts(field: Any) -> UniqueList:
    return UniqueList(field, validate=validate.Length(max=MAX_CONTACTS))


class SharedContactSchema(Schema):
    """What the owner chose to tell this vendor about keeping in touch (``relationship:read``)."""

    contact_every_days = fields.Integer(strict=True, validate=validate.Range(min=1, max=3650))
    channel = Choice(CHANNELS)
    note = Text(max_length=500)


class AnniversarySchema(Schema):
    label = Text(max_length=100, required=True)
    date = YearlyDay(required=True)


class AddressSchema(Schema):
    """A postal address as contact files carry it (vCard ``ADR``): each part optional."""

    label = Text(max_length=50)  # "home", "work", ... (vCard TYPE)
    street = Text(max_length=500, multiline=True)
    locality = Text(max_length=200)
    region = Text(max_length=200)
    postal_code = Text(max_length=40)
    country = Text(max_length=200)

    @validates_schema
    def _not_empty(self, data: dict[str, Any], **_: Any) -> None:
        if not any(data.get(part) for part in ADDRESS_PARTS):
            raise ValidationError("An address needs at least one of its parts.")


ADDRESS_PARTS = ("street", "locality", "region", "postal_code", "country")


class RelatedSchema(Schema):
    """Someone this relationship is related to: "sister", "works at" (vCard ``RELATED``),
    by name and, when that someone is a relationship too, by its id."""

    relation = Text(max_length=100, required=True)
    name = Text(max_length=200, required=True)
    relationship_id = Id()


class RelationshipSchema(Schema):
    id = Id()
    kind = Choice(KINDS, required=True)
    name = Text(max_length=200, required=True)
    domain = Domain()
    emails = _contacts(Email())
    phones = _contacts(Phone())
    urls = _contacts(Url())
    how_known = Text(max_length=500, multiline=True)
    status = Choice(STATUSES, load_default="active")
    status_since = Day()
    status_note = Text(max_length=500, multiline=True)
    tags = Tags()
    notes = Text(max_length=4000, multiline=True)
    shared = fields.Nested(SharedContactSchema)
    since = Day()
    birthday = YearlyDay()
    anniversaries = fields.List(fields.Nested(AnniversarySchema), validate=validate.Length(max=20))
    nicknames = UniqueList(Text(max_length=100), validate=validate.Length(max=10))
    organisation = Text(max_length=200)  # where a person works (vCard ORG)
    title = Text(max_length=200)  # their job title or role (vCard TITLE)
    addresses = fields.List(
        fields.Nested(AddressSchema), validate=validate.Length(max=MAX_CONTACTS)
    )
    related = fields.List(fields.Nested(RelatedSchema), validate=validate.Length(max=MAX_CONTACTS))
    created_at = Instant()
    updated_at = Instant()

    @validates_schema
    def _only_vendors_have_domains(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("domain") and data.get("kind") == "person":
            raise ValidationError({"domain": ["Only vendors have a domain."]})


class RelationshipQuerySchema(PageQuerySchema):
    kind = Choice(KINDS)
    status = Choice(STATUSES)
    tag = Text(max_length=32, lower=True, no_separators=True)
    domain = Domain()
