"""The bases every service builds on.

``CollectionService``: the one collection a service owns (``_col``), and reading a record
by its key (``find``, ``get`` with a ``NotFound`` naming the noun, ``count``). Only the
owning service writes its collection; other services go through its methods.
``RecordService`` adds what records with a marshmallow schema share: validate, stamp,
change and page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, TypeVar

from marshmallow import Schema

from pds.errors import NotFound, ValidationFailed
from pds.schemas import load
from pds.services.context import Context, find_by_id, merge_changes, stamp
from pds.services.paging import Page, fetch_page
from pds.store import Collection

T = TypeVar("T")


class CollectionService:
    """A service over the one collection it owns, ``collection_name``, of ``noun`` records.

    ``find`` and ``get`` take a record's key: its id unless the service names its records
    otherwise (then it overrides ``find``, and ``key_field``/``not_found`` for ``get``).
    """

    collection_name: ClassVar[str]
    noun: ClassVar[str]
    #: The field a ``NotFound`` from ``get`` names in its details.
    key_field: ClassVar[str] = "id"

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    @property
    def _col(self) -> Collection:
        return self._ctx.collection(self.collection_name)

    def find(self, record_id: Any) -> dict[str, Any] | None:
        """The record with ``record_id``, or ``None`` (also for something that is not an id)."""
        return find_by_id(self._col, record_id)

    def get(self, record_id: Any) -> dict[str, Any]:
        """The record ``find`` finds; ``NotFound`` if there is none."""
        record = self.find(record_id)
        if record is None:
            raise self.not_found(record_id)
        return record

    def not_found(self, key: Any) -> NotFound:
        """The error ``get`` raises when nothing has ``key``."""
        return NotFound(f"no {self.noun} {key}", {self.key_field: str(key)})

    def count(self) -> int:
        return self._col.count()


class RecordService(CollectionService):
    """Shared behaviour of the services over one collection of ``schema`` records."""

    schema: ClassVar[Schema]
    immutable: ClassVar[tuple[str, ...]] = ()

    # -- building records --------------------------------------------------------------

    def validate(self, data: Any) -> dict[str, Any]:
        """``data`` loaded through the schema (``ValidationFailed`` with field details)."""
        return load(self.schema, data, what=self.noun)

    def new_record(self, data: Any) -> dict[str, Any]:
        """The storage form of a new record from ``data``: validated, with id and timestamps."""
        loaded = self.validate(data)
        loaded.setdefault("id", self._ctx.ids())
        return stamp(self.schema, loaded, now=self._ctx.now())

    def new_records(self, items: Sequence[Any]) -> list[dict[str, Any]]:
        """``new_record`` of each item; ``ValidationFailed`` details keyed by list index."""
        return build_all(items, self.new_record, what=f"{self.noun}s")

    def changed_record(
        self,
        current: Mapping[str, Any],
        changes: Any,
        *,
        immutable: tuple[str, ...] | None = None,
    ) -> dict[str, Any]:
        """The storage form of ``current`` with ``changes`` applied, validated as a whole;
        ``immutable`` (default: the class's) names the fields that may not change."""
        kept = self.immutable if immutable is None else immutable
        merged = merge_changes(current, changes, what=self.noun, immutable=kept)
        loaded = self.validate(merged)
        return stamp(self.schema, loaded, now=self._ctx.now(), created_at=loaded.get("created_at"))

    def _page(self, query: Mapping[str, Any], **kwargs: Any) -> Page:
        return fetch_page(
            self._col,
            limit=query["limit"],
            cursor=query.get("cursor"),
            descending=query["descending"],
            **kwargs,
        )


def build_all(items: Sequence[Any], build: Callable[[Any], T], *, what: str) -> list[T]:
    """``build`` each item, collecting every ``ValidationFailed`` (details keyed by index)."""
    built: list[T] = []
    errors: dict[str, Any] = {}
    for index, item in enumerate(items):
        try:
            built.append(build(item))
        except ValidationFailed as exc:
            errors[str(index)] = exc.details
    if errors:
        raise ValidationFailed(f"{len(errors)} of {len(items)} {what} are invalid", errors)
    return built


def present(**params: Any) -> dict[str, Any]:
    """The parameters that were given (not ``None``), for a query schema to check."""
    return {key: value for key, value in params.items() if value is not None}
