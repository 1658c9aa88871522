"""The verification sample of docs/rfps.md runs, and agrees with the store's signer."""

from __future__ import annotations

import base64
import re
import time
from pathlib import Path
from typing import Any

import pytest

from pds.services.intents.webhook_signing import new_message_id, signed_headers

RFPS_DOC = Path(__file__).resolve().parents[2] / "docs" / "rfps.md"
SECRET = "whsec_" + base64.b64encode(bytes(range(32))).decode()
BODY = b'{"type":"rfp.published","timestamp":"2025-03-01T09:00:00Z","data":{"id":"rfp-x"}}'


def sample_source() -> str:
    text = RFPS_DOC.read_text(encoding="utf-8")
    match = re.search(
        r"<!-- webhook-verify-sample -->\n```python\n(.*?)```\n<!-- /webhook-verify-sample -->",
        text,
        re.DOTALL,
    )
    assert match, "docs/rfps.md has no webhook verification sample between its markers"
    return match.group(1)


@pytest.fixture
def sample() -> dict[str, Any]:
    """The sample's names, run in a fresh namespace (so its replay memory is empty)."""
    namespace: dict[str, Any] = {"__name__": "webhook_sample"}
    exec(compile(sample_source(), str(RFPS_DOC), "exec"), namespace)  # our own docs
    return namespace


def delivery(timestamp: int | None = None, body: bytes = BODY) -> dict[str, str]:
    stamp = int(time.time()) if timestamp is None else timestamp
    return signed_headers(SECRET, new_message_id(), stamp, body)


def test_the_sample_uses_the_standard_library_only() -> None:
    imported = re.findall(r"^(?:import|from) (\w+)", sample_source(), re.MULTILINE)
    assert set(imported) <= {"base64", "hashlib", "hmac", "json", "time"}


def test_the_sample_accepts_a_delivery_of_the_store(sample: dict[str, Any]) -> None:
    event = sample["verify"](SECRET, delivery(), BODY)
    assert event == {
        "type": "rfp.published",
        "timestamp": "2025-03-01T09:00:00Z",
        "data": {"id": "rfp-x"},
    }


def test_the_sample_accepts_one_of_several_signatures(sample: dict[str, Any]) -> None:
    headers = delivery()
    headers["webhook-signature"] = "v1,bm90IGl0 " + headers["webhook-signature"]
    assert sample["verify"](SECRET, headers, BODY)["type"] == "rfp.published"


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda h, b: (h, b.replace(b"rfp-x", b"rfp-y")), "bad signature"),
        (lambda h, b: ({**h, "webhook-id": "msg_other"}, b), "bad signature"),
        (
            lambda h, b: ({**h, "webhook-signature": h["webhook-signature"][:-4] + "AAA="}, b),
            "bad signature",
        ),
        (lambda h, b: ({k: v for k, v in h.items() if k != "webhook-id"}, b), "missing"),
        (lambda h, b: ({**h, "webhook-timestamp": "yesterday"}, b), "malformed"),
    ],
)
def test_the_sample_rejects_tampering(sample: dict[str, Any], spoil: Any, message: str) -> None:
    headers, body = spoil(delivery(), BODY)
    with pytest.raises(sample["InvalidWebhook"], match=message):
        sample["verify"](SECRET, headers, body)


def test_the_sample_rejects_another_secret(sample: dict[str, Any]) -> None:
    other = "whsec_" + base64.b64encode(b"x" * 32).decode()
    with pytest.raises(sample["InvalidWebhook"], match="bad signature"):
        sample["verify"](other, delivery(), BODY)


@pytest.mark.parametrize("skew", [-301, 301])
def test_the_sample_rejects_old_and_future_timestamps(sample: dict[str, Any], skew: int) -> None:
    now = time.time()
    headers = delivery(int(now) + skew)
    with pytest.raises(sample["InvalidWebhook"], match="timestamp too old or too new"):
        sample["verify"](SECRET, headers, BODY, now=int(now))
    assert sample["verify"](SECRET, delivery(int(now) - 299), BODY, now=int(now))


def test_the_sample_rejects_a_replayed_id(sample: dict[str, Any]) -> None:
    headers = delivery()
    sample["verify"](SECRET, headers, BODY)
    with pytest.raises(sample["InvalidWebhook"], match="replayed webhook-id"):
        sample["verify"](SECRET, headers, BODY)
