"""Standard Webhooks "v1" signatures: HMAC-SHA256 over ``{id}.{timestamp}.{body}``.

The key is the subscription secret without its ``whsec_`` prefix, base64-decoded. The
signature header is ``v1,`` + base64 of the MAC. Receivers recompute it and compare in
constant time (see docs/rfps.md for a verification sample).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
MESSAGE_PREFIX = "msg_"
USER_AGENT = "pds-webhooks/1"


def new_message_id() -> str:
    """A fresh delivery message id: ``msg_`` + 24 random base32 characters (120 bits)."""
    return MESSAGE_PREFIX + base64.b32encode(secrets.token_bytes(15)).decode("ascii").lower()


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_`` secret."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value of ``body`` sent as ``message_id`` at ``timestamp``."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signed_headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Every header of a webhook post, and nothing else that could identify the store."""
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
    }
