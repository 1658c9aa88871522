"""Preferences: the owner's namespaced settings towards vendors (``clothing.size`` = ``"M"``).

A key is two or more dot-separated lower-case words (``[a-z][a-z0-9_]*``); its first
word is the namespace and the default category. A value is a JSON scalar (string,
number, boolean) or a list of them; ``null`` is not a value (delete the preference).
``visibility`` says who may see it: ``private`` (default, only the owner),
``shared`` (vendors the owner grants it to) or ``public``.
"""

from __future__ import annotations

import re
from typing import Any

from marshmallow import post_load

from pds.schemas.common import Choice, Id, Label, ScalarOrList, Schema, Text
from pds.schemas.temporal import Instant

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
MAX_KEY_LENGTH = 128
VISIBILITIES = ("private", "shared", "public")
MAX_LIST = 100


class PreferenceKey(Text):
    default_error_messages = {
        "key": "Must be a namespaced key like clothing.size (lower-case words joined by dots)."
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=MAX_KEY_LENGTH, lower=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not KEY_PATTERN.match(text):
            raise self.make_error("key")
        return text


def namespace_of(key: str) -> str:
    return key.split(".", 1)[0]


class PreferenceValue(ScalarOrList):
    """A JSON scalar (string up to 1000 characters, finite number, boolean) or a list of them."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_text=1000, multiline=True, max_items=MAX_LIST, **kwargs)


class PreferenceSchema(Schema):
    id = Id()
    key = PreferenceKey(required=True)
    category = Label()
    value = PreferenceValue(required=True)
    visibility = Choice(VISIBILITIES, load_default="private")
    note = Text(max_length=500, multiline=True)
    created_at = Instant()
    updated_at = Instant()

    @post_load
    def _default_category(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data.setdefault("category", namespace_of(data["key"]))
        return data


class PreferenceQuerySchema(Schema):
    category = Label()
    visibility = Choice(VISIBILITIES)
    prefix = Text(max_length=MAX_KEY_LENGTH, lower=True)
