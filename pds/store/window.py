"""The shards an ordered scan reads from their files, kept apart from the store's cache."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from pds.store.shards import Shard


class ShardWindow:
    """Shards a scan read from their files: least recently used out beyond ``records``."""

    def __init__(self, records: int) -> None:
        self.max_records = records
        self._shards: OrderedDict[str, Shard] = OrderedDict()
        self._records = 0
        self._generation: int | None = None

    def valid_for(self, generation: int) -> None:
        """Drop every shard if the store has committed since they were read."""
        if generation != self._generation:
            self._shards.clear()
            self._records = 0
            self._generation = generation

    def get(self, name: str, read: Callable[[str], Shard]) -> Shard:
        shard = self._shards.get(name)
        if shard is not None:
            self._shards.move_to_end(name)
            return shard
        shard = self._shards[name] = read(name)
        self._records += len(shard)
        while self._records > self.max_records and len(self._shards) > 1:
            _, evicted = self._shards.popitem(last=False)
            self._records -= len(evicted)
        return shard
