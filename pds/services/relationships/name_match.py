"""Finding a relationship by what the owner types: its id, or its name matched without
regard to case or accents ("jonas", "Jonás W", "jnas webr").

``candidates`` answers in the first of these that finds anything: the id itself, the
exact name, names that start with the text (or a word of the name does), then close
spellings (``difflib``). More than one candidate is for the caller to ask about.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

#: How alike a name must be to count as a close spelling (``difflib`` ratio, 0..1).
FUZZY_CUTOFF = 0.75
#: At most this many close spellings are offered.
FUZZY_LIMIT = 5


def folded(text: str) -> str:
    """``text`` without case, accents and repeated spaces: what matching compares."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def candidates(text: str, records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The relationships ``text`` may mean, best kind of match first (see the module)."""
    pool = [dict(record) for record in records]
    wanted = text.strip()
    by_id = [r for r in pool if r["id"] == wanted]
    if by_id:
        return by_id
    key = folded(wanted)
    if not key:
        return []
    names = {r["id"]: folded(r.get("name", "")) for r in pool}
    exact = [r for r in pool if names[r["id"]] == key]
    if exact:
        return exact
    prefixed = [r for r in pool if _starts(names[r["id"]], key)]
    if prefixed:
        return prefixed
    close = difflib.get_close_matches(key, set(names.values()), FUZZY_LIMIT, FUZZY_CUTOFF)
    return [r for name in close for r in pool if names[r["id"]] == name]


def _starts(name: str, key: str) -> bool:
    words = name.split()
    return name.startswith(key) or any(
        " ".join(words[i:]).startswith(key) for i in range(1, len(words))
    )
