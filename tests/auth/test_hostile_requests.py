"""The OAuth endpoints and hostile requests (issue 14.5): each answers in the OAuth
error format, never with a 500. Registration refuses JSON nested too deep; the token,
revocation and introspection endpoints take a malformed ``Basic`` header as no client
authentication (401 ``invalid_client``); the authorization endpoint refuses a
``response_type`` of characters it could not echo, and carries any ``state`` back
encoded, CR/LF included."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.auth.vendorkit import REDIRECT_URI, Vendor, consent, query_of


def basic(raw: bytes) -> str:
    return "Basic " + base64.b64encode(raw).decode()


@pytest.mark.parametrize("depth", [33, 100_000])
def test_registration_refuses_json_nested_too_deep(client: FlaskClient, depth: int) -> None:
    body = '{"client_name": "Deep", "jwks": ' + "[" * depth + "]" * depth + "}"
    response = client.post("/oauth/register", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {
        "error": "invalid_client_metadata",
        "error_description": "Send the client metadata as a JSON object.",
    }


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic",
        "Basic ",
        "Bearer ",
        "Basic !!!not-base64",
        basic(b"no-colon"),
        basic(b"\xff\xfe:secret"),  # not UTF-8
        basic(b":"),
    ],
)
@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/oauth/token", {"grant_type": "client_credentials"}),
        ("/oauth/revoke", {"token": "x" * 43}),
        ("/oauth/introspect", {"token": "x" * 43}),
    ],
)
def test_a_malformed_basic_header_is_an_invalid_client(
    client: FlaskClient, path: str, form: dict[str, str], authorization: str
) -> None:
    response = client.post(path, data=form, headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"
    assert response.headers["WWW-Authenticate"].startswith("Basic ")


def test_a_well_formed_basic_header_still_authenticates(vendor: Vendor) -> None:
    response = vendor.introspect("x" * 43)
    assert response.status_code == 200 and response.get_json() == {"active": False}


@pytest.mark.parametrize("response_type", ["code\r\nX: y", 'co"de', "cöde", "code\\", "  "])
def test_a_malformed_response_type_ends_on_an_error_page(
    owner: FlaskClient, vendor: Vendor, response_type: str
) -> None:
    response = owner.get(vendor.authorize_path(response_type=response_type))
    assert response.status_code == 400
    assert "response_type is malformed" in response.get_data(as_text=True)
    assert "Location" not in response.headers


def test_an_unsupported_response_type_ends_on_an_error_page(
    owner: FlaskClient, vendor: Vendor
) -> None:
    """Refused before the owner approved anything: an error page, not a redirect
    (RFC 9700 §4.11.2)."""
    response = owner.get(vendor.authorize_path(response_type="token"))
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "unsupported_response_type" in response.get_data(as_text=True)


@pytest.mark.parametrize("state", ["a\r\nSet-Cookie: x=y", "\u2028\x00", "s" * 4000])
def test_any_state_goes_back_encoded(owner: FlaskClient, vendor: Vendor, state: str) -> None:
    response: Any = consent(owner, vendor.authorize_path(state=state), decision="deny")
    location = response.headers["Location"]
    assert response.status_code == 303 and location.startswith(REDIRECT_URI + "?")
    assert "\r" not in location and "\n" not in location
    assert query_of(location)["state"] == state
