"""The one error hierarchy of pds.

Every error the domain, the store or the auth layer raises on purpose is a
``PdsError``: it carries a stable snake_case ``code``, a human ``message`` and
optional structured ``details``. Each surface maps them once: the API to RFC 9457
problem JSON, the portal to a form error or styled page, the CLI to a message and
an exit code (``exit_code``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar


class PdsError(Exception):
    """Base of every deliberate pds error."""

    code: ClassVar[str] = "pds_error"
    http_status: ClassVar[int] = 500
    exit_code: ClassVar[int] = 1
    #: What the exit code means, in the words of the command line reference.
    exit_meaning: ClassVar[str] = "general"

    def __init__(self, message: str, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = dict(details or {})
        self.headers: dict[str, str] = {}  # HTTP headers the error's response must carry

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


class NotFound(PdsError):
    code = "not_found"
    http_status = 404
    exit_code = 4
    exit_meaning = "not found"


class PermissionDenied(PdsError):
    code = "permission_denied"
    http_status = 403
    exit_code = 5
    exit_meaning = "not permitted"


class InsufficientScope(PermissionDenied):
    code = "insufficient_scope"


class AwaitingApproval(PermissionDenied):
    """A vendor registered to answer RFPs that the owner has not approved yet (while
    ``PDS_RFP_VENDORS_NEED_APPROVAL`` holds RFPs back from such vendors)."""

    code = "awaiting_approval"


class ValidationFailed(PdsError):
    """Input did not satisfy the data contract; ``details`` maps field -> messages."""

    code = "validation_failed"
    http_status = 422
    exit_code = 2
    exit_meaning = "invalid input"

    def __init__(
        self, message: str = "invalid input", details: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message, details)

    @property
    def fields(self) -> dict[str, Any]:
        return self.details

    def flat(self, sep: str = ".") -> dict[str, list[str]]:
        """The messages by field, nested fields' names joined by ``sep``:
        ``{"items": {"0": {"unit_price": [m]}}}`` -> ``{"items.0.unit_price": [m]}``."""
        return flat_details(self.details, sep)

    def messages(self) -> list[str]:
        """Every message, without the field it is about."""
        return [message for messages in self.flat().values() for message in messages]

    def lines(self) -> list[str]:
        """One line per message, after the field's path: ``items: 0: unit_price: m``."""
        return detail_lines(self.details)


class OutboundRefused(ValidationFailed):
    """A URL the store would contact leads into the owner's own network (loopback,
    private, link-local, metadata...) or is not one it contacts at all; the message says
    which address and why."""

    code = "outbound_refused"


class MalformedRequest(PdsError):
    """A request whose body cannot even be read (not valid JSON, say)."""

    code = "malformed_request"
    http_status = 400
    exit_code = 2
    exit_meaning = "invalid input"


class UnsupportedMediaType(PdsError):
    code = "unsupported_media_type"
    http_status = 415
    exit_code = 2
    exit_meaning = "invalid input"


class RateLimited(PdsError):
    """Too many requests; ``retry_after`` seconds until the next is allowed."""

    code = "rate_limited"
    http_status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many requests; try again in {retry_after} s")
        self.retry_after = retry_after
        self.headers["Retry-After"] = str(retry_after)


class Conflict(PdsError):
    code = "conflict"
    http_status = 409
    exit_code = 6
    exit_meaning = "conflict"


class AlreadyRunning(Conflict):
    """A long command (import, export, key rotation) while another of its kind runs on
    the same store."""

    code = "already_running"
    exit_code = 18
    exit_meaning = "already running"


class StoreError(PdsError):
    """Something about the store itself (not the request) is wrong."""

    code = "store_error"
    http_status = 503
    exit_code = 10
    exit_meaning = "store problem"


class StoreNotFound(StoreError):
    code = "store_not_found"


class StoreExists(StoreError):
    code = "store_exists"


class StoreLocked(StoreError):
    """Another process holds the store, or the store is not unlocked."""

    code = "store_locked"
    exit_code = 11
    exit_meaning = "store locked by another process"


class WrongPassphrase(StoreError):
    code = "wrong_passphrase"
    http_status = 401
    exit_code = 12
    exit_meaning = "wrong passphrase"


class IntegrityError(StoreError):
    """A file failed authentication or its structure is damaged; ``details['file']`` names it."""

    code = "integrity_error"
    exit_code = 13
    exit_meaning = "integrity error"


class ArchiveInvalid(PdsError):
    code = "archive_invalid"
    http_status = 400
    exit_code = 14
    exit_meaning = "archive refused"


class ExportFailed(PdsError):
    """The archive could not be written for a reason of this machine (the message says
    which); the store is untouched."""

    code = "export_failed"
    http_status = 503
    exit_code = 16
    exit_meaning = "export failed"


class DeliveryFailed(PdsError):
    """A message could not be handed to the mail server (the message says why)."""

    code = "delivery_failed"
    http_status = 502
    exit_code = 15
    exit_meaning = "mail not delivered"


class Unreachable(PdsError):
    """An outbound request got no answer: the name did not resolve, the connection
    failed or timed out (the message says which)."""

    code = "unreachable"
    http_status = 502
    exit_code = 17
    exit_meaning = "destination unreachable"


class ConfigError(PdsError):
    """A setting has a value that cannot be used; the message names the setting."""

    code = "config_error"
    exit_code = 3
    exit_meaning = "configuration"


def flat_details(details: Mapping[str, Any], sep: str = ".") -> dict[str, list[str]]:
    """``details`` (field -> messages, nested for nested fields) as one level of
    field paths, each part joined by ``sep``, -> messages."""
    flat: dict[str, list[str]] = {}
    for path, message in _walk(details, ()):
        flat.setdefault(sep.join(path), []).append(message)
    return flat


def detail_lines(details: Mapping[str, Any]) -> list[str]:
    """One line per message, after its field's path:
    ``{"line 7": {"quantity": ["Not a number."]}}`` -> ``["line 7: quantity: Not a number."]``."""
    return [": ".join((*path, message)) for path, message in _walk(details, ())]


def _walk(value: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _walk(inner, (*path, str(key)))
    elif isinstance(value, list | tuple):
        for inner in value:
            yield from _walk(inner, path)
    else:
        yield path, str(value)


def exit_codes() -> dict[int, str]:
    """Every exit code a ``PdsError`` ends a command with, and what it means (the
    command line reference is generated from it)."""
    return dict(sorted((error.exit_code, error.exit_meaning) for error in error_classes()))


def error_classes() -> list[type[PdsError]]:
    """``PdsError`` and every class below it."""
    found: list[type[PdsError]] = []
    pending: list[type[PdsError]] = [PdsError]
    while pending:
        error = pending.pop()
        found.append(error)
        pending.extend(error.__subclasses__())
    return found
