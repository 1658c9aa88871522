"""The shop's own CSRF protection: a random token per browser session, required on every
POST form (the shop is a real web app; the SDK does not do this for it)."""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, request, session

SESSION_KEY = "csrf_token"
FORM_FIELD = "csrf_token"


def csrf_token() -> str:
    """This session's token (made on first use), for a hidden form field."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str):
        token = session[SESSION_KEY] = secrets.token_urlsafe(32)
    return token


def init_csrf(app: Flask, exempt: frozenset[str] = frozenset()) -> None:
    """Require the token on every POST, except to the ``exempt`` endpoints (machine
    endpoints that authenticate their caller otherwise: the signed webhooks)."""
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def check_token() -> None:
        if request.method in ("GET", "HEAD", "OPTIONS") or request.endpoint in exempt:
            return
        expected = session.get(SESSION_KEY)
        sent = request.form.get(FORM_FIELD, "")
        if not isinstance(expected, str) or not hmac.compare_digest(sent, expected):
            abort(400, description="This form has expired. Go back, reload the page, try again.")
