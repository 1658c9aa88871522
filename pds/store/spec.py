"""What a collection declares (``CollectionSpec``) and what each record gives its index:
the order value and the values of the indexed fields, checked to be plain JSON scalars
(or lists of them)."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pds.errors import ValidationFailed

SCALARS = (str, int, float, bool, type(None))


@dataclass(frozen=True)
class CollectionSpec:
    """How a collection is laid out: declared by its owner (the services), enforced here.

    - ``order_by``: field whose value (an ISO date or datetime string) orders the
      records; ``None`` orders them by id, i.e. by creation time.
    - ``shard_by``: date field whose month (``YYYY-MM``) groups records into shards;
      ``None`` keeps the collection in one run of bounded shards.
    - ``indexes``: fields usable in ``where=`` equality lookups; a list value is
      indexed under each of its elements (tags).
    """

    name: str
    order_by: str | None = None
    shard_by: str | None = None
    indexes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.name.replace("_", "").isalnum() or not self.name.islower():
            raise ValueError(f"collection name {self.name!r}: use lower-case letters and _")

    def layout(self) -> dict[str, Any]:
        return {"order_by": self.order_by, "shard_by": self.shard_by, "indexes": list(self.indexes)}


def _invalid(spec: CollectionSpec, field: str) -> ValidationFailed:
    return ValidationFailed(
        f"{spec.name}.{field} must be a scalar or a list of scalars",
        {field: ["must be a string, number, boolean, null or a list of them"]},
    )


def entry_for(spec: CollectionSpec, record: Mapping[str, Any]) -> tuple[str, tuple[Any, ...]]:
    """The (order value, indexed values) that the index keeps for ``record``.

    Short strings are interned: one copy of each vendor id, category or date in memory.
    """
    order = record.get(spec.order_by, "") if spec.order_by else ""
    if order.__class__ is not str:
        raise _order_error(spec)
    values = []
    for field in spec.indexes:
        value: Any = record.get(field)  # anything: checked by its exact class below
        kind = value.__class__
        if kind is str:
            value = sys.intern(value) if len(value) <= 40 else value
        elif kind is list:
            if not all(isinstance(v, SCALARS) for v in value):
                raise _invalid(spec, field)
            value = tuple(value)
        elif not isinstance(value, SCALARS):
            raise _invalid(spec, field)
        values.append(value)
    return sys.intern(order) if len(order) <= 32 else order, tuple(values)


def _order_error(spec: CollectionSpec) -> ValidationFailed:
    return ValidationFailed(
        f"{spec.name}.{spec.order_by} must be an ISO date string",
        {str(spec.order_by): ["must be an ISO date or datetime string"]},
    )


class NotPlain(Exception):
    """A value that JSON would turn into something else (a date, a tuple, a str subclass)."""


_PLAIN_SCALARS = frozenset({str, int, float, bool, type(None)})


def _checked_column(spec: CollectionSpec, field: str, column: list[Any], exact: bool) -> list[Any]:
    """One indexed field of many records, as ``entry_for`` keeps it (lists as tuples).

    ``exact``: the values come from the caller's records, not from JSON; anything
    that is not exactly a JSON type raises ``NotPlain`` (the caller then decodes).
    """
    try:
        return list(map(sys.intern, column))  # the common case: a column of strings
    except TypeError:
        pass
    kept = []
    for value in column:
        kind = value.__class__
        if kind is str:
            value = sys.intern(value)
        elif kind is list:
            try:
                value = tuple(map(sys.intern, value))  # the common case: a list of strings
            except TypeError:
                value = _list_value(spec, field, value, exact)
        elif kind not in _PLAIN_SCALARS:
            if exact:
                raise NotPlain(field)
            if not isinstance(value, SCALARS):
                raise _invalid(spec, field)
        kept.append(value)
    return kept


def _list_value(spec: CollectionSpec, field: str, value: list[Any], exact: bool) -> tuple[Any, ...]:
    if exact and not all(v.__class__ in _PLAIN_SCALARS for v in value):
        raise NotPlain(field)
    if not all(isinstance(v, SCALARS) for v in value):
        raise _invalid(spec, field)
    return tuple(value)


def entries_for(
    spec: CollectionSpec, records: Sequence[Mapping[str, Any]], *, exact: bool = False
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """``entry_for`` of many records at once, a column at a time (the loops run in C).

    With ``exact``, raises ``NotPlain`` rather than judge a value that is not
    exactly of a JSON type (see ``_checked_column``).
    """
    if spec.order_by:
        orders = [r.get(spec.order_by, "") for r in records]
        try:
            orders = list(map(sys.intern, orders))
        except TypeError:  # not a string (str subclasses do not come out of JSON)
            raise (NotPlain(spec.order_by) if exact else _order_error(spec)) from None
    else:
        orders = [""] * len(records)
    columns = [
        _checked_column(spec, field, [r.get(field) for r in records], exact)
        for field in spec.indexes
    ]
    values = list(zip(*columns, strict=True)) if columns else [()] * len(records)
    return orders, values
