"""The declarative vendor API (issue 15.4): the routes and the OpenAPI document list the
same operations; a call refused by the rate limit leaves no access log entry; every
entry counts the records the call returned; errors are one kind of problem details."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from pds.api.conventions import API_BASE
from pds.api.openapi_parts import openapi_path
from pds.runtime.current import runtime_of
from pds.services import Services
from pds.services.identity.access_log import API_CALL
from pds.services.ratelimit import RateLimiter
from tests.api.conftest import Api
from tests.api.rfpkit import problem

NOT_OPERATIONS = {"HEAD", "OPTIONS"}  # Flask answers these for every rule by itself


def api_calls(services: Services, client_id: str) -> list[tuple[str, int | None]]:
    """The client's API calls in the access log, oldest first: (endpoint, count)."""
    entries = services.access_log.entries(client_id=client_id)
    return [(e.endpoint or "", e.count) for e in reversed(entries) if e.action == API_CALL]


def test_the_url_map_and_the_openapi_document_list_the_same_operations(
    app: Flask, client: FlaskClient
) -> None:
    routed = {
        (method, openapi_path(rule.rule, API_BASE))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(f"{API_BASE}/")
        for method in (rule.methods or set()) - NOT_OPERATIONS
    }
    document = client.get("/openapi.json").get_json()
    documented = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert routed == documented
    assert len(routed) == 17


def test_a_call_refused_by_the_rate_limit_is_not_in_the_access_log(
    app: Flask, api: Api, services: Services
) -> None:
    runtime_of(app).limits.api = RateLimiter(2)
    statuses = [api.get("/preferences").status_code for _ in range(4)]
    assert statuses == [200, 200, 429, 429]
    limited = api.get("/preferences")
    assert problem(limited)[:2] == (429, "rate_limited") and limited.headers["Retry-After"]
    calls = api_calls(services, api.vendor.client_id)
    assert calls == [("GET /api/v1/preferences", 2)] * 2


def test_each_entry_counts_the_records_the_call_returned(api: Api, services: Services) -> None:
    own = api.records["own"]
    listings = {  # what each listing answers with, and so counts
        "/purchases?limit=4": 4,
        "/purchases": len(own),
        "/purchases?category=nothing-like-it": 0,
        "/preferences": 2,  # the shared ones
    }
    for path, items in listings.items():
        assert len(api.get(path).get_json()["items"]) == items, path
    assert api.get(f"/purchases/{own[0]['id']}").status_code == 200  # one record
    assert api.get("/me").status_code == 200  # one record
    outside = api.get(f"/purchases/{api.records['others'][0]['id']}")
    assert outside.status_code == 404  # outside the grant: nothing
    counts = [count for _, count in api_calls(services, api.vendor.client_id)]
    assert counts == [*listings.values(), 1, 1, 0]


def test_a_push_and_a_listing_are_counted_from_what_they_return(
    api: Api, services: Services
) -> None:
    receipt = {"date": "2026-05-04", "currency": "EUR", "total": "12.00", "category": "books"}
    assert api.call("POST", "/purchases", json=receipt).status_code == 201
    assert api.call("POST", "/purchases", json={"date": "soon"}).status_code == 422
    assert api_calls(services, api.vendor.client_id) == [
        ("POST /api/v1/purchases", 1),
        ("POST /api/v1/purchases", 0),
    ]


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_an_unrouted_api_request_is_a_problem_even_for_a_browser(
    client: FlaskClient, accept: str
) -> None:
    missing = client.get(f"{API_BASE}/nothing-here", headers={"Accept": accept})
    assert problem(missing)[:2] == (404, "not_found")
    refused = client.delete(f"{API_BASE}/purchases", headers={"Accept": accept})
    assert problem(refused)[:2] == (405, "method_not_allowed")
    assert set(refused.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}


def test_the_protector_and_the_handlers_build_the_same_problem(api: Api) -> None:
    """The resource protector's 401 and a view's 404: one builder, one shape."""
    unknown = api.get("/purchases/01920000-0000-7000-8000-000000000000")
    no_token = api.vendor.http.get(f"{API_BASE}/purchases")
    shapes: list[Any] = []
    for response in (unknown, no_token):
        body = response.get_json()
        assert response.mimetype == "application/problem+json"
        shapes.append({"type", "title", "status", "code", "detail"} <= set(body))
        assert body["status"] == response.status_code
    assert shapes == [True, True]
    assert no_token.get_json()["error"] == "unauthorized"
    assert no_token.headers["WWW-Authenticate"] == 'Bearer realm="pds"'
