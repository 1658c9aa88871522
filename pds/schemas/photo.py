"""A relationship's photo, as stored: kept apart from the record so lists stay light."""

from __future__ import annotations

from marshmallow import fields, validate

from pds.schemas.common import Choice, Id, Schema
from pds.schemas.temporal import Instant

#: The image types a photo may be (checked by the bytes' signature, not by a name).
PHOTO_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
#: The largest photo kept, decoded (a contact photo is a small portrait).
MAX_PHOTO_BYTES = 256 * 1024
_BASE64_LENGTH = 4 * -(-MAX_PHOTO_BYTES // 3)


class PhotoSchema(Schema):
    """``id`` is the relationship's id; ``data`` the image's bytes in standard base64."""

    id = Id(required=True)
    media_type = Choice(PHOTO_TYPES, required=True)
    data = fields.String(
        required=True,
        metadata={"format": "byte"},  # bytes as base64 (OpenAPI): kept out of CSV and SQLite
        validate=[
            validate.Length(min=4, max=_BASE64_LENGTH),
            validate.Regexp(r"^[A-Za-z0-9+/]+={0,2}$", error="Not standard base64."),
        ],
    )
    size = fields.Integer(strict=True, required=True, validate=validate.Range(1, MAX_PHOTO_BYTES))
    updated_at = Instant()
