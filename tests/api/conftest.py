"""A vendor with a grant over a store holding its own and other vendors' records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.auth.vendorkit import Vendor, authorized_tokens

ALL_SCOPES = (
    "openid profile email offline_access purchases:read purchases:write "
    "preferences:read relationship:read"
)


@dataclass
class Api:
    vendor: Vendor
    token: str
    records: dict[str, Any]

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return self.vendor.http.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.call("GET", path, **kwargs)


def seed(services: Any) -> dict[str, Any]:
    """Example Shop (the asking vendor) and Other Shop, purchases of both, preferences."""
    relationships, purchases = services.relationships, services.purchases
    shop = relationships.add(
        {"kind": "vendor", "name": "Example Shop", "domain": "shop.example", "notes": "secret"}
    )
    other = relationships.add({"kind": "vendor", "name": "Other Shop", "domain": "other.example"})
    made: dict[str, Any] = {"shop": shop, "other": other, "own": [], "others": []}
    for month in range(1, 7):
        for vendor, bucket, category in ((shop, "own", "books"), (other, "others", "music")):
            made[bucket].append(
                purchases.add(
                    {
                        "vendor_id": vendor["id"],
                        "date": f"2025-{month:02d}-10",
                        "total": f"{month}.50",
                        "currency": "EUR",
                        "category": category if month % 2 else "travel",
                        "notes": "owner's private note",
                    }
                )
            )
    services.preferences.add({"key": "clothing.size", "value": "M", "visibility": "shared"})
    services.preferences.add({"key": "diet.kind", "value": "vegan", "visibility": "private"})
    services.preferences.add({"key": "contact.channel", "value": "email", "visibility": "shared"})
    services.profile.update({"name": "Ada Owner", "email": "ada@example.org"})
    return made


@pytest.fixture
def records(services: Any) -> dict[str, Any]:
    return seed(services)


@pytest.fixture
def api(owner: FlaskClient, vendor: Vendor, records: dict[str, Any]) -> Api:
    """Example Shop with every scope, purchases limited to its own (the default)."""
    tokens = authorized_tokens(owner, vendor, scope=ALL_SCOPES)
    return Api(vendor, tokens["access_token"], records)


@pytest.fixture
def grant_with(owner: FlaskClient, vendor: Vendor, records: dict[str, Any]) -> Any:
    """Make an ``Api`` under a grant with the given consent choices."""

    def make(scope: str = ALL_SCOPES, **choices: Any) -> Api:
        tokens = authorized_tokens(owner, vendor, scope=scope, **choices)
        return Api(vendor, tokens["access_token"], records)

    return make
