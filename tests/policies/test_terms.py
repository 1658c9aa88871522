"""The owner's personal terms: a valid default, strict validation, plain-language summary."""

from __future__ import annotations

from typing import Any

import pytest

from policies.terms import (
    MAX_CLAUSES,
    PURPOSES,
    SWITCHES,
    TermsInvalid,
    clause_id_for,
    default_terms,
    summary,
    validate_terms,
)


def _errors(data: Any) -> dict[str, list[str]]:
    with pytest.raises(TermsInvalid) as caught:
        validate_terms(data)
    assert isinstance(caught.value, ValueError)
    return caught.value.details


def _with(**changes: Any) -> dict[str, Any]:
    return {**default_terms(), **changes}


def test_default_terms_are_valid_version_1_and_protective() -> None:
    terms = default_terms()
    assert validate_terms(terms) == terms
    assert terms["version"] == 1
    assert terms["onward_sharing"] is False
    assert terms["tracking"] is False and terms["profiling"] is False
    assert terms["retention_days"] == 365
    assert "fulfil-my-orders" in terms["purposes"]
    assert terms["clauses"] and all(c["id"] and c["title"] and c["text"] for c in terms["clauses"])


def test_default_terms_are_a_fresh_copy_each_time() -> None:
    default_terms()["clauses"].clear()
    assert default_terms()["clauses"]


def test_validation_normalises() -> None:
    clause = {"id": "ask-first", "title": "  Ask first ", "text": "Ask me.\r\nThen wait."}
    terms = validate_terms(
        _with(title=" My terms ", purposes=["support-me", "fulfil-my-orders", "support-me"])
        | {"clauses": [clause]}
    )
    assert terms["title"] == "My terms"
    assert terms["purposes"] == ["fulfil-my-orders", "support-me"]  # vocabulary order
    assert terms["clauses"] == [
        {"id": "ask-first", "title": "Ask first", "text": "Ask me.\nThen wait."}
    ]


def test_version_is_optional() -> None:
    terms = default_terms()
    del terms["version"]
    assert "version" not in validate_terms(terms)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Must not be blank."),
        ({"title": "   "}, "title", "Must not be blank."),
        ({"title": 7}, "title", "Must be text."),
        ({"title": "two\nlines"}, "title", "Must not contain control characters or breaks."),
        ({"title": "x" * 121}, "title", "At most 120 characters."),
        ({"purposes": []}, "purposes", "Choose at least one purpose."),
        ({"purposes": "support-me"}, "purposes", "Must be a list of purposes."),
        ({"purposes": ["sell-my-data"]}, "purposes", "Unknown purpose: sell-my-data."),
        ({"retention_days": 0}, "retention_days", "Must be at least 1 day."),
        ({"retention_days": -3}, "retention_days", "Must be at least 1 day."),
        ({"retention_days": 3651}, "retention_days", "Must be at most 3650 days (ten years)."),
        ({"retention_days": 10**9}, "retention_days", "Must be at most 3650 days"),
        ({"retention_days": "365"}, "retention_days", "Must be a whole number of days."),
        ({"retention_days": 36.5}, "retention_days", "Must be a whole number of days."),
        ({"retention_days": True}, "retention_days", "Must be a whole number of days."),
        ({"onward_sharing": "no"}, "onward_sharing", "Must be true or false."),
        ({"tracking": 0}, "tracking", "Must be true or false."),
        ({"profiling": None}, "profiling", "Must be true or false."),
        ({"marketing": "false"}, "marketing", "Must be true or false."),
        ({"version": 0}, "version", "Must be a whole number from 1."),
        ({"version": "2"}, "version", "Must be a whole number from 1."),
        ({"clauses": "none"}, "clauses", "Must be a list of clauses."),
        ({"sell_to_brokers": True}, "sell_to_brokers", "Unknown field."),
    ],
)
def test_each_invalid_field_is_named(changes: dict[str, Any], field: str, message: str) -> None:
    errors = _errors(_with(**changes))
    assert list(errors) == [field]
    assert errors[field][0].startswith(message)


@pytest.mark.parametrize("field", ["title", "purposes", "retention_days", "clauses", *SWITCHES])
def test_every_field_but_version_is_required(field: str) -> None:
    terms = default_terms()
    del terms[field]
    assert _errors(terms) == {field: ["Missing data for required field."]}


def test_terms_must_be_an_object() -> None:
    assert _errors(["terms"]) == {"_schema": ["Terms must be an object."]}


def test_several_errors_are_reported_together() -> None:
    errors = _errors(_with(title="", retention_days=0, tracking="maybe"))
    assert set(errors) == {"title", "retention_days", "tracking"}


@pytest.mark.parametrize(
    ("clause", "field", "message"),
    [
        ({"id": "a", "title": "A", "text": ""}, "clauses.0.text", "Must not be blank."),
        ({"id": "a", "title": "", "text": "t"}, "clauses.0.title", "Must not be blank."),
        ({"id": "a", "title": "A", "text": "x" * 2001}, "clauses.0.text", "At most 2000"),
        ({"id": "Bad Id", "title": "A", "text": "t"}, "clauses.0.id", "Use lower-case letters"),
        ({"id": "a--b", "title": "A", "text": "t"}, "clauses.0.id", "Use lower-case letters"),
        ({"title": "A", "text": "t"}, "clauses.0.id", "Missing data for required field."),
        ({"id": "a", "title": "A", "text": "t", "x": 1}, "clauses.0.x", "Unknown field."),
        ("just text", "clauses.0", "Must be an object with id, title and text."),
    ],
)
def test_clause_errors_name_the_clause_and_field(clause: Any, field: str, message: str) -> None:
    errors = _errors(_with(clauses=[clause]))
    assert errors[field][0].startswith(message)
    assert errors["clauses"] == ["Some clauses are invalid."]
    assert set(errors) == {field, "clauses"}


def test_clause_text_may_have_paragraphs_but_not_control_characters() -> None:
    ok = {"id": "a", "title": "A", "text": "One.\n\nTwo.\tTabbed."}
    assert validate_terms(_with(clauses=[ok]))["clauses"] == [ok]
    errors = _errors(_with(clauses=[{**ok, "text": "bell\x07"}]))
    assert errors["clauses.0.text"] == ["Must not contain control characters."]


def test_clause_ids_are_unique_and_clauses_limited() -> None:
    clause = {"id": "same", "title": "A", "text": "t"}
    assert "clauses.1.id" in _errors(_with(clauses=[clause, clause]))
    many = [{"id": f"c{i}", "title": "A", "text": "t"} for i in range(MAX_CLAUSES + 1)]
    assert _errors(_with(clauses=many)) == {"clauses": [f"At most {MAX_CLAUSES} clauses."]}
    assert validate_terms(_with(clauses=[]))["clauses"] == []


def test_clause_id_for_makes_a_unique_slug() -> None:
    assert clause_id_for("Tell me first!") == "tell-me-first"
    assert clause_id_for("Tell me first", {"tell-me-first"}) == "tell-me-first-2"
    assert clause_id_for("Tell me first", {"tell-me-first", "tell-me-first-2"}) == "tell-me-first-3"
    assert clause_id_for("Über alles") == "uber-alles"
    assert clause_id_for("30 days") == "clause-30-days"
    assert clause_id_for("!!!") == "clause"
    long_id = clause_id_for("word " * 40)
    terms = _with(clauses=[{"id": long_id, "title": "A", "text": "t"}])
    assert validate_terms(terms)["clauses"][0]["id"] == long_id


def test_summary_states_each_machine_term_in_plain_words() -> None:
    lines = summary(default_terms())
    assert lines[0].startswith("Use my data only for fulfilling the orders I place with you")
    assert "Keep my data no longer than 365 days" in lines[1]
    assert "Do not share, sell or rent my data to anyone else." in lines
    assert any(line.startswith("Do not track me") for line in lines)
    assert any(line.startswith("Do not build a profile of me") for line in lines)
    assert any(line.startswith("Ask before anything new: ") for line in lines)


def test_summary_follows_what_the_owner_allows() -> None:
    terms = _with(
        purposes=["support-me"],
        retention_days=1,
        onward_sharing=True,
        tracking=True,
        profiling=True,
        marketing=True,
        clauses=[],
    )
    lines = summary(validate_terms(terms))
    assert lines[0] == f"Use my data only for {PURPOSES['support-me']}."
    assert "no longer than 1 day after" in lines[1]
    assert not any(line.startswith("Do not") for line in lines)
    assert len(lines) == 2 + len(SWITCHES)
