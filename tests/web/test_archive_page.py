"""The archive page: what it holds, the download form, the field error for secrets."""

from __future__ import annotations

from flask.testing import FlaskClient

from pds.services import Services
from tests.conftest import csrf_of


def test_the_page_explains_and_offers_the_download(owner: FlaskClient, services: Services) -> None:
    html = owner.get("/archive").get_data(as_text=True)
    assert "It holds 0 records." in html
    services.relationships.add({"kind": "vendor", "name": "Fresh Fields"})
    html = owner.get("/archive").get_data(as_text=True)
    assert "It holds 1 record: 1 relationships." in html
    assert 'action="/archive/export"' in html and '<label for="archive-passphrase">' in html


def test_secrets_without_a_passphrase_is_a_field_error(owner: FlaskClient) -> None:
    token = csrf_of(owner.get("/archive").get_data(as_text=True))
    response = owner.post(
        "/archive/export",
        data={"csrf_token": token, "include_secrets": "on"},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert (
        '<p class="error" id="archive-passphrase-error">Secrets go only into an encrypted' in html
    )
    assert 'name="include_secrets" checked' in html
