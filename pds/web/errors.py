"""The portal's error policy, in one place: what the owner sees when a request fails.

- A refused move (``Conflict``, ``PermissionDenied``, ``ValidationFailed``) posted to a
  blueprint that says where its pages are (``go_back_when_refused``): the reason is
  flashed ("Not done: ...") and the browser goes back there (303). A view that shows
  field errors beside its form catches ``ValidationFailed`` itself and shows the form
  again with them (422), using ``ValidationFailed.flat``.
- Any other error, and every error of a GET: the styled error page with the error's
  status, for a browser; problem details (``pds.auth.problems``) for a client that
  does not ask for HTML, and always for ``/healthz``.
- An unexpected exception is logged and answered with a 500 that tells nothing of it.

The vendor API answers its own errors (``pds.api.errors``); this policy is the app's,
for everything else.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from pds.auth.problems import problem_for, problem_for_crash, problem_for_http
from pds.errors import Conflict, PdsError, PermissionDenied, ValidationFailed
from pds.i18n import N_, gettext, translated

#: Errors that refuse what the owner asked for, for a reason the owner can act on.
REFUSED_MOVES = (Conflict, PermissionDenied, ValidationFailed)
#: Blueprints that answer machines only, never with a page.
MACHINE_BLUEPRINTS = frozenset({"health"})
#: The error page's title for the errors an owner meets (others: the code, in words).
TITLES = {
    "not_found": N_("Not found"),
    "permission_denied": N_("Permission denied"),
    "validation_failed": N_("Validation failed"),
    "conflict": N_("Conflict"),
    "already_running": N_("Already running"),
    "rate_limited": N_("Rate limited"),
    "malformed_request": N_("Malformed request"),
}


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(PdsError, error_page)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)


def go_back_when_refused(bp: Blueprint, back: Callable[[], str]) -> None:
    """A refused move posted to ``bp`` goes back to the page ``back()`` names, with its
    reason flashed; on a GET it is the error page like any other error."""

    def refused(error: PdsError) -> Response:
        if request.method != "POST":
            return error_page(error)
        flash(gettext("Not done: %(reason)s", reason=error.message))
        return redirect(back(), code=303)

    for error in REFUSED_MOVES:
        bp.register_error_handler(error, refused)


def error_page(error: PdsError) -> Response:
    """``error`` as the styled page with its status, or as problem details."""
    if not _wants_html():
        return problem_for(error)
    title = translated(TITLES, error.code, _code_words(error.code))
    return _page(error.http_status, title, error.message, error.headers)


def _code_words(code: str) -> str:
    return code.replace("_", " ").capitalize()


def _http_error(error: HTTPException) -> Response:
    if not _wants_html():
        return problem_for_http(error)
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}  # Allow...
    status = error.code or 500
    return _page(status, error.name, error.description or error.name, headers)


def _unexpected(error: Exception) -> Response:
    current_app.logger.exception("unexpected error: %s", type(error).__name__)
    if not _wants_html():
        return problem_for_crash()
    return _page(500, gettext("Internal Server Error"), gettext("something went wrong"))


def _page(status: int, title: str, detail: str, headers: dict[str, str] | None = None) -> Response:
    html = render_template("error.html", status=status, title=title, detail=detail)
    return Response(html, status=status, headers=headers, mimetype="text/html")


def _wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html" and request.blueprint not in MACHINE_BLUEPRINTS
