"""The reference vendor: a small shop that connects to its customer's personal data store.

It uses only the vendor SDK (``vendors.sdk``) and HTTP, like any real vendor would:
``python -m vendors.demo_shop --pds http://127.0.0.1:8000 --port 8001``.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import urlsplit

import requests
from flask import Flask, render_template
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from vendors.demo_shop.connection import ShopConnection
from vendors.demo_shop.csrf import init_csrf
from vendors.demo_shop.views import EXTENSION, bp


def create_app(
    pds_url: str, state_dir: Path, base_url: str, *, session: requests.Session | None = None
) -> Flask:
    """The shop at ``base_url``, for the store at ``pds_url``, keeping its state in
    ``state_dir``. Registration waits for the first Connect (or ``ensure_registered``)."""
    base_url = base_url.rstrip("/")
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),
        SESSION_COOKIE_NAME="demo_shop_session",  # browsers share cookies across ports
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",  # sent on the store's redirect back (a top-level GET)
        SESSION_COOKIE_SECURE=base_url.startswith("https://"),
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    app.extensions[EXTENSION] = ShopConnection(
        pds_url, state_dir, f"{base_url}/callback", client_uri=base_url, session=session
    )
    init_csrf(app)
    app.register_blueprint(bp)
    store = urlsplit(pds_url)
    policy = (
        "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
        f"frame-ancestors 'none'; form-action 'self' {store.scheme}://{store.netloc}"
    )

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = policy
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"  # the callback URL holds a code
        if response.mimetype == "text/html":
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        html = render_template("problem.html", title=error.name, detail=error.description)
        return html, error.code or 500

    return app
