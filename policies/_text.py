"""Checking text the owner typed: normalised, stripped, no control characters."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_SINGLE_LINE_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MULTI_LINE_BAD = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def check_text(value: Any, *, max_length: int, multiline: bool = False) -> tuple[str, list[str]]:
    """``value`` as stored (NFC, stripped) and the messages saying what is wrong with it."""
    if not isinstance(value, str):
        return "", ["Must be text."]
    if _SURROGATE.search(value):
        return "", ["Contains an invalid character."]
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", value).strip()
    if (_MULTI_LINE_BAD if multiline else _SINGLE_LINE_BAD).search(text):
        return text, ["Must not contain control characters" + ("." if multiline else " or breaks.")]
    if not text:
        return text, ["Must not be blank."]
    if len(text) > max_length:
        return text, [f"At most {max_length} characters."]
    return text, []


def is_whole_number(value: Any) -> bool:
    """Whether ``value`` is an ``int`` (and not a ``bool``, which Python counts as one)."""
    return isinstance(value, int) and not isinstance(value, bool)
