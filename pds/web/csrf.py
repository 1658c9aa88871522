"""CSRF protection for every state-changing form: a per-session token, checked on POST."""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, request, session

FIELD = "csrf_token"
#: Blueprints and paths whose requests are not cookie-authenticated: the OAuth endpoints
#: and the vendor API take client credentials or bearer tokens, never the owner's session,
#: so a forged cross-site request has nothing to ride on.
EXEMPT = ("health", "oauth")
EXEMPT_PREFIX = "/api/"


def csrf_token() -> str:
    token = session.get(FIELD)
    if not isinstance(token, str):
        token = session[FIELD] = secrets.token_urlsafe(32)
    return token


def register_csrf(app: Flask) -> None:
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def check_csrf() -> None:
        if request.method in ("GET", "HEAD", "OPTIONS") or request.blueprint in EXEMPT:
            return
        if request.path.startswith(EXEMPT_PREFIX):
            return
        if request.routing_exception is not None:  # a 404 or 405 changes nothing: it answers
            return
        sent = request.form.get(FIELD, "")
        expected = session.get(FIELD)
        if not isinstance(expected, str) or not hmac.compare_digest(sent, expected):
            abort(400, description="the form expired or was not sent by this portal; reload it")
