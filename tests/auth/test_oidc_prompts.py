"""OpenID Connect at the authorization endpoint: ``prompt``, ``max_age`` and a truthful
``auth_time``, request objects refused, and errors sent back only where OIDC says."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.auth.test_authorize import ISSUER, error_page, redirected_error
from tests.auth.test_identity import id_token_claims
from tests.auth.vendorkit import Vendor, code_from, consent
from tests.conftest import OWNER_PASSWORD, csrf_of, log_in
from tests.web.test_sessions import WallClock

T0 = 1_750_000_000  # the wall clock's start: the owner's first login


def sent_to_login(response: TestResponse) -> str:
    """The login page the authorization request was sent to (with itself as ``next``)."""
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    assert location.startswith("/login?next=/oauth/authorize?"), location
    return location


def log_in_at(client: FlaskClient, login_page: str) -> TestResponse:
    """The owner logs in on ``login_page`` (the form posts back to it, ``next`` and all)."""
    token = csrf_of(client.get(login_page).get_data(as_text=True))
    return client.post(login_page, data={"password": OWNER_PASSWORD, "csrf_token": token})


def auth_time_in_id_token(client: FlaskClient, vendor: Vendor, path: str) -> Any:
    """Allow on the consent page of ``path``; the ID token's ``auth_time``."""
    tokens = vendor.exchange(code_from(consent(client, path))).get_json()
    return id_token_claims(client, tokens["id_token"])["auth_time"]


@pytest.mark.parametrize("scope", ["openid profile", "purchases:read"])
def test_prompt_none_without_a_login_answers_login_required(
    client: FlaskClient, vendor: Vendor, scope: str
) -> None:
    error = redirected_error(client.get(vendor.authorize_path(scope, prompt="none")))
    assert error["error"] == "login_required"
    assert error["state"] == "st-123" and error["iss"] == ISSUER


def test_prompt_none_when_logged_in_answers_consent_required(
    owner: FlaskClient, vendor: Vendor, services: Any
) -> None:
    consent(owner, vendor.authorize_path())  # an earlier grant does not make consent silent
    error = redirected_error(owner.get(vendor.authorize_path(prompt="none")))
    assert error["error"] == "consent_required"
    assert error["state"] == "st-123" and error["iss"] == ISSUER
    assert len(services.grants.list(client_id=vendor.client_id)) == 1


def test_prompt_none_with_a_login_older_than_max_age_answers_login_required(
    client: FlaskClient, vendor: Vendor, wall: WallClock
) -> None:
    log_in(client)
    wall.advance(minutes=10)
    response = client.get(vendor.authorize_path(prompt="none", max_age="300"))
    assert redirected_error(response)["error"] == "login_required"


def test_prompt_none_with_another_value_is_an_error_page(
    owner: FlaskClient, vendor: Vendor
) -> None:
    assert "prompt" in error_page(owner.get(vendor.authorize_path(prompt="none consent")))


def test_prompt_login_forces_a_fresh_login_and_auth_time_says_when(
    client: FlaskClient, vendor: Vendor, wall: WallClock
) -> None:
    log_in(client)
    wall.advance(minutes=5)
    path = vendor.authorize_path("openid", prompt="login")
    back = log_in_at(client, sent_to_login(client.get(path)))
    assert back.status_code == 303 and back.headers["Location"] == path
    assert auth_time_in_id_token(client, vendor, path) == T0 + 300  # the login just made
    sent_to_login(client.get(path))  # that login counted once: the next visit asks again


def test_max_age_forces_a_fresh_login_only_when_the_last_is_older(
    client: FlaskClient, vendor: Vendor, wall: WallClock
) -> None:
    log_in(client)
    wall.advance(minutes=10)
    recent_enough = vendor.authorize_path("openid", max_age="3600")
    assert auth_time_in_id_token(client, vendor, recent_enough) == T0

    too_old = vendor.authorize_path("openid", max_age="300", nonce="n-2")
    log_in_at(client, sent_to_login(client.get(too_old)))
    assert auth_time_in_id_token(client, vendor, too_old) == T0 + 600

    wall.advance(minutes=1)
    at_once = vendor.authorize_path("openid", max_age="0", nonce="n-3")
    log_in_at(client, sent_to_login(client.get(at_once)))
    assert auth_time_in_id_token(client, vendor, at_once) == T0 + 660  # no login loop


@pytest.mark.parametrize("max_age", ["soon", "-1", "1.5", "", "٣"])
def test_a_bad_max_age_is_an_error_page(client: FlaskClient, vendor: Vendor, max_age: str) -> None:
    assert "max_age" in error_page(client.get(vendor.authorize_path(max_age=max_age)))


def test_prompt_consent_shows_the_consent_page_despite_a_grant(
    owner: FlaskClient, vendor: Vendor
) -> None:
    consent(owner, vendor.authorize_path())
    page = owner.get(vendor.authorize_path(prompt="consent"))
    assert page.status_code == 200
    assert "Example Shop asks for access to your data" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("parameter", "value", "error"),
    [
        ("request", "eyJhbGciOiJub25lIn0.eyJzY29wZSI6Im9wZW5pZCJ9.", "request_not_supported"),
        ("request_uri", "https://shop.example/r.jwt", "request_uri_not_supported"),
    ],
)
def test_request_objects_are_refused_not_ignored(
    owner: FlaskClient, vendor: Vendor, parameter: str, value: str, error: str
) -> None:
    answer = redirected_error(owner.get(vendor.authorize_path(**{parameter: value})))
    assert answer["error"] == error and answer["state"] == "st-123"
    assert answer["iss"] == ISSUER


def test_request_objects_are_refused_before_any_login(client: FlaskClient, vendor: Vendor) -> None:
    response = client.get(vendor.authorize_path(request_uri="https://shop.example/r.jwt"))
    assert redirected_error(response)["error"] == "request_uri_not_supported"
