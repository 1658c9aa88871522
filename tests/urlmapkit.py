"""Walking the app's whole URL map with hostile requests (the no-5xx tests and the
RFP-token reach test).

``walk`` calls every rule of ``app.url_map`` with every method (those it allows, and
some it does not), its path variables filled with hostile values and with real ids,
and with hostile bodies and query strings. A ``Walker`` sends them as one identity
and keeps what came back: the 5xx answers (and 405s without ``Allow``) as failures,
and every response's status line, headers and body.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from pds.web.settings import ADDRESS_FIELDS, PROFILE_FIELDS
from tests.api.conftest import ALL_SCOPES, seed
from tests.api.rfpkit import Caller, offer_data, publish
from tests.auth.clientkit import RfpVendor
from tests.auth.vendorkit import Vendor, authorized_tokens
from tests.conftest import OWNER_PASSWORD, csrf_of, log_in, services_of

TEMPLATES = Path(__file__).resolve().parents[1] / "pds" / "web" / "templates"
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "PROPFIND")
#: The rules that read an ``Authorization`` header (bearer tokens, client credentials).
TOKEN_ROUTES = ("/api/", "/oauth/")
#: Path variable values no route expects (percent-encoded, as they travel).
HOSTILE_SEGMENTS = ("x" * 4000, "%0D%0ASet-Cookie:%20a=b", "%00", "%FF%FE", "%E2%80%AE..", "-1")
#: Values every form field and query parameter gets in turn.
HOSTILE_VALUES = (
    "\r\nSet-Cookie: a=b\r\nLocation: https://evil.example/",
    "/relationships/\r\nSet-Cookie: a=b",
    "x" * 20_000,
    "\x00\x01\x7f\u202e\ud7ff\ufffd",
    "//evil.example/\\",
    "-1e999",
)
QUERY_NAMES = (
    "next",
    "vendor",
    "status",
    "sort",
    "kind",
    "key",
    "after",
    "cursor",
    "limit",
    "since",
    "until",
    "category",
    "q",
    "state",
    "redirect_uri",
    "client_id",
    "response_type",
    "scope",
    "code_challenge",
    "code_challenge_method",
    "nonce",
    "prompt",
)
#: The form fields of the OAuth endpoints (token, revocation, introspection).
OAUTH_FIELDS = (
    "grant_type",
    "code",
    "redirect_uri",
    "code_verifier",
    "refresh_token",
    "token",
    "token_type_hint",
    "client_id",
    "client_secret",
    "scope",
)
DEEP = 100_000  # far past Python's recursion limit and orjson's 1024
NESTED_ARRAY = b"[" * DEEP + b"]" * DEEP
NESTED_OBJECT = b'{"a":' * DEEP + b"1" + b"}" * DEEP
BAD_AUTHORIZATION = (
    "Basic xyz",
    "Basic !!!not-base64",
    "Basic ",
    "Bearer",
    "Bearer ",
    "Bearer a b",
    "bearer " + "a" * 43,
    "BEARER " + "a" * 43,
    "Bearer " + "a" * 10_000,
    "Bearer tøken",
    "Bearer \x00\x01",
    "Digest username=x",
    "Bearer=abc",
    "Bearer abc, Bearer def",  # two headers, as a server joins them
)


def form_fields() -> tuple[str, ...]:
    """Every field name the portal's templates post (indexed rows as row 0), the ones
    views build from constants, and the OAuth endpoints' fields."""
    names: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        for name in re.findall(r'name="([^"]+)"', template.read_text()):
            names.add(name.replace("{{ i }}", "0"))
    names.discard("{{ name }}")
    names.update(PROFILE_FIELDS, ADDRESS_FIELDS, OAUTH_FIELDS)
    names.update(("items-0-description", "current_passphrase", "new_password"))
    names.discard("csrf_token")
    return tuple(sorted(names))


FIELDS = form_fields()


@dataclass
class World:
    """A store with records, an open RFP, and one vendor holding both kinds of token:
    an OIDC grant's (every scope but ``rfp:respond``) and a client-credentials one
    (``rfp:respond``), with an offer made with the latter."""

    app: Flask
    ids: dict[str, str]  # a real value for each path variable of the URL map
    vendor: Vendor
    tokens: dict[str, Any]  # the OIDC token response
    rfp_token: str


def build_world(app: Flask, owner: FlaskClient) -> World:
    services = services_of(app)
    records = seed(services)
    grant_types = ["authorization_code", "refresh_token", "client_credentials"]
    vendor = Vendor.register(app.test_client(), grant_types=grant_types)
    tokens = authorized_tokens(owner, vendor, scope=ALL_SCOPES)
    rfp = publish(services)
    rfp_vendor = RfpVendor(vendor.http, vendor.client_id, str(vendor.client_secret))
    caller = Caller(rfp_vendor, rfp_vendor.access_token())
    offer = caller.put(f"/rfps/{rfp['pseudonym']}/offer", offer_data()).get_json()
    [grant] = [
        g for g in services.grants.list(client_id=vendor.client_id) if g.get("kind") != "client"
    ]
    ids = {
        "client_id": vendor.client_id,
        "grant_id": grant["id"],
        "rfp_id": rfp["id"],
        "offer_id": offer["id"],
        "record_id": records["shop"]["id"],
        "relationship_id": records["shop"]["id"],
        "tier_id": next((t.id for t in services.insights.report().tiers), rfp["id"]),
        "purchase_id": records["own"][0]["id"],
        "key": "clothing.size",
        "pseudonym": rfp["pseudonym"],
        "filename": "pds.css",
    }
    return World(app, ids, vendor, tokens, caller.token)


@dataclass
class Walker:
    """One identity sending requests: ``headers`` on each, ``authorizations`` (if any)
    in turn as its ``Authorization`` header, each request from its own address
    (TEST-NET-2: the login throttle refuses an address after a few wrong passwords)."""

    http: FlaskClient
    headers: dict[str, str] = field(default_factory=dict)
    authorizations: tuple[str, ...] = ()
    csrf: str = "not-a-csrf-token"
    owner: bool = False  # log in again whenever a request ended the session
    failures: list[str] = field(default_factory=list)
    received: list[bytes] = field(default_factory=list)

    def send(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        if self.authorizations and "Authorization" not in headers:
            headers["Authorization"] = self.authorizations[
                len(self.received) % len(self.authorizations)
            ]
        address = {"REMOTE_ADDR": f"198.51.100.{len(self.received) % 250}"}
        response = self.http.open(
            path, method=method, headers=headers, environ_base=address, **kwargs
        )
        body = response.get_data()
        response.close()
        self.received.append(f"{response.status}\n{response.headers}".encode() + body)
        if response.status_code >= 500:
            self.failures.append(
                f"{method} {path[:80]} {_shown(headers, kwargs)} -> {body[:200]!r}"
            )
        if response.status_code == 405 and "Allow" not in response.headers:
            self.failures.append(f"{method} {path[:80]} -> 405 without Allow")
        if self.owner and "Set-Cookie" in response.headers:  # logged in again, or out
            self.csrf = fresh_session(self.http)
        return response


def _shown(headers: dict[str, str], kwargs: dict[str, Any]) -> str:
    return repr({k: repr(v)[:60] for k, v in {**kwargs, **headers}.items()})[:300]


def fresh_session(http: FlaskClient) -> str:
    """Log in again; the new session's CSRF token."""
    log_in(http)
    return csrf_of(http.get("/settings").get_data(as_text=True))


def rules(app: Flask, prefixes: tuple[str, ...] = ("/",)) -> list[Rule]:
    found = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(prefixes)]
    return sorted(found, key=lambda rule: rule.rule)


def path_of(rule: Rule, values: dict[str, str]) -> str:
    """The rule's path with each ``<variable>`` replaced by ``values[name]`` as is."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: values[m.group(1)], rule.rule)


def hostile_requests(csrf: str) -> Iterator[dict[str, Any]]:
    """The bodies and query strings sent to every rule with each method it allows."""
    yield {}
    yield {"data": NESTED_ARRAY, "content_type": "application/json"}
    yield {"data": NESTED_OBJECT, "content_type": "application/json"}
    yield {"data": b'{"a": "\xff\xfe"}', "content_type": "application/json"}
    yield {"data": b'{"a": 1}', "content_type": "application/json; charset=ebcdic"}
    yield {"data": b"\xff\xfe\x00", "content_type": "text/plain"}
    yield {"data": b"--x\r\n", "content_type": "multipart/form-data"}
    raw = f"csrf_token={csrf}&" + "&".join(f"{name}=%FF%FE\xff" for name in FIELDS)
    yield {"data": raw.encode("latin-1"), "content_type": "application/x-www-form-urlencoded"}
    yield {"query_string": "next=%FF%FE&cursor=%&limit=%0D%0A&after=%00"}
    yield {"data": {**dict.fromkeys(FIELDS, HOSTILE_VALUES[0]), "csrf_token": csrf}}
    for value in HOSTILE_VALUES:  # with the right password: a login goes on to its redirect
        form = {**dict.fromkeys(FIELDS, value), "csrf_token": csrf, "password": OWNER_PASSWORD}
        yield {"data": form, "query_string": dict.fromkeys(QUERY_NAMES, value[:2000])}


def walk(world: World, walker: Walker, prefixes: tuple[str, ...] = ("/",)) -> None:
    """Every rule (under ``prefixes``), every method: a method it does not allow once,
    each one it allows with the hostile path values and the hostile requests."""
    for rule in rules(world.app, prefixes):
        allowed = rule.methods or set()
        real = path_of(rule, world.ids)
        for method in METHODS:
            if method not in allowed:
                walker.send(method, real)
                continue
            for segment in HOSTILE_SEGMENTS if rule.arguments else ():
                walker.send(method, path_of(rule, dict.fromkeys(rule.arguments, segment)))
            for kwargs in hostile_requests(walker.csrf):
                walker.send(method, real, **kwargs)
