"""Relationships' photos: checked by their bytes, capped, kept apart, gone with their
relationship, audited."""

from __future__ import annotations

from typing import Any

import pytest

from pds.errors import NotFound, ValidationFailed
from pds.schemas.photo import MAX_PHOTO_BYTES
from pds.services import Services
from pds.services.relationships.photos import image_type
from pds.store import Store
from tests.services.conftest import audit_events

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 30
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 30


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (b"GIF87a" + b"\x00" * 10, "image/gif"),
        (b"GIF89a" + b"\x00" * 10, "image/gif"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 10, "image/webp"),
    ],
)
def test_image_types_by_their_signature(data: bytes, media_type: str) -> None:
    assert image_type(data) == media_type


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (
            b"<svg><script>alert(1)</script></svg>",
            "Not a JPEG, PNG, GIF or WebP image (by its bytes).",
        ),
        (b"RIFF\x10\x00\x00\x00WAVEfmt ", "Not a JPEG, PNG, GIF or WebP image (by its bytes)."),
        (JPEG + b"\x00" * MAX_PHOTO_BYTES, "Is 256 KiB; at most 256 KiB."),
    ],
)
def test_what_is_not_a_photo(data: bytes, message: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        image_type(data)
    assert caught.value.details == {"photo": [message]}


def test_set_replace_and_remove(services: Services, person: dict[str, Any], store: Store) -> None:
    photos = services.photos
    first = photos.set(person["id"], JPEG)
    assert (first.media_type, first.size) == ("image/jpeg", len(JPEG))
    photos.set(person["id"], PNG)
    again = photos.photo_of(person["id"])
    assert again is not None and (again.media_type, again.data) == ("image/png", PNG)
    assert "photo" not in services.relationships.get(person["id"])
    assert photos.remove(person["id"]) is True
    assert photos.photo_of(person["id"]) is None
    assert photos.remove(person["id"]) is False
    actions = [e["action"] for e in audit_events(store)]
    assert actions[-3:] == [
        "relationship.photo.set",
        "relationship.photo.set",
        "relationship.photo.remove",
    ]


def test_a_wrong_photo_changes_nothing(services: Services, person: dict[str, Any]) -> None:
    services.photos.set(person["id"], JPEG)
    with pytest.raises(ValidationFailed):
        services.photos.set(person["id"], b"plain text")
    kept = services.photos.photo_of(person["id"])
    assert kept is not None and kept.data == JPEG


def test_only_for_a_relationship_that_exists(services: Services) -> None:
    with pytest.raises(NotFound):
        services.photos.set("0190a000-0000-7000-8000-000000000000", JPEG)


def test_deleting_the_relationship_deletes_its_photo(
    services: Services, person: dict[str, Any]
) -> None:
    services.photos.set(person["id"], JPEG)
    services.relationships.delete(person["id"])
    assert services.photos.photo_of(person["id"]) is None
    assert services.photos.count() == 0
