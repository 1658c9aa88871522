"""Property: whatever the input, a service succeeds or raises a ``PdsError``, nothing else."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pds.errors import PdsError
from pds.schemas import InteractionSchema, ProfileSchema, PurchaseSchema, RelationshipSchema
from pds.services import Services
from pds.store import new_id

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["", " ", "2025-01-01", "EUR", "vendor", "person", "1.50", new_id()]),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def records(schema: Any) -> st.SearchStrategy[Any]:
    """Dicts mostly keyed by the schema's own fields, with arbitrary values; or anything."""
    keys = st.sampled_from(sorted(schema.fields)) | st.text(max_size=8)
    return st.dictionaries(keys, json_values, max_size=8) | json_values


SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def only_pds_errors(call: Callable[[], Any]) -> None:
    with contextlib.suppress(PdsError):  # any other exception fails the test
        call()


line_items = st.lists(
    st.dictionaries(
        st.sampled_from(["description", "quantity", "unit_price", "currency", "sku"]),
        json_scalars,
    ),
    max_size=3,
)


@SETTINGS
@given(data=records(PurchaseSchema()), items=line_items, total=json_scalars)
def test_purchases_add(
    services: Services, vendor: dict[str, Any], data: Any, items: Any, total: Any
) -> None:
    only_pds_errors(lambda: services.purchases.add(data))
    nearly = {"vendor_id": vendor["id"], "date": "2025-01-01", "currency": "EUR"}
    only_pds_errors(lambda: services.purchases.add({**nearly, "items": items}))
    only_pds_errors(lambda: services.purchases.add({**nearly, "items": items, "total": total}))


@SETTINGS
@given(changes=records(PurchaseSchema()))
def test_purchases_update(services: Services, vendor: dict[str, Any], changes: Any) -> None:
    purchase = services.purchases.add(
        {"vendor_id": vendor["id"], "date": "2025-01-01", "currency": "EUR", "total": "1"}
    )
    only_pds_errors(lambda: services.purchases.update(purchase["id"], changes))


@SETTINGS
@given(data=records(RelationshipSchema()))
def test_relationships_add(services: Services, data: Any) -> None:
    only_pds_errors(lambda: services.relationships.add(data))


@SETTINGS
@given(data=records(InteractionSchema()))
def test_interactions_log(services: Services, data: Any) -> None:
    only_pds_errors(lambda: services.interactions.log(data))


#: keyword names other than set()'s own positional parameters (those would clash in the call)
EXTRA_NAMES = st.text(max_size=8).filter(lambda name: name not in ("key", "value"))


@SETTINGS
@given(key=json_values, value=json_values, extra=st.dictionaries(EXTRA_NAMES, json_values))
def test_preferences_set(services: Services, key: Any, value: Any, extra: dict[str, Any]) -> None:
    only_pds_errors(lambda: services.preferences.set(key, value, **extra))
    only_pds_errors(lambda: services.preferences.add(extra))
    only_pds_errors(lambda: services.preferences.get(key))


@SETTINGS
@given(data=records(ProfileSchema()))
def test_profile_update(services: Services, data: Any) -> None:
    only_pds_errors(lambda: services.profile.update(data))


@SETTINGS
@given(params=st.dictionaries(
    st.sampled_from(["vendor_id", "category", "tag", "since", "until", "limit", "cursor",
                     "descending", "source", "status"]),
    json_values,
))  # fmt: skip
def test_purchases_list(services: Services, params: dict[str, Any]) -> None:
    only_pds_errors(lambda: services.purchases.list(**params))
