"""Shards and their cache: lazy bodies, LRU eviction that spares dirty shards, no cycles."""

from __future__ import annotations

import gc
import weakref

import pytest

from pds.store import codec
from pds.store.shards import Shard, ShardCache


def records(*ids: str) -> dict[str, dict[str, object]]:
    return {i: {"id": i, "v": [i]} for i in ids}


def test_a_body_is_parsed_on_first_use() -> None:
    body = codec.dumps(records("a", "b", "c"))
    shard = Shard("shard/x/2024-01/0", body=body, size=3)
    assert len(shard) == 3 and not shard.parsed  # counted without parsing
    assert shard.get("b") == {"id": "b", "v": ["b"]}
    assert shard.parsed
    shard.insert({"id": "d", "v": []})
    shard.remove("a")
    assert sorted(shard.records) == ["b", "c", "d"] and len(shard) == 3
    body, _ = shard.body()
    assert codec.loads(body) == {**records("b", "c"), "d": {"id": "d", "v": []}}


def test_records_inserted_in_bulk_into_a_parsed_shard_go_through_tinydb() -> None:
    shard = Shard("shard/x/2024-01/0", body=codec.dumps(records("a")), size=1)
    shard.get("zz")  # parses the body: TinyDB now holds the records
    assert shard.parsed
    shard.insert_many([{"id": "b", "v": []}, {"id": "c", "v": []}])
    assert shard.dirty and len(shard) == 3
    assert [doc.doc_id for doc in shard.table.all()] == ["a", "b", "c"]
    shard.replace({"id": "b", "v": ["new"]})
    assert shard.get("b") == {"id": "b", "v": ["new"]}


def test_an_id_taken_refuses_the_whole_bulk_insert() -> None:
    shard = Shard("shard/x/2024-01/0", records("a"))
    with pytest.raises(ValueError, match="Document with ID a already exists"):
        shard.insert_many([{"id": "b", "v": []}, {"id": "a", "v": []}])
    assert sorted(shard.records) == ["a"] and not shard.dirty


def test_a_record_with_a_known_span_is_read_without_parsing_the_body() -> None:
    body, spans = Shard("shard/x/2024-01/0", records("a", "b", "c")).body()
    assert codec.loads(body) == records("a", "b", "c")
    rows = [[rid, "", [], *span] for rid, span in spans.items()]
    shard = Shard("shard/x/2024-01/0", body=body, size=3, rows=rows)
    assert shard.get("b") == {"id": "b", "v": ["b"]}
    assert shard.get("c") == {"id": "c", "v": ["c"]}
    assert not shard.parsed  # the body was never parsed
    assert shard.get("zz") is None


def test_records_handed_out_are_copies() -> None:
    shard = Shard("shard/x/all/0", records("a"))
    got = shard.get("a")
    assert got is not None
    got["v"].append("changed")
    assert shard.get("a") == {"id": "a", "v": ["a"]}
    assert next(shard.iter_records()) == {"id": "a", "v": ["a"]}


def test_cache_evicts_least_recently_used_but_never_dirty() -> None:
    cache = ShardCache(max_records=4)
    shards = {n: Shard(f"s/{n}", records(f"{n}1", f"{n}2")) for n in "abc"}
    cache.put(shards["a"])
    cache.put(shards["b"])
    assert cache.records == 4 and len(cache) == 2
    cache.get("s/a", lambda: shards["a"])  # a is now the most recently used
    cache.put(shards["c"])
    assert "s/b" not in cache and "s/a" in cache and "s/c" in cache

    shards["a"].dirty = shards["c"].dirty = True
    d = Shard("s/d", records("d1", "d2"))
    cache.put(d)  # over budget, but a and c are dirty: only d itself could go
    assert "s/a" in cache and "s/c" in cache
    assert cache.records <= 6


def test_cache_keeps_at_least_one_shard() -> None:
    cache = ShardCache(max_records=1)
    big = Shard("s/big", records("1", "2", "3"))
    cache.put(big)
    assert "s/big" in cache and cache.records == 3


def test_an_evicted_shard_is_freed_at_once() -> None:
    """No reference cycle (shard -> TinyDB -> storage -> shard): refcounting frees it."""
    shard = Shard("s/x", records("a"))
    shard.insert({"id": "b"})
    ref = weakref.ref(shard)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        del shard
        assert ref() is None
    finally:
        if was_enabled:
            gc.enable()
