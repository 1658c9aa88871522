"""The owner's terms page: shows the version in force, publishes new ones, keeps input."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from policies.terms import PURPOSES, default_terms
from tests.conftest import OWNER_PASSWORD, services_of

PAGE = "/settings/terms"


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "form without a CSRF token"
    return match.group(1)


@pytest.fixture
def owner(client: FlaskClient) -> FlaskClient:
    """The client, logged in through the real login form."""
    token = _csrf(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"password": OWNER_PASSWORD, "csrf_token": token})
    assert response.status_code in (302, 303)
    return client


def _form(owner: FlaskClient, **changes: Any) -> dict[str, Any]:
    """What the browser would send for the default terms, with ``changes``."""
    terms = default_terms()
    form: dict[str, Any] = {
        "csrf_token": _csrf(owner.get(PAGE).get_data(as_text=True)),
        "title": terms["title"],
        "purposes": terms["purposes"],
        "retention_days": str(terms["retention_days"]),
    }
    for index, clause in enumerate(terms["clauses"]):
        form[f"clause-{index}-id"] = clause["id"]
        form[f"clause-{index}-title"] = clause["title"]
        form[f"clause-{index}-text"] = clause["text"]
    new = len(terms["clauses"])
    form.update({f"clause-{new}-id": "", f"clause-{new}-title": "", f"clause-{new}-text": ""})
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def _label_for(page: str, text: str) -> str:
    """The id of the field whose <label> reads ``text`` (fails if there is none)."""
    match = re.search(rf'<label for="([^"]+)">{re.escape(html.escape(text))}</label>', page)
    assert match, f"no label {text!r}"
    return match.group(1)


def test_the_page_is_for_the_owner_only(client: FlaskClient) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/settings/terms")


def test_posting_without_the_csrf_token_is_refused(owner: FlaskClient, app: Flask) -> None:
    form = _form(owner, title="Sneaky")
    del form["csrf_token"]
    assert owner.post(PAGE, data=form).status_code == 400
    assert services_of(app).terms.current()["version"] == 1


def test_the_page_shows_the_terms_in_force_with_a_labelled_form(owner: FlaskClient) -> None:
    response = owner.get(PAGE)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "In force: version 1" in page
    assert "Do not share, sell or rent my data to anyone else." in page
    assert _label_for(page, "Title") == "title"
    assert _label_for(page, "Keep my data at most (days)") == "retention_days"
    assert _label_for(page, "Vendors may track me on their sites and apps") == "tracking"
    assert _label_for(page, "Clause 1: title") == "clause-0-title"
    assert _label_for(page, "Clause 1: text") == "clause-0-text"
    assert _label_for(page, "New clause: title") == "clause-5-title"
    first = PURPOSES["fulfil-my-orders"]
    assert _label_for(page, first[0].upper() + first[1:]) == "purpose-fulfil-my-orders"
    assert 'id="purpose-fulfil-my-orders" name="purposes" type="checkbox"' in page
    assert "<script" not in page and "style=" not in page
    ids = set(re.findall(r' id="([^"]+)"', page))
    labelled = set(re.findall(r'<label for="([^"]+)"', page))
    fields = set(re.findall(r'<(?:input|textarea)(?![^>]*type="hidden")[^>]* id="([^"]+)"', page))
    assert fields and fields <= labelled <= ids


def test_publishing_a_new_version(owner: FlaskClient, app: Flask) -> None:
    form = _form(
        owner,
        title="Terms, 2025 edition",
        retention_days="90",
        tracking="yes",
        purposes=["support-me"],
        **{
            "clause-5-title": "No dark patterns",
            "clause-5-text": "Make leaving as easy as joining.",
        },
        **{"clause-1-title": "", "clause-1-text": ""},  # removes "Delete on request"
    )
    response = owner.post(PAGE, data=form)
    assert response.status_code == 303
    assert response.headers["Location"] == PAGE
    current = services_of(app).terms.current()
    assert current["version"] == 2
    assert current["title"] == "Terms, 2025 edition"
    assert current["retention_days"] == 90
    assert (current["tracking"], current["profiling"], current["onward_sharing"]) == (
        True,
        False,
        False,
    )
    assert current["purposes"] == ["support-me"]
    ids = [clause["id"] for clause in current["clauses"]]
    assert "delete-on-request" not in ids
    assert ids[-1] == "no-dark-patterns"
    assert current["clauses"][-1]["text"] == "Make leaving as easy as joining."

    page = owner.get(PAGE).get_data(as_text=True)
    assert "Version 2 of your terms is published." in page
    assert "In force: version 2" in page
    assert "You may track what I do on your own sites and apps." in page
    assert 'value="90"' in page
    assert '<td class="num">2</td>' in page and '<td class="num">1</td>' in page


def test_a_field_error_is_shown_beside_the_field_and_the_input_kept(
    owner: FlaskClient, app: Flask
) -> None:
    form = _form(owner, title="Kept title", retention_days="forever", profiling="yes")
    response = owner.post(PAGE, data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Your terms were not published" in page
    assert re.search(
        r'id="retention_days"[^>]*value="forever"[^>]*aria-invalid="true"'
        r'[^>]*aria-describedby="retention_days-error"',
        page,
    )
    assert '<p class="error" id="retention_days-error">Must be a whole number of days.</p>' in page
    assert 'value="Kept title"' in page
    assert re.search(r'id="profiling" name="profiling" type="checkbox" value="yes" checked', page)
    assert services_of(app).terms.current()["version"] == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"retention_days": "100000"}, "retention_days", "Must be at most 3650 days"),
        ({"retention_days": "0"}, "retention_days", "Must be at least 1 day."),
        ({"title": "  "}, "title", "Must not be blank."),
        ({"purposes": None}, "purposes", "Choose at least one purpose."),
        ({"purposes": ["sell-it"]}, "purposes", "Unknown purpose: sell-it."),
        ({"clause-2-text": ""}, "clauses-2-text", "Must not be blank."),
    ],
)
def test_each_field_error_names_its_field(
    owner: FlaskClient, changes: dict[str, Any], field: str, message: str
) -> None:
    response = owner.post(PAGE, data=_form(owner, **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<p class="error" id="{field}-error">{html.escape(message)}' in page


def test_a_clause_error_keeps_what_was_typed(owner: FlaskClient) -> None:
    form = _form(owner, **{"clause-5-title": "Half a clause", "clause-5-text": ""})
    page = owner.post(PAGE, data=form).get_data(as_text=True)
    assert re.search(r'id="clause-5-title"[^>]*value="Half a clause"', page)
    assert re.search(r'<textarea id="clause-5-text"[^>]*aria-invalid="true"', page)
    assert '<p class="error" id="clauses-5-text-error">Must not be blank.</p>' in page
    assert _label_for(page, "New clause: title") == "clause-6-title"  # a fresh slot below


def test_the_terms_page_speaks_german_and_keeps_what_the_owner_wrote(
    owner: FlaskClient, app: Flask
) -> None:
    services_of(app).profile.update({"language": "de"})
    page = owner.get(PAGE).get_data(as_text=True)
    assert "<h1>Ihre Bedingungen für Anbieter</h1>" in page
    assert "In Kraft: Version 1" in page
    assert "Geben Sie meine Daten an niemanden weiter" in page
    assert _label_for(page, "Anbieter dürfen mich auf ihren Websites und in ihren Apps verfolgen")
    assert _label_for(page, "Klausel 1: Titel") == "clause-0-title"
    assert _label_for(
        page, "Die Abwicklung meiner Bestellungen bei Ihnen (Zahlung, Lieferung, Rücksendung)"
    )
    # the form holds the stored clauses as they are (only the summary is translated)
    assert 'value="Ask before anything new"' in page
    assert "<li>Vor allem Neuen fragen: Wenn Sie meine Daten" in page
    form = _form(owner, **{"clause-5-title": "Kein Kleingedrucktes", "clause-5-text": "Klar."})
    assert owner.post(PAGE, data=form).status_code == 303
    page = owner.get(PAGE).get_data(as_text=True)
    assert "Version 2 Ihrer Bedingungen ist veröffentlicht." in page
    assert "<li>Kein Kleingedrucktes: Klar.</li>" in page
