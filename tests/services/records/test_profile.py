"""The owner's profile: one record of OIDC claims."""

from __future__ import annotations

import pytest

from pds.errors import ValidationFailed
from pds.services import Services


def test_empty_then_updated_then_replaced(services: Services) -> None:
    assert services.profile.get() == {}
    made = services.profile.update({"name": "Mara Lindqvist", "locale": "en-GB"})
    changed = services.profile.update({"email": "mara@example.org", "locale": None})
    assert changed["id"] == made["id"]
    assert changed["name"] == "Mara Lindqvist" and "locale" not in changed
    assert services.profile.get() == changed
    replaced = services.profile.replace({"given_name": "Mara", "address": {"locality": "Berlin"}})
    assert replaced["id"] == made["id"] and replaced["created_at"] == made["created_at"]
    assert "name" not in replaced and replaced["address"] == {"locality": "Berlin"}
    assert services.counts()["profile"] == 1


def test_invalid_claims(services: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.profile.update({"email": "nope", "zoneinfo": "Nowhere/Town", "sub": "x"})
    assert set(caught.value.details) == {"email", "zoneinfo", "sub"}
    assert services.profile.get() == {}
