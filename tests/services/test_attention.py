"""What needs the owner's attention, and the counts the portal's pictures are drawn from:
interactions per month per relationship, vendor API calls per day, grants expiring soon."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from pds.services import Services
from pds.services.attention import attention
from tests.services.conftest import START, FakeClock
from tests.services.intents.test_offers import offer_data
from tests.services.intents.test_rfps import register, rfp_data


def _log(services: Services, who: dict[str, Any], *days: str) -> None:
    for day in days:
        services.interactions.log({"kind": "call", "date": day, "counterpart_id": who["id"]})


def test_interactions_per_month_per_counterpart(
    services: Services, vendor: dict[str, Any], person: dict[str, Any]
) -> None:
    _log(services, vendor, "2025-03-01", "2025-02-10", "2025-02-11", "2023-03-31", "2023-04-01")
    _log(services, person, "2025-01-15")
    counts = services.interactions.per_month(24)  # the clock says 2025-03-01
    assert counts[vendor["id"]][-2:] == [2, 1]  # February, March
    assert counts[vendor["id"]][0] == 1  # April 2023; March 2023 is too old
    assert sum(counts[vendor["id"]]) == 4
    assert counts[person["id"]] == [0] * 21 + [1, 0, 0]
    only = services.interactions.per_month(3, counterpart_id=person["id"])
    assert only == {person["id"]: [1, 0, 0]}
    assert services.interactions.per_month(3, today=date(2020, 1, 1)) == {}


def test_calls_per_day_count_api_calls_of_every_vendor_or_one(services: Services) -> None:
    log = services.access_log
    log.record_call("shop", "g1", "/api/v1/purchases", 3)
    log.record_call("shop", "g1", "/api/v1/profile", 1)
    log.record_call("market", "g2", "/api/v1/purchases", 0)
    services.store.audit.append({"actor": "vendor:shop", "action": "token.issue"})
    today = datetime.now(UTC).date()  # the audit log stamps the wall clock
    assert log.calls_per_day(3, today=today) == [
        ((today - timedelta(days=2)).isoformat(), 0),
        ((today - timedelta(days=1)).isoformat(), 0),
        (today.isoformat(), 3),
    ]
    assert log.calls_per_day(1, client_id="shop", today=today) == [(today.isoformat(), 2)]
    assert log.calls_per_day(2, today=today - timedelta(days=1))[-1][1] == 0


def _grant(services: Services, client_id: str, expiry: str) -> dict[str, Any]:
    return services.grants.create(
        client_id=client_id, scopes=["openid"], expiry=expiry, terms_version=1, vendor_id=None
    )


def test_grants_expiring_within_a_window(services: Services, clock: FakeClock) -> None:
    shop = register(services, "Shop")
    soon = _grant(services, shop, "1d")
    later = _grant(services, shop, "30d")
    _grant(services, shop, "never")
    revoked = _grant(services, shop, "1d")
    services.grants.revoke(revoked["id"])
    window = timedelta(days=14)
    assert [g["id"] for g in services.grants.expiring(window)] == [soon["id"]]
    in_20_days = START + timedelta(days=20)
    assert [g["id"] for g in services.grants.expiring(window, in_20_days)] == [later["id"]]
    assert services.grants.expiring(window, START + timedelta(days=31)) == []


def test_attention_counts_each_item(
    services: Services, vendor: dict[str, Any], person: dict[str, Any], clock: FakeClock
) -> None:
    quiet = attention(services)
    assert (quiet.due_contacts, quiet.drifting, quiet.live_offers, quiet.receipts_to_review) == (
        0,
        0,
        0,
        0,
    )
    assert (quiet.open_rfps, quiet.expiring_grants, quiet.recent_access) == ((), (), ())
    _log(services, person, "2025-01-01")
    services.reminders.set_target(person["id"], 14)
    shop = register(services, "Velo Shop")
    services.purchases.add(
        {"vendor_id": vendor["id"], "date": "2025-02-01", "total": "5", "currency": "EUR"},
        actor=f"vendor:{shop}",
    )
    rfp = services.rfps.publish(services.rfps.draft(rfp_data())["id"])
    services.rfps.publish(services.rfps.draft(rfp_data(title="A lamp"))["id"])
    services.offers.submit(rfp["pseudonym"], shop, offer_data())
    services.offers.submit(rfp["pseudonym"], register(services, "Rad Haus"), offer_data())
    grant = _grant(services, shop, "1d")
    found = attention(services)
    assert found.due_contacts == 1
    assert found.receipts_to_review == 1
    assert sorted((r.title, r.live_offers) for r in found.open_rfps) == [
        ("A lamp", 0),
        ("A silver road bike", 2),
    ]
    assert found.live_offers == 2
    assert [(g.id, g.client_name) for g in found.expiring_grants] == [(grant["id"], "Velo Shop")]


def test_attention_shows_the_last_weeks_vendor_access(services: Services, clock: FakeClock) -> None:
    clock.now = datetime.now(UTC)  # the access log's days are the wall clock's
    shop = register(services, "Velo Shop")
    for n in range(7):
        services.access_log.record_call(shop, "g1", f"/api/v1/e{n}", n)
    found = attention(services)
    assert found.recent_calls == 7
    assert [e.endpoint for e in found.recent_access] == [f"/api/v1/e{n}" for n in (6, 5, 4, 3, 2)]
    assert {e.actor for e in found.recent_access} == {f"vendor:{shop}"}
