"""Finding the known vendor a file means by a name that is not quite its name.

``Fresh Fields Market GmbH`` in a bank statement is the known ``Fresh Fields Market``:
names are compared without case, accents, punctuation and legal forms (GmbH, Inc., Ltd,
...), by rapidfuzz's weighted ratio. A match is only ever a *proposal*: the import uses
it when told to (``accept``), else names it and lets the owner decide.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

THRESHOLD = 88
LEGAL_FORMS = frozenset(
    (
        "gmbh", "ag", "kg", "ohg", "ug", "mbh", "ek", "se", "co", "inc", "incorporated",
        "ltd", "limited", "llc", "llp", "plc", "corp", "corporation", "company", "sa",
        "sas", "sarl", "srl", "spa", "bv", "nv", "oy", "ab", "as",
    )
)  # fmt: skip


def name_key(name: str) -> str:
    """``name`` for comparing: lower case, no accents or punctuation, no legal form."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.findall(r"[a-z0-9]+", plain.replace("&", " and "))
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    return " ".join(words)


@dataclass(frozen=True)
class Proposal:
    """A name in the file, the known vendor it is close to, and how close (0-100)."""

    name: str
    vendor_id: str
    vendor_name: str
    score: int

    def describe(self) -> str:
        return f"{self.name} -> {self.vendor_name}? ({self.score}% alike)"


class VendorMatcher:
    """Proposes, for a name no vendor has, the known vendor most like it (if any is)."""

    def __init__(self, vendors: Iterable[Mapping[str, Any]]) -> None:
        self._names = {str(v["id"]): str(v["name"]) for v in vendors}
        self._keys = {vid: name_key(name) for vid, name in self._names.items()}

    def propose(self, name: str) -> Proposal | None:
        key = name_key(name)
        if len(key) < 3 or not self._keys:
            return None
        found = process.extractOne(key, self._keys, scorer=fuzz.WRatio, score_cutoff=THRESHOLD)
        if found is None:
            return None
        _, score, vendor_id = found
        return Proposal(name, str(vendor_id), self._names[str(vendor_id)], round(score))
