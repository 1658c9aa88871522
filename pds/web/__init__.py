"""The owner's web portal and the server's plain HTTP endpoints."""

from __future__ import annotations

import secrets

from flask import Flask, Response

from pds.web import health, portal
from pds.web.csrf import register_csrf
from pds.web.errors import register_error_handlers


def _security_headers(response: Response) -> Response:
    response.headers.setdefault(
        "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'"
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"
    return response


def register_web(app: Flask) -> None:
    app.secret_key = secrets.token_bytes(32)  # sessions end when the server restarts
    settings = app.config["PDS_SETTINGS"]
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.issuer_url.startswith("https://"),
    )
    register_error_handlers(app)
    register_csrf(app)
    app.after_request(_security_headers)
    app.register_blueprint(health.bp)
    app.register_blueprint(portal.bp)
