"""Problem details (RFC 9457, ``application/problem+json``): the one builder of every
JSON error body the server sends outside the OAuth endpoints' own format.

The vendor API's error handlers (``pds.api.errors``), the resource protector's RFC 6750
refusals (``pds.auth.protector``) and the portal's answer to clients that do not want
a page (``pds.web.errors``) all build their bodies here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, json
from werkzeug.exceptions import HTTPException

from pds.errors import PdsError

MEDIA_TYPE = "application/problem+json"


def problem_response(
    status: int,
    code: str,
    detail: str,
    *,
    title: str | None = None,
    errors: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    **members: Any,
) -> Response:
    """A problem JSON answer: ``status``, a snake_case ``code``, the human ``detail``,
    the field ``errors`` if any, and extension ``members`` (such as RFC 6750's ``error``)."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or code.replace("_", " ").capitalize(),
        "status": status,
        "code": code,
        "detail": detail,
        **members,
    }
    if errors:
        body["errors"] = errors
    return Response(json.dumps(body), status=status, headers=headers, mimetype=MEDIA_TYPE)


def problem_for(error: PdsError) -> Response:
    """``error`` as problem JSON, with the headers it carries (``Retry-After``...)."""
    return problem_response(
        error.http_status, error.code, error.message, errors=error.details, headers=error.headers
    )


def problem_for_http(error: HTTPException) -> Response:
    """An HTTP error of Werkzeug's (404, 405 with its ``Allow``, 413...) as problem JSON."""
    status = error.code or 500
    title = error.name or "Error"
    headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
    code = title.lower().replace(" ", "_")
    return problem_response(status, code, error.description or title, title=title, headers=headers)


def problem_for_crash() -> Response:
    """The answer to an unexpected exception: nothing of it leaves (it is logged)."""
    return problem_response(
        500, "internal_error", "something went wrong", title="Internal Server Error"
    )
