"""``/healthz``: is the server up and the store unlocked. Says nothing about the data."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from pds.version import __version__
from pds.web.context import services

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    unlocked = services().unlocked
    body = {
        "status": "ok" if unlocked else "unavailable",
        "store": "unlocked" if unlocked else "closed",
    }
    response = jsonify({**body, "version": __version__})
    response.status_code = 200 if unlocked else 503
    response.headers["Cache-Control"] = "no-store"
    return response
