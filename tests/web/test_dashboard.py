"""The dashboard: what needs the owner's attention, each count linking to its filtered
list, and the spending pictures; the cadence sparklines and the access chart elsewhere."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from babel.dates import format_datetime
from flask.testing import FlaskClient

from pds.services import Services
from tests.historykit import add_fading_person
from tests.web.test_rfps import offer, published, register


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    return {"webhooks_enabled": False}


def item(page: str, name: str) -> tuple[str, str]:
    """The (first) link and the text of the attention item ``name``."""
    match = re.search(
        rf'<li id="attention-{name}">(.*?)</li>\s*(?=<li id|</ul>\s*</section>)', page, re.S
    )
    assert match, f"no attention item {name}"
    body = match.group(1)
    link = re.search(r'href="([^"]+)"', body)
    text = " ".join(re.sub(r"<[^>]+>", " ", body).split())
    return (html.unescape(link.group(1)) if link else "", html.unescape(text))


def days_ago(days: int) -> str:
    return (datetime.now(UTC).date() - timedelta(days=days)).isoformat()


def test_a_new_store_needs_nothing_and_says_what_to_do(owner: FlaskClient) -> None:
    page = owner.get("/").get_data(as_text=True)
    assert item(page, "due") == ("/reminders", "0 due for contact .")
    assert item(page, "drift") == ("/insights", "0 drifting .")
    assert item(page, "offers") == ("/rfps?status=open", "0 live offers on 0 open RFPs .")
    assert item(page, "receipts") == ("", "No new receipts from vendors.")
    assert item(page, "grants") == (
        "/vendors",
        "0 grants expiring in the next 14 days , of 0 active.",
    )
    since = days_ago(6)
    assert item(page, "access") == (
        f"/access-log?since={since}",
        "0 times vendors used your data in the last 7 days .",
    )
    assert "No purchases in the last 12 months." in page
    assert 'href="/purchases/new"' in page and 'href="/purchases/import"' in page
    assert "<svg" not in page


def test_each_item_counts_and_links_to_its_list(owner: FlaskClient, services: Services) -> None:
    add_fading_person(services)
    friend = services.relationships.add({"kind": "person", "name": "Old Friend"})
    services.interactions.log(
        {"kind": "call", "date": days_ago(60), "counterpart_id": friend["id"]}
    )
    services.reminders.set_target(friend["id"], 30)
    shop = register(services, "Velo <Shop>")
    velo = services.relationships.add({"kind": "vendor", "name": "Velo <Shop>"})
    for n in range(2):
        services.purchases.add(
            {"vendor_id": velo["id"], "date": days_ago(n), "total": "9.99", "currency": "EUR"},
            actor=f"vendor:{shop}",
        )
    rfp = published(services)
    published(services, title="A lamp")
    offer(services, rfp, shop)
    offer(services, rfp, register(services, "Rad Haus"))
    soon = services.grants.create(
        client_id=shop, scopes=["openid"], expiry="1d", terms_version=1, vendor_id=velo["id"]
    )
    services.grants.create(client_id=shop, scopes=["openid"], terms_version=1, vendor_id=None)
    for _ in range(3):
        services.access_log.record_call(shop, soon["id"], "/api/v1/purchases", 2)

    page = owner.get("/").get_data(as_text=True)
    assert item(page, "due") == (
        "/reminders",
        "1 due for contact : relationships whose target cadence has passed.",
    )
    assert item(page, "drift") == (
        "/insights",
        "1 drifting : relationships that depart from their own rhythm.",
    )
    link, text = item(page, "offers")
    assert link == "/rfps?status=open"
    assert text.startswith("2 live offers on 2 open RFPs .")
    assert f'<a href="/rfps/{rfp["id"]}">A silver road bike</a>: 2 live offers' in page
    assert "A lamp</a>: 0 live offers" in page
    assert item(page, "receipts") == (
        "/purchases?status=new",
        "2 receipts pushed by vendors, not reviewed yet.",
    )
    link, text = item(page, "grants")
    expires = format_datetime(
        datetime.fromisoformat(soon["expires_at"]), "d MMM y, HH:mm", locale="en_GB"
    )
    assert (link, text) == (
        "/vendors",
        f"1 grant expiring in the next 14 days , of 2 active. Velo <Shop>: access ends {expires}",
    )
    link, text = item(page, "access")
    assert link == f"/access-log?since={days_ago(6)}"
    assert text.startswith("3 times vendors used your data in the last 7 days .")
    assert text.count("Velo <Shop> read 2 of your purchases") == 3
    assert "Velo &lt;Shop&gt;" in page  # escaped
    assert 'id="spending-month"' in page and 'id="spending-vendor"' in page
    assert "19.98 EUR" in page  # this month's (or the two months') spending, in the tables
    assert "In EUR, the currency of most of your purchases." in page


def test_sparklines_on_relationships_and_the_access_chart(
    owner: FlaskClient, services: Services
) -> None:
    friend = services.relationships.add({"kind": "person", "name": "Old Friend"})
    quiet = services.relationships.add({"kind": "person", "name": "Quiet One"})
    services.interactions.log_many(
        [{"kind": "call", "date": days_ago(0), "counterpart_id": friend["id"]}] * 2
    )
    listing = owner.get("/relationships").get_data(as_text=True)
    assert f'id="cadence-{friend["id"]}"' in listing and f'id="cadence-{quiet["id"]}"' in listing
    assert "Interactions per month with Old Friend: 2 in 24 months" in listing
    assert "Interactions per month with Quiet One: None in 24 months." in listing
    record = owner.get(f"/relationships/{friend['id']}").get_data(as_text=True)
    assert record.count('class="chart chart-spark"') == 1
    assert "Interactions per month with Old Friend: 2 in 24 months" in record
    shop = register(services, "Velo Shop")
    services.access_log.record_call(shop, "g", "/api/v1/profile", 1)
    log = owner.get("/access-log").get_data(as_text=True)
    assert "API calls per day by all vendors, last 30 days (UTC)" in log
    assert "1 in all over 30 days" in log
    one = owner.get(f"/access-log?vendor={shop}").get_data(as_text=True)
    assert "API calls per day by Velo Shop, last 30 days (UTC)" in one


def test_a_birthday_coming_up_shows_on_the_dashboard(
    owner: FlaskClient, services: Services
) -> None:
    soon = services.reminders.today() + timedelta(days=3)
    later = services.reminders.today() + timedelta(days=30)
    services.relationships.add({"kind": "person", "name": "Noor", "birthday": f"--{soon:%m-%d}"})
    services.relationships.add({"kind": "person", "name": "Ben", "birthday": f"--{later:%m-%d}"})
    page = owner.get("/").get_data(as_text=True)
    assert "Birthdays and anniversaries" in page
    assert re.search(r">Noor</a>: birthday, in 3 days", page)
    assert ">Ben</a>" not in page  # beyond PDS_BIRTHDAY_DAYS_AHEAD (7)
