"""The vendor API's error policy, in one place: every error of its blueprints, and every
request under ``/api/`` that matches no route, is answered with problem details
(``pds.auth.problems``), never with a page."""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, Response, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RoutingException

from pds.auth.problems import problem_for, problem_for_crash, problem_for_http
from pds.errors import PdsError

log = logging.getLogger("pds.api")
PREFIX = "/api/"


def api_blueprint(name: str, import_name: str, url_prefix: str | None = None) -> Blueprint:
    """A blueprint of the API: every error of its views is answered as a problem."""
    bp = Blueprint(name, import_name, url_prefix=url_prefix)
    bp.register_error_handler(PdsError, problem_for)
    bp.register_error_handler(HTTPException, problem_for_http)
    bp.register_error_handler(Exception, _crashed)
    return bp


def register_unrouted_problems(app: Flask) -> None:
    """Answer requests under ``/api/`` that match no route (404, 405) as problems."""
    app.before_request(_unrouted)


def _crashed(error: Exception) -> Response:
    log.exception("unexpected error: %s", type(error).__name__)
    return problem_for_crash()


def _unrouted() -> Response | None:
    """A 404 or 405 under ``/api/``: routing found no view, so no blueprint's handler
    would see it; answered here, before anything else runs for it."""
    error = request.routing_exception
    if not isinstance(error, HTTPException) or isinstance(error, RoutingException):
        return None  # routed, or a redirect (a missing trailing slash)
    return problem_for_http(error) if request.path.startswith(PREFIX) else None
