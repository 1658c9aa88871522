"""The whole consent flow against the real server, driven by Authlib's own OAuth client.

A vendor discovers the store, registers, sends the owner to the authorization
endpoint with PKCE; the owner logs in and presses Allow through the HTML forms; the
vendor exchanges the code, checks the ID token against ``jwks_uri``, calls UserInfo,
refreshes; the owner revokes in the portal and the vendor's next call is refused.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.conftest import OWNER_PASSWORD

CALLBACK = "http://127.0.0.1:9/callback"  # the vendor's own loopback address


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def owner_allows(authorize_url: str) -> tuple[requests.Session, str]:
    """The owner's browser: log in, read the consent page, press Allow; the redirect."""
    browser = requests.Session()
    page = browser.get(authorize_url)  # not logged in: sent to the login form
    assert urlsplit(page.url).path == "/login"
    login = browser.post(page.url, data={"csrf_token": csrf(page.text), "password": OWNER_PASSWORD})
    assert urlsplit(login.url).path == "/oauth/authorize", login.text
    assert "asks for access to your data" in login.text
    scopes = re.findall(r'name="grant_scope" type="checkbox" value="([^"]+)" checked', login.text)
    decision = browser.post(
        login.url,
        data={
            "csrf_token": csrf(login.text),
            "decision": "allow",
            "grant_scope": scopes,
            "expiry": "30d",
        },
        allow_redirects=False,
    )
    assert decision.status_code == 303
    return browser, decision.headers["Location"]


def owner_revokes_everything(browser: requests.Session, base: str) -> None:
    page = browser.get(urljoin(base, "/vendors"))
    actions = re.findall(r'action="(/grants/[^"]+/revoke)"', page.text)
    assert actions
    for action in actions:
        response = browser.post(urljoin(base, action), data={"csrf_token": csrf(page.text)})
        assert response.ok


def test_vendor_flow_with_a_real_oauth_client(server: str) -> None:
    metadata = requests.get(f"{server}/.well-known/openid-configuration", timeout=10).json()
    assert metadata["issuer"] == server

    registered = requests.post(
        metadata["registration_endpoint"],
        json={
            "client_name": "Loopback Books",
            "redirect_uris": [CALLBACK],
            "token_endpoint_auth_method": "client_secret_basic",
        },
        timeout=10,
    ).json()

    vendor = OAuth2Session(
        client_id=registered["client_id"],
        client_secret=registered["client_secret"],
        scope="openid profile email offline_access purchases:read",
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    )
    verifier = secrets.token_urlsafe(48)
    nonce = secrets.token_urlsafe(16)
    url, state = vendor.create_authorization_url(
        metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )

    browser, callback = owner_allows(url)
    returned = {k: v[0] for k, v in parse_qs(urlsplit(callback).query).items()}
    assert returned["state"] == state and returned["iss"] == server

    token = vendor.fetch_token(
        metadata["token_endpoint"], authorization_response=callback, code_verifier=verifier
    )
    keys = KeySet.import_key_set(requests.get(metadata["jwks_uri"], timeout=10).json())
    id_token = jwt.decode(token["id_token"], keys, algorithms=["RS256"])
    claims = id_token.claims
    assert id_token.header["kid"] in {k["kid"] for k in keys.as_dict()["keys"]}
    assert claims["iss"] == server and claims["aud"] == registered["client_id"]
    assert claims["nonce"] == nonce

    userinfo = vendor.get(metadata["userinfo_endpoint"], timeout=10)
    assert userinfo.status_code == 200
    assert userinfo.json()["sub"] == claims["sub"]

    refreshed = vendor.refresh_token(metadata["token_endpoint"])
    assert refreshed["access_token"] != token["access_token"]
    assert vendor.get(metadata["userinfo_endpoint"], timeout=10).status_code == 200

    owner_revokes_everything(browser, server)
    after = vendor.get(metadata["userinfo_endpoint"], timeout=10)
    assert after.status_code == 401
    assert after.headers["WWW-Authenticate"].startswith('Bearer realm="pds", error="invalid_token"')
