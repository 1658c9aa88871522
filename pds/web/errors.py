"""Maps ``PdsError`` and HTTP errors to responses, once: problem JSON or a portal page."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from pds.errors import PdsError


def _wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html" and not request.path.startswith(("/api/", "/healthz"))


def _respond(
    status: int, title: str, code: str, detail: str, errors: dict | None = None
) -> Response:
    if _wants_html():
        html = render_template("error.html", status=status, title=title, detail=detail)
        return Response(html, status=status, mimetype="text/html")
    body: dict[str, object] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "code": code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(PdsError)
    def pds_error(error: PdsError) -> Response:
        title = error.code.replace("_", " ").capitalize()
        response = _respond(error.http_status, title, error.code, error.message, error.details)
        response.headers.update(error.headers)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        code = (error.name or "error").lower().replace(" ", "_")
        response = _respond(status, error.name, code, error.description or error.name)
        for name, value in error.get_headers():  # e.g. Allow on a 405
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        app.logger.exception("unexpected error: %s", type(error).__name__)
        return _respond(500, "Internal Server Error", "internal_error", "something went wrong")
