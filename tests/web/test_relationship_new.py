"""Relationships: kind tabs (vendors, people) and the form for a new one."""

from __future__ import annotations

from flask.testing import FlaskClient

from pds.services import Services
from tests.conftest import csrf_of


def test_kind_tabs_and_empty_states(owner: FlaskClient, services: Services) -> None:
    html = owner.get("/relationships?kind=person").get_data(as_text=True)
    assert '<a href="/relationships?kind=person" aria-current="page">People</a>' in html
    assert "Add a person" in html
    assert "No relationships yet." in owner.get("/relationships").get_data(as_text=True)


def test_adding_a_person(owner: FlaskClient, services: Services) -> None:
    page = owner.get("/relationships/new?kind=person").get_data(as_text=True)
    assert 'value="person" checked' in page
    form = {"csrf_token": csrf_of(page), "kind": "person", "name": "Grace", "tags": "family"}
    response = owner.post("/relationships/new", data={**form, "emails-0": "grace@example.org"})
    assert response.status_code == 303
    (person,) = services.relationships.list(kind="person").items
    assert person["emails"] == ["grace@example.org"] and person["tags"] == ["family"]
    assert response.headers["Location"] == f"/relationships/{person['id']}"


def test_field_errors_and_a_taken_domain(owner: FlaskClient, services: Services) -> None:
    services.relationships.add({"kind": "vendor", "name": "Shop", "domain": "shop.example"})
    token = csrf_of(owner.get("/relationships/new").get_data(as_text=True))
    response = owner.post(
        "/relationships/new", data={"csrf_token": token, "kind": "person", "domain": "x.example"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="f-name-error">Missing data for required field.</p>' in html
    assert 'value="x.example"' in html
    form = {"csrf_token": token, "kind": "vendor", "name": "Other", "domain": "shop.example"}
    response = owner.post("/relationships/new", data=form)
    assert response.status_code == 409
    assert "already has the domain shop.example" in response.get_data(as_text=True)
    assert owner.post("/relationships/new", data={"name": "x"}).status_code == 400
