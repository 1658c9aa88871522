"""In-memory indexes of one collection, rebuilt at unlock from the shards' meta parts.

For every record the index keeps which shard holds it, its sort key
``(order value, id)`` and the values of the indexed fields. A sorted list of all
sort keys and, per indexed field and value, a sorted posting list make range
queries and equality lookups cost O(log n + page) whatever the store's size.

What a collection declares and what each record gives its index are in ``spec``
(``CollectionSpec`` and ``entry_for`` can be imported from here too).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice, repeat
from operator import itemgetter
from typing import Any

from sortedcontainers import SortedList

from pds.store.spec import SCALARS, CollectionSpec, entry_for

__all__ = ["CollectionIndex", "CollectionSpec", "ShardRef", "SortKey", "entry_for"]

SortKey = tuple[str, str]
ShardRef = tuple[str, int]  # (month prefix, number)


def _post(postings: dict[Any, set[str]], value: Any, record_id: str) -> None:
    for v in value if value.__class__ is tuple else (value,):
        ids = postings.get(v)
        if ids is None:
            postings[v] = {record_id}
        else:
            ids.add(record_id)


def _canonical(column: Sequence[Any]) -> Sequence[Any]:
    """Indexed values as read from JSON, as the index keeps them: lists as tuples, and
    strings interned (one copy of each vendor id or category in memory)."""
    try:
        return list(map(sys.intern, column))  # the common case: a column of strings
    except TypeError:
        return [
            sys.intern(v) if v.__class__ is str else tuple(v) if v.__class__ is list else v
            for v in column
        ]


class CollectionIndex:
    def __init__(self, spec: CollectionSpec) -> None:
        self.spec = spec
        self._entries: dict[str, tuple[ShardRef, SortKey, tuple[Any, ...]]] = {}
        self._order: SortedList = SortedList()
        # per indexed field: value -> ids; built on the field's first query (None till then)
        self._postings: list[dict[Any, set[str]] | None] = [None for _ in spec.indexes]
        self._views: list[dict[Any, SortedList]] = [{} for _ in spec.indexes]
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
        vals = tuple(values)
        self._entries[record_id] = (ref, key, vals)
        self._order.add(key)
        for postings, value in zip(self._postings, vals):  # noqa: B905 (hot loop)
            if postings is not None:
                _post(postings, value, record_id)
        if any(self._views):
            for views, value in zip(self._views, vals):  # noqa: B905
                for v in value if value.__class__ is tuple else (value,):
                    view = views.get(v)
                    if view is not None:
                        view.add(key)
        numbers = self.shard_counts.get(ref[0])
        if numbers is not None and ref[1] in numbers:
            numbers[ref[1]] += 1
        else:
            self._count(ref, 1)

    def add_many(
        self,
        ids: Sequence[str],
        refs: Sequence[ShardRef],
        orders: Sequence[str],
        values: Sequence[tuple[Any, ...]],
    ) -> None:
        """``add`` of many new records (ids not in the index), a column at a time."""
        keys = list(zip(orders, ids, strict=True))
        self._entries.update(zip(ids, zip(refs, keys, values)))  # noqa: B905
        self._order.update(keys)
        for field, postings in enumerate(self._postings):
            if postings is not None:
                for record_id, vals in zip(ids, values):  # noqa: B905
                    _post(postings, vals[field], record_id)
        if any(self._views):
            for key, vals in zip(keys, values):  # noqa: B905
                for views, value in zip(self._views, vals):  # noqa: B905
                    for v in value if value.__class__ is tuple else (value,):
                        view = views.get(v)
                        if view is not None:
                            view.add(key)
        for ref, count in Counter(refs).items():
            self._count(self._refs.setdefault(ref, ref), count)

    def load(self, ref: ShardRef, rows: Sequence[Sequence[Any]]) -> None:
        """Add a shard's ``[id, order, values]`` rows at unlock; ``finish_load`` sorts.

        Column by column, so that the loops run in C: this is most of unlocking a store.
        """
        if not rows:
            return
        ref = self._refs.setdefault(ref, ref)
        # rows may end with the record's byte span in the body: only the first 3 columns count
        ids, orders, values = list(zip(*rows, strict=True))[:3]
        keys = list(zip(map(sys.intern, orders), ids, strict=True))
        columns = [_canonical(column) for column in zip(*values, strict=True)]
        vals = zip(*columns, strict=True) if columns else repeat((), len(ids))
        self._entries.update(zip(ids, zip(repeat(ref), keys, vals)))  # noqa: B905
        self._pending.extend(keys)
        self._count(ref, len(rows))

    def begin_load(self) -> None:
        self._pending: list[SortKey] = list(self._order)

    def finish_load(self) -> None:
        """Sort all keys once; posting sets are built again when first queried."""
        self._order = SortedList(sorted(self._pending))
        del self._pending
        self._postings = [None for _ in self.spec.indexes]
        self.forget_views()

    def _posting(self, field: int) -> dict[Any, set[str]]:
        """Value -> ids of one indexed field, built from the entries on first use."""
        postings = self._postings[field]
        if postings is None:
            postings = {}
            for record_id, (_, _, values) in self._entries.items():
                _post(postings, values[field], record_id)
            self._postings[field] = postings
        return postings

    def forget_views(self) -> None:
        """Drop the sorted views of posting sets; each is rebuilt when next queried.

        Bulk inserts call this: sorting a posting set once beats keeping it sorted
        record by record.
        """
        self._views = [{} for _ in self.spec.indexes]

    def _view(self, field: int, value: Any) -> SortedList:
        """The posting set of ``value`` as a sorted list of keys, built on first use."""
        view = self._views[field].get(value)
        if view is None:
            entries = self._entries
            ids = self._posting(field).get(value, ())
            view = self._views[field][value] = SortedList([entries[rid][1] for rid in ids])
        return view

    def remove(self, record_id: str) -> ShardRef | None:
        entry = self._entries.pop(record_id, None)
        if entry is None:
            return None
        ref, key, values = entry
        self._order.remove(key)
        for postings, views, value in zip(self._postings, self._views, values):  # noqa: B905
            for v in value if value.__class__ is tuple else (value,):
                if postings is not None:
                    ids = postings[v]
                    ids.discard(record_id)
                    if not ids:
                        del postings[v]
                view = views.get(v)
                if view is not None:
                    view.remove(key)
                    if not view:
                        del views[v]
        self._count(ref, -1)
        return ref

    def rows_for(self, spans: Mapping[str, tuple[int, int]]) -> list[tuple[Any, ...]]:
        """The ``[id, order, values, start, end]`` rows kept in a shard's meta part, for
        the records at these byte spans of its body (tuples encode as JSON arrays)."""
        entries = self._entries
        return [(rid, entries[rid][1][0], entries[rid][2], *span) for rid, span in spans.items()]

    def keys_after(self, key: SortKey | None, limit: int) -> list[SortKey]:
        """Up to ``limit`` sort keys after ``key`` (from the first if ``None``), in order."""
        if key is None:
            return list(islice(self._order, limit))
        return list(islice(self._order.irange(minimum=key, inclusive=(False, True)), limit))

    def holds_any(self, record_ids: Iterable[str]) -> bool:
        return not self._entries.keys().isdisjoint(record_ids)

    def columns(self, fields: Sequence[str]) -> list[tuple[str, tuple[Any, ...]]]:
        """``(order value, (values of fields))`` of every record, in no particular order."""
        try:
            at = [self.spec.indexes.index(field) for field in fields]
        except ValueError:
            raise ValueError(
                f"{self.spec.name}: index only {', '.join(self.spec.indexes)}"
            ) from None
        if len(at) == 1:
            return [(key[0], (vals[at[0]],)) for _, key, vals in self._entries.values()]
        get = itemgetter(*at)
        return [(key[0], get(vals)) for _, key, vals in self._entries.values()]

    def sort_key(self, record_id: str) -> SortKey | None:
        entry = self._entries.get(record_id)
        return entry[1] if entry else None

    def _conditions(self, where: Mapping[str, Any]) -> list[tuple[int, Any]]:
        """``where`` as (field position, value) pairs, rarest value first."""
        conditions: list[tuple[int, Any]] = []
        for field, value in where.items():
            if field not in self.spec.indexes:
                raise ValueError(f"{self.spec.name}.{field} is not indexed")
            if not isinstance(value, SCALARS):
                raise ValueError(f"{self.spec.name}.{field}: match a string, number, bool or null")
            conditions.append((self.spec.indexes.index(field), value))
        conditions.sort(key=lambda cond: len(self._posting(cond[0]).get(cond[1], ())))
        return conditions

    def _candidates(self, where: Mapping[str, Any]) -> tuple[SortedList, list[tuple[int, Any]]]:
        """The sorted keys of the rarest condition; the others are checked per entry."""
        conditions = self._conditions(where)
        if not conditions:
            return self._order, []
        (field, value), rest = conditions[0], conditions[1:]
        return self._view(field, value), rest

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
        conditions = self._conditions(where or {})
        if not conditions:
            return len(self._order)
        if len(conditions) == 1:
            field, value = conditions[0]
            return len(self._posting(field).get(value, ()))
        return sum(1 for _ in self.scan(where))
