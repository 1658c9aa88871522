"""CSRF protection for every state-changing form: a per-session token in each form,
checked by the portal's guard (``pds/web/guard.py``) on every POST."""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, request, session

FIELD = "csrf_token"


def csrf_token() -> str:
    token = session.get(FIELD)
    if not isinstance(token, str):
        token = session[FIELD] = secrets.token_urlsafe(32)
    return token


def require_csrf_token() -> None:
    """A 400 unless the form carries this session's token (compared as bytes: a token
    that is not ASCII is simply wrong, not a ``TypeError``)."""
    sent = request.form.get(FIELD, "").encode("utf-8", "replace")
    expected = session.get(FIELD)
    if not isinstance(expected, str) or not hmac.compare_digest(sent, expected.encode()):
        abort(400, description="the form expired or was not sent by this portal; reload it")


def register_csrf(app: Flask) -> None:
    """Every template can put the session's token in its form: ``{{ csrf_token() }}``."""
    app.jinja_env.globals["csrf_token"] = csrf_token
