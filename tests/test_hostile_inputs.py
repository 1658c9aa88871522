"""No 5xx from any input: the whole URL map, every method, hostile inputs (issue 14.5).

Every rule of ``app.url_map`` is called with every method (the allowed ones and some
that are not), its path variables filled with hostile values and with real ids, and
with hostile bodies (JSON nested far past any parser's depth, invalid UTF-8, the wrong
content type, forms whose every field holds CR/LF or a huge value), hostile query
strings and malformed ``Authorization`` headers: anonymously, as the logged-in owner
(with a valid CSRF token), and with a vendor's OIDC grant token and its RFP token.
Nothing may answer 5xx, and a refused method answers 405 with ``Allow``.

The Flask test client (not a network server) keeps it to seconds; ``tests/e2e``
sends the same kinds of input to the real server.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import services_of
from tests.urlmapkit import (
    BAD_AUTHORIZATION,
    TOKEN_ROUTES,
    Walker,
    World,
    build_world,
    fresh_session,
    path_of,
    rules,
    walk,
)


@pytest.fixture
def app_overrides() -> dict[str, object]:
    return {"webhooks_enabled": False, "api_rate_per_minute": 10**6}


@pytest.fixture
def world(app: Flask, owner: FlaskClient) -> World:
    return build_world(app, owner)


def test_the_walk_has_a_real_value_for_every_path_variable(world: World) -> None:
    variables = {name for rule in rules(world.app) for name in rule.arguments}
    assert variables == set(world.ids)
    assert len(rules(world.app)) > 90


def test_anonymous_hostile_inputs_get_no_5xx(world: World) -> None:
    """Every rule, and each malformed ``Authorization`` header on every one that reads it."""
    walker = Walker(
        world.app.test_client(use_cookies=False), authorizations=("", *BAD_AUTHORIZATION)
    )
    walk(world, walker)
    for rule in rules(world.app, TOKEN_ROUTES):
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            for authorization in BAD_AUTHORIZATION:
                headers = {"Authorization": authorization}
                walker.send(method, path_of(rule, world.ids), headers=headers)
    assert walker.failures == []


def test_the_owner_s_hostile_inputs_get_no_5xx(world: World, owner: FlaskClient) -> None:
    walker = Walker(owner, csrf=fresh_session(owner), owner=True)
    walk(world, walker)
    assert walker.failures == []
    assert owner.get("/").status_code == 200  # still logged in: the walk ran as the owner


def test_a_vendor_s_hostile_inputs_with_its_grant_token_get_no_5xx(world: World) -> None:
    bearer = {"Authorization": f"Bearer {world.tokens['access_token']}"}
    walker = Walker(world.app.test_client(use_cookies=False), headers=bearer)
    walk(world, walker, TOKEN_ROUTES)
    assert walker.failures == []


def test_a_vendor_s_hostile_inputs_with_its_rfp_token_get_no_5xx(world: World) -> None:
    walker = Walker(
        world.app.test_client(use_cookies=False),
        headers={"Authorization": f"Bearer {world.rfp_token}"},
    )
    walk(world, walker, TOKEN_ROUTES)
    assert walker.failures == []


def test_a_head_request_never_takes_a_forms_post_branch(world: World, owner: FlaskClient) -> None:
    """HEAD is answered like GET (the page, without its body), with no CSRF check: a view
    that took "not GET" for "POST" would delete a purchase on a HEAD without a token."""
    services = services_of(world.app)
    before = (services.counts(), len(services.store.audit))
    forms = [r for r in rules(world.app) if {"GET", "POST"} <= set(r.methods or ())]
    assert len(forms) > 10
    for rule in forms:
        response = owner.open(path_of(rule, world.ids), method="HEAD", data={"decision": "allow"})
        assert response.status_code < 500, rule.rule
    assert (services.counts(), len(services.store.audit)) == before
