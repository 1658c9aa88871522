"""The portal's wording and formats on a German page: what vendors did in German
sentences, dates and amounts in German format in the owner's time zone, relative times
in German (pds/web/wording_filters.py, the page's language through Flask-Babel)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_datetime
from flask.testing import FlaskClient

from pds.services import Services
from tests.web.test_rfps import register


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    return {"webhooks_enabled": False}


@pytest.fixture
def german_owner(owner: FlaskClient, services: Services) -> FlaskClient:
    """The owner, in Berlin with British formats, who chose German for the portal."""
    services.profile.update({"language": "de", "zoneinfo": "Europe/Berlin", "locale": "en-GB"})
    return owner


def test_the_dashboard_says_in_german_what_vendors_did(
    german_owner: FlaskClient, services: Services
) -> None:
    shop = register(services, "Demo Shop")
    grant = services.grants.create(
        client_id=shop, scopes=["openid"], expiry="1d", terms_version=1, vendor_id=None
    )
    services.access_log.record_call(shop, grant["id"], "/api/v1/preferences", 15)
    page = german_owner.get("/").get_data(as_text=True)
    assert "Demo Shop hat 15 Ihrer Vorlieben gelesen" in page
    ends = datetime.fromisoformat(grant["expires_at"]).astimezone(ZoneInfo("Europe/Berlin"))
    assert f"Demo Shop: Zugriff endet {format_datetime(ends, 'd. MMM y, HH:mm', locale='de')}" in (
        page
    )


def test_amounts_and_days_are_german_on_a_german_page(
    german_owner: FlaskClient, owner: FlaskClient, services: Services
) -> None:
    shop = services.relationships.add({"kind": "vendor", "name": "Corner Shop"})
    services.purchases.add(
        {"vendor_id": shop["id"], "date": "2026-12-03", "total": "1234.90", "currency": "EUR"}
    )
    page = german_owner.get("/purchases").get_data(as_text=True)
    assert "1.234,90\xa0€" in page and ">3. Dez. 2026</time>" in page
    services.profile.update({"language": "en"})
    page = owner.get("/purchases").get_data(as_text=True)
    assert "€1,234.90" in page and ">3 Dec 2026</time>" in page  # the profile's en-GB


def test_relative_times_are_german_on_a_german_page(
    german_owner: FlaskClient, services: Services
) -> None:
    friend = services.relationships.add({"kind": "person", "name": "Ada"})
    today = datetime.now(UTC).astimezone(ZoneInfo("Europe/Berlin")).date()
    when = (today - timedelta(days=21)).isoformat()
    services.interactions.log({"kind": "call", "date": when, "counterpart_id": friend["id"]})
    page = german_owner.get("/relationships").get_data(as_text=True)
    assert "vor 3 Wochen" in page
