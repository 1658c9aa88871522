"""The one error hierarchy of pds.

Every error the domain, the store or the auth layer raises on purpose is a
``PdsError``: it carries a stable snake_case ``code``, a human ``message`` and
optional structured ``details``. Each surface maps them once: the API to RFC 9457
problem JSON, the portal to a form error or styled page, the CLI to a message and
an exit code (``exit_code``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar


class PdsError(Exception):
    """Base of every deliberate pds error."""

    code: ClassVar[str] = "pds_error"
    http_status: ClassVar[int] = 500
    exit_code: ClassVar[int] = 1

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


class PermissionDenied(PdsError):
    code = "permission_denied"
    http_status = 403
    exit_code = 5


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

    def __init__(
        self, message: str = "invalid input", details: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message, details)

    @property
    def fields(self) -> dict[str, Any]:
        return self.details


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


class UnsupportedMediaType(PdsError):
    code = "unsupported_media_type"
    http_status = 415
    exit_code = 2


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


class StoreError(PdsError):
    """Something about the store itself (not the request) is wrong."""

    code = "store_error"
    http_status = 503
    exit_code = 10


class StoreNotFound(StoreError):
    code = "store_not_found"


class StoreExists(StoreError):
    code = "store_exists"


class StoreLocked(StoreError):
    """Another process holds the store, or the store is not unlocked."""

    code = "store_locked"
    exit_code = 11


class WrongPassphrase(StoreError):
    code = "wrong_passphrase"
    http_status = 401
    exit_code = 12


class IntegrityError(StoreError):
    """A file failed authentication or its structure is damaged; ``details['file']`` names it."""

    code = "integrity_error"
    exit_code = 13


class ArchiveInvalid(PdsError):
    code = "archive_invalid"
    http_status = 400
    exit_code = 14


class ExportFailed(PdsError):
    """The archive could not be written for a reason of this machine (the message says
    which); the store is untouched."""

    code = "export_failed"
    http_status = 503
    exit_code = 16


class DeliveryFailed(PdsError):
    """A message could not be handed to the mail server (the message says why)."""

    code = "delivery_failed"
    http_status = 502
    exit_code = 15


class Unreachable(PdsError):
    """An outbound request got no answer: the name did not resolve, the connection
    failed or timed out (the message says which)."""

    code = "unreachable"
    http_status = 502
    exit_code = 17


class ConfigError(PdsError):
    """A setting has a value that cannot be used; the message names the setting."""

    code = "config_error"
    exit_code = 3
