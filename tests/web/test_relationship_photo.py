"""A relationship's photo in the portal: owner only, served with strict headers, uploaded
and removed through CSRF-carrying forms, bad files refused with 422 and nothing changed."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask.testing import FlaskClient

from pds.schemas.photo import MAX_PHOTO_BYTES
from pds.services import Services
from tests.conftest import csrf_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40


@pytest.fixture
def ada(services: Services) -> dict[str, Any]:
    return services.relationships.add({"kind": "person", "name": "Ada"})


def page(owner: FlaskClient, record: dict[str, Any]) -> str:
    return owner.get(f"/relationships/{record['id']}").get_data(as_text=True)


def upload(owner: FlaskClient, record: dict[str, Any], data: bytes, name: str = "me.png") -> Any:
    token = csrf_of(page(owner, record))
    return owner.post(
        f"/relationships/{record['id']}/photo",
        data={"csrf_token": token, "photo": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_logged_out_goes_to_login(
    client: FlaskClient, ada: dict[str, Any], services: Services
) -> None:
    services.photos.set(ada["id"], PNG)
    response = client.get(f"/relationships/{ada['id']}/photo")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert PNG not in response.get_data()


def test_served_with_strict_headers(
    owner: FlaskClient, ada: dict[str, Any], services: Services
) -> None:
    services.photos.set(ada["id"], JPEG)
    response = owner.get(f"/relationships/{ada['id']}/photo")
    assert response.status_code == 200
    assert response.get_data() == JPEG
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy and "script-src" not in policy


def test_no_photo_is_404(owner: FlaskClient, ada: dict[str, Any]) -> None:
    assert owner.get(f"/relationships/{ada['id']}/photo").status_code == 404


def test_upload_shows_it_on_the_record_page_and_remove(
    owner: FlaskClient, ada: dict[str, Any], services: Services
) -> None:
    assert "Add a photo" in page(owner, ada)
    response = upload(owner, ada, PNG)
    assert response.status_code == 303
    shown = owner.get(response.headers["Location"]).get_data(as_text=True)
    assert "Photo of Ada saved." in shown
    assert f'src="/relationships/{ada["id"]}/photo"' in shown
    assert owner.get(f"/relationships/{ada['id']}/photo").get_data() == PNG
    token = csrf_of(shown)
    removed = owner.post(f"/relationships/{ada['id']}/photo/remove", data={"csrf_token": token})
    assert removed.status_code == 303
    assert services.photos.photo_of(ada["id"]) is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "Not a JPEG, PNG, GIF or WebP image"),
        (JPEG + b"\x00" * MAX_PHOTO_BYTES, "at most 256 KiB"),
        (b"", "The file is empty."),
    ],
)
def test_bad_upload_is_422_and_changes_nothing(
    owner: FlaskClient, ada: dict[str, Any], services: Services, data: bytes, message: str
) -> None:
    services.photos.set(ada["id"], JPEG)
    response = upload(owner, ada, data, "evil.png")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="photo-error"' in html and message in html
    kept = services.photos.photo_of(ada["id"])
    assert kept is not None and kept.data == JPEG


def test_no_file_chosen_is_422(owner: FlaskClient, ada: dict[str, Any]) -> None:
    token = csrf_of(page(owner, ada))
    response = owner.post(f"/relationships/{ada['id']}/photo", data={"csrf_token": token})
    assert response.status_code == 422
    assert "Choose an image file." in response.get_data(as_text=True)


def test_without_csrf_token_is_refused(
    owner: FlaskClient, ada: dict[str, Any], services: Services
) -> None:
    response = owner.post(
        f"/relationships/{ada['id']}/photo",
        data={"photo": (io.BytesIO(PNG), "me.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert services.photos.photo_of(ada["id"]) is None
    services.photos.set(ada["id"], PNG)
    assert owner.post(f"/relationships/{ada['id']}/photo/remove").status_code == 400
    assert services.photos.photo_of(ada["id"]) is not None


def test_the_list_shows_a_thumbnail_of_those_with_a_photo(
    owner: FlaskClient, ada: dict[str, Any], services: Services
) -> None:
    bob = services.relationships.add({"kind": "person", "name": "Bob"})
    services.photos.set(ada["id"], PNG)
    html = owner.get("/relationships").get_data(as_text=True)
    assert f'src="/relationships/{ada["id"]}/photo"' in html
    assert f'src="/relationships/{bob["id"]}/photo"' not in html


def test_an_upload_past_the_request_limit_is_refused_whole(
    owner: FlaskClient, ada: dict[str, Any], services: Services
) -> None:
    response = upload(owner, ada, JPEG + b"\x00" * (2 * 1024 * 1024))
    assert response.status_code == 413
    assert "Traceback" not in response.get_data(as_text=True)
    assert services.photos.photo_of(ada["id"]) is None
