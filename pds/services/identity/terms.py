"""The owner's personal terms: published versions, the current one, and their history.

The terms themselves (fields, vocabulary, validation) live in ``policies.terms``;
this service stores each published version as one record and never changes it.
Version 1 is the built-in default until the owner publishes their own. Because the
built-in text ships with the code, it is stored ("pinned") the first time it matters:
when a grant records it (``pin``) or when the owner publishes version 2, so that a
version number always names the same text, across upgrades too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pds.errors import ValidationFailed
from pds.schemas.temporal import format_instant
from pds.services.base import CollectionService
from pds.services.collections import TERMS
from pds.services.context import check_actor
from policies.terms import TermsInvalid, default_terms, validate_terms

#: Fields the service keeps on each version; what is sent to ``publish`` may carry them
#: (e.g. an edited copy of ``current()``) and they are replaced.
KEPT_FIELDS = ("id", "version", "published_at")


def builtin_terms() -> dict[str, Any]:
    """The default terms as a version record not stored yet (``id`` and ``published_at``
    are ``None``)."""
    return {**default_terms(), "id": None, "published_at": None}


class TermsService(CollectionService):
    """The versions of the owner's terms, each named by its ``version`` number."""

    collection_name = TERMS
    noun = "terms version"
    key_field = "version"

    # -- reads -------------------------------------------------------------------------

    def current(self) -> dict[str, Any]:
        """The latest version: the newest stored, or the built-in default (version 1)."""
        versions = self._stored()
        return versions[0] if versions else builtin_terms()

    def find(self, version: Any) -> dict[str, Any] | None:
        """Version ``version`` (the built-in default for 1 until stored), or ``None``;
        ``get`` raises ``NotFound`` instead."""
        if not isinstance(version, int) or isinstance(version, bool):
            return None
        found = self._col.query(where={"version": version}, limit=1)
        if found:
            return found[0]
        return builtin_terms() if version == 1 else None

    def history(self) -> list[dict[str, Any]]:
        """Every version, newest first (version 1, perhaps not stored yet, last)."""
        versions = self._stored()
        return versions if versions else [builtin_terms()]

    # -- writes ------------------------------------------------------------------------

    def pin(self, *, actor: str = "owner") -> dict[str, Any]:
        """The current version, stored first if it is the built-in default: call it when
        recording which version a vendor accepted."""
        check_actor(actor)
        with self._ctx.store.transaction():
            versions = self._stored()
            if versions:
                return versions[0]
            record = self._store_version(default_terms(), 1)
            self._ctx.audit(actor, "terms.pin", target=record["id"])
        return record

    def publish(self, data: Any, *, actor: str = "owner") -> dict[str, Any]:
        """Publish ``data`` as the next version (``ValidationFailed`` names bad fields)."""
        check_actor(actor)
        if isinstance(data, Mapping):
            data = {key: value for key, value in data.items() if key not in KEPT_FIELDS}
        try:
            terms = validate_terms(data)
        except TermsInvalid as exc:
            raise ValidationFailed(str(exc), exc.details) from None
        with self._ctx.store.transaction():
            versions = self._stored()
            if not versions:  # keep version 1 as it was, for the grants that accepted it
                versions = [self._store_version(default_terms(), 1)]
                self._ctx.audit(actor, "terms.pin", target=versions[0]["id"])
            record = self._store_version(terms, versions[0]["version"] + 1)
            self._ctx.audit(actor, "terms.publish", target=record["id"])
        return record

    def _store_version(self, terms: Mapping[str, Any], version: int) -> dict[str, Any]:
        record = {
            **terms,
            "id": self._ctx.ids(),
            "version": version,
            "published_at": format_instant(self._ctx.now()),
        }
        self._col.insert(record)
        return record

    def _stored(self) -> list[dict[str, Any]]:
        """The stored versions, newest first (a handful: they are published by hand)."""
        return sorted(self._col.scan(), key=lambda v: v["version"], reverse=True)
