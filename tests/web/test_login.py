"""Logging in through the real form: labels, second factor, throttling and the audit trail."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient

from pds.runtime.current import runtime_of
from pds.services.identity.login_throttle import Backoff, LoginThrottle
from tests.conftest import OWNER_PASSWORD, csrf_of, log_in, services_of

ATTACKER = "203.0.113.66"


class Ticks:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


def client_at(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def login_events(app: Flask) -> list[dict[str, Any]]:
    """The login audit events, oldest first, read back from the store's audit log."""
    entries = services_of(app).store.audit.page(
        match=lambda event: str(event.get("action", "")).startswith("login."), limit=100
    )
    return [entry.event for entry in reversed(entries)]


def enrol_totp(app: Flask) -> tuple[pyotp.TOTP, list[str]]:
    credentials = services_of(app).credentials
    secret = credentials.begin_totp()
    totp = pyotp.TOTP(secret)
    return totp, credentials.confirm_totp(secret, totp.now())


def next_code(totp: pyotp.TOTP) -> str:
    """A code the server has not accepted yet: the next step's (one step of drift is allowed)."""
    return totp.at(time.time() + 30)


def test_the_form_has_visible_labels(client: FlaskClient, app: Flask) -> None:
    html = client.get("/login").get_data(as_text=True)
    assert '<label for="password">Password</label>' in html
    assert ">Log in</button>" in html
    assert "One-time code" not in html  # no second factor yet
    enrol_totp(app)
    html = client.get("/login").get_data(as_text=True)
    assert '<label for="code">One-time code</label>' in html
    assert 'aria-describedby="code-hint"' in html and "recovery codes" in html


def test_login_ok_and_failed_are_audited(app: Flask) -> None:
    client = client_at(app, "192.0.2.10")
    failed = log_in(client, "not the password")
    assert failed.status_code == 401
    assert "That password is not right." in failed.get_data(as_text=True)
    assert client.get("/").status_code == 302
    ok = log_in(client)
    assert ok.status_code == 303 and ok.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert login_events(app) == [
        {"actor": "owner", "action": "login.failed", "address": "192.0.2.10",
         "reason": "wrong_password"},
        {"actor": "owner", "action": "login.ok", "address": "192.0.2.10", "factors": 1},
    ]  # fmt: skip


def test_next_keeps_its_query_and_stays_on_this_site(client: FlaskClient) -> None:
    response = client.get("/?tab=recent")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/?tab%3Drecent"
    token = csrf_of(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login?next=/?tab%3Drecent", data={"password": OWNER_PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"] == "/?tab=recent"
    for target in ("//evil.example/x", "/\\evil.example", "https://evil.example/"):
        token = csrf_of(client.get("/login").get_data(as_text=True))
        response = client.post(
            "/login", query_string={"next": target},
            data={"password": OWNER_PASSWORD, "csrf_token": token},
        )  # fmt: skip
        assert response.headers["Location"] == "/", target


def test_second_factor_login_refuses_a_replayed_code(app: Flask, client: FlaskClient) -> None:
    totp, _ = enrol_totp(app)
    assert log_in(client).status_code == 401  # the password alone is not enough now
    code = next_code(totp)
    assert log_in(client, code=code).status_code == 303
    assert client.get("/").status_code == 200

    other = app.test_client()
    replay = log_in(other, code=code)
    assert replay.status_code == 401
    assert "That password or one-time code is not right." in replay.get_data(as_text=True)
    assert other.get("/").status_code == 302
    assert [e.get("factors", e.get("reason")) for e in login_events(app)] == [
        "wrong_code",
        2,
        "wrong_code",
    ]


def test_a_recovery_code_logs_in_once(app: Flask) -> None:
    _, codes = enrol_totp(app)
    assert log_in(app.test_client(), code=codes[0]).status_code == 303
    assert services_of(app).credentials.recovery_codes_left() == 9
    assert log_in(app.test_client(), code=codes[0]).status_code == 401


def test_a_wrong_password_does_not_spend_the_code(app: Flask) -> None:
    _, codes = enrol_totp(app)
    assert log_in(app.test_client(), "wrong password", code=codes[0]).status_code == 401
    assert services_of(app).credentials.recovery_codes_left() == 10
    assert login_events(app)[-1]["reason"] == "wrong_password"


def test_failures_from_one_address_are_throttled(app: Flask) -> None:
    ticks = Ticks()
    runtime_of(app).limits.login = LoginThrottle(clock=ticks)
    attacker = client_at(app, ATTACKER)
    for _ in range(5):
        assert log_in(attacker, "guess number n").status_code == 401
    refused = log_in(attacker)  # the right password, but too soon
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    assert "Too many wrong tries. Wait 1 second, then try again." in refused.get_data(True)
    assert attacker.get("/").status_code == 302
    assert len(login_events(app)) == 5  # the refused try checked nothing, logged nothing

    assert log_in(client_at(app, "192.0.2.10")).status_code == 303  # others are not slowed

    ticks.now += 1
    assert log_in(attacker, "guess number 6").status_code == 401
    refused = log_in(attacker)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "2"
    ticks.now += 2
    assert log_in(attacker).status_code == 303  # after the wait, the password works
    assert runtime_of(app).limits.login.failures(ATTACKER) == 0


def test_a_wrong_second_factor_counts_as_a_failure(app: Flask) -> None:
    totp, _ = enrol_totp(app)
    client = client_at(app, ATTACKER)
    for _ in range(5):
        assert log_in(client, code="000000").status_code == 401
    assert log_in(client, code=next_code(totp)).status_code == 429


def test_failures_over_all_addresses_are_throttled_too(app: Flask) -> None:
    overall = Backoff(free=3, base=1.0, cap=60.0, forget_after=900.0)
    runtime_of(app).limits.login = LoginThrottle(overall=overall, clock=Ticks())
    for i in range(3):
        assert log_in(client_at(app, f"198.51.100.{i}"), "a guess").status_code == 401
    refused = log_in(client_at(app, "198.51.100.99"))
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"


@pytest.mark.parametrize("path", ["/login", "/"])
def test_pages_carry_the_security_headers(owner: FlaskClient, path: str) -> None:
    response = owner.get(path)
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    html = response.get_data(as_text=True)
    assert "<script" not in html and "style=" not in html and "<style" not in html
