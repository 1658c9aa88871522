"""The portal and hostile requests (issue 14.5): a redirect target built from input
that holds CR/LF is a 400 page, never a 500 (nor a header of the attacker's); a
refused method is a 405 page that says which methods are allowed."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import OWNER_PASSWORD, csrf_of

SPLIT = "\r\nSet-Cookie: planted=1"


def refused(response: Any) -> None:
    assert response.status_code == 400
    assert "line break or control code" in response.get_data(as_text=True)
    assert "planted" not in str(response.headers)


@pytest.mark.parametrize("target", ["/" + SPLIT, "/rfps" + SPLIT, "/\x00"])
def test_login_with_a_line_break_in_next_plants_no_header(client: FlaskClient, target: str) -> None:
    """``next`` is read as a browser reads it (``safe_next``: line breaks and controls go),
    so the login goes on to a path on this site and no header is planted."""
    form = {"password": OWNER_PASSWORD, "csrf_token": csrf_of(client.get("/login").get_data(True))}
    response = client.post("/login", data=form, query_string={"next": target})
    assert response.status_code in (302, 303)
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//")
    assert not any(ord(c) < 32 for c in location)
    assert "planted" not in str(response.headers.getlist("Set-Cookie"))


def test_a_reminder_s_back_target_with_a_line_break_is_a_400(
    owner: FlaskClient, services: Any
) -> None:
    person = services.relationships.add({"kind": "person", "name": "Ada Weekly"})
    page = owner.get("/reminders").get_data(as_text=True)
    form = {"csrf_token": csrf_of(page), "back": f"/relationships/{person['id']}{SPLIT}"}
    refused(owner.post(f"/reminders/{person['id']}/done", data=form))


def test_a_refused_method_is_a_405_page_with_allow(owner: FlaskClient) -> None:
    response = owner.delete("/rfps", headers={"Accept": "text/html"})
    assert response.status_code == 405 and response.mimetype == "text/html"
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
