"""Verifying the store's webhooks (Standard Webhooks, HMAC-SHA256 ``v1``).

Each webhook carries three headers: ``webhook-id`` (the message id, the same
across retries), ``webhook-timestamp`` (unix seconds of this attempt) and
``webhook-signature``: ``v1,`` + base64 of HMAC-SHA256 over
``f"{id}.{timestamp}.".encode() + body``, keyed with the base64-decoded secret
(the part after ``whsec_``). ``WebhookVerifier.verify`` accepts a webhook only if
all three are there, the timestamp is within ``tolerance`` seconds of now, one
signature matches (compared in constant time) and the id was not seen before;
then it parses the body. Anything else is a ``WebhookError`` naming the reason,
and the webhook must not be acted on.

    verifier = WebhookVerifier(subscription.secret)
    event = verifier.verify(request.headers, request.get_data())  # raw bytes, unparsed
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SECRET_PREFIX = "whsec_"
DEFAULT_TOLERANCE = 300  # seconds either side of now
DEFAULT_REMEMBERED = 10_000  # webhook ids kept to refuse replays
HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


class WebhookError(Exception):
    """A webhook refused: ``code`` is one of ``missing_headers``, ``invalid_timestamp``,
    ``timestamp_out_of_tolerance``, ``invalid_signature``, ``replayed``, ``invalid_body``."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class WebhookEvent:
    """A verified webhook: ``id`` (the ``webhook-id``), ``type`` (``rfp.published``, ...),
    ``timestamp`` (when the event happened) and ``data`` as sent."""

    id: str
    type: str
    timestamp: datetime | None
    data: Mapping[str, Any] = field(default_factory=dict)


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_...`` secret: the base64 after the prefix, decoded."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("a webhook secret is whsec_ followed by base64") from None
    if not key:
        raise ValueError("the webhook secret is empty")
    return key


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value the store sends: ``v1,<base64 HMAC-SHA256>``."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


class WebhookVerifier:
    """Checks webhooks signed with ``secret`` and remembers their ids (bounded) to refuse
    replays. Safe to share between threads; ``use_secret`` switches to a rotated one."""

    def __init__(
        self,
        secret: str,
        tolerance: int = DEFAULT_TOLERANCE,
        *,
        remember: int = DEFAULT_REMEMBERED,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._key = secret_key(secret)
        self.tolerance = tolerance
        self._remember = remember
        self._clock = clock
        self._seen: OrderedDict[str, int] = OrderedDict()  # id -> timestamp, oldest first
        self._lock = threading.Lock()

    def use_secret(self, secret: str) -> None:
        """Verify with ``secret`` from now on (after ``rotate_secret``); ids seen stay seen."""
        key = secret_key(secret)
        with self._lock:
            self._key = key

    def verify(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        """The event, if the webhook is genuine, fresh and new; else ``WebhookError``."""
        message_id, stamp, signatures = _headers(headers)
        timestamp = self._fresh(stamp)
        signed = f"{message_id}.{timestamp}.".encode() + body
        with self._lock:
            expected = hmac.new(self._key, signed, hashlib.sha256).digest()
            if not _any_matches(signatures, expected):
                raise WebhookError("invalid_signature", "no webhook-signature matches")
            self._forget_old()
            if message_id in self._seen:
                raise WebhookError("replayed", f"webhook {message_id} was received before")
            self._seen[message_id] = timestamp
            while len(self._seen) > self._remember:
                self._seen.popitem(last=False)
        return _event(message_id, body)

    def _fresh(self, stamp: str) -> int:
        if not stamp.isdigit():
            raise WebhookError("invalid_timestamp", "webhook-timestamp is not unix seconds")
        timestamp = int(stamp)
        if abs(self._clock() - timestamp) > self.tolerance:
            raise WebhookError(
                "timestamp_out_of_tolerance",
                f"webhook-timestamp is more than {self.tolerance} s from now",
            )
        return timestamp

    def _forget_old(self) -> None:
        """Drop ids too old to pass the timestamp check again (a replay of them fails it)."""
        oldest = self._clock() - 2 * self.tolerance
        while self._seen:
            first_id, stamp = next(iter(self._seen.items()))
            if stamp >= oldest:
                break
            del self._seen[first_id]


def _headers(headers: Mapping[str, str]) -> tuple[str, str, list[str]]:
    lowered = {str(k).lower(): str(v) for k, v in headers.items()}
    missing = [name for name in HEADERS if not lowered.get(name, "").strip()]
    if missing:
        raise WebhookError("missing_headers", f"missing {', '.join(missing)}")
    signatures = lowered["webhook-signature"].split()
    return lowered["webhook-id"].strip(), lowered["webhook-timestamp"].strip(), signatures


def _any_matches(signatures: list[str], expected: bytes) -> bool:
    """Whether one ``v1,<base64>`` of the space-separated list is ``expected``."""
    found = False
    for entry in signatures:
        version, _, encoded = entry.partition(",")
        if version != "v1":
            continue
        try:
            sent = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            continue
        found |= hmac.compare_digest(sent, expected)
    return found


def _event(message_id: str, body: bytes) -> WebhookEvent:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise WebhookError("invalid_body", "the body is not JSON") from None
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get("type"), str)
        or not isinstance(payload.get("data"), dict)
    ):
        raise WebhookError("invalid_body", "the body is not an event (type, data)")
    when = payload.get("timestamp")
    try:
        timestamp = datetime.fromisoformat(when.replace("Z", "+00:00")) if when else None
    except (AttributeError, ValueError):
        raise WebhookError("invalid_body", "the event's timestamp is not RFC 3339") from None
    return WebhookEvent(message_id, payload["type"], timestamp, payload["data"])
