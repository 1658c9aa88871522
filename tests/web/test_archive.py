"""The portal's archive download: POST with the CSRF token, owner only, streamed zip."""

from __future__ import annotations

import io
import sqlite3
import zipfile

import orjson
from flask.testing import FlaskClient

from pds.services import Services
from pds.services.archive.envelope import DecryptingReader
from tests.conftest import csrf_of


def _token(client: FlaskClient) -> str:
    return csrf_of(client.get("/").get_data(as_text=True))


def test_the_owner_downloads_the_archive(owner: FlaskClient, services: Services) -> None:
    vendor = services.relationships.add({"kind": "vendor", "name": "Fresh Fields"})
    services.purchases.add(
        {"vendor_id": vendor["id"], "date": "2025-01-02", "currency": "EUR", "total": "4.20"}
    )
    response = owner.post("/archive/export", data={"csrf_token": _token(owner)})
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="pds-archive-')
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        manifest = orjson.loads(archive.read("manifest.json"))
        assert manifest["collections"]["purchases"]["count"] == 1
        assert "credentials" in manifest["left_out"]
        assert archive.read("data/purchases.json").count(b"4.20") == 1
    assert services.store.audit.page(limit=1)[0].event["action"] == "archive.export"


def test_an_encrypted_download(owner: FlaskClient) -> None:
    form = {"csrf_token": _token(owner), "passphrase": "web passphrase 1", "include_secrets": "on"}
    response = owner.post("/archive/export", data=form)
    assert response.status_code == 200
    assert response.mimetype == "application/octet-stream"
    plain = DecryptingReader(io.BytesIO(response.get_data()), "web passphrase 1", "x")
    with zipfile.ZipFile(plain) as archive:
        assert orjson.loads(archive.read("manifest.json"))["secrets_included"] is True
        assert "data/credentials.json" in archive.namelist()


def test_secrets_need_a_passphrase(owner: FlaskClient) -> None:
    form = {"csrf_token": _token(owner), "include_secrets": "on"}
    response = owner.post("/archive/export", data=form, headers={"Accept": "application/json"})
    assert response.status_code == 422
    assert response.get_json()["detail"] == (
        "secrets are exported only into an encrypted archive: add --encrypt"
    )


def test_no_download_without_the_csrf_token_or_a_session(
    client: FlaskClient, owner: FlaskClient
) -> None:
    response = owner.post("/archive/export", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert owner.get("/archive/export").status_code == 405


def test_no_download_for_someone_not_logged_in(client: FlaskClient) -> None:
    token = csrf_of(client.get("/login").get_data(as_text=True))
    response = client.post("/archive/export", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_the_download_with_a_sqlite_database(owner: FlaskClient, services: Services) -> None:
    vendor = services.relationships.add({"kind": "vendor", "name": "Fresh Fields"})
    services.purchases.add(
        {"vendor_id": vendor["id"], "date": "2025-01-02", "currency": "EUR", "total": "4.20"}
    )
    form = {"csrf_token": _token(owner), "sqlite": "on"}
    response = owner.post("/archive/export", data=form)
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        database = sqlite3.connect(":memory:")
        database.deserialize(archive.read("pds.sqlite"))
    rows = database.execute("SELECT vendor_name, total FROM purchases").fetchall()
    assert rows == [("Fresh Fields", 4.2)]
    plain = owner.post("/archive/export", data={"csrf_token": _token(owner)})
    with zipfile.ZipFile(io.BytesIO(plain.get_data())) as archive:
        assert "pds.sqlite" not in archive.namelist()
