"""The preferences page: grouped by category, add/edit/delete, who can see each."""

from __future__ import annotations

from flask.testing import FlaskClient

from pds.services import Services
from tests.auth.vendorkit import Vendor, authorized_tokens
from tests.conftest import csrf_of


def _token(owner: FlaskClient) -> str:
    return csrf_of(owner.get("/preferences").get_data(as_text=True))


def test_empty_then_grouped_by_category(owner: FlaskClient, services: Services) -> None:
    assert "No preferences yet." in owner.get("/preferences").get_data(as_text=True)
    services.preferences.add({"key": "clothing.size", "value": "M"})
    services.preferences.add({"key": "food.diet", "value": ["vegetarian", "no nuts"]})
    html = owner.get("/preferences").get_data(as_text=True)
    assert '<h2 id="cat-clothing">clothing</h2>' in html and '<h2 id="cat-food">food</h2>' in html
    assert "vegetarian, no nuts" in html and html.count("no vendor") == 2


def test_adding_with_types_and_errors(owner: FlaskClient, services: Services) -> None:
    form = {"csrf_token": _token(owner), "key": "Shoes.Size", "type": "number", "value": "42"}
    response = owner.post("/preferences", data={**form, "visibility": "shared"})
    assert response.status_code == 303
    record = services.preferences.get("shoes.size")
    assert record["value"] == 42 and record["visibility"] == "shared"
    response = owner.post("/preferences", data={**form, "key": "nodots", "visibility": "private"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<p class="error" id="f-key-error">Must be a namespaced key' in html
    assert 'value="nodots"' in html
    response = owner.post("/preferences", data={**form, "visibility": "private"})
    assert response.status_code == 409
    assert "You have a preference under this key already" in response.get_data(True)
    response = owner.post("/preferences", data={**form, "key": "a.b", "value": "many"})
    assert response.status_code == 422
    assert 'id="f-value-error">Not a number.</p>' in response.get_data(True)


def test_editing_and_deleting(owner: FlaskClient, services: Services) -> None:
    services.preferences.add({"key": "contact.newsletter", "value": True})
    page = owner.get("/preferences/contact.newsletter/edit").get_data(as_text=True)
    assert 'value="yes"' in page
    form = {"csrf_token": csrf_of(page), "type": "yes_no", "value": "no", "visibility": "public"}
    assert owner.post("/preferences/contact.newsletter/edit", data=form).status_code == 303
    assert services.preferences.get("contact.newsletter")["value"] is False
    bad = owner.post("/preferences/contact.newsletter/edit", data={**form, "value": "maybe"})
    assert bad.status_code == 422 and "Answer yes or no." in bad.get_data(True)
    page = owner.get("/preferences/contact.newsletter/delete").get_data(as_text=True)
    assert "This cannot be undone." in page
    response = owner.post(
        "/preferences/contact.newsletter/delete", data={"csrf_token": _token(owner)}
    )
    assert response.status_code == 303 and services.preferences.find("contact.newsletter") is None
    assert owner.post("/preferences", data={"key": "a.b", "value": "x"}).status_code == 400


def test_shows_which_vendors_can_see_a_preference(
    owner: FlaskClient, services: Services, vendor: Vendor
) -> None:
    services.preferences.add({"key": "clothing.size", "value": "M", "visibility": "shared"})
    services.preferences.add({"key": "clothing.colour", "value": "blue"})
    authorized_tokens(owner, vendor, scope="openid preferences:read")
    html = owner.get("/preferences").get_data(as_text=True)
    name = "Example Shop"
    assert html.count(f'<td data-label="Seen by">{name}</td>') == 1
    assert html.count("no vendor") == 1
    page = owner.get("/preferences/clothing.size/edit").get_data(as_text=True)
    assert f"Seen now by: {name}." in page
