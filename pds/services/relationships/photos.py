"""Relationships' photos: one per relationship, kept in their own collection.

A photo is stored (sealed like every collection) under its relationship's id, apart
from the record, so listing relationships never carries images. Only JPEG, PNG, GIF and
WebP are kept, recognised by the signature their bytes start with (a name or a declared
type proves nothing), and at most ``MAX_PHOTO_BYTES``. Deleting a relationship deletes
its photo (``RelationshipService.delete`` hands it over through ``delete_with``).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pds.errors import ValidationFailed
from pds.schemas import load
from pds.schemas.photo import MAX_PHOTO_BYTES, PhotoSchema
from pds.schemas.temporal import format_instant
from pds.services.base import CollectionService
from pds.services.collections import PHOTOS
from pds.services.context import Context, check_actor

if TYPE_CHECKING:
    from pds.services.relationships.relationships import RelationshipService

#: Each kept image type and the signatures its files start with (WebP: RIFF....WEBP).
SIGNATURES: tuple[tuple[str, bytes, int], ...] = (
    ("image/jpeg", b"\xff\xd8\xff", 0),
    ("image/png", b"\x89PNG\r\n\x1a\n", 0),
    ("image/gif", b"GIF87a", 0),
    ("image/gif", b"GIF89a", 0),
    ("image/webp", b"WEBP", 8),
)


@dataclass(frozen=True)
class Photo:
    """A photo as served: its media type and bytes."""

    relationship_id: str
    media_type: str
    data: bytes
    updated_at: str

    @property
    def size(self) -> int:
        return len(self.data)


def image_type(data: bytes) -> str:
    """The media type of ``data`` by its signature; ``ValidationFailed`` (field ``photo``)
    if it is empty, larger than ``MAX_PHOTO_BYTES`` or not a JPEG, PNG, GIF or WebP."""
    if not data:
        raise ValidationFailed("empty photo", {"photo": ["The file is empty."]})
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationFailed(
            "photo too large",
            {"photo": [f"Is {len(data) // 1024} KiB; at most {MAX_PHOTO_BYTES // 1024} KiB."]},
        )
    for media_type, signature, offset in SIGNATURES:
        found = data[offset : offset + len(signature)] == signature
        if found and (media_type != "image/webp" or data.startswith(b"RIFF")):
            return media_type
    raise ValidationFailed(
        "not an image", {"photo": ["Not a JPEG, PNG, GIF or WebP image (by its bytes)."]}
    )


class PhotoService(CollectionService):
    collection_name = PHOTOS
    noun = "photo"

    def __init__(self, ctx: Context, relationships: RelationshipService) -> None:
        super().__init__(ctx)
        self._relationships = relationships

    # -- reads -------------------------------------------------------------------------

    def photo_of(self, relationship_id: str) -> Photo | None:
        """The photo of a relationship, or ``None`` if it has none."""
        record = self.find(relationship_id)
        if record is None:
            return None
        return Photo(
            relationship_id=record["id"],
            media_type=record["media_type"],
            data=base64.b64decode(record["data"]),
            updated_at=record["updated_at"],
        )

    def has_photo(self, relationship_id: str) -> bool:
        return self.find(relationship_id) is not None

    # -- writes ------------------------------------------------------------------------

    def new_record(self, relationship_id: str, data: bytes) -> dict[str, Any]:
        """The storage form of ``data`` as the photo of ``relationship_id`` (checked)."""
        record = {
            "id": relationship_id,
            "media_type": image_type(data),
            "data": base64.b64encode(data).decode("ascii"),
            "size": len(data),
            "updated_at": format_instant(self._ctx.now()),
        }
        load(PhotoSchema(), record, what="photo")
        return record

    def set(self, relationship_id: str, data: bytes, *, actor: str = "owner") -> Photo:
        """Give a relationship ``data`` as its photo (replacing any it had)."""
        check_actor(actor)
        with self._ctx.store.transaction():
            owner = self._relationships.get(relationship_id)
            record = self.new_record(owner["id"], data)
            self.store_many([record])
        self._ctx.audit(actor, "relationship.photo.set", target=owner["id"])
        return Photo(owner["id"], record["media_type"], data, record["updated_at"])

    def store_many(self, records: Sequence[dict[str, Any]]) -> None:
        """Insert or replace photos built by ``new_record`` (for an import's commit)."""
        with self._ctx.store.transaction():
            for record in records:
                if self._col.find(record["id"]) is None:
                    self._col.insert(record)
                else:
                    self._col.replace(record["id"], record)

    def remove(self, relationship_id: str, *, actor: str = "owner") -> bool:
        """Remove a relationship's photo; whether it had one."""
        check_actor(actor)
        with self._ctx.store.transaction():
            record = self._relationships.get(relationship_id)
            had = self.delete_with(record["id"])
        if had:
            self._ctx.audit(actor, "relationship.photo.remove", target=record["id"])
        return had

    def delete_with(self, relationship_id: str) -> bool:
        """Delete the photo of a relationship being deleted; whether there was one."""
        if self._col.find(relationship_id) is None:
            return False
        self._col.delete(relationship_id)
        return True


def decode_base64(text: str) -> bytes:
    """Standard base64 (whitespace allowed) as bytes; ``ValidationFailed`` if it is not."""
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed("bad base64", {"photo": ["Not valid base64."]}) from None
