"""What can go wrong talking to a store, as exceptions carrying its problem details.

The store answers errors as RFC 9457 problem JSON (``code``, ``detail``,
``errors``), RFC 6750 ``WWW-Authenticate`` challenges on 401, and RFC 6749
error JSON from its OAuth endpoints; ``error_from_response`` reads all three.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests


class PDSError(Exception):
    """A refusal or failure: HTTP ``status`` (``None`` when no response), snake_case ``code``,
    a human ``detail`` and, for invalid input, ``errors`` (field -> messages)."""

    def __init__(
        self,
        status: int | None,
        code: str,
        detail: str = "",
        errors: Mapping[str, Any] | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.detail = detail
        self.errors: dict[str, Any] = dict(errors or {})
        super().__init__(f"{code}: {detail}" if detail else code)


class NotAuthorized(PDSError):
    """401, or a refused token request. ``revoked`` is true when the grant is gone (the
    refresh token was refused): the vendor must ask the owner again."""

    def __init__(self, *args: Any, revoked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.revoked = revoked


class Forbidden(PDSError):
    """403: the grant does not reach this (``code`` is ``insufficient_scope``)."""


class NotFound(PDSError):
    """404: no such record, or one outside the grant (the store does not say which)."""


class Conflict(PDSError):
    """409: the request conflicts with the record's current state."""


class InvalidRequest(PDSError):
    """400, 413, 415 or 422: the request was refused as given; ``errors`` names the fields."""


class RateLimited(PDSError):
    """429: too many calls; ``retry_after`` is the seconds to wait (``None`` if not said)."""

    def __init__(self, *args: Any, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retry_after = retry_after


class ServerError(PDSError):
    """5xx, or an answer the SDK cannot read."""


class StoreUnreachable(PDSError):
    """No answer at all: the store is down or the network failed."""


class DiscoveryFailed(PDSError):
    """The store's metadata is missing, unusable, or names another issuer."""


class AuthorizationFailed(PDSError):
    """The authorization response was refused (``state_mismatch``, ``issuer_mismatch``,
    ``invalid_id_token``, ...) or carried the owner's refusal (``access_denied``)."""


_BY_STATUS: dict[int, type[PDSError]] = {
    400: InvalidRequest,
    401: NotAuthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    413: InvalidRequest,
    415: InvalidRequest,
    422: InvalidRequest,
    429: RateLimited,
}
_CHALLENGE_ERROR = re.compile(r'\berror="([^"]*)"')


def challenge_error(response: requests.Response) -> str | None:
    """The ``error`` of a 401's ``WWW-Authenticate: Bearer`` challenge (RFC 6750 §3)."""
    match = _CHALLENGE_ERROR.search(response.headers.get("WWW-Authenticate", ""))
    return match.group(1) if match else None


def error_from_response(response: requests.Response) -> PDSError:
    """The exception for an error response, with whatever details the store gave."""
    body = _json_object(response)
    status = response.status_code
    code = str(body.get("code") or body.get("error") or _default_code(status))
    if status == 401:
        code = challenge_error(response) or code
    detail = str(body.get("detail") or body.get("error_description") or body.get("title") or "")
    errors = body.get("errors") if isinstance(body.get("errors"), dict) else None
    kind = _BY_STATUS.get(status) or (ServerError if status >= 500 else PDSError)
    if kind is RateLimited:
        return RateLimited(status, code, detail, errors, retry_after=retry_after_seconds(response))
    return kind(status, code, detail or response.reason or "", errors)


def unreachable(exc: requests.RequestException) -> StoreUnreachable:
    return StoreUnreachable(None, "unreachable", f"the store did not answer: {type(exc).__name__}")


def retry_after_seconds(response: requests.Response) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _json_object(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _default_code(status: int) -> str:
    return {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        409: "conflict",
        413: "too_large",
        415: "unsupported_media_type",
        422: "validation_failed",
        429: "rate_limited",
    }.get(status, "server_error" if status >= 500 else f"http_{status}")
