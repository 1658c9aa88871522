"""The demo shop in-process: its own CSRF protection, the callback's binding to the
browser that started it, registration kept across restarts, consent refused,
disconnect. (``tests/e2e/test_demo_shop.py`` runs it for real against a real store.)"""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from pds.services import Services
from tests.auth.vendorkit import consent
from tests.conftest import csrf_of
from tests.vendors.conftest import ISSUER, path_of
from tests.vendors.flask_transport import FlaskTransport
from vendors.demo_shop import create_app
from vendors.demo_shop.connection import PURPOSES, SCOPES
from vendors.sdk import AuthorizationRequest

SHOP = "http://127.0.0.1:8001"


@pytest.fixture
def shop_app(http: requests.Session, tmp_path: Path) -> Flask:
    app = create_app(ISSUER, tmp_path / "shop", SHOP, session=http)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def browser(shop_app: Flask) -> FlaskClient:
    return shop_app.test_client()


def press_connect(browser: FlaskClient) -> str:
    """The shop's Connect button: the store's authorization URL it redirects to."""
    home = browser.get("/").get_data(as_text=True)
    response = browser.post("/connect", data={"csrf_token": csrf_of(home)})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith(ISSUER + "/oauth/authorize?")
    return location  # type: ignore[no-any-return]


def callback_path(owner: FlaskClient, authorize_url: str, decision: str = "allow") -> str:
    answer = consent(owner, path_of(authorize_url), decision=decision)
    assert answer.status_code == 303
    location = answer.headers["Location"]
    assert location.startswith(SHOP + "/callback?")
    return path_of(location)


def connected_shop(browser: FlaskClient, owner: FlaskClient) -> str:
    response = browser.get(callback_path(owner, press_connect(browser)))
    assert response.status_code == 303 and response.headers["Location"] == "/account"
    return browser.get("/account").get_data(as_text=True)


def token_requests(transport: FlaskTransport) -> int:
    return sum(1 for r in transport.sent if urlsplit(r.url or "").path == "/oauth/token")


def test_the_shop_shows_exactly_what_it_was_granted(
    browser: FlaskClient, owner: FlaskClient, services: Services
) -> None:
    services.profile.update({"name": "Ada Lovelace"})
    services.preferences.set("clothing.size", "M", visibility="shared")
    page = connected_shop(browser, owner)
    granted = re.findall(r"<li><code>([^<]+)</code></li>", page)
    assert tuple(granted) == SCOPES
    assert "Ada Lovelace" in page and "clothing.size" in page
    assert "Your store has no purchases we may see yet." in page


def test_post_forms_need_the_shops_csrf_token(browser: FlaskClient) -> None:
    form = {"sku": "NB-A5", "quantity": "1"}
    assert browser.post("/checkout", data=form).status_code == 400
    browser.get("/")  # a session with a token, but a wrong one is sent
    refused = browser.post("/checkout", data={**form, "csrf_token": "forged"})
    assert refused.status_code == 400 and "form has expired" in refused.get_data(as_text=True)
    assert browser.post("/connect").status_code == 400


def test_pages_carry_no_script_and_a_strict_policy(browser: FlaskClient) -> None:
    response = browser.get("/")
    html = response.get_data(as_text=True)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'none'" in policy and f"form-action 'self' {ISSUER}" in policy
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "<script" not in html and " style=" not in html
    labelled = set(re.findall(r'<label for="([^"]+)"', html))
    fields = set(re.findall(r'<input id="([^"]+)"', html))
    assert fields and fields == labelled


def test_a_callback_reaching_another_browser_is_refused_unused(
    shop_app: Flask, browser: FlaskClient, owner: FlaskClient, transport: FlaskTransport
) -> None:
    """A code meant for the browser that pressed Connect is worthless in any other one."""
    path = callback_path(owner, press_connect(browser))
    stranger = shop_app.test_client()
    refused = stranger.get(path)
    assert refused.status_code == 400 and "Unexpected answer" in refused.get_data(as_text=True)
    assert token_requests(transport) == 0
    assert shop_app.test_client().get("/callback?code=x&state=y").status_code == 400


def test_the_owners_refusal_is_taken_gracefully(
    browser: FlaskClient, owner: FlaskClient, transport: FlaskTransport
) -> None:
    response = browser.get(callback_path(owner, press_connect(browser), decision="deny"))
    assert response.status_code == 303
    page = browser.get("/").get_data(as_text=True)
    assert "You chose not to connect your data store. Nothing was shared." in page
    assert token_requests(transport) == 0


def test_the_shop_registers_once_and_again_only_for_a_new_address(
    http: requests.Session, tmp_path: Path, services: Services
) -> None:
    state = tmp_path / "state"
    first = create_app(ISSUER, state, SHOP, session=http).extensions["demo_shop"]
    client_id = first.ensure_registered()
    saved = json.loads((state / "shop.json").read_text())
    assert stat.S_IMODE((state / "shop.json").stat().st_mode) == 0o600
    assert saved["client_id"] == client_id and saved["client_secret"]
    restarted = create_app(ISSUER, state, SHOP, session=http).extensions["demo_shop"]
    assert restarted.ensure_registered() == client_id
    moved = create_app(ISSUER, state, "http://127.0.0.1:8002", session=http)
    assert moved.extensions["demo_shop"].ensure_registered() != client_id
    assert [c["client_name"] for c in services.clients.list()] == ["Demo Shop", "Demo Shop"]
    # it says why it asks for each scope it registers (shown on the consent page)
    registered = services.clients.get(client_id)
    assert set(registered["purpose"]) == set(registered["scope"].split())
    assert registered["purpose"]["purchases:read"] == PURPOSES["purchases:read"]


def test_disconnect_gives_the_grant_back(
    browser: FlaskClient, owner: FlaskClient, services: Services, tmp_path: Path
) -> None:
    page = connected_shop(browser, owner)
    response = browser.post("/disconnect", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303
    assert "we gave our access to your data store back" in browser.get("/").get_data(True)
    (grant,) = services.grants.list()
    assert grant["status"] == "revoked"
    assert not (tmp_path / "shop" / "tokens.json").exists()


def test_checkout_without_write_access_keeps_the_receipt(
    browser: FlaskClient, owner: FlaskClient, services: Services
) -> None:
    answer = consent(
        owner,
        path_of(press_connect(browser)),
        grant_scope=["openid", "profile", "purchases:read"],
    )
    browser.get(path_of(answer.headers["Location"]))
    home = browser.get("/").get_data(as_text=True)
    order = browser.post(
        "/checkout", data={"csrf_token": csrf_of(home), "sku": "MUG-EN", "quantity": "3"}
    ).get_data(as_text=True)
    assert "42.00 EUR" in order
    assert "You did not allow us to put receipts into your data store" in order
    assert services.purchases.count() == 0


def test_a_pending_request_is_kept_server_side(shop_app: Flask, browser: FlaskClient) -> None:
    press_connect(browser)
    with browser.session_transaction() as session:
        state = session["oauth_state"]
        assert set(session) == {"csrf_token", "oauth_state"}  # no verifier in the cookie
    pending = shop_app.extensions["demo_shop"].pending(state)
    assert isinstance(pending, AuthorizationRequest) and pending.state == state
    assert shop_app.extensions["demo_shop"].pending(state) is None  # used once
