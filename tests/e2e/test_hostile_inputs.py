"""Acceptance (issue 14.5) against the real server (``pds serve``): hostile input gets
a 4xx in the right format, never a 5xx. JSON nested past any parser's depth, malformed
and repeated ``Authorization`` headers (sent raw, as a client would), malformed Basic
credentials, CR/LF in a redirect target, a malformed ``response_type``, and methods a
route does not take (405 with ``Allow``).

``tests/test_hostile_inputs.py`` walks the whole URL map in-process; this checks the
same defences hold behind waitress.
"""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import requests

from tests.conftest import OWNER_PASSWORD
from tests.e2e.processes import Running, csrf
from tests.e2e.test_rfp_flow import log_in

DEEP = 100_000
NESTED = "[" * DEEP + "]" * DEEP


def raw_get(base: str, path: str, headers: list[tuple[str, str]]) -> http.client.HTTPResponse:
    """A GET whose headers go out exactly as given (repeated ones included)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    connection.putrequest("GET", path)
    for name, value in headers:
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def rfp_token(base: str) -> str:
    registered = requests.post(
        f"{base}/oauth/register",
        json={"client_name": "Hostile Shop", "grant_types": ["client_credentials"]},
        timeout=10,
    ).json()
    token = requests.post(
        f"{base}/oauth/token",
        data={"grant_type": "client_credentials", "scope": "rfp:respond"},
        auth=(registered["client_id"], registered["client_secret"]),
        timeout=10,
    )
    return str(token.json()["access_token"])


def test_hostile_requests_to_the_real_server_get_4xx(store: Running) -> None:
    base = store.url
    token = rfp_token(base)
    bearer = {"Authorization": f"Bearer {token}"}

    deep = requests.post(
        f"{base}/oauth/register", data=NESTED, headers={"Content-Type": "application/json"}
    )
    assert deep.status_code == 400 and deep.json()["error"] == "invalid_client_metadata"
    deep = requests.put(
        f"{base}/api/v1/subscription",
        data=NESTED,
        headers={**bearer, "Content-Type": "application/json"},
    )
    assert deep.status_code == 400 and deep.json()["code"] == "malformed_request"

    twice = raw_get(base, "/api/v1/rfps", [("Authorization", f"Bearer {token}")] * 2)
    assert twice.status == 401 and 'error="invalid_token"' in twice.headers["WWW-Authenticate"]
    for value in ("Basic xyz", "Bearer", "Bearer a b", "Bearer tøken", "Bearer " + "a" * 10_000):
        refused = raw_get(base, "/api/v1/rfps", [("Authorization", value)])
        assert refused.status == 401, value
        assert refused.headers["WWW-Authenticate"].startswith('Bearer realm="pds"')
    assert raw_get(base, "/api/v1/rfps", [("Authorization", f"bEaReR {token}")]).status == 200

    for value in ("Basic ", "Bearer ", "Basic //46c2VjcmV0"):
        answer = requests.post(
            f"{base}/oauth/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": value},
        )
        assert answer.status_code == 401 and answer.json()["error"] == "invalid_client", value

    not_allowed = requests.patch(f"{base}/api/v1/rfps", headers=bearer)
    assert not_allowed.status_code == 405 and "GET" in not_allowed.headers["Allow"]
    logout = requests.get(f"{base}/logout")
    assert logout.status_code == 405 and set(logout.headers["Allow"].split(", ")) == {
        "OPTIONS",
        "POST",
    }

    visitor = requests.Session()
    login = visitor.post(
        f"{base}/login?next=/rfps%0D%0ASet-Cookie:%20planted=1",
        data={"csrf_token": csrf(visitor.get(f"{base}/login").text), "password": OWNER_PASSWORD},
        allow_redirects=False,
    )
    assert login.status_code == 303 and "planted" not in login.headers["Set-Cookie"]
    assert login.headers["Location"].startswith("/") and "\r" not in login.headers["Location"]

    owner = requests.Session()
    log_in(owner, base)
    authorize = owner.get(f"{base}/oauth/authorize?response_type=code%0D%0Ax&client_id=x")
    assert authorize.status_code == 400 and "response_type is malformed" in authorize.text
