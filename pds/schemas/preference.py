"""Preferences: the owner's namespaced settings towards vendors (``clothing.size`` = ``"M"``).

A key is two or more dot-separated lower-case words (``[a-z][a-z0-9_]*``); its first
word is the namespace and the default category. A value is a JSON scalar (string,
number, boolean) or a list of them; ``null`` is not a value (delete the preference).
``visibility`` says who may see it: ``private`` (default, only the owner),
``shared`` (vendors the owner grants it to) or ``public``.
"""

from __future__ import annotations

import math
import re
from typing import Any, ClassVar

from marshmallow import fields, post_load

from pds.schemas.common import Choice, Id, Label, Schema, Text
from pds.schemas.temporal import Instant

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
MAX_KEY_LENGTH = 128
VISIBILITIES = ("private", "shared", "public")
MAX_LIST = 100
MAX_INT = 2**53


class PreferenceKey(Text):
    default_error_messages: ClassVar[dict[str, str]] = {
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


class PreferenceValue(fields.Field):
    """A JSON scalar (string up to 1000 characters, finite number, boolean) or a list of them."""

    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid": "Must be a string, number, boolean or a list of them.",
        "number": "Numbers must be finite and within ±2^53.",
        "too_many": f"At most {MAX_LIST} values.",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._text = Text(max_length=1000, multiline=True)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, list | tuple):
            if len(value) > MAX_LIST:
                raise self.make_error("too_many")
            return [self._scalar(item, attr, data) for item in value]
        return self._scalar(value, attr, data)

    def _scalar(self, value: Any, attr: str | None, data: Any) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            if abs(value) > MAX_INT:
                raise self.make_error("number")
            return value
        if isinstance(value, float):
            if not math.isfinite(value) or abs(value) > MAX_INT:
                raise self.make_error("number")
            return value
        if isinstance(value, str):
            return self._text.deserialize(value, attr, data)
        raise self.make_error("invalid")

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return list(value) if isinstance(value, list | tuple) else value


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
