"""In-memory indexes of one collection, rebuilt at unlock from the shards' meta parts.

For every record the index keeps which shard holds it, its sort key
``(order value, id)`` and the values of the indexed fields. A sorted list of all
sort keys and, per indexed field and value, a sorted posting list make range
queries and equality lookups cost O(log n + page) whatever the store's size.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sortedcontainers import SortedList

from pds.errors import ValidationFailed

SortKey = tuple[str, str]
ShardRef = tuple[str, int]  # (month prefix, number)
_SCALARS = (str, int, float, bool, type(None))


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


def _index_value(spec: CollectionSpec, field: str, value: Any) -> Any:
    if isinstance(value, list):
        if all(isinstance(v, _SCALARS) for v in value):
            return tuple(value)
    elif isinstance(value, _SCALARS):
        return sys.intern(value) if isinstance(value, str) and len(value) <= 40 else value
    raise ValidationFailed(
        f"{spec.name}.{field} must be a scalar or a list of scalars",
        {field: ["must be a string, number, boolean, null or a list of them"]},
    )


def entry_for(spec: CollectionSpec, record: Mapping[str, Any]) -> tuple[str, tuple[Any, ...]]:
    """The (order value, indexed values) that the index keeps for ``record``."""
    order = record.get(spec.order_by, "") if spec.order_by else ""
    if not isinstance(order, str):
        raise ValidationFailed(
            f"{spec.name}.{spec.order_by} must be an ISO date string",
            {str(spec.order_by): ["must be an ISO date or datetime string"]},
        )
    values = tuple(_index_value(spec, f, record.get(f)) for f in spec.indexes)
    return sys.intern(order) if len(order) <= 32 else order, values


class CollectionIndex:
    def __init__(self, spec: CollectionSpec) -> None:
        self.spec = spec
        self._entries: dict[str, tuple[ShardRef, SortKey, tuple[Any, ...]]] = {}
        self._order: SortedList = SortedList()
        self._postings: list[dict[Any, SortedList]] = [{} for _ in spec.indexes]
        self._refs: dict[ShardRef, ShardRef] = {}
        self.shard_counts: dict[str, dict[int, int]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, record_id: str) -> bool:
        return record_id in self._entries

    def shard_of(self, record_id: str) -> ShardRef | None:
        entry = self._entries.get(record_id)
        return entry[0] if entry else None

    def _count(self, ref: ShardRef, delta: int) -> None:
        prefix, number = ref
        numbers = self.shard_counts.setdefault(prefix, {})
        left = numbers.get(number, 0) + delta
        if left:
            numbers[number] = left
            return
        del numbers[number]
        if not numbers:
            del self.shard_counts[prefix]
        self._refs.pop(ref, None)

    def add(self, record_id: str, ref: ShardRef, order: str, values: Sequence[Any]) -> None:
        ref = self._refs.setdefault(ref, ref)
        key = (order, record_id)
        self._entries[record_id] = (ref, key, tuple(values))
        self._order.add(key)
        for postings, value in zip(self._postings, values, strict=True):
            for v in value if isinstance(value, tuple) else (value,):
                posting = postings.get(v)
                if posting is None:  # (not setdefault: that would build a list every time)
                    posting = postings[v] = SortedList()
                posting.add(key)
        self._count(ref, 1)

    def load(self, ref: ShardRef, rows: Sequence[Sequence[Any]]) -> None:
        """Add a shard's ``[id, order, values]`` rows at unlock; ``finish_load`` sorts."""
        ref = self._refs.setdefault(ref, ref)
        pending, entries, intern = self._pending, self._entries, sys.intern
        for record_id, order, values in rows:
            key = (intern(order) if len(order) <= 32 else order, record_id)
            vals = tuple(
                tuple(v)
                if isinstance(v, list)
                else intern(v)  # as ``add`` does: one copy of each vendor id, category...
                if isinstance(v, str) and len(v) <= 40
                else v
                for v in values
            )
            entries[record_id] = (ref, key, vals)
            pending.append(key)
        self._count(ref, len(rows))

    def begin_load(self) -> None:
        self._pending: list[SortKey] = list(self._order)

    def finish_load(self) -> None:
        """Sort all keys once; walking them in order fills every posting list already sorted."""
        order = sorted(self._pending)
        del self._pending
        postings: list[defaultdict[Any, list[SortKey]]] = [
            defaultdict(list) for _ in self.spec.indexes
        ]
        entries = self._entries
        for key in order:
            for lists, value in zip(postings, entries[key[1]][2]):  # noqa: B905 (hot loop)
                if value.__class__ is tuple:
                    for v in value:
                        lists[v].append(key)
                else:
                    lists[value].append(key)
        self._order = SortedList(order)  # presorted: linear
        self._postings = [{v: SortedList(keys) for v, keys in p.items()} for p in postings]

    def remove(self, record_id: str) -> ShardRef | None:
        entry = self._entries.pop(record_id, None)
        if entry is None:
            return None
        ref, key, values = entry
        self._order.remove(key)
        for postings, value in zip(self._postings, values, strict=True):
            for v in value if isinstance(value, tuple) else (value,):
                posting = postings[v]
                posting.remove(key)
                if not posting:
                    del postings[v]
        self._count(ref, -1)
        return ref

    def rows_for(self, record_ids: Iterable[str]) -> list[list[Any]]:
        """The ``[id, order, values]`` rows kept in a shard's meta part."""
        rows = []
        for rid in record_ids:
            _, key, values = self._entries[rid]
            rows.append([rid, key[0], [list(v) if isinstance(v, tuple) else v for v in values]])
        return rows

    def sort_key(self, record_id: str) -> SortKey | None:
        entry = self._entries.get(record_id)
        return entry[1] if entry else None

    def _candidates(self, where: Mapping[str, Any]) -> tuple[SortedList, list[tuple[int, Any]]]:
        """Pick the shortest posting list; the other conditions are checked per entry."""
        conditions: list[tuple[int, Any]] = []
        for field, value in where.items():
            if field not in self.spec.indexes:
                raise ValueError(f"{self.spec.name}.{field} is not indexed")
            if not isinstance(value, _SCALARS):
                raise ValueError(f"{self.spec.name}.{field}: match a string, number, bool or null")
            conditions.append((self.spec.indexes.index(field), value))
        if not conditions:
            return self._order, []
        lists = [(self._postings[i].get(v, SortedList()), (i, v)) for i, v in conditions]
        lists.sort(key=lambda item: len(item[0]))
        return lists[0][0], [cond for _, cond in lists[1:]]

    def _matches(self, record_id: str, conditions: list[tuple[int, Any]]) -> bool:
        values = self._entries[record_id][2]
        for i, wanted in conditions:
            value = values[i]
            if value != wanted and not (isinstance(value, tuple) and wanted in value):
                return False
        return True

    def scan(
        self,
        where: Mapping[str, Any] | None = None,
        start: str | None = None,
        end: str | None = None,
        descending: bool = False,
        after: str | None = None,
    ) -> Iterator[str]:
        """Ids matching ``where`` with ``start <= order value < end``, in sort order.

        ``after`` is a cursor: the id of the last record of the previous page.
        """
        source, conditions = self._candidates(where or {})
        low: SortKey | None = (start, "") if start is not None else None
        high: SortKey | None = (end, "") if end is not None else None
        inclusive = (True, False)
        if after is not None:
            cursor = self.sort_key(after)
            if cursor is None:
                raise KeyError(after)
            if descending:
                high, inclusive = (min(cursor, high) if high else cursor), (inclusive[0], False)
            else:
                low, inclusive = (max(cursor, low) if low else cursor), (False, inclusive[1])
        for _, record_id in source.irange(low, high, inclusive=inclusive, reverse=descending):
            if not conditions or self._matches(record_id, conditions):
                yield record_id

    def count(self, where: Mapping[str, Any] | None = None) -> int:
        source, conditions = self._candidates(where or {})
        if not conditions:
            return len(source)
        return sum(1 for _ in self.scan(where))
