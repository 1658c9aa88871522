"""What every schema shares: the base schema, text/id/choice fields, and the error conversion.

Two forms of every record:

- the *loaded* form (``load``): Python values (``Decimal``, ``date``, aware UTC
  ``datetime``), checked and normalised; optional fields that are absent, ``None`` or
  blank are left out;
- the *storage* form (``dump``): JSON-compatible (decimals as strings, dates and
  times as ISO strings), which is what the store keeps and the API sends.

``load(dump(x)) == x`` for every loaded ``x``. Marshmallow's ``ValidationError`` is
turned into ``pds.errors.ValidationFailed`` in exactly one place: ``load`` here.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

import marshmallow as ma
from marshmallow import RAISE, fields, pre_load, validate

from pds.errors import ValidationFailed

#: Canonical lower-case UUIDv7 (RFC 9562), the form ``pds.store.new_id`` produces.
ID_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

_BAD_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_BAD_MULTI_LINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_LABEL_FORBIDDEN = re.compile(r"[,;|]")


def is_id(value: object) -> bool:
    """True if ``value`` is a canonical lower-case UUIDv7 string."""
    return isinstance(value, str) and ID_PATTERN.match(value) is not None


class Schema(ma.Schema):
    """Base of all pds schemas: unknown fields are an error; ``None`` and blanks mean absent."""

    class Meta:
        unknown = RAISE

    @pre_load
    def _drop_absent(self, data: Any, **_: Any) -> Any:
        if not isinstance(data, Mapping):
            return data  # marshmallow reports "Invalid input type."
        kept: dict[str, Any] = {}
        for key, value in data.items():
            if value is None:
                continue
            field = self.fields.get(key) if isinstance(key, str) else None
            optional = field is not None and not field.required
            if optional and isinstance(value, str) and not value.strip():
                continue
            kept[key] = value
        return kept

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        # Records are dicts: read keys only, never attributes (a purchase without line
        # items must not dump ``dict.items``).
        if isinstance(obj, Mapping):
            return obj.get(attr, default)
        return super().get_attribute(obj, attr, default)

    @ma.post_dump
    def _drop_none(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return {key: value for key, value in data.items() if value is not None}


class ListingSchema(Schema):
    """A response that lists records under ``items`` (each subclass declares it, with its
    records' schema); how many a vendor was sent is counted from it."""


class Text(fields.Field[str]):
    """A string: NFC-normalised, stripped, length-limited, without control characters.

    ``multiline`` text (notes) may hold newlines and tabs (``\\r\\n`` becomes ``\\n``);
    single-line text may not. Lone surrogates are always refused.
    """

    default_error_messages = {
        "invalid": "Not a valid string.",
        "blank": "Must not be blank.",
        "too_long": "Longer than maximum length {max}.",
        "control": "Must not contain control characters.",
        "surrogate": "Contains an invalid character (lone surrogate).",
        "forbidden": "Must not contain any of: , ; |",
    }

    def __init__(
        self,
        *,
        max_length: int,
        multiline: bool = False,
        lower: bool = False,
        no_separators: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.max_length = max_length
        self.multiline = multiline
        self.lower = lower
        self.no_separators = no_separators

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        if _SURROGATE.search(value):
            raise self.make_error("surrogate")
        if self.multiline:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        text = unicodedata.normalize("NFC", value).strip()
        if self.lower:
            text = text.lower()
        bad = _BAD_MULTI_LINE if self.multiline else _BAD_SINGLE_LINE
        if bad.search(text):
            raise self.make_error("control")
        if self.no_separators and _LABEL_FORBIDDEN.search(text):
            raise self.make_error("forbidden")
        if not text:
            raise self.make_error("blank")
        if len(text) > self.max_length:
            raise self.make_error("too_long", max=self.max_length)
        return text

    def _serialize(
        self, value: str | None, attr: str | None, obj: Any, **kwargs: Any
    ) -> str | None:
        return value


def Label(*, max_length: int = 64, **kwargs: Any) -> Text:
    """A short lower-case label: a category or a tag."""
    return Text(max_length=max_length, lower=True, no_separators=True, **kwargs)


class Id(fields.Field[str]):
    """A record id: canonical lower-case UUIDv7."""

    default_error_messages = {"invalid": "Not a valid id (expected a UUIDv7)."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, str):
            text = value.strip().lower()
            if ID_PATTERN.match(text):
                return text
        raise self.make_error("invalid")

    def _serialize(
        self, value: str | None, attr: str | None, obj: Any, **kwargs: Any
    ) -> str | None:
        return value


class Choice(fields.Field[str]):
    """One of a fixed set of lower-case words."""

    default_error_messages = {"invalid": "Must be one of: {choices}."}

    def __init__(self, choices: Iterable[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices: tuple[str, ...] = tuple(choices)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, str) and value.strip().lower() in self.choices:
            return value.strip().lower()
        raise self.make_error("invalid", choices=", ".join(self.choices))

    def _serialize(
        self, value: str | None, attr: str | None, obj: Any, **kwargs: Any
    ) -> str | None:
        return value


class ScalarOrList(fields.Field[Any]):
    """A JSON scalar (string, finite number within ±2^53, boolean) or a list of them."""

    MAX_INT = 2**53
    default_error_messages = {
        "invalid": "Must be a string, number, boolean or a list of them.",
        "number": "Numbers must be finite and within ±2^53.",
        "too_many": "At most {max} values.",
    }

    def __init__(
        self, *, max_text: int, max_items: int, multiline: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.max_items = max_items
        self._text = Text(max_length=max_text, multiline=multiline)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, list | tuple):
            if len(value) > self.max_items:
                raise self.make_error("too_many", max=self.max_items)
            return [self._scalar(item, attr, data) for item in value]
        return self._scalar(value, attr, data)

    def _scalar(self, value: Any, attr: str | None, data: Any) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            if abs(value) > self.MAX_INT or not math.isfinite(value):  # (abs first: huge ints)
                raise self.make_error("number")
            return value
        if isinstance(value, str):
            return self._text.deserialize(value, attr, data)
        raise self.make_error("invalid")

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return list(value) if isinstance(value, list | tuple) else value


class UniqueList(fields.List[Any]):
    """A list whose repeated elements are dropped (first occurrence kept)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        items = super()._deserialize(value, attr, data, **kwargs)
        unique: list[Any] = []
        for item in items:
            if item not in unique:
                unique.append(item)
        return unique


def Tags(**kwargs: Any) -> UniqueList:
    """Up to 20 distinct short lower-case tags."""
    return UniqueList(Label(max_length=32), validate=validate.Length(max=20), **kwargs)


def error_details(messages: Any) -> dict[str, Any]:
    """Marshmallow's messages as ``{field: [messages]}`` with string keys all the way down."""
    if isinstance(messages, Mapping):
        return {str(key): _plain(value) for key, value in messages.items()}
    return {"_schema": _plain(messages)}


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return str(value)


def invalid(what: str, details: Mapping[str, Any]) -> ValidationFailed:
    """The ``ValidationFailed`` for an invalid ``what``, naming the fields at fault."""
    fields_at_fault = ", ".join(sorted(details))
    return ValidationFailed(f"invalid {what}: check {fields_at_fault}", details)


def load(schema: ma.Schema, data: Any, *, what: str = "record") -> dict[str, Any]:
    """Validate ``data`` into its loaded form, or raise ``ValidationFailed`` (field -> messages)."""
    try:
        result: dict[str, Any] = schema.load(data)  # (one object: pds schemas load dicts)
    except ma.ValidationError as exc:
        raise invalid(what, error_details(exc.messages)) from None
    return result


def dump(schema: ma.Schema, obj: Mapping[str, Any]) -> dict[str, Any]:
    """The storage form (JSON-compatible) of a loaded record."""
    dumped: dict[str, Any] = schema.dump(obj)  # (one object: its fields as a dict)
    return dumped
