"""OpenID Connect prompts and redirect hygiene against the real server, driven by
Authlib's own OAuth client and a plain HTTP "browser" for the owner."""

from __future__ import annotations

import re
import secrets
import time
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.conftest import OWNER_PASSWORD
from tests.e2e.test_oauth_flow import CALLBACK, csrf, owner_allows


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def callback_query(response: requests.Response) -> dict[str, str]:
    """The parameters of a redirect to the vendor's callback (not followed)."""
    assert response.status_code in (302, 303), response.text
    location = response.headers["Location"]
    assert location.startswith(CALLBACK + "?"), location
    return query_of(location)


def log_in_and_allow(browser: requests.Session, server: str, login_page: str) -> str:
    """The owner logs in on ``login_page`` and presses Allow; the callback it leads to."""
    page = browser.get(urljoin(server, login_page), timeout=10)
    login = browser.post(
        page.url, data={"csrf_token": csrf(page.text), "password": OWNER_PASSWORD}, timeout=10
    )
    assert "asks for access to your data" in login.text, login.text
    scopes = re.findall(r'name="grant_scope" type="checkbox" value="([^"]+)" checked', login.text)
    form = {"csrf_token": csrf(login.text), "decision": "allow", "grant_scope": scopes}
    decision = browser.post(
        login.url, data={**form, "expiry": "30d"}, allow_redirects=False, timeout=10
    )
    assert decision.status_code == 303
    return str(decision.headers["Location"])


def test_prompts_and_redirects_with_a_real_oauth_client(server: str) -> None:
    metadata = requests.get(f"{server}/.well-known/openid-configuration", timeout=10).json()
    assert metadata["request_parameter_supported"] is False
    assert "none" not in metadata["introspection_endpoint_auth_methods_supported"]
    registered = requests.post(
        metadata["registration_endpoint"],
        json={"client_name": "Loopback Books", "redirect_uris": [CALLBACK]},
        timeout=10,
    ).json()
    vendor = OAuth2Session(
        client_id=registered["client_id"],
        client_secret=registered["client_secret"],
        scope="openid profile",
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
    )
    endpoint = metadata["authorization_endpoint"]
    verifier = secrets.token_urlsafe(48)

    def authorization_url(**params: Any) -> tuple[str, str]:
        url, state = vendor.create_authorization_url(endpoint, code_verifier=verifier, **params)
        return str(url), str(state)

    anonymous = requests.Session()
    url, state = authorization_url(prompt="none")
    answer = callback_query(anonymous.get(url, allow_redirects=False, timeout=10))
    assert answer == {"error": "login_required", "state": state, "iss": server}

    url, _ = authorization_url(scope="openid steal:everything")
    refused = anonymous.get(url, allow_redirects=False, timeout=10)
    assert refused.status_code == 400 and "Location" not in refused.headers

    browser, _ = owner_allows(authorization_url()[0])
    url, state = authorization_url(prompt="none")
    answer = callback_query(browser.get(url, allow_redirects=False, timeout=10))
    assert answer == {"error": "consent_required", "state": state, "iss": server}

    time.sleep(1.1)  # so that a fresh login has a later auth_time than the first
    asked_at = int(time.time())
    url, state = authorization_url(prompt="login", nonce="n-login")
    sent = browser.get(url, allow_redirects=False, timeout=10)
    assert sent.status_code == 302 and sent.headers["Location"].startswith("/login?next=")
    callback = log_in_and_allow(browser, server, sent.headers["Location"])
    assert query_of(callback)["state"] == state
    token = vendor.fetch_token(
        metadata["token_endpoint"], authorization_response=callback, code_verifier=verifier
    )
    keys = KeySet.import_key_set(requests.get(metadata["jwks_uri"], timeout=10).json())
    claims = jwt.decode(token["id_token"], keys, algorithms=["RS256"]).claims
    assert claims["nonce"] == "n-login" and claims["auth_time"] >= asked_at
