"""Vendors as OAuth clients: the metadata of Dynamic Client Registration (RFC 7591).

Redirect URIs must be ``https``, or ``http`` on a loopback address (a vendor
developing on its own machine); they may not carry a fragment or a user name and are
matched exactly. Metadata the store does not understand is ignored, as RFC 7591 asks.

A vendor is who it can prove to be: its **verified domain** is the registrable domain
("eTLD+1") of the hosts of its https redirect URIs, the one place the owner is sent back
to. They must all share one; the pages it names (``client_uri``, ``logo_uri``,
``policy_uri``, ``tos_uri``) must be on that domain too (or on a loopback address). A
client with loopback redirect URIs only, or none, has no verified domain, and may name
pages on loopback addresses only.

Two flows: the authorization code (with ``refresh_token``), which needs redirect URIs
and the ``code`` response type; and ``client_credentials`` (a vendor answering the
owner's RFPs), which needs a client secret and may be registered alone.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from marshmallow import EXCLUDE, ValidationError, fields, post_load, validate, validates_schema

from pds.schemas.common import Choice, Schema, Text, UniqueList
from pds.schemas.contact import Email, Url, registrable_domain

AUTH_METHODS = ("client_secret_basic", "client_secret_post", "none")
GRANT_TYPES = ("authorization_code", "refresh_token", "client_credentials")
RESPONSE_TYPES = ("code",)
MAX_REDIRECT_URIS = 10
LOOPBACK_HOSTS = ("localhost",)
#: The pages a client names about itself: each must be on its verified domain.
SITE_URIS = ("client_uri", "logo_uri", "policy_uri", "tos_uri")
MAX_PURPOSE_LENGTH = 200


def host_of(uri: str) -> str:
    return urlsplit(uri).hostname or ""


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class RedirectUri(Url):
    """An absolute redirect URI: https, or http on a loopback host; no fragment."""

    default_error_messages = {
        "url": "Not a valid absolute URL.",
        "scheme": "Must use https (http only on a loopback address such as 127.0.0.1).",
        "fragment": "Must not contain a fragment (#...).",
        "userinfo": "Must not contain a user name or password (...@).",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if "#" in text:
            raise self.make_error("fragment")
        if "@" in urlsplit(text).netloc:
            raise self.make_error("userinfo")
        if urlsplit(text).scheme != "https" and not is_loopback(urlsplit(text).hostname or ""):
            raise self.make_error("scheme")
        return text


class ClientMetadataSchema(Schema):
    """What a vendor says about itself when it registers."""

    class Meta:
        unknown = EXCLUDE  # RFC 7591 §2: ignore metadata the server does not understand

    client_name = Text(max_length=100, required=True)
    client_uri = Url()
    logo_uri = Url()
    policy_uri = Url()
    tos_uri = Url()
    redirect_uris = UniqueList(
        RedirectUri(), validate=validate.Length(min=1, max=MAX_REDIRECT_URIS)
    )
    contacts = UniqueList(Email(), validate=validate.Length(max=10))
    token_endpoint_auth_method = Choice(AUTH_METHODS, load_default="client_secret_basic")
    grant_types = UniqueList(
        Choice(GRANT_TYPES),
        load_default=lambda: ["authorization_code", "refresh_token"],
        validate=validate.Length(min=1),
    )
    response_types = UniqueList(Choice(RESPONSE_TYPES))
    scope = Text(max_length=1000)
    #: An extension of RFC 7591: why the vendor asks for each scope, in its own words,
    #: shown to the owner on the consent page and kept in the grant.
    purpose = fields.Dict(
        keys=Text(max_length=100),
        values=Text(max_length=MAX_PURPOSE_LENGTH),
        validate=validate.Length(max=20),
    )
    id_token_signed_response_alg = Text(max_length=10)
    software_id = Text(max_length=200)
    software_version = Text(max_length=50)

    @validates_schema
    def _flows(self, data: dict[str, Any], **_: Any) -> None:
        grant_types = data.get("grant_types", ["authorization_code"])
        if "authorization_code" in grant_types:
            problems = _code_flow_problems(data)
        elif "client_credentials" in grant_types:
            problems = _client_credentials_only_problems(data)
        else:
            problems = {"grant_types": ["Must include authorization_code or client_credentials."]}
        if "client_credentials" in grant_types and data["token_endpoint_auth_method"] == "none":
            problems["token_endpoint_auth_method"] = [
                "client_credentials needs a client secret: "
                "client_secret_basic or client_secret_post."
            ]
        if problems:
            raise ValidationError(problems)

    @validates_schema
    def _one_verified_domain(self, data: dict[str, Any], **_: Any) -> None:
        problems = _redirect_domain_problems(data.get("redirect_uris", []))
        if not problems:
            problems = _site_problems(data, verified_domain(data.get("redirect_uris", [])))
        if problems:
            raise ValidationError(problems)

    @post_load
    def _default_response_types(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if "response_types" not in data:
            data["response_types"] = ["code"] if "authorization_code" in data["grant_types"] else []
        data.setdefault("redirect_uris", [])
        return data


def _web_hosts(uris: Iterable[str]) -> list[str]:
    """The hosts of ``uris`` that are not loopback addresses."""
    return [host for host in map(host_of, uris) if not is_loopback(host)]


def verified_domain(redirect_uris: Iterable[str]) -> str | None:
    """The registrable domain of the client's https redirect URIs (``None`` with loopback
    ones only, or none, or if they do not share exactly one, as registration requires)."""
    domains = {registrable_domain(host) for host in _web_hosts(redirect_uris)}
    return domains.pop() if len(domains) == 1 else None


def _redirect_domain_problems(redirect_uris: Iterable[str]) -> dict[str, list[str]]:
    hosts = _web_hosts(redirect_uris)
    unowned = [host for host in hosts if registrable_domain(host) is None]
    if unowned:
        message = (
            f"{unowned[0]} is not a domain anyone registers (an IP address, a single name, "
            "or a public suffix such as github.io): use a host name under one."
        )
        return {"redirect_uris": [message]}
    domains = sorted({str(registrable_domain(host)) for host in hosts})
    if len(domains) > 1:
        message = f"All https redirect URIs must be on one domain, not {', '.join(domains)}."
        return {"redirect_uris": [message]}
    return {}


def _site_problems(data: dict[str, Any], domain: str | None) -> dict[str, list[str]]:
    """The pages a client names, each on ``domain`` (its verified domain) or on loopback."""
    if domain is None:
        message = (
            "Must be on a loopback address: only a client with https redirect URIs may "
            "name web pages, on their domain."
        )
    else:
        message = f"Must be on {domain}, the domain of the redirect URIs."
    return {
        field: [message]
        for field in SITE_URIS
        if field in data and not _on_domain(host_of(data[field]), domain)
    }


def _on_domain(host: str, domain: str | None) -> bool:
    return is_loopback(host) or (domain is not None and registrable_domain(host) == domain)


def _code_flow_problems(data: dict[str, Any]) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if "redirect_uris" not in data:
        problems["redirect_uris"] = ["Missing data for required field."]
    if data.get("response_types") == []:
        problems["response_types"] = ["Shorter than minimum length 1."]
    return problems


def _client_credentials_only_problems(data: dict[str, Any]) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if "refresh_token" in data["grant_types"]:
        problems["grant_types"] = [
            "refresh_token needs authorization_code (client credentials are not refreshed)."
        ]
    if data.get("response_types"):
        problems["response_types"] = ["Must be empty without authorization_code."]
    return problems
