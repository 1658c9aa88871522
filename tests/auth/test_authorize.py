"""The authorization endpoint and consent screen: PKCE S256, exact redirect URIs,
errors that never redirect before the owner has decided (RFC 9700, section 4.11.2),
``state`` and ``iss`` carried."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.auth.vendorkit import REDIRECT_URI, Vendor, consent, query_of
from tests.conftest import csrf_of

ISSUER = "http://127.0.0.1:8000"


def redirected_error(response: Any) -> dict[str, str]:
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    location = response.headers["Location"]
    assert location.startswith(REDIRECT_URI + "?")
    return query_of(location)


def error_page(response: Any) -> str:
    """The store's own error page (400): the vendor's redirect URI is sent nothing."""
    assert response.status_code == 400, response.headers.get("Location")
    assert "Location" not in response.headers
    return str(response.get_data(as_text=True))


def test_owner_must_log_in_first(client: FlaskClient, vendor: Vendor) -> None:
    path = vendor.authorize_path()
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_consent_page_says_who_asks_for_what(owner: FlaskClient, vendor: Vendor) -> None:
    html = owner.get(vendor.authorize_path("openid email purchases:read")).get_data(as_text=True)
    assert "Example Shop asks for access to your data" in html
    assert "No: you have no record of this vendor yet." in html
    assert "Only my purchases from this vendor" in html
    assert 'name="grant_scope" type="checkbox" value="email" checked' in html
    assert "Example Shop accepts your terms (version 1)" in html
    assert ">Allow</button>" in html and ">Deny</button>" in html


def test_missing_pkce_is_refused_on_an_error_page(owner: FlaskClient, vendor: Vendor) -> None:
    path = vendor.authorize_path(code_challenge=None, code_challenge_method=None)
    assert "PKCE is required" in error_page(owner.get(path))


def test_plain_pkce_is_refused(owner: FlaskClient, vendor: Vendor) -> None:
    path = vendor.authorize_path(code_challenge=vendor.verifier, code_challenge_method="plain")
    assert "code_challenge_method must be S256" in error_page(owner.get(path))


def test_challenge_without_method_is_refused(owner: FlaskClient, vendor: Vendor) -> None:
    error_page(owner.get(vendor.authorize_path(code_challenge_method=None)))


def test_mismatched_redirect_uri_shows_an_error_page(owner: FlaskClient, vendor: Vendor) -> None:
    for uri in ("https://evil.example/cb", REDIRECT_URI + "/", REDIRECT_URI + "?x=1", None):
        response = owner.get(vendor.authorize_path(redirect_uri=uri))
        assert response.status_code == 400, uri
        assert "Location" not in response.headers
        assert "redirect_uri" in response.get_data(as_text=True)


def test_unknown_client_shows_an_error_page(owner: FlaskClient, vendor: Vendor) -> None:
    response = owner.get(vendor.authorize_path(client_id="no-such-client"))
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "client does not exist" in response.get_data(as_text=True)


def test_unknown_scope_shows_an_error_page(owner: FlaskClient, vendor: Vendor) -> None:
    assert "invalid_scope" in error_page(owner.get(vendor.authorize_path("openid steal:x")))


def test_deny_redirects_with_access_denied(
    owner: FlaskClient, vendor: Vendor, services: Any
) -> None:
    response = consent(owner, vendor.authorize_path(), decision="deny")
    assert response.status_code == 303
    error = redirected_error(response)
    assert error == {
        "error": "access_denied",
        "state": "st-123",
        "iss": ISSUER,
        **(
            {"error_description": error["error_description"]}
            if "error_description" in error
            else {}
        ),
    }
    assert services.grants.list(client_id=vendor.client_id) == []
    actions = [e.event["action"] for e in services.store.audit.entries()]
    assert "grant.deny" in actions


def test_allow_redirects_with_code_state_and_iss(
    owner: FlaskClient, vendor: Vendor, services: Any
) -> None:
    response = consent(owner, vendor.authorize_path())
    assert response.status_code == 303
    params = query_of(response.headers["Location"])
    assert set(params) == {"code", "state", "iss"}
    assert params["state"] == "st-123" and params["iss"] == ISSUER
    [grant] = services.grants.list(client_id=vendor.client_id)
    assert grant["scopes"] == ["openid", "profile", "purchases:read"]
    assert grant["constraints"] == {"purchases": "vendor", "categories": [], "since": None}
    assert grant["terms_version"] == 1
    vendor_record = services.relationships.get(grant["vendor_id"])
    assert vendor_record["name"] == "Example Shop" and vendor_record["domain"] == "shop.example"


def test_owner_narrows_the_grant(owner: FlaskClient, vendor: Vendor, services: Any) -> None:
    path = vendor.authorize_path("openid email purchases:read")
    consent(
        owner,
        path,
        grant_scope=["openid", "purchases:read"],
        purchases_reach="categories",
        categories="books, music",
        since="2025-01-01",
        expiry="1d",
    )
    [grant] = services.grants.list(client_id=vendor.client_id)
    assert grant["scopes"] == ["openid", "purchases:read"]
    assert grant["constraints"] == {
        "purchases": "categories",
        "categories": ["books", "music"],
        "since": "2025-01-01",
    }
    assert grant["expires_at"] is not None


def test_owner_cannot_widen_the_grant(owner: FlaskClient, vendor: Vendor, services: Any) -> None:
    consent(owner, vendor.authorize_path("openid"), grant_scope=["openid", "purchases:read"])
    [grant] = services.grants.list(client_id=vendor.client_id)
    assert grant["scopes"] == ["openid"]


def test_allow_with_nothing_chosen_keeps_the_form(owner: FlaskClient, vendor: Vendor) -> None:
    path = vendor.authorize_path()
    html = owner.get(path).get_data(as_text=True)
    response = owner.post(path, data={"csrf_token": csrf_of(html), "decision": "allow"})
    assert response.status_code == 400
    assert "Choose at least one kind of access" in response.get_data(as_text=True)


def test_consent_without_csrf_token_is_refused(
    owner: FlaskClient, vendor: Vendor, services: Any
) -> None:
    path = vendor.authorize_path()
    owner.get(path)
    response = owner.post(path, data={"decision": "allow", "grant_scope": ["openid"]})
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert services.grants.list(client_id=vendor.client_id) == []


def test_blocked_client_cannot_ask(owner: FlaskClient, vendor: Vendor, services: Any) -> None:
    services.clients.block(vendor.client_id)
    response = owner.get(vendor.authorize_path())
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_consent_page_lets_its_form_redirect_to_the_vendor_only(
    owner: FlaskClient, vendor: Vendor
) -> None:
    policy = owner.get(vendor.authorize_path()).headers["Content-Security-Policy"]
    assert "form-action 'self' https://shop.example;" in policy
    assert "frame-ancestors 'none'" in policy
    assert "https://shop.example" not in owner.get("/vendors").headers["Content-Security-Policy"]
