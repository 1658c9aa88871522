"""Property: any valid record round-trips store -> close -> reopen unchanged, still indexed."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pds.store import Store

from .storekit import create_store, open_store

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | text
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(text, children, max_size=5),
    max_leaves=25,
)
reserved = {"id", "date", "vendor_id", "tags"}
records = st.fixed_dictionaries(
    {
        "date": st.one_of(
            st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)).map(dt.date.isoformat),
            st.datetimes(dt.datetime(1970, 1, 1), dt.datetime(2100, 1, 1)).map(
                lambda d: d.isoformat(timespec="microseconds")
            ),
        ),
        "vendor_id": text,
        "tags": st.lists(text, max_size=4),
    },
    optional={"id": st.uuids().map(str)},
).flatmap(
    lambda fixed: st.dictionaries(
        text.filter(lambda k: k not in reserved), json_values, max_size=6
    ).map(lambda extra: {**extra, **fixed})
)


class Holder:
    """One store for the whole property run, reopened for every example."""

    def __init__(self) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="pds-roundtrip-")
        self.home = Path(self.tmp.name) / "store"
        self.store: Store = create_store(self.home, shard_capacity=8)
        self.kept: dict[str, dict[str, Any]] = {}

    def reopen(self) -> Store:
        self.store.close()
        self.store = open_store(self.home, shard_capacity=8)
        return self.store

    def close(self) -> None:
        self.store.close()
        self.tmp.cleanup()


def test_any_record_round_trips() -> None:
    holder = Holder()

    @settings(
        max_examples=50,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(record=records)
    def check(record: dict[str, Any]) -> None:
        if record.get("id") in holder.kept:  # hypothesis may repeat a uuid
            return
        inserted = holder.store.collection("purchases").insert(record)
        assert inserted == {**record, "id": inserted["id"]}
        holder.kept[inserted["id"]] = inserted

        purchases = holder.reopen().collection("purchases")
        got = purchases.get(inserted["id"])
        assert got == inserted
        assert list(got) == list(inserted)  # key order too

        found = purchases.query(
            where={"vendor_id": record["vendor_id"]},
            start=record["date"],
            end=record["date"] + "\uffff",
        )
        assert inserted["id"] in {r["id"] for r in found}
        for tag in set(record["tags"]):
            assert inserted["id"] in {r["id"] for r in purchases.query(where={"tags": tag})}
        assert len(purchases) == len(holder.kept)

    try:
        check()
        # everything inserted by every example is still there, unchanged
        purchases = holder.reopen().collection("purchases")
        assert {r["id"]: r for r in purchases.scan()} == holder.kept
    finally:
        holder.close()
