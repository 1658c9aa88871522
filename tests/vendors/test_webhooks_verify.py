"""``WebhookVerifier``: Standard Webhooks v1 exactly as the store signs them, and every way a
webhook is refused (tampered, old, early, replayed, headers missing, not an event)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets

import pytest

from pds.services.intents.webhook_signing import new_message_id, signed_headers
from vendors.sdk import WebhookError, WebhookEvent, WebhookVerifier
from vendors.sdk.webhooks import secret_key, sign

# The published Standard Webhooks test vector (the reference libraries' tests use it).
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

NOW = 1_750_000_000
SECRET = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
BODY = json.dumps(
    {
        "type": "rfp.published",
        "timestamp": "2025-06-15T15:06:40Z",
        "data": {"id": "rfp-k3v7q2m9x4hb6n5t", "category": "books"},
    },
    separators=(",", ":"),
).encode()


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def headers(
    body: bytes = BODY, *, message_id: str = "msg_A", at: int = NOW, secret: str = SECRET
) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(at),
        "webhook-signature": sign(secret, message_id, at, body),
    }


def refusal(verifier: WebhookVerifier, sent: dict[str, str], body: bytes = BODY) -> WebhookError:
    with pytest.raises(WebhookError) as caught:
        verifier.verify(sent, body)
    return caught.value


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def verifier(clock: Clock) -> WebhookVerifier:
    return WebhookVerifier(SECRET, clock=clock)


def test_the_signature_is_the_published_standard_webhooks_vector() -> None:
    assert sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE
    by_hand = hmac.new(
        base64.b64decode(VECTOR_SECRET.removeprefix("whsec_")),
        f"{VECTOR_ID}.{VECTOR_TIMESTAMP}.".encode() + VECTOR_BODY,
        hashlib.sha256,
    ).digest()
    assert "v1," + base64.b64encode(by_hand).decode() == VECTOR_SIGNATURE


def test_a_signed_webhook_is_accepted_and_parsed(verifier: WebhookVerifier) -> None:
    event = verifier.verify(headers(), BODY)
    assert event == WebhookEvent(
        "msg_A",
        "rfp.published",
        event.timestamp,
        {"id": "rfp-k3v7q2m9x4hb6n5t", "category": "books"},
    )
    assert (
        event.timestamp is not None and event.timestamp.isoformat() == "2025-06-15T15:06:40+00:00"
    )


def test_header_names_are_case_insensitive_and_one_of_several_signatures_suffices(
    verifier: WebhookVerifier,
) -> None:
    sent = {name.title(): value for name, value in headers().items()}
    sent["Webhook-Signature"] = "v1,bm9wZQ== v2,whatever " + sent["Webhook-Signature"]
    assert verifier.verify(sent, BODY).type == "rfp.published"


def test_a_tampered_body_is_refused(verifier: WebhookVerifier) -> None:
    tampered = BODY.replace(b"books", b"bikes")
    error = refusal(verifier, headers(), tampered)
    assert (error.code, error.detail) == ("invalid_signature", "no webhook-signature matches")


@pytest.mark.parametrize("field", ["webhook-id", "webhook-timestamp"])
def test_changing_a_signed_header_breaks_the_signature(
    verifier: WebhookVerifier, field: str
) -> None:
    sent = headers()
    sent[field] = "msg_B" if field == "webhook-id" else str(NOW - 1)
    assert refusal(verifier, sent).code == "invalid_signature"


def test_another_secret_or_a_garbled_signature_is_refused(verifier: WebhookVerifier) -> None:
    other = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    assert refusal(verifier, headers(secret=other)).code == "invalid_signature"
    sent = headers()
    sent["webhook-signature"] = "v1,%%%not-base64%%%"
    assert refusal(verifier, sent).code == "invalid_signature"
    sent["webhook-signature"] = sent["webhook-signature"].replace("v1,", "v0,")
    assert refusal(verifier, sent).code == "invalid_signature"


@pytest.mark.parametrize("offset", [-301, 301])
def test_a_timestamp_more_than_five_minutes_away_is_refused(
    verifier: WebhookVerifier, offset: int
) -> None:
    error = refusal(verifier, headers(at=NOW + offset))
    assert error.code == "timestamp_out_of_tolerance"
    assert error.detail == "webhook-timestamp is more than 300 s from now"


@pytest.mark.parametrize("offset", [-300, 300])
def test_the_tolerance_is_inclusive(verifier: WebhookVerifier, offset: int) -> None:
    assert verifier.verify(headers(at=NOW + offset), BODY).id == "msg_A"


def test_a_timestamp_that_is_not_unix_seconds_is_refused(verifier: WebhookVerifier) -> None:
    sent = headers()
    sent["webhook-timestamp"] = "2025-06-15T15:06:40Z"
    error = refusal(verifier, sent)
    assert (error.code, error.detail) == (
        "invalid_timestamp",
        "webhook-timestamp is not unix seconds",
    )


def test_a_replayed_webhook_id_is_refused_even_freshly_signed(
    verifier: WebhookVerifier, clock: Clock
) -> None:
    verifier.verify(headers(), BODY)
    error = refusal(verifier, headers())
    assert (error.code, error.detail) == ("replayed", "webhook msg_A was received before")
    clock.now += 60
    assert refusal(verifier, headers(at=NOW + 60)).code == "replayed"
    assert verifier.verify(headers(message_id="msg_B", at=NOW + 60), BODY).id == "msg_B"


def test_a_refused_webhook_does_not_burn_its_id(verifier: WebhookVerifier) -> None:
    assert refusal(verifier, headers(), b"{}").code == "invalid_signature"
    assert verifier.verify(headers(), BODY).id == "msg_A"


def test_the_memory_of_ids_is_bounded(clock: Clock) -> None:
    small = WebhookVerifier(SECRET, remember=3, clock=clock)
    for n in range(5):
        small.verify(headers(message_id=f"msg_{n}"), BODY)
    assert len(small._seen) == 3
    assert refusal(small, headers(message_id="msg_4")).code == "replayed"
    clock.now += 601  # ids old enough to fail the timestamp check anyway are forgotten
    small.verify(headers(message_id="msg_new", at=NOW + 601), BODY)
    assert list(small._seen) == ["msg_new"]


@pytest.mark.parametrize(
    ("missing", "detail"),
    [
        (("webhook-id",), "missing webhook-id"),
        (("webhook-signature",), "missing webhook-signature"),
        (("webhook-id", "webhook-timestamp"), "missing webhook-id, webhook-timestamp"),
    ],
)
def test_missing_headers_are_named(
    verifier: WebhookVerifier, missing: tuple[str, ...], detail: str
) -> None:
    sent = {k: v for k, v in headers().items() if k not in missing}
    error = refusal(verifier, sent)
    assert (error.code, error.detail) == ("missing_headers", detail)
    assert str(error) == f"missing_headers: {detail}"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"not json", "the body is not JSON"),
        (b'["a list"]', "the body is not an event (type, data)"),
        (b'{"type": "rfp.published"}', "the body is not an event (type, data)"),
        (
            b'{"type": "x", "data": {}, "timestamp": "yesterday"}',
            "the event's timestamp is not RFC 3339",
        ),
    ],
)
def test_a_signed_body_that_is_not_an_event_is_refused(
    verifier: WebhookVerifier, body: bytes, detail: str
) -> None:
    error = refusal(verifier, headers(body), body)
    assert (error.code, error.detail) == ("invalid_body", detail)


def test_a_rotated_secret_replaces_the_old_one_at_once(verifier: WebhookVerifier) -> None:
    rotated = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    verifier.use_secret(rotated)
    assert refusal(verifier, headers()).code == "invalid_signature"
    assert verifier.verify(headers(secret=rotated), BODY).id == "msg_A"


@pytest.mark.parametrize("secret", ["whsec_", "whsec_%%%", ""])
def test_an_unusable_secret_is_refused_up_front(secret: str) -> None:
    with pytest.raises(ValueError):
        secret_key(secret)
    with pytest.raises(ValueError):
        WebhookVerifier(secret)


def test_what_the_store_signs_is_accepted(clock: Clock) -> None:
    """The store's own signer and this verifier agree (the store sends the same headers)."""
    message_id = new_message_id()
    sent = signed_headers(SECRET, message_id, NOW, BODY)
    assert sent["User-Agent"] == "pds-webhooks/1"
    assert WebhookVerifier(SECRET, clock=clock).verify(sent, BODY).id == message_id
