"""The scope catalogue: what each OAuth scope lets a vendor do, in plain language.

The catalogue is data (``policies/data/scopes.json``), loaded and checked once at
import. Its order is the display order of the consent screen and of ``parse_scope``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from policies._resources import read_json

SENSITIVITIES = ("low", "medium", "high")
REQUIRED = (
    "openid",
    "profile",
    "email",
    "phone",
    "address",
    "offline_access",
    "purchases:read",
    "purchases:write",
    "preferences:read",
    "relationship:read",
    "rfp:respond",
)
# RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
SCOPE_TOKEN = re.compile(r"^[\x21\x23-\x5b\x5d-\x7e]+$")
_FIELDS = ("name", "title", "description", "data", "sensitivity", "claims")


@dataclass(frozen=True)
class Scope:
    """One scope: its ``name`` on the wire and what granting it means for the owner."""

    name: str
    title: str
    description: str  # what the vendor can do, in plain language
    data: tuple[str, ...]  # what data it exposes, in plain words
    sensitivity: str  # "low" | "medium" | "high"
    claims: tuple[str, ...]  # OpenID Connect claims it releases from the owner's profile


class UnknownScope(ValueError):
    """A scope string named scopes that are not in the catalogue (``names``)."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names: tuple[str, ...] = tuple(names)
        super().__init__(f"unknown scope: {' '.join(self.names)}")


class CatalogueInvalid(ValueError):
    """``scopes.json`` does not describe a usable catalogue (a packaging error)."""


def _text(entry: Mapping[str, Any], field: str) -> str:
    value = entry.get(field)
    if not isinstance(value, str) or not value.strip():
        raise CatalogueInvalid(f"scope {entry.get('name')!r}: {field} must be non-empty text")
    return value.strip()


def _texts(entry: Mapping[str, Any], field: str, *, allow_empty: bool) -> tuple[str, ...]:
    value = entry.get(field)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CatalogueInvalid(f"scope {entry.get('name')!r}: {field} must be a list of text")
    if not value and not allow_empty:
        raise CatalogueInvalid(f"scope {entry.get('name')!r}: {field} must not be empty")
    return tuple(v.strip() for v in value)


def _scope(entry: Any) -> Scope:
    if not isinstance(entry, Mapping) or set(entry) != set(_FIELDS):
        raise CatalogueInvalid(f"each scope needs exactly the fields {', '.join(_FIELDS)}")
    name = _text(entry, "name")
    if not SCOPE_TOKEN.match(name):
        raise CatalogueInvalid(f"scope {name!r} is not an RFC 6749 scope token")
    sensitivity = _text(entry, "sensitivity")
    if sensitivity not in SENSITIVITIES:
        raise CatalogueInvalid(f"scope {name!r}: sensitivity must be one of {SENSITIVITIES}")
    return Scope(
        name=name,
        title=_text(entry, "title"),
        description=_text(entry, "description"),
        data=_texts(entry, "data", allow_empty=False),
        sensitivity=sensitivity,
        claims=_texts(entry, "claims", allow_empty=True),
    )


def load_catalogue(document: Any) -> dict[str, Scope]:
    """The catalogue described by ``document`` (the parsed ``scopes.json``), checked."""
    if not isinstance(document, Mapping) or document.get("format") != 1:
        raise CatalogueInvalid("scopes.json must be an object with format 1")
    entries = document.get("scopes")
    if not isinstance(entries, list):
        raise CatalogueInvalid("scopes.json must list its scopes")
    catalogue: dict[str, Scope] = {}
    for scope in map(_scope, entries):
        if scope.name in catalogue:
            raise CatalogueInvalid(f"scope {scope.name!r} is listed twice")
        catalogue[scope.name] = scope
    missing = [name for name in REQUIRED if name not in catalogue]
    if missing:
        raise CatalogueInvalid(f"scopes.json lacks required scopes: {', '.join(missing)}")
    return catalogue


CATALOGUE: Mapping[str, Scope] = MappingProxyType(load_catalogue(read_json("scopes.json")))
SUPPORTED: tuple[str, ...] = tuple(CATALOGUE)
_POSITION = {name: position for position, name in enumerate(SUPPORTED)}


def _in_order(names: Iterable[str]) -> tuple[str, ...]:
    """``names`` without repeats, in catalogue order; ``UnknownScope`` names the others."""
    wanted = set(names)
    unknown = sorted(name for name in wanted if name not in CATALOGUE)
    if unknown:
        raise UnknownScope(unknown)
    return tuple(sorted(wanted, key=_POSITION.__getitem__))


def parse_scope(text: str | None) -> tuple[str, ...]:
    """The scopes of an RFC 6749 ``scope`` string (space-separated), in catalogue order.

    ``None`` or an empty string is no scope; repeats are dropped; names not in the
    catalogue raise ``UnknownScope``.
    """
    if text is None:
        return ()
    if not isinstance(text, str):
        raise UnknownScope([repr(text)])
    return _in_order(token for token in text.split(" ") if token)


def claims_for(scopes: Iterable[str]) -> frozenset[str]:
    """The OpenID Connect claims that ``scopes`` release (``sub`` is always released).

    Names not in the catalogue release nothing (a grant can outlive a retired scope).
    """
    return frozenset(
        claim for name in set(scopes) if name in CATALOGUE for claim in CATALOGUE[name].claims
    )


def describe(scopes: Iterable[str]) -> list[Scope]:
    """The catalogue entries of ``scopes``, in catalogue order (for the consent screen)."""
    return [CATALOGUE[name] for name in _in_order(scopes)]


def scope_string(scopes: Iterable[str]) -> str:
    """``scopes`` as an RFC 6749 scope string, in catalogue order."""
    return " ".join(_in_order(scopes))
