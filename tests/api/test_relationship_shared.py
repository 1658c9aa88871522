"""/relationship shows what the owner chose to share, never targets, tags or inferences."""

from __future__ import annotations

from pds.services import Services
from tests.api.conftest import Api

#: Words that would betray the owner's private view of the relationship.
PRIVATE = ("every_days", "target", "tier", "drift", "snooze", "due", "tags", "notes", "secret")


def test_the_shared_block_is_what_the_owner_set(api: Api, services: Services) -> None:
    shop = api.records["shop"]["id"]
    services.relationships.share(
        shop, {"contact_every_days": 30, "channel": "email", "note": "Monthly is plenty"}
    )
    body = api.get("/relationship").get_json()
    assert body["shared"] == {
        "contact_every_days": 30,
        "channel": "email",
        "note": "Monthly is plenty",
    }
    services.relationships.share(shop, None)
    assert api.get("/relationship").get_json()["shared"] is None


def test_inferences_and_private_settings_never_appear(api: Api, services: Services) -> None:
    shop = api.records["shop"]["id"]
    services.relationships.tag(shop, add=["drifting", "tier-a"])
    services.reminders.set_target(shop, 14)
    services.reminders.set_tag_target("drifting", 7)
    services.reminders.snooze(shop, 3)
    services.interactions.log({"kind": "support", "date": "2025-01-05", "counterpart_id": shop})
    services.relationships.share(shop, {"channel": "email"})
    response = api.get("/relationship")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"name", "status", "since", "preferred_channel", "shared"}
    assert body["shared"] == {"channel": "email"}
    text = response.get_data(as_text=True).lower()
    for word in PRIVATE:
        assert word not in text, word
    assert "14" not in text and "drifting" not in text and "tier-a" not in text
