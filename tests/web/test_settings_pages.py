"""The settings hub: profile, store passphrase, data-key rotation (with progress), signing key."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from pds.runtime.current import runtime_of
from pds.runtime.key_rotation import RotationState
from pds.services import Services
from pds.services.identity.login_throttle import LoginThrottle
from pds.store.vault import Vault
from pds.web.settings import rotation
from tests.conftest import OWNER_PASSWORD, PASSPHRASE, csrf_of


def _token(owner: FlaskClient) -> str:
    return csrf_of(owner.get("/settings").get_data(as_text=True))


def test_the_hub_links_to_security_and_terms(owner: FlaskClient) -> None:
    html = owner.get("/settings").get_data(as_text=True)
    assert 'href="/settings/security"' in html and 'href="/settings/terms"' in html
    assert '<a href="/settings" aria-current="page">Settings</a>' in html
    assert "Two-step login is <strong>off</strong>" in html


def test_saving_the_profile_and_its_errors(owner: FlaskClient, services: Services) -> None:
    form = {"csrf_token": _token(owner), "name": "Ada Lovelace", "locality": "London"}
    assert owner.post("/settings/profile", data=form).status_code == 303
    profile = services.profile.get()
    assert profile["name"] == "Ada Lovelace" and profile["address"] == {"locality": "London"}
    response = owner.post("/settings/profile", data={**form, "email": "not an address"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<p class="error" id="f-email-error">' in html and 'value="not an address"' in html
    assert services.profile.get().get("email") is None


def test_changing_the_store_passphrase(owner: FlaskClient, services: Services, home: Path) -> None:
    form = {"csrf_token": _token(owner), "password": OWNER_PASSWORD}
    form |= {"current_passphrase": "wrong one"}
    form |= {"new_passphrase": "new passphrase 2", "new_passphrase_again": "new passphrase 2"}
    response = owner.post("/settings/passphrase", data=form)
    assert response.status_code == 422
    assert "That is not the store&#39;s passphrase." in response.get_data(True)
    short = {**form, "current_passphrase": PASSPHRASE, "new_passphrase": "short"}
    html = owner.post("/settings/passphrase", data=short).get_data(as_text=True)
    assert 'id="new-passphrase-error">Must be at least 8 characters.</p>' in html
    response = owner.post("/settings/passphrase", data={**form, "current_passphrase": PASSPHRASE})
    assert response.status_code == 303
    assert services.store.audit.page(limit=1)[0].event["action"] == "store.passphrase_changed"
    assert Vault.unlock(home, "new passphrase 2").current_key == 1


def test_changing_the_passphrase_asks_for_the_portal_password(
    owner: FlaskClient, app: Flask, home: Path
) -> None:
    runtime_of(app).limits.login = LoginThrottle(clock=lambda: 5000.0)
    html = owner.get("/settings").get_data(as_text=True)
    assert '<label for="passphrase-password">Your portal password</label>' in html
    form = {"csrf_token": _token(owner), "password": "not my password"}
    form |= {"current_passphrase": PASSPHRASE}
    form |= {"new_passphrase": "new passphrase 2", "new_passphrase_again": "new passphrase 2"}
    response = owner.post("/settings/passphrase", data=form)
    assert response.status_code == 422
    assert '<p class="error" id="passphrase-password-error">That password is not right.</p>' in (
        response.get_data(as_text=True)
    )
    assert Vault.unlock(home, PASSPHRASE).current_key == 1  # unchanged
    for _ in range(4):  # the portal password is guessed no faster here than at the login
        assert owner.post("/settings/passphrase", data=form).status_code == 422
    refused = owner.post("/settings/passphrase", data={**form, "password": OWNER_PASSWORD})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    assert Vault.unlock(home, PASSPHRASE).current_key == 1


def test_rotating_the_data_key_shows_progress(
    app: Flask, owner: FlaskClient, services: Services
) -> None:
    services.preferences.add({"key": "clothing.size", "value": "M"})
    empty = owner.get("/settings/data-key").get_data(as_text=True)
    assert "No rotation has run since the server started." in empty
    response = owner.post("/settings/data-key", data={"csrf_token": _token(owner)})
    assert response.status_code == 303 and response.headers["Location"] == "/settings/data-key"
    with app.app_context():
        state = rotation().wait(30)
    assert state is not None and state.status == "done" and state.generation == 2
    html = owner.get("/settings/data-key").get_data(as_text=True)
    assert (
        "re-encrypted under the new key, now in use" in html and 'http-equiv="refresh"' not in html
    )
    assert "Data key generation 2." in html  # in the technical details
    assert services.preferences.get("clothing.size")["value"] == "M"


def test_the_progress_page_refreshes_while_running(app: Flask, owner: FlaskClient) -> None:
    with app.app_context():
        job = rotation()
    job._state = RotationState("running", 3, 12)  # as the thread reports it mid-way
    html = owner.get("/settings/data-key").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="1">' in html
    assert "3 of 12 done" in html and 'value="25"' in html


def test_rotating_the_signing_key(owner: FlaskClient, services: Services) -> None:
    first = services.signing_keys.ensure()
    response = owner.post("/settings/signing-key", data={"csrf_token": _token(owner)})
    assert response.status_code == 303
    keys = services.signing_keys.list()
    assert [k["status"] for k in keys] == ["active", "retired"] and keys[1]["kid"] == first


def test_settings_forms_refuse_a_post_without_the_csrf_token(
    owner: FlaskClient, services: Services
) -> None:
    for path in ("/settings/profile", "/settings/passphrase", "/settings/data-key"):
        assert owner.post(path, data={"name": "x"}).status_code == 400
    assert services.profile.get() == {}
