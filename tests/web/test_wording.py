"""The portal's wording: scopes, keys, values, requirements, statuses and what vendors
did, in plain words (pds/web/wording.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pds.i18n import written_in
from pds.services.identity.access_log import AccessEntry
from pds.web import wording
from policies.scopes import CATALOGUE


def entry(endpoint: str | None = None, count: int | None = None, action: str = "") -> Any:
    return AccessEntry(1, "2026-12-03T06:33:00Z", "vendor:abc", action, None, endpoint, count)


def test_every_scope_has_its_catalogue_title() -> None:
    for name, scope in CATALOGUE.items():
        assert wording.scope_title(name) == scope.title
    assert wording.scope_title("purchases:read") == "See your purchases"
    assert wording.scope_title("later:thing") == "Later: thing"


def test_scope_titles_read_as_one_phrase_in_catalogue_order() -> None:
    assert wording.scope_titles(["purchases:read", "openid"]) == (
        "Sign you in and See your purchases"
    )
    assert wording.scope_titles([]) == ""


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("clothing.shoe_size_eu", "Clothing: shoe size EU"),
        ("diet", "Diet"),
        ("contact.preferred-channel", "Contact: preferred channel"),
    ],
)
def test_keys_read_as_words(key: str, label: str) -> None:
    assert wording.humanise(key) == label


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (["crime", "history"], "crime, history"),
        (False, "no"),
        (True, "yes"),
        (None, "not set"),
        ([], "none"),
        (42, "42"),
        ({"size_eu": 42, "wide": True}, "Size EU: 42; Wide: yes"),
    ],
)
def test_values_read_as_words(value: Any, words: str) -> None:
    assert wording.value_words(value) == words


@pytest.mark.parametrize(
    ("requirement", "sentence"),
    [
        ({"key": "battery_hours", "operator": "ge", "value": 20}, "battery hours at least 20"),
        ({"key": "weight", "operator": "le", "value": 9.5}, "weight at most 9.5"),
        ({"key": "size", "operator": "eq", "value": "M"}, "size is M"),
        ({"key": "size", "operator": "ne", "value": "XL"}, "size is not XL"),
        ({"key": "price", "operator": "lt", "value": 5}, "price less than 5"),
        ({"key": "seats", "operator": "gt", "value": 2}, "seats more than 2"),
        (
            {"key": "colour", "operator": "in", "value": ["silver", "grey"]},
            "colour is one of silver, grey",
        ),
        ({"key": "colour", "operator": "ne", "value": ["red"]}, "colour is none of red"),
        (
            {"key": "delivery", "operator": "before", "value": "2026-12-01"},
            "delivery before 2026-12-01",
        ),
        ({"key": "waterproof", "operator": "eq", "value": True}, "waterproof is yes"),
    ],
)
def test_requirements_read_as_sentences(requirement: dict[str, Any], sentence: str) -> None:
    assert wording.requirement_sentence(requirement) == sentence


def test_a_revoked_grant_says_why_once() -> None:
    assert wording.grant_status({"status": "revoked", "reason": "revoked"}) == "revoked (by you)"
    assert wording.grant_status({"status": "revoked", "reason": "blocked"}) == (
        "revoked (vendor blocked)"
    )
    assert wording.grant_status({"status": "active", "reason": None}) == "active"


def test_which_purchases_a_grant_reaches() -> None:
    assert wording.purchase_reach("vendor") == "only those made with this vendor"
    assert wording.purchase_reach(None) == "only those made with this vendor"
    assert wording.purchase_reach("all") == "all of them"


@pytest.mark.parametrize(
    ("endpoint", "count", "sentence"),
    [
        ("GET /api/v1/preferences", 15, "Demo Shop read 15 of your preferences"),
        ("GET /api/v1/purchases", 0, "Demo Shop asked for your purchases; none were sent"),
        ("POST /api/v1/purchases", 1, "Demo Shop sent you a receipt"),
        ("GET /api/v1/me", 1, "Demo Shop read your profile"),
        ("/api/v1/purchases", 2, "Demo Shop read 2 of your purchases"),
        ("GET /api/v1/something/new", 1, "Demo Shop used your store's API"),
    ],
)
def test_vendor_calls_read_as_sentences(endpoint: str, count: int, sentence: str) -> None:
    assert wording.vendor_did(entry(endpoint, count), "Demo Shop") == sentence


def test_vendor_actions_read_as_sentences() -> None:
    did = wording.vendor_did(entry(action="token.authorization_code"), "Demo Shop")
    assert did == "Demo Shop started using the access you allowed"
    assert wording.vendor_did(entry(action="grant.standing"), "Sound Corner") == (
        "Sound Corner was let in to answer your RFPs"
    )
    assert wording.vendor_did(entry(action="made.up"), "X") == "X did something with your store"


def test_owner_actions_read_as_sentences() -> None:
    assert wording.owner_did("grant.allow", "Demo Shop", ["purchases:read"]) == (
        "You allowed Demo Shop access: see your purchases"
    )
    assert wording.owner_did("grant.revoked", "Demo Shop") == "You revoked Demo Shop's access"
    assert wording.owner_did("login.ok") == "You signed in"


def test_webhook_messages_read_as_sentences() -> None:
    assert wording.webhook_event("rfp.published") == "The RFP was published"
    assert wording.webhook_event("offer.not_selected") == "Its offer was not chosen"
    assert wording.webhook_event("rfp.reopened") == "Rfp: reopened"


@pytest.fixture
def german() -> Iterator[None]:
    with written_in("de"):
        yield


@pytest.mark.usefixtures("german")
@pytest.mark.parametrize(
    ("endpoint", "count", "sentence"),
    [
        ("GET /api/v1/preferences", 15, "Demo Shop hat 15 Ihrer Vorlieben gelesen"),
        ("GET /api/v1/preferences", 1, "Demo Shop hat eine Ihrer Vorlieben gelesen"),
        (
            "GET /api/v1/purchases",
            0,
            "Demo Shop hat nach Ihren Einkäufen gefragt; keine wurden gesendet",
        ),
        ("GET /api/v1/purchases", None, "Demo Shop hat einige Ihrer Einkäufe gelesen"),
        ("GET /api/v1/me", 1, "Demo Shop hat Ihr Profil gelesen"),
        ("GET /api/v1/something/new", 1, "Demo Shop hat die API Ihres Datenspeichers benutzt"),
    ],
)
def test_vendor_calls_read_as_german_sentences(
    endpoint: str, count: int | None, sentence: str
) -> None:
    assert wording.vendor_did(entry(endpoint, count), "Demo Shop") == sentence


@pytest.mark.usefixtures("german")
def test_actions_statuses_and_events_in_german() -> None:
    did = wording.vendor_did(entry(action="token.authorization_code"), "Demo Shop")
    assert did == "Demo Shop nutzt jetzt den Zugriff, den Sie erlaubt haben"
    assert wording.vendor_did(entry(action="made.up"), "X") == (
        "X hat etwas mit Ihrem Datenspeicher gemacht"
    )
    assert wording.owner_did("grant.revoked", "Demo Shop") == (
        "Sie haben den Zugriff von Demo Shop widerrufen"
    )
    assert wording.owner_did("grant.allow", "Demo Shop") == (
        "Sie haben Demo Shop Zugriff erlaubt: Ihre Daten"
    )
    # a German title keeps its capitals inside the sentence (English lowers the first)
    assert wording.owner_did("grant.allow", "Demo Shop", ["purchases:read"]) == (
        "Sie haben Demo Shop Zugriff erlaubt: Ihre Einkäufe sehen"
    )
    assert wording.owner_did("login.ok") == "Sie haben sich angemeldet"
    assert wording.grant_status({"status": "revoked", "reason": "revoked"}) == (
        "widerrufen (durch Sie)"
    )
    assert wording.grant_status({"status": "active"}) == "aktiv"
    assert wording.purchase_reach("all") == "alle"
    assert wording.webhook_event("rfp.published") == "Die Anfrage wurde veröffentlicht"
    assert wording.join_words(["a", "b", "c"]) == "a, b und c"


@pytest.mark.usefixtures("german")
@pytest.mark.parametrize(
    ("requirement", "sentence"),
    [
        ({"key": "battery_hours", "operator": "ge", "value": 20}, "battery hours mindestens 20"),
        ({"key": "weight", "operator": "le", "value": 9.5}, "weight höchstens 9,5"),
        ({"key": "waterproof", "operator": "eq", "value": True}, "waterproof ist ja"),
        (
            {"key": "colour", "operator": "in", "value": ["silver", "grey"]},
            "colour ist eins von: silver, grey",
        ),
        ({"key": "colour", "operator": "ne", "value": ["red"]}, "colour ist keins von: red"),
        ({"key": "colour", "operator": "in", "value": []}, "colour ist eins von: keine"),
    ],
)
def test_requirements_read_as_german_sentences(requirement: dict[str, Any], sentence: str) -> None:
    assert wording.requirement_sentence(requirement) == sentence


@pytest.mark.usefixtures("german")
def test_values_read_as_german_words() -> None:
    assert [wording.value_words(v) for v in (True, False, None, [])] == [
        "ja",
        "nein",
        "nicht gesetzt",
        "keine",
    ]
    assert wording.operator_words("lt") == "weniger als"
    assert wording.operator_words("xx") == "xx"
