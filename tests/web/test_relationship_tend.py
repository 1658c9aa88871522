"""Tending a relationship in the portal: the edit page (every field, rows, errors on their
row), the status form, person <-> organisation, delete after a confirmation."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from pds.services import Services
from tests.conftest import csrf_of

MISSING = "01900000-0000-7000-8000-000000000000"


@pytest.fixture
def ada(services: Services) -> dict[str, Any]:
    return services.relationships.add(
        {"kind": "person", "name": "Ada Byron", "emails": ["ada@example.org"]}
    )


@pytest.fixture
def shop(services: Services) -> dict[str, Any]:
    return services.relationships.add(
        {"kind": "vendor", "name": "Velo Shop", "domain": "velo.example"}
    )


def _token(owner: FlaskClient, path: str) -> str:
    return csrf_of(owner.get(path).get_data(as_text=True))


def _edit(owner: FlaskClient, record: dict[str, Any], **form: str) -> Any:
    path = f"/relationships/{record['id']}/edit"
    return owner.post(path, data={"csrf_token": _token(owner, path), **form})


def test_the_edit_page_shows_every_field_and_one_empty_row_more(
    owner: FlaskClient, services: Services, ada: dict[str, Any]
) -> None:
    services.relationships.update(
        ada["id"],
        {
            "nicknames": ["Countess"],
            "birthday": "--12-10",
            "addresses": [{"label": "home", "locality": "London"}],
            "anniversaries": [{"label": "wedding", "date": "1835-07-08"}],
        },
    )
    html = owner.get(f"/relationships/{ada['id']}/edit").get_data(as_text=True)
    assert 'name="emails-0" type="email" value="ada@example.org"' in html
    assert 'name="emails-1" type="email" value=""' in html  # one more, empty
    assert 'name="nicknames-0" type="text" value="Countess"' in html
    assert 'name="addresses-0-locality" type="text" value="London"' in html
    assert 'name="addresses-1-street"' in html
    assert (
        'id="birthday-day" name="birthday-day" inputmode="numeric" maxlength="2" value="10"' in html
    )
    assert '<option value="12" selected>December</option>' in html
    assert 'name="anniversaries-0-year" inputmode="numeric" maxlength="4" value="1835"' in html
    assert 'name="related-0-relation"' in html
    assert 'name="domain"' not in html  # a person has none


def test_saving_every_field(owner: FlaskClient, services: Services, ada: dict[str, Any]) -> None:
    grace = services.relationships.add({"kind": "person", "name": "Grace"})
    response = _edit(
        owner,
        ada,
        **{
            "name": "Ada Lovelace",
            "organisation": "Analytical Engines Ltd",
            "title": "Programmer",
            "emails-0": "ada@example.org",
            "emails-1": "",
            "emails-2": "countess@example.org",
            "phones-0": "+44 20 7946 0000",
            "urls-0": "https://ada.example.org",
            "nicknames-0": "Countess",
            "addresses-0-street": "",
            "addresses-1-label": "home",
            "addresses-1-street": "12 St James's Square",
            "addresses-1-locality": "London",
            "addresses-1-country": "United Kingdom",
            "birthday-day": "10",
            "birthday-month": "12",
            "birthday-year": "",
            "anniversaries-0-label": "wedding",
            "anniversaries-0-day": "8",
            "anniversaries-0-month": "7",
            "anniversaries-0-year": "1835",
            "related-0-relation": "mentor",
            "related-0-relationship_id": grace["id"],
            "related-1-relation": "mother",
            "related-1-name": "Anne Isabella",
            "since": "2020-01-02",
            "tags": "friends, maths",
            "how_known": "the engine",
            "notes": "",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/relationships/{ada['id']}"
    saved = services.relationships.get(ada["id"])
    assert saved["name"] == "Ada Lovelace" and saved["title"] == "Programmer"
    assert saved["emails"] == ["ada@example.org", "countess@example.org"]
    assert saved["addresses"] == [
        {
            "label": "home",
            "street": "12 St James's Square",
            "locality": "London",
            "country": "United Kingdom",
        }
    ]
    assert saved["birthday"] == "--12-10"
    assert saved["anniversaries"] == [{"label": "wedding", "date": "1835-07-08"}]
    assert saved["related"] == [
        {"relation": "mentor", "name": "Grace", "relationship_id": grace["id"]},
        {"relation": "mother", "name": "Anne Isabella"},
    ]
    assert saved["tags"] == ["friends", "maths"] and "notes" not in saved
    page = owner.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ada Lovelace saved." in page
    assert '<p class="subtitle">Programmer, Analytical Engines Ltd</p>' in page
    assert "Birthday</dt><dd>10 December</dd>" in page
    assert "Wedding</dt><dd>8 July 1835</dd>" in page
    assert f'mentor: <a href="/relationships/{grace["id"]}">Grace</a>' in page
    assert "mother: Anne Isabella</li>" in page
    assert "12 St James&#39;s Square</span><br>London<br>United Kingdom" in page


def test_a_blank_field_clears_it(
    owner: FlaskClient, services: Services, ada: dict[str, Any]
) -> None:
    response = _edit(owner, ada, name="Ada Byron", **{"emails-0": ""})
    assert response.status_code == 303
    assert "emails" not in services.relationships.get(ada["id"])


def test_errors_on_their_row_and_nothing_changed(
    owner: FlaskClient, services: Services, ada: dict[str, Any]
) -> None:
    before = services.relationships.get(ada["id"])
    response = _edit(
        owner,
        ada,
        **{
            "name": "Ada L.",
            "emails-0": "",
            "emails-1": "not an address",
            "addresses-0-label": "home",
            "addresses-2-postal_code": "9" * 41,
            "birthday-day": "30",
            "birthday-month": "2",
            "anniversaries-0-day": "1",
            "anniversaries-0-month": "1",
            "related-0-relation": "sister",
            "nicknames-0": "",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nothing was saved" in html
    assert 'name="emails-2"' in html and 'name="emails-3"' not in html  # one empty row more
    assert 'name="nicknames-0"' in html and 'name="nicknames-1"' not in html
    assert 'id="f-emails-1-error">Not a valid e-mail address.' in html
    assert 'value="not an address"' in html  # what was typed stays
    assert 'id="addresses-0-_schema-error">An address needs at least one of its parts.' in html
    assert 'id="f-addresses-2-postal_code-error">Longer than maximum length 40.' in html
    assert 'id="birthday-error">There is no 30 February.' in html
    assert 'id="f-anniversaries-0-label-error">Missing data for required field.' in html
    assert 'id="f-related-0-name-error">Missing data for required field.' in html
    assert services.relationships.get(ada["id"]) == before


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("12", "", "", "Give the day and the month (the year may stay empty)."),
        ("12", "3", "87", "The year has four digits, e.g. 1987 (or leave it empty)."),
        ("29", "2", "2023", "There is no 29 February in 2023."),
    ],
)
def test_impossible_birthdays(
    owner: FlaskClient, ada: dict[str, Any], day: str, month: str, year: str, message: str
) -> None:
    response = _edit(
        owner,
        ada,
        name="Ada",
        **{"birthday-day": day, "birthday-month": month, "birthday-year": year},
    )
    assert response.status_code == 422
    assert f'id="birthday-error">{message}' in response.get_data(as_text=True)


def test_a_link_to_an_unknown_relationship_is_refused(
    owner: FlaskClient, services: Services, ada: dict[str, Any]
) -> None:
    form = {"name": "Ada", "related-0-relation": "sister", "related-0-relationship_id": MISSING}
    response = _edit(owner, ada, **form)
    assert response.status_code == 422
    assert "No relationship with this id." in response.get_data(as_text=True)
    assert services.relationships.get(ada["id"])["name"] == "Ada Byron"


def test_a_vendor_edits_its_domain_and_a_taken_one_is_refused(
    owner: FlaskClient, services: Services, shop: dict[str, Any]
) -> None:
    services.relationships.add({"kind": "vendor", "name": "Other", "domain": "other.example"})
    response = _edit(owner, shop, name="Velo Shop", domain="other.example")
    assert response.status_code == 409
    assert "already has the domain other.example" in response.get_data(as_text=True)
    assert services.relationships.get(shop["id"])["domain"] == "velo.example"
    assert _edit(owner, shop, name="Velo Shop", domain="velo2.example").status_code == 303
    assert services.relationships.get(shop["id"])["domain"] == "velo2.example"


def test_setting_the_status(owner: FlaskClient, services: Services, ada: dict[str, Any]) -> None:
    path = f"/relationships/{ada['id']}"
    page = owner.get(path).get_data(as_text=True)
    today = services.reminders.today().isoformat()
    assert f'name="status_since" type="date" value="{today}"' in page
    form = {"csrf_token": csrf_of(page), "status": "ended", "status_since": "2026-01-31"}
    response = owner.post(f"{path}/status", data={**form, "status_note": "moved away"})
    assert response.status_code == 303
    saved = services.relationships.get(ada["id"])
    assert (saved["status"], saved["status_since"], saved["status_note"]) == (
        "ended",
        "2026-01-31",
        "moved away",
    )
    page = owner.get(path).get_data(as_text=True)
    assert "Ada Byron is ended since 2026-01-31." in page
    assert "ended since 2026-01-31 — moved away" in page


def test_a_bad_status_or_day_changes_nothing(
    owner: FlaskClient, services: Services, ada: dict[str, Any]
) -> None:
    path = f"/relationships/{ada['id']}"
    token = _token(owner, path)
    response = owner.post(
        f"{path}/status",
        data={"csrf_token": token, "status": "ended", "status_since": "2026-02-30"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert (
        'id="status_since-error">Not a valid date (expected YYYY-MM-DD, day is out of range' in html
    )
    assert 'value="2026-02-30"' in html
    response = owner.post(f"{path}/status", data={"csrf_token": token, "status": "gone"})
    assert response.status_code == 422
    assert 'id="status-error">Must be one of: active, paused, ended, blocked.' in response.get_data(
        as_text=True
    )
    assert services.relationships.get(ada["id"])["status"] == "active"


def test_a_person_becomes_an_organisation_and_back(
    owner: FlaskClient, services: Services, ada: dict[str, Any]
) -> None:
    path = f"/relationships/{ada['id']}"
    page = owner.get(path).get_data(as_text=True)
    assert "This is an organisation, not a person" in page
    response = owner.post(f"{path}/kind", data={"csrf_token": csrf_of(page), "kind": "vendor"})
    assert response.status_code == 303
    assert services.relationships.get(ada["id"])["kind"] == "vendor"
    page = owner.get(path).get_data(as_text=True)
    assert "Ada Byron is now an organisation / vendor." in page
    assert "This is a person, not an organisation" in page
    services.relationships.update(ada["id"], {"domain": "ada.example"})
    response = owner.post(f"{path}/kind", data={"csrf_token": csrf_of(page), "kind": "person"})
    assert response.status_code == 303
    assert services.relationships.get(ada["id"])["kind"] == "person"
    assert "Its web domain ada.example was dropped: a person has none." in owner.get(path).get_data(
        as_text=True
    )


def test_a_vendor_with_purchases_stays_one(
    owner: FlaskClient, services: Services, shop: dict[str, Any]
) -> None:
    services.purchases.add(
        {"vendor_id": shop["id"], "date": "2026-01-05", "total": "12.00", "currency": "EUR"}
    )
    path = f"/relationships/{shop['id']}"
    response = owner.post(
        f"{path}/kind", data={"csrf_token": _token(owner, path), "kind": "person"}
    )
    assert response.status_code == 409
    assert (
        "Not changed: Velo Shop has 1 purchase, so it stays an organisation / vendor"
        in response.get_data(as_text=True)
    )
    assert services.relationships.get(shop["id"])["kind"] == "vendor"
    response = owner.post(f"{path}/kind", data={"csrf_token": _token(owner, path), "kind": "robot"})
    assert response.status_code == 422
    assert services.relationships.get(shop["id"])["kind"] == "vendor"


def test_delete_after_a_confirmation_that_counts(
    owner: FlaskClient, services: Services, shop: dict[str, Any]
) -> None:
    services.purchases.add(
        {"vendor_id": shop["id"], "date": "2026-01-05", "total": "12.00", "currency": "EUR"}
    )
    services.interactions.log({"kind": "call", "date": "2026-01-06", "counterpart_id": shop["id"]})
    path = f"/relationships/{shop['id']}/delete"
    page = owner.get(path).get_data(as_text=True)
    assert "with <strong>2 interactions and 1 purchase</strong>" in page  # the purchase's own too
    assert 'class="danger">Delete Velo Shop and 2 interactions and 1 purchase</button>' in page
    assert services.relationships.find(shop["id"]) is not None  # asking deletes nothing
    response = owner.post(path, data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303 and response.headers["Location"] == "/relationships"
    assert services.relationships.find(shop["id"]) is None
    assert services.purchases.count_for_vendor(shop["id"]) == 0
    assert "Velo Shop deleted, with 2 interactions and 1 purchase." in owner.get(
        "/relationships"
    ).get_data(as_text=True)


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_unknown_ids_are_not_found(owner: FlaskClient, action: str) -> None:
    assert owner.get(f"/relationships/{MISSING}/{action}").status_code == 404
    token = _token(owner, "/relationships/new")
    response = owner.post(f"/relationships/{MISSING}/{action}", data={"csrf_token": token})
    assert response.status_code == 404


@pytest.mark.parametrize("action", ["status", "kind"])
def test_unknown_ids_in_the_small_forms(owner: FlaskClient, action: str) -> None:
    token = _token(owner, "/relationships/new")
    form = {"csrf_token": token, "status": "ended", "kind": "vendor"}
    assert owner.post(f"/relationships/{MISSING}/{action}", data=form).status_code == 404


@pytest.mark.parametrize("action", ["edit", "status", "kind", "delete"])
def test_forms_need_the_csrf_token(
    owner: FlaskClient, services: Services, ada: dict[str, Any], action: str
) -> None:
    form = {"name": "X", "status": "ended", "kind": "vendor"}
    response = owner.post(f"/relationships/{ada['id']}/{action}", data=form)
    assert response.status_code == 400
    assert services.relationships.get(ada["id"]) == ada


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_pages_are_for_the_owner_only(
    client: FlaskClient, ada: dict[str, Any], action: str
) -> None:
    response = client.get(f"/relationships/{ada['id']}/{action}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
