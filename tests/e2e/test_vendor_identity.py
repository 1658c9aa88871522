"""Impersonation, end to end: the real ``pds serve`` over the demo store (which knows
Paper Lantern Books at paperlanternbooks.com, with purchases), vendors registering and
going through consent with Authlib's own OAuth client, then reading ``/api/v1``.

A client that only *calls* itself Paper Lantern Books, or only *names*
paperlanternbooks.com as its site, sees none of the shop's purchases nor its
relationship record, and the receipts it pushes stay on its own record. The shop that
proves the domain (its https redirect URI is on it) is recognised and reads them.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.requests_client import OAuth2Session

from tests.conftest import OWNER_PASSWORD
from tests.e2e.processes import csrf

KNOWN = "Paper Lantern Books"
SCOPES = "openid purchases:read purchases:write relationship:read"
RECEIPT = {
    "date": "2026-01-05",
    "currency": "EUR",
    "items": [{"description": "A forged novel", "quantity": "1", "unit_price": "9.99"}],
}


def register(server: str, name: str, redirect_uri: str, **metadata: Any) -> requests.Response:
    body = {"client_name": name, "redirect_uris": [redirect_uri], **metadata}
    return requests.post(f"{server}/oauth/register", json=body, timeout=10)


@dataclass
class Connected:
    consent_page: str
    session: OAuth2Session
    server: str

    def get(self, path: str) -> Any:
        response = self.session.get(f"{self.server}/api/v1{path}", timeout=10)
        assert response.status_code == 200, response.text
        return response.json()


def connect(server: str, registered: dict[str, Any]) -> Connected:
    """The vendor sends the owner to consent; the owner logs in, reads the page and
    presses Allow with the default choices; the vendor takes its tokens."""
    redirect_uri = registered["redirect_uris"][0]
    vendor = OAuth2Session(
        client_id=registered["client_id"],
        client_secret=registered["client_secret"],
        scope=SCOPES,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )
    verifier = secrets.token_urlsafe(48)
    url, _ = vendor.create_authorization_url(f"{server}/oauth/authorize", code_verifier=verifier)
    browser = requests.Session()
    login = browser.get(url, timeout=10)
    page = browser.post(
        login.url, data={"csrf_token": csrf(login.text), "password": OWNER_PASSWORD}, timeout=10
    )
    assert "asks for access to your data" in page.text, page.text
    reach = re.search(r'name="purchases_reach" type="radio" value="(\w+)" checked', page.text)
    assert reach and reach.group(1) == "vendor"  # "Only my purchases from this vendor"
    decision = browser.post(
        page.url,
        data={
            "csrf_token": csrf(page.text),
            "decision": "allow",
            "grant_scope": SCOPES.split(),
            "purchases_reach": reach.group(1),
            "expiry": "30d",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert decision.status_code == 303
    callback = decision.headers["Location"]
    assert callback.startswith(redirect_uri + "?")
    vendor.fetch_token(
        f"{server}/oauth/token", authorization_response=callback, code_verifier=verifier
    )
    return Connected(page.text, vendor, server)


def test_a_vendors_name_or_claimed_site_reaches_nothing_of_the_real_vendor(server: str) -> None:
    shop = register(
        server,
        KNOWN,
        "https://www.paperlanternbooks.com/callback",
        client_uri="https://paperlanternbooks.com/",
    )
    real = connect(server, shop.json())
    first_page = real.get("/purchases?limit=100")
    assert first_page["next_cursor"] is None
    shop_purchases = {p["id"] for p in first_page["items"]}
    assert shop_purchases
    shop_record = real.get("/relationship")
    assert shop_record["name"] == KNOWN and shop_record["since"]

    # Only the name, with the default reach "only my purchases from this vendor".
    named = connect(server, register(server, KNOWN, "https://attacker.example/callback").json())
    assert named.get("/purchases")["items"] == []
    assert named.get("/relationship") != shop_record
    assert named.get("/relationship")["since"] is None
    pushed = named.session.post(f"{server}/api/v1/purchases", json=RECEIPT, timeout=10)
    assert pushed.status_code == 201, pushed.text

    # Only the site, named as client_uri next to a redirect URI elsewhere: refused.
    for redirect_uri in ("https://lantern.example/callback", "http://127.0.0.1:9/callback"):
        claimed = register(
            server, "Lantern Books Online", redirect_uri, client_uri="https://paperlanternbooks.com"
        )
        assert claimed.status_code == 400
        assert claimed.json()["error"] == "invalid_client_metadata"
        assert claimed.json()["error_description"].startswith("client_uri: Must be on")
    unclaimed = register(server, "Lantern Books Online", "https://lantern.example/callback")
    other = connect(server, unclaimed.json())
    assert other.get("/purchases")["items"] == []

    # The real shop still sees its own purchases, and not the forged receipt.
    assert {p["id"] for p in real.get("/purchases?limit=100")["items"]} == shop_purchases
    assert pushed.json()["id"] not in shop_purchases

    # What the owner read on each consent page.
    known_as = f"Yes: your records know paperlanternbooks.com as “{KNOWN}”"
    assert f"{known_as}, {len(shop_purchases)} purchases." in real.consent_page
    assert "You will be sent back to <strong>paperlanternbooks.com</strong>" in real.consent_page
    assert "You will be sent back to <strong>attacker.example</strong>" in named.consent_page
    assert f"This is not the {KNOWN} you know: its site is attacker.example." in named.consent_page
    assert "Yes: your records know" not in named.consent_page
    assert "No: you have no record of this vendor yet." in other.consent_page
