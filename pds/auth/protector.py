"""The resource protector: every vendor API call shows a live token of a usable grant.

``require_grant(scope)`` checks the bearer token (RFC 6750: 401 with
``WWW-Authenticate`` when missing, unknown, expired or revoked; 403
``insufficient_scope``), then hands the view a ``VendorAccess`` (the grant and
its client; never the owner's ``sub``, which only the token and UserInfo endpoints
compute, so no view can send it by mistake). The view asks
``policies.access`` about each record. Every call is appended to the audit log
with the vendor, grant, endpoint, how many records it returned and which
(``VendorAccess.saw``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from typing import TYPE_CHECKING, Any

from authlib.integrations.flask_oauth2 import ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import MissingAuthorizationError
from authlib.oauth2.rfc6750 import BearerTokenValidator, InsufficientScopeError, InvalidTokenError
from flask import Response, g, json, request

from pds.auth.context import auth
from pds.services.identity.grants import CLIENT_KIND

if TYPE_CHECKING:
    from pds.auth.models import Token
    from pds.auth.server import Server


@dataclass
class VendorAccess:
    """Who is calling and under which grant; ``returned`` is set by the view for the audit."""

    grant: dict[str, Any]
    client_id: str
    scopes: tuple[str, ...]
    returned: int = 0
    record_ids: list[str] = field(default_factory=list)

    def saw(self, kind: str, keys: Iterable[str]) -> None:
        """Note records returned (``kind`` ``purchase``/``preference``, their ids or keys)
        for the audit entry; ``returned`` stays the count."""
        self.record_ids.extend(f"{kind}:{key}" for key in keys)

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
        problem = {
            "type": "about:blank",
            "title": "Unauthorized" if error.status_code == 401 else "Forbidden",
            "status": error.status_code,
            "code": code or "unauthorized",
            "detail": detail,
            "error": code or "unauthorized",
        }
        return Response(
            json.dumps(problem),
            status=error.status_code,
            headers={"WWW-Authenticate": challenge},
            mimetype="application/problem+json",
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


def current_access() -> VendorAccess:
    return g.vendor_access  # type: ignore[no-any-return]


def require_grant(*scopes: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Protect a view: a live token whose grant includes every one of ``scopes``."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            protector = auth().protector
            try:
                token = protector.acquire_token(list(scopes))
            except OAuth2Error as error:
                return protector.error_response(error, scopes)
            access = _access_for(protector.server, token)
            g.vendor_access = access
            try:
                if access.grant.get("kind") == CLIENT_KIND:  # RFP work: approved vendors only
                    protector.server.services.clients.require_approved(access.client_id)
                return view(*args, **kwargs)
            finally:  # refused reads are logged too (with 0 records): probing shows
                _record_call(protector.server, access)

        return wrapped

    return decorator


def _access_for(server: Server, token: Token) -> VendorAccess:
    grant = token.grant or {}
    server.services.grants.touch(grant)
    return VendorAccess(
        grant=grant,
        client_id=token.client_id,
        scopes=tuple(token.record["scopes"]),
    )


def _record_call(server: Server, access: VendorAccess) -> None:
    rule = request.url_rule.rule if request.url_rule else request.path
    server.services.access_log.record_call(
        access.client_id,
        access.grant.get("id", ""),
        f"{request.method} {rule}",
        access.returned,
        record_ids=access.record_ids,
    )
