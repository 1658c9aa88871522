"""The resource protector: every vendor API call shows a live token of a usable grant.

``vendor_access(*scopes)`` checks the bearer token (RFC 6750: 401 with
``WWW-Authenticate`` when missing, unknown, expired or revoked; 403
``insufficient_scope``) and gives the caller's ``VendorAccess`` (the grant and its
client; never the owner's ``sub``, which only the token and UserInfo endpoints
compute, so no view can send it by mistake). ``audited(access, answer)`` runs the
call and appends it to the audit log with the vendor, grant, endpoint, how many
records it returned, counted from what ``answer`` gives back (``records_in``), and
which (the first ``MAX_RECORD_IDS``, named by the endpoint's ``seen``). The views ask
``policies.access`` about each record.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from authlib.integrations.flask_oauth2 import ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import MissingAuthorizationError
from authlib.oauth2.rfc6750 import BearerTokenValidator, InsufficientScopeError, InvalidTokenError
from flask import Response, abort, request

from pds.auth.context import auth
from pds.auth.problems import problem_response
from pds.services.identity.grants import CLIENT_KIND

if TYPE_CHECKING:
    from pds.auth.models import Token
    from pds.auth.server import Server


T = TypeVar("T")


@dataclass(frozen=True)
class VendorAccess:
    """Who is calling and under which grant."""

    grant: dict[str, Any]
    client_id: str
    scopes: tuple[str, ...]

    @property
    def actor(self) -> str:
        return f"vendor:{self.client_id}"


class GrantTokenValidator(BearerTokenValidator):
    def __init__(self, server: Server) -> None:
        super().__init__()
        self._server = server

    def authenticate_token(self, token_string: str) -> Token | None:
        return self._server.find_token(token_string, "access")

    def validate_token(self, token: Token | None, scopes: list[str], request: Any) -> None:
        """Authlib's checks, and one more: a standing grant's token (client credentials,
        RFP work) is good only for views that ask for a scope it has. A view that asks
        none (``/api/v1/me``) tells who the owner is, which needs the owner's consent."""
        super().validate_token(token, scopes, request)
        if token is not None and token.standing and not scopes:
            raise InsufficientScopeError()


class Protector(ResourceProtector):
    def __init__(self, server: Server) -> None:
        super().__init__()
        self.server = server
        self.register_token_validator(GrantTokenValidator(server))

    def parse_request_authorization(self, request: Any) -> tuple[BearerTokenValidator, str]:
        """The Bearer token of the ``Authorization`` header, read strictly (RFC 6750 §2.1):
        no header, or another scheme (``Basic``...), is a request without credentials;
        a Bearer token that is empty, not a ``b64token`` (spaces, non-ASCII, two headers
        joined by a comma) or too long to be one of ours is ``invalid_token``."""
        scheme, _, token = (request.headers.get("Authorization") or "").strip().partition(" ")
        if scheme.lower() != "bearer":
            raise MissingAuthorizationError()
        token = token.strip(" ")
        if len(token) > MAX_TOKEN_LENGTH or not B64TOKEN.fullmatch(token):
            raise InvalidTokenError()
        return self.get_token_validator("bearer"), token

    def error_response(self, error: OAuth2Error, required: tuple[str, ...] = ()) -> Response:
        """An RFC 6750 error: ``WWW-Authenticate: Bearer ...`` and a problem JSON body."""
        code = error.error if error.error != "missing_authorization" else None
        detail = _DETAIL[code or "missing_authorization"]
        challenge = f'Bearer realm="{REALM}"'
        if code is not None:  # §3.1: no error code when the request had no credentials
            challenge += f', error="{code}", error_description="{detail}"'
            if code == "insufficient_scope" and required:
                challenge += f', scope="{" ".join(required)}"'
        return problem_response(
            error.status_code,
            code or "unauthorized",
            detail,
            title="Unauthorized" if error.status_code == 401 else "Forbidden",
            headers={"WWW-Authenticate": challenge},
            error=code or "unauthorized",
        )


REALM = "pds"
#: RFC 6750 §2.1: ``b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="``
B64TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
MAX_TOKEN_LENGTH = 512  # ours are 43 characters; a longer one is not worth hashing
_DETAIL = {
    "invalid_token": "The access token is missing, unknown, expired or revoked.",
    "insufficient_scope": "The grant does not include the scope this call needs.",
    "missing_authorization": "Send an access token: Authorization: Bearer <token>.",
}


def vendor_access(*scopes: str) -> VendorAccess:
    """The caller's access: a live token whose grant includes every one of ``scopes``;
    else the request ends here with the RFC 6750 answer (401 or 403)."""
    protector = _protector()
    try:
        token = protector.acquire_token(list(scopes))
    except OAuth2Error as error:
        abort(protector.error_response(error, scopes))
    grant = token.grant or {}
    protector.server.services.grants.touch(grant)
    return VendorAccess(
        grant=grant, client_id=token.client_id, scopes=tuple(token.record["scopes"])
    )


def records_in(answer: Any, *, listing: bool = False) -> int:
    """How many records an answer holds: a ``listing``'s ``items``, else one record, or
    none when there is no answer."""
    if answer is None:
        return 0
    return len(answer["items"]) if listing else 1


def audited(
    access: VendorAccess,
    answer: Callable[[], T],
    count: Callable[[T], int] = records_in,
    seen: Callable[[T], Sequence[str]] | None = None,
) -> T:
    """``answer()``, logged as one call of this vendor with the number of records it
    returned, ``count``ed from what it gave, and which (``seen``: ``"<kind>:<id>"``); a
    refused call is logged too, with none: probing shows. A client-credentials grant
    (RFP work) answers only while its vendor is approved."""
    server = _protector().server
    returned, record_ids = 0, ()
    try:
        if access.grant.get("kind") == CLIENT_KIND:
            server.services.clients.require_approved(access.client_id)
        result = answer()
        returned = count(result)
        record_ids = tuple(seen(result)) if seen is not None else ()
        return result
    finally:
        rule = request.url_rule.rule if request.url_rule else request.path
        server.services.access_log.record_call(
            access.client_id,
            access.grant.get("id", ""),
            f"{request.method} {rule}",
            returned,
            record_ids=record_ids,
        )


def _protector() -> Protector:
    return auth().protector
