"""The policies' words for translation: what the owner reads of them in the portal.

The scope catalogue's titles and descriptions, the purposes terms may allow and the
default terms' clauses are data (``policies/data``), not code Babel can read, so
``babel.cfg`` registers :func:`extract_policies` as the extraction method of those
files (``make messages``). :func:`texts_of` is the same list, for the catalogue check.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import IO, Any


def texts_of(document: Any) -> list[str]:
    """The owner-facing text of one policy data file (``scopes.json`` or ``terms.json``)."""
    if not isinstance(document, Mapping):
        return []
    texts: list[str] = []
    for scope in document.get("scopes", []):
        texts += [scope["title"], scope["description"]]
    texts += list(document.get("purposes", {}).values())
    for clause in document.get("default", {}).get("clauses", []):
        texts += [clause["title"], clause["text"]]
    return [text.strip() for text in texts]


def extract_policies(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Sequence[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel's extraction method for the policy data files: each text, as a message."""
    for text in texts_of(json.loads(fileobj.read().decode("utf-8"))):
        yield 1, None, text, []
