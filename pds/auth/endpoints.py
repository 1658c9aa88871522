"""The authorization server's machine endpoints: discovery, keys, registration, tokens,
revocation, introspection and UserInfo. (The consent page is the portal's: ``pds.web``.)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from authlib.oauth2.rfc7591 import InvalidClientMetadataError, InvalidRedirectURIError
from flask import Blueprint, Response, jsonify, request

from pds.auth.context import auth
from pds.auth.discovery import server_metadata
from pds.auth.protector import audited, vendor_access
from pds.errors import RateLimited, ValidationFailed
from pds.runtime.current import runtime
from pds.services.identity.clients import public_view
from pds.services.identity.signing_keys import ALGORITHMS

bp = Blueprint("oauth", __name__)
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@bp.get("/.well-known/openid-configuration")
@bp.get("/.well-known/oauth-authorization-server")
def metadata() -> Response:
    return jsonify(server_metadata(auth().server.issuer))


@bp.get("/jwks.json")
def jwks() -> Response:
    response = jsonify(auth().services.signing_keys.public_jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.post("/oauth/token")
def token() -> Any:
    return auth().server.create_token_response()


@bp.post("/oauth/revoke")
def revoke() -> Any:
    return auth().server.create_endpoint_response("revocation")


@bp.post("/oauth/introspect")
def introspect() -> Any:
    return auth().server.create_endpoint_response("introspection")


@bp.post("/oauth/register")
def register() -> Any:
    """RFC 7591 dynamic registration: open to any vendor; registering grants nothing.
    Each client address may try ``registrations_per_hour`` times an hour (then 429)."""
    wait = runtime().limits.registrations.take(request.remote_addr or "unknown")
    if wait:
        return _rate_limited(RateLimited(wait))
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _registration_error(
            InvalidClientMetadataError("Send the client metadata as a JSON object.")
        )
    try:
        record, secret = auth().services.clients.register(data, algorithms=ALGORITHMS)
    except ValidationFailed as exc:
        error_class = (
            InvalidRedirectURIError
            if "redirect_uris" in exc.details
            else InvalidClientMetadataError
        )
        return _registration_error(error_class("; ".join(exc.lines())))
    internal = ("id", "status", "registered_at")
    body = {k: v for k, v in public_view(record).items() if k not in internal}
    body["client_id"] = record["id"]
    body["client_id_issued_at"] = int(datetime.fromisoformat(record["registered_at"]).timestamp())
    if secret is not None:
        body["client_secret"] = secret
        body["client_secret_expires_at"] = 0
    return jsonify(body), 201, NO_STORE


@bp.route("/oauth/userinfo", methods=["GET", "POST"])
def userinfo() -> Response:
    """The owner's claims this grant releases: a record, audited like an API read."""
    access = vendor_access("openid")
    claims = audited(
        access, lambda: auth().server.user_claims(access.client_id, list(access.scopes))
    )
    response = jsonify(claims)
    response.headers.update(NO_STORE)
    return response


def _registration_error(error: Any) -> Response:
    status, body, _ = error()
    response = jsonify(dict(body))
    response.status_code = status
    response.headers.update(NO_STORE)
    return response


def _rate_limited(error: RateLimited) -> Response:
    """429 in the OAuth error format, with ``Retry-After``."""
    response = jsonify({"error": error.code, "error_description": error.message})
    response.status_code = error.http_status
    response.headers.update({**NO_STORE, **error.headers})
    return response
