"""A grant reaches only what its scopes and constraints allow: by default, the vendor's
own dealings with the owner. Records beyond it look exactly like records that do not exist."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.auth.vendorkit import Vendor, authorized_tokens


@pytest.fixture
def purchases(services: Any) -> dict[str, str]:
    """One purchase with the vendor that will ask (Example Shop) and one with another."""
    shop = services.relationships.add(
        {"kind": "vendor", "name": "Example Shop", "domain": "shop.example"}
    )
    other = services.relationships.add(
        {"kind": "vendor", "name": "Other", "domain": "other.example"}
    )
    made = {}
    for name, vendor in (("own", shop), ("other", other)):
        made[name] = services.purchases.add(
            {
                "vendor_id": vendor["id"],
                "date": "2025-06-01",
                "total": "12.50",
                "currency": "EUR",
                "category": "books",
                "notes": "private note",
            }
        )["id"]
    return made


def get(vendor: Vendor, token: str, purchase_id: str) -> Any:
    return vendor.http.get(
        f"/api/v1/purchases/{purchase_id}", headers={"Authorization": f"Bearer {token}"}
    )


def test_by_default_a_vendor_sees_only_its_own_purchases(
    owner: FlaskClient, vendor: Vendor, purchases: dict[str, str]
) -> None:
    token = authorized_tokens(owner, vendor)["access_token"]
    own = get(vendor, token, purchases["own"])
    assert own.status_code == 200
    assert own.get_json()["id"] == purchases["own"] and "notes" not in own.get_json()
    other = get(vendor, token, purchases["other"])
    missing = get(vendor, token, "0190f0f0-0000-7000-8000-000000000000")
    assert other.status_code == missing.status_code == 404
    assert other.get_json()["detail"].startswith("no purchase")


def test_a_wider_grant_reaches_further(
    owner: FlaskClient, vendor: Vendor, purchases: dict[str, str]
) -> None:
    token = authorized_tokens(owner, vendor, purchases_reach="all")["access_token"]
    assert get(vendor, token, purchases["other"]).status_code == 200


def test_since_constraint(owner: FlaskClient, vendor: Vendor, purchases: dict[str, str]) -> None:
    token = authorized_tokens(owner, vendor, since="2025-07-01")["access_token"]
    assert get(vendor, token, purchases["own"]).status_code == 404


def test_token_of_one_vendor_cannot_reach_anothers_data(
    owner: FlaskClient, vendor: Vendor, other_vendor: Vendor, purchases: dict[str, str]
) -> None:
    token = authorized_tokens(owner, vendor)["access_token"]
    other_token = authorized_tokens(owner, other_vendor)["access_token"]
    assert get(vendor, token, purchases["other"]).status_code == 404
    assert get(other_vendor, other_token, purchases["own"]).status_code == 404
    assert get(other_vendor, other_token, purchases["other"]).status_code == 200


def test_scope_is_needed(owner: FlaskClient, vendor: Vendor, purchases: dict[str, str]) -> None:
    token = authorized_tokens(owner, vendor, scope="openid")["access_token"]
    response = get(vendor, token, purchases["own"])
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]


def test_every_call_is_in_the_access_log(
    owner: FlaskClient, vendor: Vendor, purchases: dict[str, str], services: Any
) -> None:
    token = authorized_tokens(owner, vendor)["access_token"]
    get(vendor, token, purchases["own"])
    get(vendor, token, purchases["other"])
    [grant] = services.grants.list(client_id=vendor.client_id)
    calls = [
        e for e in services.access_log.entries(client_id=vendor.client_id) if e.action == "api.call"
    ]
    assert [(c.endpoint, c.count, c.target) for c in calls] == [
        ("GET /api/v1/purchases/<purchase_id>", 0, grant["id"]),
        ("GET /api/v1/purchases/<purchase_id>", 1, grant["id"]),
    ]
    seen = services.access_log.seen_by(vendor.client_id)
    assert (seen.calls, seen.records) == (2, 1)
