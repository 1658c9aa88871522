"""A vendor and an owner driving the OAuth flow through the app's HTTP interface.

In-process (Flask test clients) for the many negative tests; ``tests/e2e`` runs the
same flow against the real server with Authlib's own OAuth client.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from flask.testing import FlaskClient

REDIRECT_URI = "https://shop.example/callback"


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


@dataclass
class Vendor:
    http: FlaskClient
    client_id: str
    client_secret: str | None
    redirect_uri: str = REDIRECT_URI
    verifier: str = field(default_factory=lambda: secrets.token_urlsafe(48))

    @classmethod
    def register(cls, http: FlaskClient, **metadata: Any) -> Vendor:
        """Register; a ``None`` in ``metadata`` leaves that field out."""
        body = {
            "client_name": "Example Shop",
            "client_uri": "https://shop.example",
            "redirect_uris": [REDIRECT_URI],
            **metadata,
        }
        body = {key: value for key, value in body.items() if value is not None}
        response = http.post("/oauth/register", json=body)
        assert response.status_code == 201, response.get_json()
        data = response.get_json()
        return cls(http, data["client_id"], data.get("client_secret"), body["redirect_uris"][0])

    def authorize_path(self, scope: str = "openid profile purchases:read", **params: Any) -> str:
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": scope,
            "state": "st-123",
            "code_challenge": create_s256_code_challenge(self.verifier),
            "code_challenge_method": "S256",
            **params,
        }
        return "/oauth/authorize?" + urlencode({k: v for k, v in query.items() if v is not None})

    def _auth(self) -> dict[str, str]:
        pair = f"{self.client_id}:{self.client_secret}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode()}

    def _post(self, path: str, form: dict[str, Any]) -> Any:
        """POST as this client: with its secret, or (a public client) naming its id only."""
        if self.client_secret is None:
            return self.http.post(path, data={"client_id": self.client_id, **form})
        return self.http.post(path, data=form, headers=self._auth())

    def token(self, **form: Any) -> Any:
        return self._post("/oauth/token", form)

    def exchange(self, code: str, **extra: Any) -> Any:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": self.verifier,
            **extra,
        }
        return self.token(**{k: v for k, v in form.items() if v is not None})

    def refresh(self, refresh_token: str, **extra: Any) -> Any:
        return self.token(grant_type="refresh_token", refresh_token=refresh_token, **extra)

    def revoke(self, token: str, hint: str | None = None) -> Any:
        form = {"token": token, **({"token_type_hint": hint} if hint else {})}
        return self._post("/oauth/revoke", form)

    def introspect(self, token: str) -> Any:
        return self._post("/oauth/introspect", {"token": token})

    def userinfo(self, access_token: str) -> Any:
        return self.http.get("/oauth/userinfo", headers={"Authorization": f"Bearer {access_token}"})


def consent(owner: FlaskClient, path: str, decision: str = "allow", **choices: Any) -> Any:
    """The owner opens the consent page and presses Allow or Deny (303 to the vendor)."""
    from tests.conftest import csrf_of  # (the shared conftest imports this module)

    page = owner.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    form: dict[str, Any] = {"csrf_token": csrf_of(html), "decision": decision, "expiry": "30d"}
    if "grant_scope" not in choices:
        requested = query_of(path)["scope"].split()
        form["grant_scope"] = requested
    form.update(choices)  # a choice of None leaves that field out
    return owner.post(path, data={key: value for key, value in form.items() if value is not None})


def code_from(response: Any) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)
    return query_of(response.headers["Location"])["code"]


def authorized_tokens(owner: FlaskClient, vendor: Vendor, **kwargs: Any) -> dict[str, Any]:
    """The whole flow: consent (Allow), code, token response."""
    scope = kwargs.pop("scope", "openid profile offline_access purchases:read")
    response = vendor.exchange(code_from(consent(owner, vendor.authorize_path(scope), **kwargs)))
    assert response.status_code == 200, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]
