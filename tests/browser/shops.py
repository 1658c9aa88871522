"""Vendors for the browser journeys: real HTTP clients of the running store (requests only).

A ``ConnectingShop`` asks for the owner's consent (authorization code with PKCE) and pushes
receipts; an ``RfpShop`` (client credentials) answers published RFPs with offers.
"""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from playwright.sync_api import Page, Route, expect

#: Every shop's callback (``https://<its name>.example/callback``): never fetched, the
#: browser test intercepts it.
CALLBACKS = "https://*.example/callback*"
SCOPE = "openid profile purchases:read purchases:write"


def _register(base: str, body: dict[str, Any]) -> dict[str, Any]:
    response = requests.post(base + "/oauth/register", json=body, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


@dataclass
class Shop:
    base: str
    client_id: str
    client_secret: str
    token: str = ""

    def _basic(self) -> dict[str, str]:
        pair = f"{self.client_id}:{self.client_secret}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode()}

    def _token(self, form: dict[str, str]) -> None:
        response = requests.post(
            self.base + "/oauth/token", data=form, headers=self._basic(), timeout=10
        )
        assert response.status_code == 200, response.text
        self.token = response.json()["access_token"]

    def call(self, method: str, path: str, body: Any = None) -> requests.Response:
        return requests.request(
            method,
            self.base + "/api/v1" + path,
            json=body,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=10,
        )


@dataclass
class ConnectingShop(Shop):
    callback: str = ""
    verifier: str = field(default_factory=lambda: secrets.token_urlsafe(48))

    @classmethod
    def register(cls, base: str, name: str) -> ConnectingShop:
        # each shop a site of its own: the store knows a vendor by its redirect URIs' domain
        site = "https://" + "-".join(re.findall(r"[a-z]+", name.lower())) + ".example"
        body = {"client_name": name, "client_uri": site, "redirect_uris": [f"{site}/callback"]}
        data = _register(base, body)
        return cls(base, data["client_id"], data["client_secret"], callback=f"{site}/callback")

    def authorize_path(self, scope: str) -> str:
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.callback,
            "scope": scope,
            "state": "browser-journey",
            "code_challenge": create_s256_code_challenge(self.verifier),
            "code_challenge_method": "S256",
        }
        return "/oauth/authorize?" + urlencode(query)

    def finish(self, callback_url: str) -> None:
        """Exchange the code the owner's browser brought back for tokens."""
        query = parse_qs(urlsplit(callback_url).query)
        assert query["state"] == ["browser-journey"], callback_url
        form = {
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": self.callback,
            "code_verifier": self.verifier,
        }
        self._token(form)

    def push_receipt(self, day: str, description: str, price: str) -> dict[str, Any]:
        receipt = {
            "date": day,
            "currency": "EUR",
            "items": [{"description": description, "unit_price": price, "quantity": "1"}],
            "order_ref": f"ORDER-{day}",
            "category": "books",
        }
        response = self.call("POST", "/purchases", receipt)
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]


@dataclass
class RfpShop(Shop):
    @classmethod
    def register(cls, base: str, name: str) -> RfpShop:
        data = _register(base, {"client_name": name, "grant_types": ["client_credentials"]})
        shop = cls(base, data["client_id"], data["client_secret"])
        shop._token({"grant_type": "client_credentials", "scope": "rfp:respond"})
        return shop

    def offer(self, pseudonym: str, price: str) -> dict[str, Any]:
        body = {
            "price": price,
            "currency": "EUR",
            "line_items": [{"description": "Headphones, over-ear", "unit_price": price}],
            "delivery_date": "2099-03-20",
            "conditions": "Two years warranty.",
            "message": "In stock.",
        }
        response = self.call("PUT", f"/rfps/{pseudonym}/offer", body)
        assert response.status_code in (200, 201), response.text
        return response.json()  # type: ignore[no-any-return]


def catch_callback(page: Page) -> list[str]:
    """The URLs the owner's browser is sent to at the shop's callback (answered here)."""
    came_back: list[str] = []

    def callback(route: Route) -> None:
        came_back.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>Shop</title>Connected")

    page.route(CALLBACKS, callback)
    return came_back


def approve(owner: Page, shop: ConnectingShop, name: str) -> None:
    """The owner opens the shop's request, sees who asks and what for, presses Allow; the
    browser is sent back to the shop's callback, and the shop takes its tokens."""
    came_back = catch_callback(owner)
    owner.goto(shop.authorize_path(SCOPE))
    expect(owner.get_by_role("heading", level=1)).to_have_text(
        f"{name} asks for access to your data"
    )
    expect(owner.get_by_text("No: you have no record of this vendor yet.")).to_be_visible()
    expect(owner.get_by_role("checkbox", checked=True)).to_have_count(len(SCOPE.split()))
    owner.get_by_label("Access ends").select_option("30d")
    owner.get_by_role("button", name="Allow").click()
    expect(owner.get_by_text("Connected")).to_be_visible()
    assert len(came_back) == 1 and "code=" in came_back[0]
    shop.finish(came_back[0])
