"""The vendor API (``/api/v1``): JSON over the services, behind the resource protector.

Every read goes through ``services.vendor_view``, which asks ``policies.access``
whether the caller's grant reaches each record; a record outside the grant is
answered exactly like a record that does not exist.
"""

from __future__ import annotations

from flask import Flask, Response, request

from pds.api import feed, openapi, owner, purchases, rfps, subscriptions
from pds.config import Settings

PREFIX = "/api/"


def register_api(app: Flask, settings: Settings) -> None:
    for module in (purchases, owner, openapi, feed, rfps, subscriptions):
        app.register_blueprint(module.bp)
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
