"""Grant evaluation: status, scopes, and each constraint, decided record by record."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policies.access import (
    SCOPE_COLLECTIONS,
    ConstraintsInvalid,
    Decision,
    PurchaseReach,
    decide,
    grant_status,
    narrower,
    purchase_reach,
    validate_constraints,
)
from policies.scopes import SUPPORTED

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
VENDOR = "01900000-0000-7000-8000-000000000001"
OTHER = "01900000-0000-7000-8000-000000000002"
ALL_SCOPES = list(SUPPORTED)


def grant(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "01900000-0000-7000-8000-0000000000aa",
        "client_id": "shop-client",
        "vendor_id": VENDOR,
        "scopes": ALL_SCOPES,
        "constraints": {"purchases": "vendor", "categories": [], "since": None},
        "expires_at": None,
        "terms_version": 1,
        "status": "active",
        "created_at": "2025-01-01T00:00:00Z",
        "last_used_at": None,
        "revoked_at": None,
    }
    return {**base, **changes}


def purchase(**changes: Any) -> dict[str, Any]:
    return {"id": "p1", "vendor_id": VENDOR, "date": "2025-03-01", "category": "books", **changes}


def read_purchase(g: dict[str, Any], record: dict[str, Any] | None) -> Decision:
    return decide(g, scope="purchases:read", collection="purchases", record=record, now=NOW)


# -- status -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "allowed", "code"),
    [
        ({}, True, "active"),
        ({"expires_at": "2025-06-01T12:00:01+00:00"}, True, "active"),
        ({"expires_at": "2025-06-01T12:00:00+00:00"}, False, "expired"),  # expires_at <= now
        ({"expires_at": "2025-06-01T11:59:59Z"}, False, "expired"),
        ({"expires_at": "2025-06-01T13:00:00+02:00"}, False, "expired"),  # 11:00 UTC
        ({"expires_at": NOW - timedelta(days=1)}, False, "expired"),
        ({"expires_at": "2025-06-01T12:00:00"}, False, "expired"),  # naive is UTC
        ({"status": "revoked", "revoked_at": "2025-05-01T00:00:00Z"}, False, "revoked"),
        ({"status": "active", "revoked_at": "2025-05-01T00:00:00Z"}, False, "revoked"),
        ({"status": "paused"}, False, "grant_invalid"),
        ({"status": None}, False, "grant_invalid"),
        ({"expires_at": "next tuesday"}, False, "grant_invalid"),
        ({"expires_at": 1735689600}, False, "grant_invalid"),
    ],
)
def test_grant_status(changes: dict[str, Any], allowed: bool, code: str) -> None:
    decision = grant_status(grant(**changes), NOW)
    assert (decision.allowed, decision.code) == (allowed, code)
    assert bool(decision) is allowed
    assert decision.reason.startswith(f"{code}: ")


def test_revoked_wins_over_expired() -> None:
    decision = grant_status(grant(status="revoked", expires_at="2020-01-01T00:00:00Z"), NOW)
    assert decision.reason == "revoked: the owner revoked this grant"


def test_a_naive_now_is_taken_as_utc() -> None:
    g = grant(expires_at="2025-06-01T12:00:00+00:00")
    assert grant_status(g, NOW.replace(tzinfo=None)).code == "expired"


@pytest.mark.parametrize("changes", [{"status": "revoked"}, {"expires_at": "2025-01-01T00:00:00Z"}])
@pytest.mark.parametrize(
    ("scope", "collection"),
    [
        ("purchases:read", "purchases"),
        ("preferences:read", "preferences"),
        ("relationship:read", "relationships"),
        ("profile", "profile"),
    ],
)
def test_a_grant_not_in_force_allows_nothing(
    changes: dict[str, Any], scope: str, collection: str
) -> None:
    decision = decide(grant(**changes), scope=scope, collection=collection, record=None, now=NOW)
    assert not decision.allowed and decision.code in ("revoked", "expired")


# -- scopes -----------------------------------------------------------------------------


def test_scope_must_be_granted() -> None:
    g = grant(scopes=["openid", "profile"])
    decision = read_purchase(g, purchase())
    assert decision == Decision(False, "scope_missing: purchases:read not granted")


def test_scope_must_exist() -> None:
    decision = decide(
        grant(), scope="purchases:delete", collection="purchases", record=None, now=NOW
    )
    assert decision.code == "scope_unknown"


@pytest.mark.parametrize(
    ("scope", "collection"),
    [
        ("preferences:read", "purchases"),
        ("purchases:read", "preferences"),
        ("relationship:read", "purchases"),
        ("profile", "relationships"),
        ("offline_access", "purchases"),
        ("purchases:read", "credentials"),
        ("openid", "tokens"),
    ],
)
def test_a_scope_reaches_only_its_own_collections(scope: str, collection: str) -> None:
    decision = decide(grant(), scope=scope, collection=collection, record=None, now=NOW)
    assert decision.reason == f"scope_mismatch: {scope} does not cover {collection}"


def test_every_catalogued_scope_has_a_reach() -> None:
    assert set(SCOPE_COLLECTIONS) == set(SUPPORTED)


def test_unreadable_scopes_or_constraints_fail_closed() -> None:
    assert read_purchase(grant(scopes="purchases:read"), None).code == "grant_invalid"
    assert read_purchase(grant(constraints={"purchases": "most"}), None).code == (
        "constraints_invalid"
    )
    assert read_purchase(grant(constraints="all"), purchase()).code == "constraints_invalid"


# -- purchases --------------------------------------------------------------------------

CATEGORIES = {"purchases": "categories", "categories": ["books", "music"], "since": None}
SINCE = {"purchases": "all", "categories": [], "since": "2025-03-01"}


@pytest.mark.parametrize(
    ("constraints", "record", "allowed", "code"),
    [
        # default reach: the vendor's own dealings
        (None, purchase(), True, "allowed"),
        (None, purchase(vendor_id=OTHER), False, "other_vendor"),
        ({"purchases": "vendor"}, purchase(vendor_id=OTHER), False, "other_vendor"),
        ({"purchases": "vendor"}, purchase(category="food"), True, "allowed"),
        # chosen categories, any vendor
        (CATEGORIES, purchase(vendor_id=OTHER, category="music"), True, "allowed"),
        (CATEGORIES, purchase(category="food"), False, "category_excluded"),
        (CATEGORIES, purchase(category=None), False, "category_excluded"),
        (CATEGORIES, purchase(category=" Books "), True, "allowed"),
        # everything
        ({"purchases": "all"}, purchase(vendor_id=OTHER, category="food"), True, "allowed"),
        # since a date (inclusive)
        (SINCE, purchase(date="2025-03-01"), True, "allowed"),
        (SINCE, purchase(date="2025-02-28"), False, "before_since"),
        (SINCE, purchase(date="2025-03-01T09:00:00Z"), True, "allowed"),
        (SINCE, purchase(date=None), False, "record_undated"),
        (SINCE, purchase(date="March"), False, "record_undated"),
        ({**CATEGORIES, "since": "2025-01-01"}, purchase(date="2024-12-31"), False, "before_since"),
        ({"since": "2025-03-02"}, purchase(vendor_id=OTHER), False, "other_vendor"),
    ],
)
def test_purchase_reach(
    constraints: dict[str, Any] | None, record: dict[str, Any], allowed: bool, code: str
) -> None:
    decision = read_purchase(grant(constraints=constraints), record)
    assert (decision.allowed, decision.code) == (allowed, code)


def test_vendor_reach_without_a_vendor_reaches_nothing() -> None:
    g = grant(vendor_id=None)
    assert read_purchase(g, None).code == "vendor_unknown"
    assert read_purchase(g, purchase(vendor_id=None)).code == "vendor_unknown"
    reach = purchase_reach(g)
    assert reach == PurchaseReach(vendor_id=None, categories=(), since=None) and reach.nothing
    assert not reach.check(purchase()).allowed


def test_the_purchases_endpoint_is_open_to_a_grant_with_reach() -> None:
    assert read_purchase(grant(), None) == Decision(
        True, "allowed: the grant reaches some purchases"
    )


@pytest.mark.parametrize(
    ("constraints", "expected"),
    [
        (None, PurchaseReach(VENDOR, None, None)),
        ({"purchases": "vendor", "since": "2024-01-01"}, PurchaseReach(VENDOR, None, "2024-01-01")),
        (CATEGORIES, PurchaseReach(None, ("books", "music"), None)),
        ({"purchases": "all"}, PurchaseReach(None, None, None)),
    ],
)
def test_purchase_reach_for_queries(
    constraints: dict[str, Any] | None, expected: PurchaseReach
) -> None:
    reach = purchase_reach(grant(constraints=constraints))
    assert reach == expected
    assert not reach.nothing


def test_purchase_reach_refuses_bad_constraints() -> None:
    with pytest.raises(ConstraintsInvalid):
        purchase_reach(grant(constraints={"purchases": "everything"}))


@pytest.mark.parametrize("constraints", [None, CATEGORIES, {"purchases": "all"}])
def test_a_vendor_writes_only_its_own_receipts(constraints: dict[str, Any] | None) -> None:
    g = grant(constraints=constraints)

    def write(record: dict[str, Any] | None, **changes: Any) -> Decision:
        return decide(
            {**g, **changes},
            scope="purchases:write",
            collection="purchases",
            record=record,
            now=NOW,
        )

    assert write(None).allowed
    assert write(purchase(category="food", date="1999-01-01")).allowed
    assert write(purchase(vendor_id=OTHER)).code == "other_vendor"
    assert write(purchase(), vendor_id=None).code == "vendor_unknown"
    assert write(purchase(), scopes=["purchases:read"]).code == "scope_missing"


# -- preferences and relationships ------------------------------------------------------


@pytest.mark.parametrize(
    ("visibility", "allowed", "code"),
    [
        ("shared", True, "allowed"),
        ("public", True, "allowed"),
        ("private", False, "private"),
        (None, False, "private"),
        ("SHARED", False, "private"),
    ],
)
def test_preferences_never_private(visibility: str | None, allowed: bool, code: str) -> None:
    record = {"id": "x", "key": "clothing.size", "value": "M"}
    if visibility is not None:
        record["visibility"] = visibility
    decision = decide(
        grant(), scope="preferences:read", collection="preferences", record=record, now=NOW
    )
    assert (decision.allowed, decision.code) == (allowed, code)


def test_preferences_endpoint_needs_the_scope() -> None:
    def use(g: dict[str, Any]) -> Decision:
        return decide(g, scope="preferences:read", collection="preferences", record=None, now=NOW)

    assert use(grant()).allowed
    assert use(grant(scopes=["openid"])).code == "scope_missing"


@pytest.mark.parametrize(
    ("vendor_id", "record", "allowed", "code"),
    [
        (VENDOR, {"id": VENDOR, "kind": "vendor"}, True, "allowed"),
        (VENDOR, {"id": OTHER, "kind": "vendor"}, False, "other_vendor"),
        (VENDOR, {"id": OTHER, "kind": "person"}, False, "other_vendor"),
        (VENDOR, None, True, "allowed"),
        (None, None, False, "vendor_unknown"),
        (None, {"id": VENDOR, "kind": "vendor"}, False, "vendor_unknown"),
        ("", {"id": "", "kind": "vendor"}, False, "vendor_unknown"),
    ],
)
def test_relationship_only_the_vendors_own(
    vendor_id: str | None, record: dict[str, Any] | None, allowed: bool, code: str
) -> None:
    decision = decide(
        grant(vendor_id=vendor_id),
        scope="relationship:read",
        collection="relationships",
        record=record,
        now=NOW,
    )
    assert (decision.allowed, decision.code) == (allowed, code)


# -- properties -------------------------------------------------------------------------

vendors = st.sampled_from([VENDOR, OTHER, None])
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31))
labels = st.sampled_from(["books", "music", "food", "travel"])
constraint_sets = st.one_of(
    st.builds(lambda since: {"purchases": "vendor", "since": since}, st.none() | days.map(str)),
    st.builds(
        lambda cats, since: {"purchases": "categories", "categories": cats, "since": since},
        st.lists(labels, min_size=1, max_size=3),
        st.none() | days.map(str),
    ),
    st.builds(lambda since: {"purchases": "all", "since": since}, st.none() | days.map(str)),
)


@given(
    constraints=constraint_sets,
    vendor_id=vendors,
    record_vendor=vendors,
    category=labels,
    day=days,
    expires_in=st.none() | st.integers(min_value=-3, max_value=3),
)
def test_decide_agrees_with_the_reach_and_the_clock(
    constraints: dict[str, Any],
    vendor_id: str | None,
    record_vendor: str | None,
    category: str,
    day: date,
    expires_in: int | None,
) -> None:
    expires_at = None if expires_in is None else (NOW + timedelta(days=expires_in)).isoformat()
    g = grant(constraints=constraints, vendor_id=vendor_id, expires_at=expires_at)
    record = purchase(vendor_id=record_vendor, category=category, date=day.isoformat())
    decision = read_purchase(g, record)
    reach = purchase_reach(g)
    in_force = expires_in is None or expires_in > 0
    within = (
        not reach.nothing
        and (reach.vendor_id is None or record_vendor == reach.vendor_id)
        and (reach.categories is None or category in reach.categories)
        and (reach.since is None or day.isoformat() >= reach.since)
    )
    assert decision.allowed == (in_force and within)
    if decision.allowed:  # what is allowed is never wider than the owner chose
        if constraints["purchases"] == "vendor":
            assert record_vendor == vendor_id is not None
        if constraints["purchases"] == "categories":
            assert category in constraints["categories"]
        if constraints["since"]:
            assert day.isoformat() >= constraints["since"]


@given(st.sets(st.sampled_from(SUPPORTED)), st.sets(st.sampled_from(SUPPORTED)))
def test_narrower_is_subset(requested: set[str], granted: set[str]) -> None:
    assert narrower(requested, granted) == (requested <= granted)
    assert narrower(requested & granted, granted)


def test_narrower_examples() -> None:
    assert narrower(["openid"], ["openid", "profile"])
    assert narrower([], ["openid"])
    assert not narrower(["openid", "purchases:read"], ["openid"])
    assert narrower("openid profile", "profile openid email")


# -- constraints ------------------------------------------------------------------------


def test_constraints_default_to_the_vendors_own_purchases() -> None:
    expected = {"purchases": "vendor", "categories": [], "since": None}
    assert validate_constraints(None) == expected
    assert validate_constraints({}) == expected


def test_constraints_are_normalised() -> None:
    assert validate_constraints(
        {
            "purchases": "categories",
            "categories": [" Books", "books", "Music "],
            "since": date(2024, 5, 1),
        }
    ) == {"purchases": "categories", "categories": ["books", "music"], "since": "2024-05-01"}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ("vendor", "_schema", "Constraints must be an object."),
        ({"purchases": "everything"}, "purchases", "Must be one of: vendor, categories, all."),
        ({"purchases": None}, "purchases", "Must be one of"),
        ({"purchases": "categories"}, "categories", "Choose at least one category."),
        ({"purchases": "vendor", "categories": ["books"]}, "categories", "Only used when"),
        ({"purchases": "categories", "categories": "books"}, "categories", "Must be a list"),
        ({"purchases": "categories", "categories": [""]}, "categories", "'': Must not be blank."),
        ({"purchases": "categories", "categories": [3]}, "categories", "3: Must be text."),
        ({"purchases": "categories", "categories": ["a;b"]}, "categories", "'a;b': A category"),
        ({"purchases": "categories", "categories": ["x" * 65]}, "categories", "'xxx"),
        ({"purchases": "categories", "categories": ["c"] * 51}, "categories", "At most 50"),
        ({"since": "2024-13-01"}, "since", "Must be a date (YYYY-MM-DD) or null."),
        ({"since": "2024-1-1"}, "since", "Must be a date"),
        ({"since": "2024-01-01T00:00:00Z"}, "since", "Must be a date"),
        ({"since": datetime(2024, 1, 1, tzinfo=UTC)}, "since", "Must be a date"),
        ({"since": 20240101}, "since", "Must be a date"),
        ({"vendor_id": OTHER}, "vendor_id", "Unknown field."),
    ],
)
def test_invalid_constraints_name_the_field(data: Any, field: str, message: str) -> None:
    with pytest.raises(ConstraintsInvalid) as caught:
        validate_constraints(data)
    assert isinstance(caught.value, ValueError)
    assert list(caught.value.details) == [field]
    assert caught.value.details[field][0].startswith(message)
