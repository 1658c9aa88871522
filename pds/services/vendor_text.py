"""Text from vendors, without the invisible characters that make it show something else.

Bidirectional overrides, embeddings and isolates (U+202A-U+202E, U+2066-U+2069) reorder
what follows them: ``Shop\\u202egnp.exe`` shows as ``Shopexe.png``, and a vendor could
make its name read like another's on the consent page. Direction marks (U+200E, U+200F,
U+061C) and zero-width characters (U+200B-U+200D, U+2060, U+FEFF) make two names that
look the same differ, or hide text. Every string a vendor sends (its registration
metadata, receipts, offers, questions) loses them as it enters the store, so no
surface shows them: the portal, the command line, the archive's CSV, e-mail.
"""

from __future__ import annotations

import re
from typing import Any

INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


def without_invisible(value: Any) -> Any:
    """``value`` with every string in it (in lists and as mapping values, at any depth)
    stripped of ``INVISIBLE`` characters; anything else is returned as it is."""
    if isinstance(value, str):
        return INVISIBLE.sub("", value)
    if isinstance(value, dict):
        return {key: without_invisible(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_invisible(item) for item in value]
    return value
