"""Logging contact from the portal: the form, the shortcuts and the list's button."""

from __future__ import annotations

from flask.testing import FlaskClient

from pds.services import Services
from tests.conftest import csrf_of


def _person(services: Services) -> dict:
    return services.relationships.add({"kind": "person", "name": "Jonas Weber"})


def test_a_shortcut_logs_a_call_today_and_goes_back(owner: FlaskClient, services: Services) -> None:
    person = _person(services)
    page = owner.get(f"/relationships/{person['id']}").get_data(True)
    assert "Log a call" in page
    response = owner.post(
        f"/relationships/{person['id']}/log", data={"kind": "call", "csrf_token": csrf_of(page)}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/relationships/{person['id']}")
    (entry,) = services.interactions.list(counterpart_id=person["id"]).items
    assert entry["kind"] == "call" and entry["channel"] == "phone"
    assert entry["date"][:10] == services.reminders.today().isoformat()
    assert "Logged a call with Jonas Weber" in owner.get(response.headers["Location"]).get_data(
        True
    )


def test_the_form_logs_kind_channel_date_and_note(owner: FlaskClient, services: Services) -> None:
    person = _person(services)
    token = csrf_of(owner.get(f"/relationships/{person['id']}").get_data(True))
    form = {
        "kind": "meeting",
        "channel": "web",
        "date": "2026-03-04",
        "note": "coffee",
        "csrf_token": token,
    }
    owner.post(f"/relationships/{person['id']}/log", data=form)
    (entry,) = services.interactions.list(counterpart_id=person["id"]).items
    assert (entry["kind"], entry["channel"], entry["date"][:10], entry["note"]) == (
        "meeting",
        "web",
        "2026-03-04",
        "coffee",
    )


def test_an_impossible_date_logs_nothing_and_says_why(
    owner: FlaskClient, services: Services
) -> None:
    person = _person(services)
    token = csrf_of(owner.get(f"/relationships/{person['id']}").get_data(True))
    form = {"kind": "call", "date": "2026-02-30", "csrf_token": token}
    response = owner.post(f"/relationships/{person['id']}/log", data=form, follow_redirects=True)
    assert "Nothing logged: date:" in response.get_data(True)
    assert services.interactions.count_with(person["id"]) == 0


def test_an_unknown_relationship_is_not_found(owner: FlaskClient, services: Services) -> None:
    token = csrf_of(owner.get("/relationships").get_data(True))
    response = owner.post("/relationships/nope/log", data={"kind": "call", "csrf_token": token})
    assert response.status_code == 404


def test_the_list_logs_a_call_and_comes_back_to_the_list(
    owner: FlaskClient, services: Services
) -> None:
    person = _person(services)
    page = owner.get("/relationships?kind=person").get_data(True)
    assert f'formaction="/relationships/{person["id"]}/log"' in page
    form = {"kind": "call", "back": "/relationships?kind=person", "csrf_token": csrf_of(page)}
    response = owner.post(f"/relationships/{person['id']}/log", data=form)
    assert response.headers["Location"].endswith("/relationships?kind=person")
    assert services.interactions.count_with(person["id"]) == 1
