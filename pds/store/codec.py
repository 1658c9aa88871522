"""Serialisation of records to bytes (orjson) and the rule for what a record may hold.

Records are JSON documents: objects, arrays, strings (valid Unicode), integers
within 64 bits, floats, booleans and null. Exact decimals are the schema layer's
business (they travel as strings).
"""

from __future__ import annotations

from typing import Any

import orjson

from pds.errors import ValidationFailed


def dumps(value: Any) -> bytes:
    return orjson.dumps(value)


def loads(data: bytes) -> Any:
    return orjson.loads(data)


def check_record(record: Any) -> bytes:
    """Encode ``record`` or raise ``ValidationFailed`` saying why it cannot be stored."""
    if not isinstance(record, dict):
        raise ValidationFailed("a record must be a JSON object", {"_record": ["not an object"]})
    try:
        return orjson.dumps(record)
    except (orjson.JSONEncodeError, TypeError) as exc:
        raise ValidationFailed(
            "record holds a value that cannot be stored", {"_record": [str(exc)]}
        ) from None
