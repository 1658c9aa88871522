"""The reference vendor: a small shop that connects to its customer's personal data store.

It uses only the vendor SDK (``vendors.sdk``) and HTTP, like any real vendor would:
``python -m vendors.demo_shop --pds http://127.0.0.1:8000 --port 8001``. Given
``categories``, it also answers the owner's RFPs in them (``rfp_desk``).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import requests
from flask import Flask, render_template
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from vendors.demo_shop.connection import CLIENT_NAME, ShopConnection
from vendors.demo_shop.csrf import init_csrf
from vendors.demo_shop.rfp_desk import RfpDesk
from vendors.demo_shop.rfp_views import DESK, WEBHOOK_ENDPOINT
from vendors.demo_shop.rfp_views import bp as rfp_bp
from vendors.demo_shop.views import EXTENSION, bp


def create_app(
    pds_url: str,
    state_dir: Path,
    base_url: str,
    *,
    session: requests.Session | None = None,
    name: str = CLIENT_NAME,
    categories: Sequence[str] | None = None,
    markup: Decimal = Decimal(0),
) -> Flask:
    """The shop ``name`` at ``base_url``, for the store at ``pds_url``, keeping its state
    in ``state_dir``. Registration waits for the first Connect (or ``ensure_registered``).
    With ``categories`` it answers RFPs in them (prices plus ``markup`` percent) once its
    desk is started (``app.extensions[DESK].start()``: register, subscribe)."""
    base_url = base_url.rstrip("/")
    app = Flask(__name__)
    port = urlsplit(base_url).port or ""
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),
        SESSION_COOKIE_NAME=f"demo_shop_session{port}",  # browsers share cookies across ports
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",  # sent on the store's redirect back (a top-level GET)
        SESSION_COOKIE_SECURE=base_url.startswith("https://"),
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    connection = ShopConnection(
        pds_url,
        state_dir,
        f"{base_url}/callback",
        client_uri=base_url,
        session=session,
        client_name=name,
        answer_rfps=categories is not None,
    )
    app.extensions[EXTENSION] = connection
    if categories is not None:
        app.extensions[DESK] = RfpDesk(
            connection,
            webhook_url=f"{base_url}/webhooks/pds",
            categories=categories,
            markup=markup,
        )
    app.jinja_env.globals["shop_name"] = name
    app.jinja_env.globals["answers_rfps"] = categories is not None
    init_csrf(app, exempt=frozenset({WEBHOOK_ENDPOINT}))
    app.register_blueprint(bp)
    app.register_blueprint(rfp_bp)
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
