"""Settings > Security: turn two-step login on and off, recovery codes, change the password."""

from __future__ import annotations

import re
import time
from html import unescape as html_unescape

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from pds.runtime.current import runtime_of
from pds.services.identity.login_throttle import LoginThrottle
from pds.web.security import qr_svg
from tests.conftest import OWNER_PASSWORD, csrf_of, log_in, services_of

PAGE = "/settings/security"
NEW_PASSWORD = "a much better password"


def form_token(client: FlaskClient, path: str = PAGE) -> str:
    return csrf_of(client.get(path).get_data(as_text=True))


def post(client: FlaskClient, path: str, **fields: str) -> TestResponse:
    return client.post(path, data={"csrf_token": form_token(client), **fields})


def turn_on_totp(owner: FlaskClient) -> tuple[pyotp.TOTP, list[str]]:
    """Through the pages: begin, read the key, confirm with a code, read the codes once."""
    begun = post(owner, f"{PAGE}/totp/begin", password=OWNER_PASSWORD)
    assert begun.status_code == 303 and begun.headers["Location"] == f"{PAGE}/totp"
    html = owner.get(f"{PAGE}/totp").get_data(as_text=True)
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', html)
    assert secret
    totp = pyotp.TOTP(secret.group(1))
    confirmed = owner.post(f"{PAGE}/totp", data={"csrf_token": csrf_of(html), "code": totp.now()})
    assert confirmed.status_code == 303
    assert confirmed.headers["Location"] == f"{PAGE}/recovery-codes"
    shown = owner.get(f"{PAGE}/recovery-codes").get_data(as_text=True)
    codes = re.findall(r"<li><code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code></li>", shown)
    assert len(codes) == 10
    return totp, codes


def test_the_page_is_for_the_owner_only(client: FlaskClient) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/settings/security"


def test_the_page_labels_every_field_and_has_no_inline_code(owner: FlaskClient) -> None:
    response = owner.get(PAGE)
    html = response.get_data(as_text=True)
    for field, label in [
        ("current-password", "Current password"),
        ("new-password", "New password"),
        ("confirmation", "New password again"),
    ]:
        assert f'<label for="{field}">{label}</label>' in html
    assert ">Set up two-step login</button>" in html
    assert "<script" not in html and "style=" not in html
    assert response.headers["Cache-Control"] == "no-store"
    assert 'href="/settings"' in owner.get("/").get_data(as_text=True)  # in the nav
    assert 'href="/settings/security"' in owner.get("/settings").get_data(as_text=True)


def test_turning_on_two_step_login_shows_the_key_then_the_codes_once(
    owner: FlaskClient, app: Flask
) -> None:
    post(owner, f"{PAGE}/totp/begin", password=OWNER_PASSWORD)
    html = owner.get(f"{PAGE}/totp").get_data(as_text=True)
    assert '<label for="code">One-time code</label>' in html
    uri = re.search(r'<code id="totp-uri" class="wrap">([^<]+)</code>', html)
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]{32})</code>', html)
    assert uri and secret  # the issuer's host names the account in the app
    assert (
        uri.group(1)
        == f"otpauth://totp/pds:127.0.0.1%3A8000?secret={secret.group(1)}&amp;issuer=pds"
    )
    # the same link as a QR code, drawn in the page: no image is fetched
    assert str(qr_svg(html_unescape(uri.group(1)))) in html
    assert '<svg role="img" aria-label="QR code of the link' in html and "<img" not in html
    wrong = owner.post(f"{PAGE}/totp", data={"csrf_token": csrf_of(html), "code": "12345"})
    assert wrong.status_code == 422
    page = wrong.get_data(as_text=True)
    assert '<p class="error" id="code-error">That code is not right.</p>' in page
    assert 'aria-invalid="true"' in page
    assert not services_of(app).credentials.totp_enabled()

    owner.get(PAGE)  # leaving the setup page does not lose it
    totp, codes = turn_on_totp(owner)
    assert services_of(app).credentials.totp_enabled()
    again = owner.get(f"{PAGE}/recovery-codes")
    assert again.status_code == 303 and again.headers["Location"] == PAGE  # shown only once
    assert "10 of your recovery codes are left" in owner.get(PAGE).get_data(as_text=True)

    login = app.test_client()
    assert log_in(login, code=totp.at(time.time() + 30)).status_code == 303
    assert log_in(app.test_client(), code=codes[1]).status_code == 303
    assert "9 of your recovery codes are left" in owner.get(PAGE).get_data(as_text=True)


def test_new_recovery_codes_replace_the_old(owner: FlaskClient, app: Flask) -> None:
    _, old = turn_on_totp(owner)
    response = post(owner, f"{PAGE}/recovery-codes", password=OWNER_PASSWORD)
    assert response.status_code == 303
    new = re.findall(r"<li><code>([^<]+)</code></li>", owner.get(response.headers["Location"]).text)
    assert len(new) == 10 and not set(new) & set(old)
    assert log_in(app.test_client(), code=old[0]).status_code == 401
    assert log_in(app.test_client(), code=new[0]).status_code == 303


def test_setting_up_two_step_login_asks_for_the_password(owner: FlaskClient, app: Flask) -> None:
    html = owner.get(PAGE).get_data(as_text=True)
    assert '<label for="enrol-password">Your password</label>' in html
    wrong = post(owner, f"{PAGE}/totp/begin", password="not my password")
    assert wrong.status_code == 422
    assert '<p class="error" id="enrol-password-error">That password is not right.</p>' in (
        wrong.get_data(as_text=True)
    )
    assert post(owner, f"{PAGE}/totp/begin").status_code == 422  # none at all
    shown = owner.get(f"{PAGE}/totp")
    assert shown.status_code == 303 and shown.headers["Location"] == PAGE  # no key was made
    assert not services_of(app).credentials.totp_enabled()


def test_new_recovery_codes_ask_for_the_password(owner: FlaskClient, app: Flask) -> None:
    _, codes = turn_on_totp(owner)
    assert '<label for="codes-password">Your password</label>' in owner.get(PAGE).text
    wrong = post(owner, f"{PAGE}/recovery-codes", password="not my password")
    assert wrong.status_code == 422
    assert '<p class="error" id="codes-password-error">That password is not right.</p>' in (
        wrong.get_data(as_text=True)
    )
    assert owner.get(f"{PAGE}/recovery-codes").status_code == 303  # no new codes to show
    assert log_in(app.test_client(), code=codes[0]).status_code == 303  # the old ones work


def test_the_password_on_these_forms_is_throttled_like_a_login(
    owner: FlaskClient, app: Flask
) -> None:
    runtime_of(app).limits.login = LoginThrottle(clock=lambda: 5000.0)
    for _ in range(5):
        assert post(owner, f"{PAGE}/totp/begin", password="a guess").status_code == 422
    refused = post(owner, f"{PAGE}/totp/begin", password=OWNER_PASSWORD)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    assert "Too many wrong tries." in refused.get_data(as_text=True)
    assert owner.get(f"{PAGE}/totp").status_code == 303  # the right password did not pass


def test_turning_two_step_login_off_asks_for_the_password(owner: FlaskClient, app: Flask) -> None:
    turn_on_totp(owner)
    html = owner.get(PAGE).get_data(as_text=True)
    assert '<label for="disable-password">Your password</label>' in html
    wrong = post(owner, f"{PAGE}/totp/disable", password="not my password")
    assert wrong.status_code == 422
    assert '<p class="error" id="disable-password-error">That password is not right.</p>' in (
        wrong.get_data(as_text=True)
    )
    assert services_of(app).credentials.totp_enabled()

    off = post(owner, f"{PAGE}/totp/disable", password=OWNER_PASSWORD)
    assert off.status_code == 303 and off.headers["Location"] == PAGE
    assert "Two-step login is off." in owner.get(PAGE).get_data(as_text=True)
    assert "One-time code" not in app.test_client().get("/login").get_data(as_text=True)
    actions = [e.event["action"] for e in services_of(app).store.audit.page(limit=5)]
    assert actions[0] == "totp.disabled" and "totp.enabled" in actions


def test_changing_the_password_reports_each_field(owner: FlaskClient) -> None:
    response = post(
        owner, f"{PAGE}/password", current_password="wrong", new_password="short",
        confirmation="different",
    )  # fmt: skip
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<p class="error" id="current-password-error">That password is not right.</p>' in html
    assert '<p class="error" id="new-password-error">It must be at least 10 characters.</p>' in html
    assert (
        '<p class="error" id="confirmation-error">The two new passwords are not the same.</p>'
        in html
    )
    assert 'value="wrong"' not in html and 'value="short"' not in html  # secrets not kept


def test_changing_the_password_logs_out_other_sessions(owner: FlaskClient, app: Flask) -> None:
    elsewhere = app.test_client()
    log_in(elsewhere)
    response = post(
        owner, f"{PAGE}/password", current_password=OWNER_PASSWORD, new_password=NEW_PASSWORD,
        confirmation=NEW_PASSWORD,
    )  # fmt: skip
    assert response.status_code == 303
    assert "Your password is changed. 1 other session logged out." in owner.get(PAGE).text
    assert elsewhere.get("/").status_code == 302
    assert log_in(app.test_client()).status_code == 401
    assert log_in(app.test_client(), NEW_PASSWORD).status_code == 303
    assert services_of(app).store.audit.page(
        match=lambda e: e.get("action") == "password.changed", limit=1
    )


@pytest.mark.parametrize(
    "path", ["/password", "/totp/begin", "/totp", "/totp/disable", "/recovery-codes"]
)
def test_every_form_needs_the_csrf_token(owner: FlaskClient, path: str) -> None:
    response = owner.post(PAGE + path, data={"password": OWNER_PASSWORD})
    assert response.status_code == 400
