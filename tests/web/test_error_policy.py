"""The portal's one error policy (issue 15.3): a refused move posted to a blueprint that
says where its pages are goes back there with the reason; every other error is the
styled page with the error's status for a browser, problem details for other clients."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from flask import Blueprint, Flask, url_for
from flask.testing import FlaskClient

from pds.errors import Conflict, NotFound
from pds.web.errors import go_back_when_refused
from tests.conftest import csrf_of

HTML = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}


@pytest.fixture
def refusing(app: Flask) -> Flask:
    """The app with a blueprint whose views refuse, declared to go back to ``/rfps``."""
    bp = Blueprint("refusing", __name__)

    @bp.route("/refusing/conflict", methods=["GET", "POST"])
    def conflict() -> Any:
        raise Conflict("rfp x cannot go from draft to closed")

    @bp.post("/refusing/missing")
    def missing() -> Any:
        raise NotFound("no rfp x")

    go_back_when_refused(bp, lambda: url_for("rfps.index"))
    app.register_blueprint(bp)
    return app


def notices(owner: FlaskClient, page: str) -> list[str]:
    text = owner.get(page).get_data(as_text=True)
    return [
        html.unescape(m) for m in re.findall(r'<p class="notice" role="status">(.*?)</p>', text)
    ]


@pytest.mark.usefixtures("refusing")
def test_a_refused_post_goes_back_with_the_reason(owner: FlaskClient) -> None:
    token = csrf_of(owner.get("/rfps/new").get_data(as_text=True))
    response = owner.post("/refusing/conflict", data={"csrf_token": token}, headers=HTML)
    assert response.status_code == 303 and response.headers["Location"] == "/rfps"
    assert notices(owner, "/rfps") == ["Not done: rfp x cannot go from draft to closed"]


@pytest.mark.usefixtures("refusing")
def test_a_refused_get_and_other_errors_are_the_error_page(owner: FlaskClient) -> None:
    page = owner.get("/refusing/conflict", headers=HTML)
    assert page.status_code == 409 and page.mimetype == "text/html"
    assert "rfp x cannot go from draft to closed" in page.get_data(as_text=True)
    token = csrf_of(owner.get("/rfps/new").get_data(as_text=True))
    missing = owner.post("/refusing/missing", data={"csrf_token": token}, headers=HTML)
    assert missing.status_code == 404 and missing.mimetype == "text/html"


@pytest.mark.usefixtures("refusing")
def test_a_client_that_wants_no_page_gets_problem_details(owner: FlaskClient) -> None:
    response = owner.get("/refusing/conflict", headers=JSON)
    assert response.status_code == 409 and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert (body["code"], body["detail"]) == ("conflict", "rfp x cannot go from draft to closed")
    unknown = owner.get("/relationships/01920000-0000-7000-8000-000000000000", headers=JSON)
    assert unknown.status_code == 404 and unknown.get_json()["code"] == "not_found"
    no_page = owner.get("/no-such-page", headers=HTML)
    assert no_page.status_code == 404 and no_page.mimetype == "text/html"
