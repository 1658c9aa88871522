"""Personal RFPs: the schema, the lifecycle, lazy expiry and what vendors may see."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from pds.errors import Conflict, NotFound, ValidationFailed
from pds.schemas.temporal import parse_instant
from pds.services import Services
from pds.services.intents.rfps import public_view
from tests.services.conftest import FakeClock, audit_events

DEADLINE = "2025-03-10T12:00:00Z"  # nine days after the test clock's start


def rfp_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "A silver road bike",
        "description": "Light, for commuting.",
        "category": "Bikes",
        "requirements": [
            {"key": "size", "operator": "eq", "value": "M"},
            {"key": "delivery_before", "operator": "before", "value": "2026-12-01"},
            {"key": "colour", "operator": "in", "value": ["silver", "grey"]},
        ],
        "budget": {"min": "500", "max": "900.50", "currency": "eur"},
        "deadline": DEADLINE,
        "quantity": 1,
        "location_hint": {"country": "de", "region": "Bavaria"},
    }
    return {**data, **overrides}


def register(services: Services, name: str = "Velo Shop") -> str:
    client, _ = services.clients.register(
        {"client_name": name, "redirect_uris": ["https://velo.example.com/cb"]}
    )
    return str(client["id"])


# -- schema -------------------------------------------------------------------------------


def test_draft_normalises_the_owners_fields(services: Services) -> None:
    rfp = services.rfps.draft(rfp_data())
    assert rfp["status"] == "draft"
    assert rfp["category"] == "bikes"
    assert rfp["budget"] == {"min": "500", "max": "900.50", "currency": "EUR"}
    assert rfp["location_hint"] == {"country": "DE", "region": "Bavaria"}
    assert rfp["requirements"][1] == {
        "key": "delivery_before",
        "operator": "before",
        "value": "2026-12-01",
    }
    assert rfp["visibility"] == "public"
    assert rfp["reveal_identity"] is False
    assert rfp["history"] == [{"state": "draft", "at": "2025-03-01T09:00:00Z"}]


@pytest.mark.parametrize(
    ("requirement", "message"),
    [
        ({"key": "colour", "operator": "in", "value": "silver"}, "The in operator needs a list."),
        ({"key": "colour", "operator": "in", "value": []}, "The in operator needs a list."),
        (
            {"key": "by", "operator": "before", "value": "soon"},
            "The before operator needs a date (YYYY-MM-DD).",
        ),
        ({"key": "weight", "operator": "le", "value": "2kg"}, "The le operator needs a number."),
        (
            {"key": "size", "operator": "eq", "value": ["M", "L"]},
            "The eq operator needs a single value, not a list.",
        ),
    ],
)
def test_operator_and_value_must_agree(
    services: Services, requirement: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.rfps.draft(rfp_data(requirements=[requirement]))
    assert caught.value.message == "invalid rfp: check requirements"
    assert caught.value.details == {"requirements": {"0": {"value": [message]}}}


def test_unknown_operator_is_refused(services: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.rfps.draft(rfp_data(requirements=[{"key": "a", "operator": "like", "value": 1}]))
    assert caught.value.details["requirements"]["0"]["operator"] == [
        "Must be one of: eq, ne, lt, le, gt, ge, in, before, after."
    ]


@pytest.mark.parametrize(
    ("overrides", "details"),
    [
        (
            {"budget": {"min": "10", "max": "5", "currency": "EUR"}},
            {"budget": {"min": ["Must not be more than max."]}},
        ),
        (
            {"budget": {"max": "5", "currency": "EURO"}},
            {"budget": {"currency": ["Not an ISO 4217 currency code (e.g. EUR)."]}},
        ),
        (
            {"location_hint": {"country": "XX"}},
            {"location_hint": {"country": ["Not an ISO 3166-1 alpha-2 country code (e.g. DE)."]}},
        ),
        (
            {"quantity": 0},
            {"quantity": ["Must be greater than or equal to 1 and less than or equal to 1000000."]},
        ),
        ({"visibility": "chosen"}, {"chosen_vendors": ["Name at least one vendor."]}),
        ({"chosen_vendors": ["abc"]}, {"chosen_vendors": ["Only for visibility chosen."]}),
        ({"status": "open"}, {"status": ["Unknown field."]}),
    ],
)
def test_invalid_rfps_name_the_field(
    services: Services, overrides: dict[str, Any], details: dict[str, Any]
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.rfps.draft(rfp_data(**overrides))
    assert caught.value.details == details


# -- lifecycle ----------------------------------------------------------------------------


def test_pseudonyms_are_fresh_and_random(services: Services) -> None:
    first, second = services.rfps.draft(rfp_data()), services.rfps.draft(rfp_data())
    assert re.fullmatch(r"rfp-[a-z2-7]{16}", first["pseudonym"])
    assert first["pseudonym"] != second["pseudonym"]
    assert first["id"] not in first["pseudonym"]


def test_update_draft_changes_owner_fields_only(services: Services) -> None:
    rfp = services.rfps.draft(rfp_data())
    updated = services.rfps.update_draft(rfp["id"], {"title": "A grey road bike", "quantity": 2})
    assert (updated["title"], updated["quantity"]) == ("A grey road bike", 2)
    assert updated["pseudonym"] == rfp["pseudonym"]
    with pytest.raises(ValidationFailed) as caught:
        services.rfps.update_draft(rfp["id"], {"pseudonym": "rfp-mine"})
    assert caught.value.details == {"pseudonym": ["Unknown field."]}


def test_publish_opens_and_freezes_disclosed_preferences(
    services: Services, clock: FakeClock
) -> None:
    services.preferences.set("clothing.size", "M")
    rfp = services.rfps.draft(rfp_data(disclosure=["clothing.size"]))
    clock.advance(seconds=125)
    published = services.rfps.publish(rfp["id"])
    assert published["status"] == "open"
    assert published["disclosed"] == {"clothing.size": "M"}
    assert published["published_at"] == "2025-03-01T09:02:00Z"
    assert [h["state"] for h in published["history"]] == ["draft", "open"]
    services.preferences.set("clothing.size", "L")
    assert services.rfps.get(rfp["id"])["disclosed"] == {"clothing.size": "M"}


def test_publish_refuses_missing_preferences_and_past_deadlines(
    services: Services, clock: FakeClock
) -> None:
    rfp = services.rfps.draft(rfp_data(disclosure=["clothing.fit"]))
    clock.advance(days=10)
    with pytest.raises(ValidationFailed) as caught:
        services.rfps.publish(rfp["id"])
    assert caught.value.message == "invalid rfp: check deadline, disclosure"
    assert caught.value.details == {
        "deadline": ["Must be in the future."],
        "disclosure": ["No preference clothing.fit."],
    }
    assert services.rfps.get(rfp["id"])["status"] == "draft"


def test_publish_refuses_unknown_chosen_vendors(services: Services) -> None:
    rfp = services.rfps.draft(rfp_data(visibility="chosen", chosen_vendors=["nobody"]))
    with pytest.raises(ValidationFailed) as caught:
        services.rfps.publish(rfp["id"])
    assert caught.value.details == {"chosen_vendors": ["No vendor nobody."]}


@pytest.mark.parametrize(("move", "state"), [("withdraw", "withdrawn"), ("close", "closed")])
def test_open_rfps_can_be_withdrawn_or_closed(services: Services, move: str, state: str) -> None:
    rfp = services.rfps.draft(rfp_data())
    services.rfps.publish(rfp["id"])
    moved = getattr(services.rfps, move)(rfp["id"])
    assert moved["status"] == state
    assert [h["state"] for h in moved["history"]] == ["draft", "open", state]
    assert audit_events(services.store)[-1] == {
        "actor": "owner",
        "action": f"rfp.{state}",
        "target": rfp["id"],
    }


@pytest.mark.parametrize(
    ("move", "target"),
    [("withdraw", "withdrawn"), ("close", "closed")],
)
def test_drafts_cannot_skip_publishing(services: Services, move: str, target: str) -> None:
    rfp = services.rfps.draft(rfp_data())
    with pytest.raises(Conflict) as caught:
        getattr(services.rfps, move)(rfp["id"])
    assert caught.value.message == f"rfp {rfp['id']} cannot go from draft to {target}"
    assert caught.value.details == {"status": [f"Is draft; cannot become {target}."]}


@pytest.mark.parametrize("ending", ["withdraw", "close"])
@pytest.mark.parametrize(
    ("move", "target"), [("publish", "open"), ("withdraw", "withdrawn"), ("close", "closed")]
)
def test_ended_rfps_stay_ended(services: Services, ending: str, move: str, target: str) -> None:
    rfp = services.rfps.draft(rfp_data())
    services.rfps.publish(rfp["id"])
    ended = getattr(services.rfps, ending)(rfp["id"])["status"]
    with pytest.raises(Conflict) as caught:
        getattr(services.rfps, move)(rfp["id"])
    assert caught.value.message == f"rfp {rfp['id']} cannot go from {ended} to {target}"


def test_award_of_a_draft_is_refused(services: Services) -> None:
    rfp = services.rfps.draft(rfp_data())
    with pytest.raises(Conflict) as caught:
        services.rfps.award(rfp["id"], rfp["id"])
    assert caught.value.message == f"rfp {rfp['id']} cannot go from draft to awarded"


def test_update_of_a_published_rfp_is_refused(services: Services) -> None:
    rfp = services.rfps.draft(rfp_data())
    services.rfps.publish(rfp["id"])
    with pytest.raises(Conflict) as caught:
        services.rfps.update_draft(rfp["id"], {"title": "Something else"})
    assert caught.value.message == f"rfp {rfp['id']} is open; only a draft can be changed"


def test_unknown_rfp_is_not_found(services: Services) -> None:
    with pytest.raises(NotFound) as caught:
        services.rfps.publish("nope")
    assert caught.value.message == "no rfp nope"


# -- expiry -------------------------------------------------------------------------------


def test_reads_expire_an_rfp_past_its_deadline(services: Services, clock: FakeClock) -> None:
    rfp = services.rfps.draft(rfp_data())
    services.rfps.publish(rfp["id"])
    clock.advance(days=9, hours=2, minutes=59, seconds=59)  # 11:59:59 on the deadline day
    assert services.rfps.get(rfp["id"])["status"] == "open"
    clock.advance(seconds=1)
    expired = services.rfps.get(rfp["id"])
    assert expired["status"] == "expired"
    assert expired["history"][-1] == {"state": "expired", "at": DEADLINE}
    assert audit_events(services.store)[-1] == {
        "actor": "system",
        "action": "rfp.expired",
        "target": rfp["id"],
    }
    with pytest.raises(Conflict) as caught:
        services.rfps.close(rfp["id"])
    assert caught.value.message == f"rfp {rfp['id']} cannot go from expired to closed"


def test_list_expires_due_rfps_and_filters(services: Services, clock: FakeClock) -> None:
    early = services.rfps.draft(rfp_data(deadline="2025-03-02T00:00:00Z"))
    late = services.rfps.draft(rfp_data(category="books"))
    for rfp in (early, late):
        services.rfps.publish(rfp["id"])
    clock.advance(days=2)
    assert [r["id"] for r in services.rfps.list(status="open")] == [late["id"]]
    assert [r["id"] for r in services.rfps.list(status="expired")] == [early["id"]]
    assert [r["id"] for r in services.rfps.list(category="Books")] == [late["id"]]
    with pytest.raises(ValidationFailed) as caught:
        services.rfps.list(status="lost")
    assert caught.value.details == {
        "status": ["Must be one of: draft, open, awarded, closed, expired, withdrawn."]
    }


def test_expire_due_sweeps_with_an_injected_clock(services: Services, clock: FakeClock) -> None:
    rfps = [services.rfps.draft(rfp_data()) for _ in range(3)]
    for rfp in rfps[:2]:
        services.rfps.publish(rfp["id"])
    clock.advance(days=30)
    later = services.using(clock=clock)
    assert later.rfps.expire_due() == 2
    assert later.rfps.expire_due() == 0
    statuses = [services.store.collection("rfps").get(r["id"])["status"] for r in rfps]
    assert statuses == ["expired", "expired", "draft"]


def test_expire_due_takes_an_explicit_now(services: Services) -> None:
    rfp = services.rfps.draft(rfp_data())
    services.rfps.publish(rfp["id"])
    assert services.rfps.expire_due(parse_instant("2025-03-05T00:00:00Z")) == 0
    assert services.rfps.expire_due(parse_instant(DEADLINE)) == 1


# -- what vendors see ---------------------------------------------------------------------

IDENTIFYING = {
    "name": "Henrietta Quarrington-Vasquez",
    "given_name": "Henrietta",
    "family_name": "Quarrington-Vasquez",
    "email": "henrietta.qv@mailbox.example.org",
    "phone_number": "+49 151 23456789",
    "birthdate": "1981-07-14",
    "address": {
        "street_address": "Zwetschgenweg 17",
        "locality": "Oberammergau",
        "postal_code": "82487",
        "country": "Germany",
    },
}


def test_public_view_leaks_nothing_undisclosed(services: Services, clock: FakeClock) -> None:
    services.profile.update(IDENTIFYING)
    services.preferences.set("clothing.size", "M")
    services.preferences.set("diet.allergy", "hazelnut-severe")
    services.preferences.set("home.floor", "penthouse-attic")
    vendor = register(services)
    clock.advance(seconds=17)
    rfp = services.rfps.draft(rfp_data(disclosure=["clothing.size"]))
    published = services.rfps.publish(rfp["id"])
    sent = json.dumps(public_view(published))

    profile = services.profile.get()
    secrets = [
        *_strings(IDENTIFYING),
        "hazelnut-severe",
        "penthouse-attic",
        services.store.stats().store_id,
        services.subjects.for_client(vendor),
        profile["id"],
        published["id"],
        published["created_at"],
        "09:00:17",
    ]
    leaked = [value for value in secrets if value in sent]
    assert leaked == []
    view = json.loads(sent)
    assert view["id"] == published["pseudonym"]
    assert view["disclosed"] == {"clothing.size": "M"}
    assert view["published_at"] == "2025-03-01T09:00:00Z"
    assert set(view) == {
        "id",
        "title",
        "description",
        "category",
        "requirements",
        "budget",
        "deadline",
        "quantity",
        "location_hint",
        "disclosed",
        "published_at",
    }


def test_public_view_keeps_chosen_vendors_private(services: Services) -> None:
    vendor = register(services)
    rfp = services.rfps.draft(rfp_data(visibility="chosen", chosen_vendors=[vendor]))
    view = json.dumps(public_view(services.rfps.publish(rfp["id"])))
    assert vendor not in view
    assert "chosen" not in view


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    return [value]


# -- side effects: webhooks, interactions, amendments ---------------------------------------


def _listening(services: Services, name: str, **data: Any) -> str:
    client = register(services, name)
    services.subscriptions.subscribe(client, {"url": "https://hooks.example.com/pds", **data})
    return client


def _events(services: Services, rfp_id: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(event, client, body data) of each delivery about ``rfp_id``, oldest first."""
    log = reversed(services.webhooks.deliveries(rfp_id=rfp_id))
    return [(d["event"], d["client_id"], json.loads(d["body"])["data"]) for d in log]


@pytest.mark.parametrize(("move", "state"), [("close", "closed"), ("withdraw", "withdrawn")])
def test_every_move_tells_the_audience(services: Services, move: str, state: str) -> None:
    shop = _listening(services, "Velo Shop", categories=["bikes"])
    _listening(services, "Book Nook", categories=["books"])
    rfp = services.rfps.draft(rfp_data())
    services.rfps.publish(rfp["id"])
    getattr(services.rfps, move)(rfp["id"])
    events = _events(services, rfp["id"])
    assert [(e, c) for e, c, _ in events] == [("rfp.published", shop), ("rfp.closed", shop)]
    assert events[0][2]["id"] == rfp["pseudonym"] and events[0][2]["status"] == "open"
    assert events[1][2] == {"id": rfp["pseudonym"], "status": state}


def test_expiry_tells_the_audience(services: Services, clock: FakeClock) -> None:
    shop = _listening(services, "Velo Shop")
    rfp = services.rfps.draft(rfp_data())
    services.rfps.publish(rfp["id"])
    clock.advance(days=10)
    assert services.rfps.expire_due() == 1
    assert _events(services, rfp["id"])[-1] == (
        "rfp.closed",
        shop,
        {"id": rfp["pseudonym"], "status": "expired"},
    )


def test_moves_are_logged_as_the_owners_interactions(services: Services) -> None:
    rfp = services.rfps.draft(rfp_data())
    services.rfps.publish(rfp["id"])
    services.rfps.close(rfp["id"])
    entries = services.interactions.list(kind="rfp", descending=False).items
    assert [(e["note"], e["rfp_id"]) for e in entries] == [
        ("rfp published: A silver road bike", rfp["id"]),
        ("rfp closed: A silver road bike", rfp["id"]),
    ]
    assert all("counterpart_id" not in e for e in entries)
    assert entries[0]["date"] == "2025-03-01T09:00:00Z"


def test_chosen_rfps_are_told_only_to_the_chosen(services: Services) -> None:
    chosen = _listening(services, "Velo Shop", categories=["books"])
    _listening(services, "Rad Haus", categories=["bikes"])
    rfp = services.rfps.draft(rfp_data(visibility="chosen", chosen_vendors=[chosen]))
    services.rfps.publish(rfp["id"])
    assert [(e, c) for e, c, _ in _events(services, rfp["id"])] == [("rfp.published", chosen)]


def test_amend_changes_an_open_rfp_and_tells_its_vendors(
    services: Services, clock: FakeClock
) -> None:
    shop = _listening(services, "Velo Shop")
    rfp = services.rfps.draft(rfp_data())
    services.rfps.publish(rfp["id"])
    clock.advance(hours=1)
    amended = services.rfps.amend(
        rfp["id"],
        {
            "description": None,
            "quantity": 2,
            "deadline": "2025-03-12T12:00:00+02:00",
            "budget": {"max": "1000", "currency": "EUR"},
        },
    )
    assert "description" not in amended
    assert (amended["quantity"], amended["deadline"]) == (2, "2025-03-12T10:00:00Z")
    assert amended["budget"] == {"max": "1000", "currency": "EUR"}
    assert amended["status"] == "open" and amended["pseudonym"] == rfp["pseudonym"]
    assert amended["updated_at"] == "2025-03-01T10:00:00Z"
    event, client, data = _events(services, rfp["id"])[-1]
    assert (event, client) == ("rfp.updated", shop)
    assert data == {**public_view(amended), "status": "open"}
    assert audit_events(services.store)[-1] == {
        "actor": "owner",
        "action": "rfp.amend",
        "target": rfp["id"],
    }


@pytest.mark.parametrize(
    ("changes", "details"),
    [
        ({"title": "Something else"}, {"title": ["Cannot be changed once published."]}),
        (
            {"visibility": "chosen", "chosen_vendors": ["x"]},
            {
                "chosen_vendors": ["Cannot be changed once published."],
                "visibility": ["Cannot be changed once published."],
            },
        ),
        (
            {"deadline": "2025-03-10T11:59:59Z"},
            {"deadline": ["Must not be earlier than the current deadline."]},
        ),
        (
            {"budget": {"max": "900.50", "currency": "USD"}},
            {"budget": {"currency": ["Cannot be changed once published."]}},
        ),
        (
            {"quantity": 0},
            {"quantity": ["Must be greater than or equal to 1 and less than or equal to 1000000."]},
        ),
        ({"status": "draft"}, {"status": ["Unknown field."]}),
    ],
)
def test_amend_refuses_what_may_not_change(
    services: Services, changes: dict[str, Any], details: dict[str, Any]
) -> None:
    rfp = services.rfps.draft(rfp_data())
    services.rfps.publish(rfp["id"])
    with pytest.raises(ValidationFailed) as caught:
        services.rfps.amend(rfp["id"], changes)
    assert caught.value.details == details
    assert caught.value.message == f"invalid rfp: check {', '.join(details)}"
    assert services.rfps.get(rfp["id"])["updated_at"] == rfp["updated_at"]


def test_amend_keeps_unchanged_fixed_fields(services: Services) -> None:
    rfp = services.rfps.draft(rfp_data())
    services.rfps.publish(rfp["id"])
    amended = services.rfps.amend(rfp["id"], {"title": "A silver road bike", "quantity": 3})
    assert amended["quantity"] == 3


def test_only_open_rfps_can_be_amended(services: Services, clock: FakeClock) -> None:
    draft = services.rfps.draft(rfp_data())
    with pytest.raises(Conflict) as caught:
        services.rfps.amend(draft["id"], {"quantity": 2})
    assert caught.value.message == f"rfp {draft['id']} is draft; only an open rfp can be amended"
    assert caught.value.details == {"status": ["Is draft, not open."]}
    services.rfps.publish(draft["id"])
    clock.advance(days=10)
    with pytest.raises(Conflict) as caught:
        services.rfps.amend(draft["id"], {"quantity": 2})
    assert caught.value.message == f"rfp {draft['id']} is expired; only an open rfp can be amended"
    assert services.rfps.get(draft["id"])["status"] == "expired"
    with pytest.raises(ValidationFailed) as invalid:
        services.rfps.amend(draft["id"], ["quantity"])
    assert invalid.value.details == {"_schema": ["Invalid input type."]}


def test_reveal_identity_freezes_the_buyer_at_publish(services: Services) -> None:
    services.profile.update({"name": "Henrietta Q.", "email": "hq@mailbox.example.org"})
    revealed = services.rfps.draft(rfp_data(reveal_identity=True))
    view = public_view(services.rfps.publish(revealed["id"]))
    assert view["buyer"] == {"name": "Henrietta Q.", "email": "hq@mailbox.example.org"}
    services.profile.update({"email": "new@mailbox.example.org"})
    assert public_view(services.rfps.get(revealed["id"]))["buyer"]["email"] == (
        "hq@mailbox.example.org"
    )
    anonymous = services.rfps.publish(services.rfps.draft(rfp_data())["id"])
    assert "buyer" not in public_view(anonymous)
    assert "Henrietta" not in json.dumps(public_view(anonymous))


def test_buyer_name_falls_back_to_given_and_family_name(services: Services) -> None:
    services.profile.update({"given_name": "Henrietta", "family_name": "Quarrington"})
    rfp = services.rfps.publish(services.rfps.draft(rfp_data(reveal_identity=True))["id"])
    assert rfp["buyer"] == {"name": "Henrietta Quarrington", "email": None}
