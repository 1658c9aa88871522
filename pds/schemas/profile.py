"""The owner's profile, as OpenID Connect standard claims (OIDC Core 1.0, section 5.1)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from marshmallow import ValidationError, fields, validate, validates

from pds.i18n import LANGUAGES
from pds.schemas.common import Id, Schema, Text
from pds.schemas.contact import Email, Phone, Url
from pds.schemas.temporal import Day, Instant

#: the languages the portal is translated into
PORTAL_LANGUAGES = LANGUAGES  # the languages pds is translated into
_LOCALE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_ZONE = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*$")


class Locale(Text):
    """A BCP 47 language tag such as ``en-GB`` (``en_GB`` is accepted as ``en-GB``)."""

    default_error_messages = {"locale": "Not a valid language tag (e.g. en-GB)."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=35, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).replace("_", "-")
        text = "-".join(_case_subtag(i, part) for i, part in enumerate(text.split("-")))
        if not _LOCALE.match(text):
            raise self.make_error("locale")
        return text


def _case_subtag(position: int, subtag: str) -> str:
    """BCP 47 conventional case: ``en``, ``Latn`` (script), ``GB`` (region)."""
    if position and subtag.isalpha() and len(subtag) == 2:
        return subtag.upper()
    if position and subtag.isalpha() and len(subtag) == 4:
        return subtag.title()
    return subtag.lower()


class ZoneName(Text):
    """An IANA time zone name such as ``Europe/Berlin``."""

    default_error_messages = {"zone": "Not a known time zone (e.g. Europe/Berlin)."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=64, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not _ZONE.match(text):
            raise self.make_error("zone")
        try:
            ZoneInfo(text)
        except (ValueError, OSError, LookupError):  # ZoneInfoNotFoundError is a KeyError
            raise self.make_error("zone") from None
        return text


class AddressSchema(Schema):
    street_address = Text(max_length=500, multiline=True)
    locality = Text(max_length=100)
    region = Text(max_length=100)
    postal_code = Text(max_length=32)
    country = Text(max_length=100)


class ProfileSchema(Schema):
    id = Id()
    name = Text(max_length=200)
    given_name = Text(max_length=100)
    family_name = Text(max_length=100)
    middle_name = Text(max_length=100)
    nickname = Text(max_length=100)
    email = Email()
    phone_number = Phone()
    website = Url()
    address = fields.Nested(AddressSchema)
    birthdate = Day()
    locale = Locale()
    zoneinfo = ZoneName()
    #: the portal's language (not a claim: vendors never see it)
    language = fields.String(
        validate=validate.OneOf(PORTAL_LANGUAGES, error="Choose English or Deutsch.")
    )
    created_at = Instant()
    updated_at = Instant()

    @validates("birthdate")
    def _not_in_future(self, value: date, **_: Any) -> None:
        if value > date.today():
            raise ValidationError("Must not be in the future.")


#: The OpenID Connect claims a profile can hold: its fields but the record's own id and
#: creation time (``updated_at`` is a standard claim) and the portal's language.
PROFILE_CLAIMS = frozenset(ProfileSchema().fields) - {"id", "created_at", "language"}
