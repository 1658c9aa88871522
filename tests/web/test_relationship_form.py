"""The relationship form's reading (pds/web/relationship_form.py), without a request:
rows to lists, empty rows ignored, days from their parts, errors back onto their rows."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from pds.errors import ValidationFailed
from pds.web.relationship_form import form_of, read_form, row_counts

GRACE = "01900000-0000-7000-8000-0000000000aa"


def test_rows_become_lists_and_empty_rows_are_ignored() -> None:
    form = MultiDict(
        {
            "name": " Ada ",
            "domain": "ada.example",
            "emails-0": "",
            "emails-1": " ada@example.org ",
            "addresses-0-label": "",
            "addresses-1-label": "home",
            "addresses-1-locality": "London",
            "related-0-relation": "friend",
            "related-0-relationship_id": GRACE,
            "birthday-day": "9",
            "birthday-month": "3",
            "anniversaries-0-label": "wedding",
            "anniversaries-0-day": "8",
            "anniversaries-0-month": "7",
            "anniversaries-0-year": "1835",
        }
    )
    read = read_form(form, kind="person", editing=False, known={GRACE: "Grace"})
    assert read.data == {
        "name": "Ada",
        "emails": ["ada@example.org"],
        "addresses": [{"label": "home", "locality": "London"}],
        "related": [{"relation": "friend", "relationship_id": GRACE, "name": "Grace"}],
        "anniversaries": [{"label": "wedding", "date": "1835-07-08"}],
        "birthday": "--03-09",
    }  # no domain for a person, nothing blank when adding
    assert read.rows["emails"] == [1] and read.rows["addresses"] == [1]
    assert not read.errors and not read.day_errors


def test_editing_clears_what_is_blank() -> None:
    read = read_form(MultiDict({"name": "Ada"}), kind="vendor", editing=True)
    assert read.data["domain"] is None and read.data["emails"] is None
    assert read.data["birthday"] is None and read.data["related"] is None


def test_service_errors_land_on_the_form_rows() -> None:
    form = MultiDict({"emails-0": "", "emails-1": "", "emails-2": "bad", "birthday-day": "31"})
    read = read_form(form, kind="person", editing=True)
    exc = ValidationFailed(
        "invalid input",
        {"emails": {"0": ["Not a valid e-mail address."]}, "birthday": ["Not a valid date."]},
    )
    assert read.field_errors(exc) == {
        "emails-2": ["Not a valid e-mail address."],
        "birthday": ["Give the day and the month (the year may stay empty)."],
    }


def test_an_unknown_link_is_an_error_before_the_service() -> None:
    form = MultiDict({"related-0-relation": "sister", "related-0-relationship_id": GRACE})
    read = read_form(form, kind="person", editing=True, known={})
    assert read.errors == {"related-0-relationship_id": ["No relationship with this id."]}


def test_a_record_shown_in_the_form_and_its_rows() -> None:
    record = {
        "name": "Ada",
        "emails": ["a@example.org", "b@example.org"],
        "birthday": "1815-12-10",
        "related": [{"relation": "friend", "name": "Gone", "relationship_id": GRACE}],
    }
    form = form_of(record, known={})
    assert form["emails-1"] == "b@example.org"
    assert (form["birthday-day"], form["birthday-month"], form["birthday-year"]) == (
        "10",
        "12",
        "1815",
    )
    assert form["related-0-relationship_id"] == ""  # the record it linked to is gone
    rows = row_counts(form)
    assert list(rows["emails"]) == [0, 1, 2] and list(rows["addresses"]) == [0]
    read = read_form(form, kind="person", editing=True, known={})
    assert read.data["birthday"] == "1815-12-10" and not read.errors
