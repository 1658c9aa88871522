"""The vendor API (``/api/v1``): JSON over the services, behind the resource protector.

Every endpoint is declared with ``pds.api.endpoint``; every read goes through
``services.vendor_view``, which asks ``policies.access`` whether the caller's grant
reaches each record; a record outside the grant is answered exactly like a record that
does not exist.
"""

from __future__ import annotations

from flask import Flask, Response, request

from pds.api import feed, openapi, owner, purchases, rfps, subscriptions
from pds.api.errors import PREFIX, register_unrouted_problems
from pds.config import Settings

BLUEPRINTS = tuple(m.bp for m in (owner, purchases, openapi, feed, rfps, subscriptions))


def register_api(app: Flask, settings: Settings) -> None:
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    register_unrouted_problems(app)
    origins = frozenset(settings.api_cors_origins)

    @app.after_request
    def api_headers(response: Response) -> Response:
        if not request.path.startswith(PREFIX):
            return response
        origin = request.headers.get("Origin")
        if origin and origin in origins:  # no CORS at all unless the owner configured it
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, DELETE"
            response.headers["Access-Control-Expose-Headers"] = "ETag, Location, Retry-After"
            response.vary.add("Origin")
        return response


def api_routes() -> Flask:
    """The vendor API's routes alone, on a bare app: what its OpenAPI document is made
    from when there is no store (``docs/generate.py``)."""
    app = Flask(__name__)
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    return app
