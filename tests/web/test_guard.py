"""The portal guarded by construction (issue 15.5): the URL map walked route by route.

Every route that is neither on ``PUBLIC_ROUTES`` nor served by a blueprint of
``OUTSIDE_PORTAL`` (both in ``pds/web/guard.py``) sends an anonymous request, whatever
its method (HEAD and OPTIONS too), to the login page and changes nothing; every POST to
the portal without the session's CSRF token is a 400, even from the logged-in owner;
and each name on the allow-lists names something that exists and is open.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from pds.web.guard import OUTSIDE_PORTAL, PUBLIC_ROUTES, SAFE_METHODS, portal_blueprint
from tests.conftest import OWNER_PASSWORD, csrf_of, log_in, services_of
from tests.urlmapkit import World, build_world, path_of, rules

#: A form every POST view would act on if the guard let it through.
FORM = {"password": OWNER_PASSWORD, "decision": "allow", "name": "x", "confirm": "yes"}


@pytest.fixture
def app_overrides() -> dict[str, object]:
    return {"webhooks_enabled": False, "api_rate_per_minute": 10**6}


@pytest.fixture
def world(app: Flask, owner: FlaskClient) -> World:
    return build_world(app, owner)


def blueprint_of(rule: Rule) -> str:
    """The rule's blueprint, or its endpoint when the app itself serves it (``static``)."""
    endpoint: str = rule.endpoint
    return endpoint.rpartition(".")[0] or endpoint


def portal_rules(app: Flask) -> list[Rule]:
    return [rule for rule in rules(app) if blueprint_of(rule) not in OUTSIDE_PORTAL]


def guarded_rules(app: Flask) -> list[Rule]:
    return [rule for rule in portal_rules(app) if rule.endpoint not in PUBLIC_ROUTES]


def unsafe_methods(rule: Rule) -> list[str]:
    return sorted(set(rule.methods or ()) - SAFE_METHODS)


def state(app: Flask) -> tuple[object, int]:
    """What a view that acted would have changed: the records' counts, the audit log."""
    services = services_of(app)
    return services.counts(), len(services.store.audit)


def sent_to_login(response: TestResponse, path: str) -> bool:
    """Whether ``response`` is the guard's: to the login page, then back to ``path``."""
    location = urlsplit(response.headers.get("Location", ""))
    return (
        response.status_code == 302
        and location.path == "/login"
        and parse_qs(location.query).get("next") == [path]
    )


def test_every_name_on_the_allow_lists_exists(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    served = {blueprint_of(rule) for rule in app.url_map.iter_rules()}
    assert set(PUBLIC_ROUTES) <= endpoints
    assert set(OUTSIDE_PORTAL) <= served
    assert not {endpoint.partition(".")[0] for endpoint in PUBLIC_ROUTES} & set(OUTSIDE_PORTAL)
    assert all(reason.strip() for reason in [*PUBLIC_ROUTES.values(), *OUTSIDE_PORTAL.values()])


def test_every_other_route_sends_an_anonymous_request_to_the_login(world: World) -> None:
    """With the session's CSRF token, so that the login is what refuses each POST."""
    anonymous = world.app.test_client()
    token = csrf_of(anonymous.get("/login").get_data(as_text=True))
    before = state(world.app)
    guarded = guarded_rules(world.app)
    assert len(guarded) > 60
    for rule in guarded:
        path = path_of(rule, world.ids)
        for method in sorted(rule.methods or ()):
            form = {**FORM, "csrf_token": token}
            response = anonymous.open(path, method=method, data=form)
            assert sent_to_login(response, path), (method, rule.rule, response.status)
    assert state(world.app) == before


def test_every_portal_post_without_the_csrf_token_is_refused(
    world: World, owner: FlaskClient
) -> None:
    """Also from the logged-in owner, also on the public routes (login, logout, consent):
    no token, a wrong one, one that is not ASCII, or another session's."""
    other_session = csrf_of(world.app.test_client().get("/login").get_data(as_text=True))
    before = state(world.app)
    posts = [rule for rule in portal_rules(world.app) if unsafe_methods(rule)]
    assert len(posts) > 40
    for rule in posts:
        path = path_of(rule, world.ids)
        for method in unsafe_methods(rule):
            for token in (None, "", "wrong", "é" * 43, other_session):
                form = FORM if token is None else {**FORM, "csrf_token": token}
                response = owner.open(path, method=method, data=form)
                assert response.status_code == 400, (method, rule.rule, token)
    assert state(world.app) == before
    assert owner.get("/").status_code == 200  # still logged in: not even /logout acted


def test_the_routes_on_the_allow_lists_are_open(world: World) -> None:
    """An anonymous GET reaches each view on them: none answers with the guard's redirect."""
    anonymous = world.app.test_client()
    guarded = guarded_rules(world.app)
    open_rules = [r for r in rules(world.app) if "GET" in (r.methods or ()) and r not in guarded]
    assert {rule.endpoint for rule in open_rules} >= {"portal.login", "reminders.feed"}
    for rule in open_rules:
        path = path_of(rule, world.ids)
        response = anonymous.get(path)
        assert not sent_to_login(response, path), rule.rule
        assert response.status_code < 500, rule.rule


def test_a_view_added_to_a_portal_blueprint_is_guarded_without_a_word(app: Flask) -> None:
    extra = portal_blueprint("extra", __name__)
    calls: list[str] = []

    @extra.route("/extra", methods=["GET", "POST"])
    def page() -> str:
        calls.append(page.__name__)
        return "acted"

    app.register_blueprint(extra)
    client = app.test_client()
    assert sent_to_login(client.get("/extra"), "/extra")
    token = csrf_of(client.get("/login").get_data(as_text=True))
    assert sent_to_login(client.post("/extra", data={"csrf_token": token}), "/extra")
    log_in(client)
    assert client.post("/extra").status_code == 400
    assert calls == []
    assert client.get("/extra").get_data(as_text=True) == "acted"
