"""The consent page read in one screen: the vendor on top, no portal navigation, the
vendor's stated purpose per scope (registered, shown, kept in the grant), the login
before it naming the vendor, and the shipping-address request after an RFP award."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient

from pds.services import Services
from tests.auth.vendorkit import REDIRECT_URI, Vendor, consent, query_of

PURPOSE = {"purchases:read": "To suggest refills of what you bought from us."}


def page_of(owner: FlaskClient, path: str) -> str:
    response = owner.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return str(response.get_data(as_text=True))


def test_the_consent_page_has_no_portal_navigation(owner: FlaskClient, vendor: Vendor) -> None:
    html = page_of(owner, vendor.authorize_path())
    assert 'aria-label="Main"' not in html
    assert "Log out" not in html
    assert page_of(owner, "/").count('aria-label="Main"') == 1  # the portal keeps it


def test_a_new_vendor_is_marked_new_and_scopes_show_their_sensitivity(
    owner: FlaskClient, vendor: Vendor
) -> None:
    html = page_of(owner, vendor.authorize_path("openid purchases:read"))
    assert '<span class="badge new">New to you</span>' in html
    assert "high sensitivity</span>" in html
    # the terms are summed up on the page, in full one link away
    assert 'href="/settings/terms"' in html


def test_the_vendors_stated_purpose_is_shown_and_kept_in_the_grant(
    owner: FlaskClient, services: Services
) -> None:
    shop = Vendor.register(owner, purpose=PURPOSE)
    path = shop.authorize_path("openid purchases:read")
    assert "Why, says Example Shop: “To suggest refills of what you bought from us.”" in (
        page_of(owner, path)
    )
    assert consent(owner, path).status_code == 303
    [grant] = services.grants.list(client_id=shop.client_id)
    assert grant["purposes"] == PURPOSE


def test_a_purpose_for_an_unknown_or_unregistered_scope_is_refused(owner: FlaskClient) -> None:
    base = {"client_name": "Odd Shop", "redirect_uris": [REDIRECT_URI]}
    unknown = owner.post("/oauth/register", json={**base, "purpose": {"teleport": "Why not."}})
    assert unknown.status_code == 400
    assert "Unknown scope: teleport." in unknown.get_data(as_text=True)
    unregistered = {**base, "scope": "openid", "purpose": PURPOSE}
    response = owner.post("/oauth/register", json=unregistered)
    assert response.status_code == 400
    assert "Not among the registered scope: purchases:read." in response.get_data(as_text=True)
    too_long = {**base, "purpose": {"openid": "x" * 201}}
    assert owner.post("/oauth/register", json=too_long).status_code == 400


def test_the_login_before_consent_names_the_vendor(client: FlaskClient, vendor: Vendor) -> None:
    login = client.get(vendor.authorize_path()).headers["Location"]
    html = str(client.get(login).get_data(as_text=True))
    assert "<strong>Example Shop</strong> (shop.example)" in html
    assert "asks for access to your data" in html
    assert "asks for access" not in str(client.get("/login").get_data(as_text=True))


def _awarded_with_shipping(services: Services, client_id: str) -> dict[str, Any]:
    deadline = (datetime.now(UTC) + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:00Z")
    draft = services.rfps.draft(
        {
            "title": "Noise-cancelling headphones",
            "category": "audio",
            "budget": {"max": "250", "currency": "EUR"},
            "deadline": deadline,
        }
    )
    rfp = services.rfps.publish(draft["id"])
    offer = services.offers.submit(
        rfp["pseudonym"],
        client_id,
        {"price": "199.00", "currency": "EUR", "delivery_date": "2030-03-20"},
    )
    return services.rfps.award(rfp["id"], offer["id"], share_shipping=True)


def test_shipping_consent_after_an_award_names_the_order_for_one_day(
    owner: FlaskClient, vendor: Vendor, services: Services
) -> None:
    _awarded_with_shipping(services, vendor.client_id)
    html = page_of(owner, vendor.authorize_path("openid address"))
    assert "For your order from the RFP “Noise-cancelling headphones”: €199.00" in html
    assert '<option value="1d" selected>after 1 day (this order only)</option>' in html
    assert 'name="since"' not in html
    # any other request of the same vendor is an ordinary one
    other = page_of(owner, vendor.authorize_path("openid profile"))
    assert "For your order" not in other and 'name="since"' in other
    assert '<option value="30d" selected>' in other


def test_shipping_consent_is_ordinary_without_an_award_sharing_the_address(
    owner: FlaskClient, vendor: Vendor
) -> None:
    html = page_of(owner, vendor.authorize_path("openid address"))
    assert "For your order" not in html
    assert '<option value="30d" selected>' in html


def test_the_one_day_default_is_what_allow_records(
    owner: FlaskClient, vendor: Vendor, services: Services
) -> None:
    _awarded_with_shipping(services, vendor.client_id)
    path = vendor.authorize_path("openid address")
    response = consent(owner, path, expiry=None)
    assert "code" in query_of(response.headers["Location"])
    [grant] = services.grants.list(client_id=vendor.client_id)
    created = datetime.fromisoformat(grant["created_at"])
    assert datetime.fromisoformat(grant["expires_at"]) - created == timedelta(days=1)


def test_a_known_vendor_is_known_since_its_record_was_made(
    owner: FlaskClient, vendor: Vendor, services: Services
) -> None:
    assert consent(owner, vendor.authorize_path()).status_code == 303
    [record] = services.relationships.vendors_named_like("Example Shop")
    html = page_of(owner, vendor.authorize_path())
    assert f'<span class="badge">Known since {record["created_at"][:10]}</span>' in html
    assert "New to you" not in html


def test_the_consent_page_speaks_the_owners_language(
    owner: FlaskClient, vendor: Vendor, services: Services
) -> None:
    services.profile.update({"language": "de"})
    html = page_of(owner, vendor.authorize_path("openid purchases:read"))
    assert '<html lang="de">' in html
    assert "<h1>Example Shop bittet um Zugriff auf Ihre Daten</h1>" in html
    assert '<span class="badge new">Neu für Sie</span>' in html
    # the scope catalogue's plain-language titles and descriptions, translated
    assert "Ihre Einkäufe sehen" in html and "See your purchases" not in html
    assert "hohe Sensibilität</span>" in html
    assert "Der Anbieter kann Einkäufe in Ihrem Verlauf lesen." in html
    # the terms summed up, purposes and default clauses included
    assert "Nutzen Sie meine Daten nur für: die Abwicklung meiner Bestellungen" in html
    assert "nicht länger als 365 Tage auf" in html
    assert "Vor allem Neuen fragen: Wenn Sie meine Daten" in html
    assert ">Erlauben</button>" in html and ">Ablehnen</button>" in html
    assert consent(owner, vendor.authorize_path("openid purchases:read")).status_code == 303


def test_a_refused_request_is_explained_in_the_owners_language(
    owner: FlaskClient, vendor: Vendor, services: Services
) -> None:
    services.profile.update({"language": "de"})
    response = owner.get(vendor.authorize_path() + "&max_age=soon")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Diese Anfrage kann nicht weitergehen" in html
    assert "Nichts wurde mit ihr geteilt" in html
    assert "max_age must be a whole number of seconds." in html  # the vendor's words: English
