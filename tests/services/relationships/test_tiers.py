"""Tiers over a real store: people apart from organisations, each tier with its
members, and a tier that keeps its id, number and the owner's label as data arrives."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pds.services import Services
from pds.services.collections import INSIGHTS
from pds.services.relationships.tiers import MIN_OVERLAP, match
from tests.historykit import log_gaps
from tests.services.conftest import START

TODAY = START.date()


def group(services: Services, name: str, count: int, gaps: list[int], **fields: Any) -> set[str]:
    """``count`` people called ``name`` 1..n, each with contacts ``gaps`` apart."""
    ids = set()
    for i in range(count):
        who = services.relationships.add({"kind": "person", "name": f"{name} {i + 1}"})
        log_gaps(services, who, gaps, TODAY - timedelta(days=i), **fields)
        ids.add(who["id"])
    return ids


def members_by_title(services: Services) -> dict[str, set[str]]:
    return {t.title: set(t.members) for t in services.insights.report().tiers}


def test_people_and_organisations_are_tiered_apart(services: Services) -> None:
    family = group(services, "Sister", 3, [7] * 30, kind="call", channel="phone")
    shop = services.relationships.add(
        {"kind": "vendor", "name": "Corner Shop", "domain": "corner.example"}
    )
    log_gaps(services, shop, [3] * 60, TODAY, kind="purchase", channel="in_person")
    report = services.insights.report()
    assert [(t.name, set(t.members)) for t in report.tiers] == [
        ("People tier 1", family),
        ("Organisations tier 1", {shop["id"]}),
    ]
    assert report.tiers_of("organisations")[0].explanation() == (
        "1 organisation, in touch about every 3 days (122 contacts a year at the centre), "
        "depth 0.31 of 1."  # the centre, on the 40 x 40 grid
    )


def test_a_tier_keeps_its_id_number_and_label_when_the_data_changes(
    services: Services,
) -> None:
    family = group(services, "Family", 4, [7] * 30, kind="call", channel="phone")
    distant = group(services, "Distant", 4, [120] * 8, kind="message", channel="email")
    first = {t.title: t for t in services.insights.report().tiers}
    assert {name: set(t.members) for name, t in first.items()} == {
        "People tier 1": family,
        "People tier 2": distant,
    }
    services.insights.label_tier(first["People tier 1"].id, "family")
    closest = group(services, "Daily", 4, [1] * 120, kind="meeting", channel="in_person")
    tiers = services.insights.report().tiers
    by_title = {t.title: t for t in tiers}
    assert {name: set(t.members) for name, t in by_title.items()} == {
        "family": family,
        "People tier 2": distant,
        "People tier 3": closest,  # the closest now, yet the next number
    }
    assert by_title["family"].id == first["People tier 1"].id
    assert by_title["family"].number == 1
    assert [t.title for t in tiers] == ["People tier 3", "family", "People tier 2"]
    assert services.insights.report().tiers == tiers  # the same on the next look


def test_labels_from_before_tier_ids_go_to_the_peoples_tier_of_that_number(
    services: Services, store: Any
) -> None:
    family = group(services, "Family", 2, [7] * 30, kind="call", channel="phone")
    store.collection(INSIGHTS).insert(
        {"id": "0190a000-0000-7000-8000-00000000000a", "kind": "tier_label", "tier": 1,
         "label": "inner circle", "created_at": "2024-01-01T00:00:00Z",
         "updated_at": "2024-01-01T00:00:00Z"}
    )  # fmt: skip
    assert members_by_title(services) == {"inner circle": family}
    assert store.collection(INSIGHTS).query(where={"kind": "tier_label"}) == []


def test_match_pairs_tiers_by_shared_members() -> None:
    old = {"a": frozenset("abcd"), "b": frozenset("wxyz")}
    assert match([frozenset("wxy"), frozenset("abcde"), frozenset("pq")], old) == ["b", "a", None]
    # a split: the larger part continues the old tier, the smaller is new
    assert match([frozenset("ab"), frozenset("bcd")], {"a": frozenset("abcd")}) == [None, "a"]
    # too little shared to be the same tier
    assert MIN_OVERLAP > 1 / 5  # one member shared of five
    assert match([frozenset("aqrst")], {"a": frozenset("a")}) == [None]
