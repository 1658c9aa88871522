"""The scope catalogue: complete, plain-language, and parsed as RFC 6749 says."""

from __future__ import annotations

import pytest

from policies.scopes import (
    CATALOGUE,
    REQUIRED,
    SUPPORTED,
    CatalogueInvalid,
    Scope,
    UnknownScope,
    claims_for,
    describe,
    load_catalogue,
    parse_scope,
    scope_string,
)

EXPECTED = [
    "openid",
    "profile",
    "email",
    "phone",
    "address",
    "offline_access",
    "purchases:read",
    "purchases:write",
    "preferences:read",
    "relationship:read",
    "rfp:respond",
]


def test_every_required_scope_is_catalogued_in_display_order() -> None:
    assert list(REQUIRED) == EXPECTED
    assert [name for name in SUPPORTED if name in EXPECTED] == EXPECTED
    assert tuple(CATALOGUE) == SUPPORTED


@pytest.mark.parametrize("name", EXPECTED)
def test_each_scope_says_in_plain_words_what_it_exposes(name: str) -> None:
    scope = CATALOGUE[name]
    assert isinstance(scope, Scope) and scope.name == name
    assert scope.title.strip() and scope.description.strip()
    assert scope.data and all(item.strip() for item in scope.data)
    assert scope.sensitivity in ("low", "medium", "high")


def test_the_catalogue_cannot_be_changed_at_run_time() -> None:
    with pytest.raises(TypeError):
        CATALOGUE["admin"] = CATALOGUE["openid"]  # type: ignore[index]


def test_claims_follow_openid_connect_standard_scopes() -> None:
    assert {"name", "given_name", "family_name", "birthdate", "locale", "updated_at"} <= set(
        CATALOGUE["profile"].claims
    )
    assert CATALOGUE["email"].claims == ("email", "email_verified")
    assert CATALOGUE["phone"].claims == ("phone_number", "phone_number_verified")
    assert CATALOGUE["address"].claims == ("address",)
    assert CATALOGUE["purchases:read"].claims == ()
    assert claims_for(["openid", "email", "address"]) == {"email", "email_verified", "address"}
    assert claims_for(["openid"]) == frozenset()
    assert claims_for(["email", "retired:scope"]) == {"email", "email_verified"}


def test_parse_scope_orders_by_catalogue_and_drops_repeats() -> None:
    assert parse_scope("purchases:read email openid email") == (
        "openid",
        "email",
        "purchases:read",
    )
    assert parse_scope("rfp:respond  profile") == ("profile", "rfp:respond")


@pytest.mark.parametrize("text", [None, "", " "])
def test_no_scope_is_an_empty_tuple(text: str | None) -> None:
    assert parse_scope(text) == ()


def test_unknown_scopes_are_named() -> None:
    with pytest.raises(UnknownScope) as caught:
        parse_scope("openid admin purchases:delete email")
    assert caught.value.names == ("admin", "purchases:delete")
    assert isinstance(caught.value, ValueError)
    assert "admin" in str(caught.value)


def test_scope_names_are_case_sensitive() -> None:
    with pytest.raises(UnknownScope) as caught:
        parse_scope("OpenID")
    assert caught.value.names == ("OpenID",)


def test_describe_gives_catalogue_entries_in_order() -> None:
    described = describe({"purchases:read", "openid"})
    assert [scope.name for scope in described] == ["openid", "purchases:read"]
    assert described[1] is CATALOGUE["purchases:read"]
    with pytest.raises(UnknownScope):
        describe(["nope"])


def test_scope_string_round_trips() -> None:
    assert scope_string(["email", "openid"]) == "openid email"
    assert parse_scope(scope_string(SUPPORTED)) == SUPPORTED


def _document(**changes: object) -> dict[str, object]:
    scopes = [
        {
            "name": scope.name,
            "title": scope.title,
            "description": scope.description,
            "data": list(scope.data),
            "sensitivity": scope.sensitivity,
            "claims": list(scope.claims),
        }
        for scope in CATALOGUE.values()
    ]
    scopes[0] = {**scopes[0], **changes}
    return {"format": 1, "scopes": scopes}


def test_loading_checks_the_data() -> None:
    assert load_catalogue(_document()) == dict(CATALOGUE)
    with pytest.raises(CatalogueInvalid, match="sensitivity"):
        load_catalogue(_document(sensitivity="extreme"))
    with pytest.raises(CatalogueInvalid, match="title"):
        load_catalogue(_document(title=" "))
    with pytest.raises(CatalogueInvalid, match="scope token"):
        load_catalogue(_document(name='bad"scope'))
    with pytest.raises(CatalogueInvalid, match="required scopes: openid"):
        load_catalogue(_document(name="signin"))
    with pytest.raises(CatalogueInvalid, match="exactly the fields"):
        load_catalogue(_document(extra=True))
    twice = _document()
    twice["scopes"].append(twice["scopes"][0])  # type: ignore[attr-defined]
    with pytest.raises(CatalogueInvalid, match="twice"):
        load_catalogue(twice)
