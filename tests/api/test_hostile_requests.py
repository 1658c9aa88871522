"""The vendor API and hostile requests (issue 14.5): JSON nested too deep is a 400
problem, a malformed ``Authorization`` header a 401 with the RFC 6750 challenge, a
refused method a 405 that says which are allowed; never a 500."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient

from pds.web.flask_app import MAX_JSON_DEPTH, nesting_exceeds
from tests.api.conftest import Api
from tests.api.rfpkit import Caller, offer_data, problem, publish

NO_CREDENTIALS = 'Bearer realm="pds"'
INVALID_TOKEN = (
    'Bearer realm="pds", error="invalid_token", '
    'error_description="The access token is missing, unknown, expired or revoked."'
)


def nested(depth: int, inner: str = "1") -> bytes:
    return ("[" * depth + inner + "]" * depth).encode()


@dataclass
class Offering:
    """An RFP vendor with an offer on an open RFP."""

    caller: Caller
    pseudonym: str
    offer_id: str

    def json_endpoints(self) -> list[tuple[str, str]]:
        return [
            ("PUT", f"/rfps/{self.pseudonym}/offer"),
            ("POST", f"/offers/{self.offer_id}/questions"),
            ("PUT", "/subscription"),
        ]


@pytest.fixture
def offering(client: FlaskClient, services: Any) -> Offering:
    pseudonym = publish(services)["pseudonym"]
    caller = Caller.register(client)
    offer = caller.put(f"/rfps/{pseudonym}/offer", offer_data()).get_json()
    return Offering(caller, pseudonym, offer["id"])


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 2_000, 100_000])
def test_json_nested_too_deep_is_a_400_problem(offering: Offering, api: Api, depth: int) -> None:
    json = {"data": nested(depth), "content_type": "application/json"}
    for method, path in offering.json_endpoints():
        assert problem(offering.caller.call(method, path, **json)) == (
            400,
            "malformed_request",
            "the body is not valid JSON",
        ), path
    assert problem(api.call("POST", "/purchases", **json))[:2] == (400, "malformed_request")


def test_json_as_deep_as_allowed_is_read(offering: Offering) -> None:
    deep = {"data": nested(MAX_JSON_DEPTH - 1, "{}"), "content_type": "application/json"}
    response = offering.caller.call(
        "PUT", "/subscription", **deep
    )  # read, then refused by its schema
    assert problem(response)[:2] == (422, "validation_failed")


def test_the_depth_check_counts_arrays_and_objects() -> None:
    assert not nesting_exceeds({"a": [{"b": []}]}, 4)
    assert nesting_exceeds({"a": [{"b": []}]}, 3)
    assert not nesting_exceeds("text", 0)


@pytest.mark.parametrize(
    ("authorization", "challenge"),
    [
        ("Basic dXNlcjpwYXNz", NO_CREDENTIALS),  # not a scheme the API takes
        ("Digest username=x", NO_CREDENTIALS),
        ("Bearer", INVALID_TOKEN),
        ("Bearer ", INVALID_TOKEN),
        ("Bearer a b", INVALID_TOKEN),
        ("Bearer tøken", INVALID_TOKEN),
        ("Bearer \x01", INVALID_TOKEN),
        ("Bearer " + "a" * 10_000, INVALID_TOKEN),
        ("Bearer=abc", NO_CREDENTIALS),
    ],
)
def test_a_malformed_authorization_header_is_a_401(
    client: FlaskClient, authorization: str, challenge: str
) -> None:
    for path in ("/api/v1/me", "/api/v1/rfps", "/oauth/userinfo"):
        response = client.get(path, headers={"Authorization": authorization})
        assert response.status_code == 401, path
        assert response.headers["WWW-Authenticate"] == challenge
        assert response.get_json()["error"] in ("invalid_token", "unauthorized")


def test_two_authorization_headers_are_an_invalid_token(api: Api) -> None:
    headers = [("Authorization", f"Bearer {api.token}"), ("Authorization", f"Bearer {api.token}")]
    response = api.vendor.http.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == INVALID_TOKEN


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "BeArEr"])
def test_the_bearer_scheme_is_case_insensitive(api: Api, scheme: str) -> None:
    response = api.vendor.http.get("/api/v1/me", headers={"Authorization": f"{scheme} {api.token}"})
    assert response.status_code == 200


def test_a_refused_method_is_a_405_problem_with_allow(api: Api) -> None:
    response = api.call("PATCH", "/me")
    assert problem(response)[:2] == (405, "method_not_allowed")
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
