"""Demo data: deterministic from its seed, big enough, valid, fast."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import pytest

from pds.demo.fill import fill_demo
from pds.errors import Conflict
from pds.schemas import PurchaseSchema, load
from pds.services import SPECS, Services
from pds.store import ScryptParams, Store
from tests.services.conftest import PASSPHRASE

TODAY = date(2025, 6, 30)
DOMAIN = ("purchases", "interactions", "relationships", "preferences", "profile")


def snapshot(store: Store) -> dict[str, list[dict[str, Any]]]:
    return {name: sorted(store.collection(name).scan(), key=lambda r: r["id"]) for name in DOMAIN}


def fresh_services(path: Path) -> Services:
    return Services(Store.create(path, PASSPHRASE, specs=SPECS, kdf=ScryptParams.fresh(n=2**10)))


@pytest.fixture(scope="module")
def demo_world(tmp_path_factory: pytest.TempPathFactory) -> Any:
    services = fresh_services(tmp_path_factory.mktemp("demo") / "store")
    started = time.perf_counter()
    counts = fill_demo(services, seed=11, years=2, today=TODAY)
    elapsed = time.perf_counter() - started
    yield services, counts, elapsed
    services.store.close()


def test_demo_is_big_enough_and_spans_two_years(demo_world: Any) -> None:
    services, counts, elapsed = demo_world
    assert counts["purchases"] >= 500
    assert counts["vendors"] >= 12
    assert counts["people"] >= 10
    assert counts["preferences"] >= 15
    assert counts["profile"] == 1
    assert counts["interactions"] > counts["purchases"]
    assert services.counts() == {
        "purchases": counts["purchases"],
        "interactions": counts["interactions"],
        "relationships": counts["vendors"] + counts["people"],
        "preferences": counts["preferences"],
        "profile": 1,
    }
    dates = [p["date"] for p in services.store.collection("purchases").scan()]
    assert min(dates) <= (TODAY - timedelta(days=2 * 365 - 31)).isoformat()
    assert max(dates) <= TODAY.isoformat()
    assert elapsed < 10


def test_demo_records_are_valid_and_consistent(demo_world: Any) -> None:
    services, _, _ = demo_world
    vendors = {v["id"] for v in services.relationships.list(kind="vendor", limit=500).items}
    kinds = {i["kind"] for i in services.store.collection("interactions").scan()}
    assert {"purchase", "subscription", "support", "conversation", "complaint"} <= kinds
    categories = set()
    for stored in services.store.collection("purchases").scan():
        assert load(PurchaseSchema(), stored) is not None
        assert stored["vendor_id"] in vendors
        assert stored["currency"] == "EUR"
        categories.add(stored["category"])
    assert len(categories) >= 10
    assert services.purchases.list(status="new").items  # receipts awaiting review
    assert services.profile.get()["name"]


def test_demo_refuses_a_store_with_data(demo_world: Any) -> None:
    services, _, _ = demo_world
    with pytest.raises(Conflict):
        fill_demo(services, seed=11, today=TODAY)


def test_same_seed_same_data_other_seed_other_data(tmp_path: Path, demo_world: Any) -> None:
    services, _, _ = demo_world
    again = fresh_services(tmp_path / "again")
    other = fresh_services(tmp_path / "other")
    try:
        fill_demo(again, seed=11, years=2, today=TODAY)
        fill_demo(other, seed=12, years=2, today=TODAY)
        assert snapshot(again.store) == snapshot(services.store)
        assert snapshot(other.store)["purchases"] != snapshot(services.store)["purchases"]
    finally:
        again.store.close()
        other.store.close()


def test_demo_insights_keep_family_apart_from_shops_and_ask_about_the_quiet_friend(
    demo_world: Any,
) -> None:
    services, _, _ = demo_world
    noon = datetime.combine(TODAY, clock_time(12), UTC)
    report = services.using(clock=lambda: noon).insights.report()
    kinds = {r["id"]: r for r in services.store.collection("relationships").scan()}
    names = {t.name: {kinds[m]["name"] for m in t.members} for t in report.tiers}
    for tier in report.tiers:
        wanted = "person" if tier.group == "people" else "vendor"
        assert {kinds[m]["kind"] for m in tier.members} == {wanted}, tier.name
    assert {"Elin Lindqvist", "Peter Lindqvist"} <= names["People tier 1"]  # sister, father
    assert report.tiers[0].name == "People tier 1"  # the closest of the people
    [question] = report.drifts  # not the subscription the owner ended
    assert kinds[question.relationship_id]["name"] == "Tomás Ferreira"
    assert question.drift.question().startswith("You were in touch about quarterly;")
    assert "none since" in question.drift.explanation()
