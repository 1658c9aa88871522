"""Serialisation of records to bytes (orjson) and the rule for what a record may hold.

Records are JSON documents: objects, arrays, strings (valid Unicode), integers
within 64 bits, floats, booleans and null. Exact decimals are the schema layer's
business (they travel as strings).
"""

from __future__ import annotations

import math
from typing import Any

import orjson

from pds.errors import ValidationFailed


def dumps(value: Any) -> bytes:
    return orjson.dumps(value)


def loads(data: bytes | bytearray) -> Any:
    return orjson.loads(data)


def load_record(data: bytes | bytearray) -> dict[str, Any]:
    """A record from its encoding (``check_record`` let only JSON objects be stored)."""
    record: dict[str, Any] = orjson.loads(data)
    return record


def copy_record(record: dict[str, Any]) -> dict[str, Any]:
    """A deep copy through JSON: the store never shares a nested object with its caller."""
    return load_record(orjson.dumps(record))


def check_record(record: Any) -> bytes:
    """Encode ``record`` or raise ``ValidationFailed`` saying why it cannot be stored."""
    if not isinstance(record, dict):
        raise ValidationFailed("a record must be a JSON object", {"_record": ["not an object"]})
    try:
        encoded = orjson.dumps(record)
    except (orjson.JSONEncodeError, TypeError) as exc:
        raise ValidationFailed(
            "record holds a value that cannot be stored", {"_record": [str(exc)]}
        ) from None
    if b"null" in encoded and _has_non_finite(record):  # orjson writes NaN and inf as null
        raise ValidationFailed(
            "record holds a value that cannot be stored",
            {"_record": ["NaN and infinity are not JSON numbers"]},
        )
    return encoded


def encode_record(record: dict[str, Any]) -> bytes:
    """``check_record`` for the common case: a plain encode, checked only if in doubt."""
    try:
        encoded = orjson.dumps(record)
    except (orjson.JSONEncodeError, TypeError) as exc:
        check_record(record)  # raises ValidationFailed naming the problem
        raise ValidationFailed(  # pragma: no cover - check_record raised
            "record holds a value that cannot be stored", {"_record": [str(exc)]}
        ) from None
    if b"null" in encoded:  # NaN and infinity encode as null
        check_record(record)
    return encoded


def _has_non_finite(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_has_non_finite(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_non_finite(v) for v in value)
    return False
