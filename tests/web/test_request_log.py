"""Request ids and JSON log lines (``PDS_LOG_FORMAT=json``): one line per request, the
route rather than the path, never a form value, a token or a query string."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from pds.config import Settings
from pds.runtime.logs import configure_logging
from tests.conftest import OWNER_PASSWORD, log_in


@contextmanager
def logging_to(buffer: io.StringIO, log_format: str) -> Iterator[None]:
    """pds's logging as ``pds serve`` configures it, into ``buffer``; as it was after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    configure_logging(Settings(log_format=log_format), buffer)
    try:
        yield
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)


@pytest.fixture
def json_logs() -> Iterator[Any]:
    """JSON logging into a buffer; ``lines()`` returns the lines logged since the last
    call, parsed (and keeps their text in ``lines.raw``)."""
    buffer = io.StringIO()

    def lines() -> list[dict[str, Any]]:
        raw = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        lines.raw = raw  # type: ignore[attr-defined]
        return [json.loads(line) for line in raw.splitlines() if line.strip()]

    with logging_to(buffer, "json"):
        yield lines


def test_each_request_gets_an_id_in_the_response_and_its_log_line(
    client: FlaskClient, json_logs: Any
) -> None:
    json_logs()
    response = client.get("/login")
    rid = response.headers["X-Request-Id"]
    (line,) = [line for line in json_logs() if line["logger"] == "pds.request"]
    assert line["request_id"] == rid
    assert line["route"] == "/login" and line["status"] == 200 and line["method"] == "GET"
    assert line["level"] == "info" and "time" in line and line["ms"] >= 0


def test_a_well_formed_incoming_id_is_kept_and_a_bad_one_replaced(client: FlaskClient) -> None:
    kept = client.get("/healthz", headers={"X-Request-Id": "lb-1234abcd.7"})
    assert kept.headers["X-Request-Id"] == "lb-1234abcd.7"
    for bad in ("short", "x" * 65, "has space in it", "tab\tin-it-1234", "<script>alert</s>"):
        replaced = client.get("/healthz", headers={"X-Request-Id": bad})
        assert replaced.headers["X-Request-Id"] != bad
        assert len(replaced.headers["X-Request-Id"]) == 32


def test_log_lines_hold_no_secrets_query_strings_or_record_ids(
    app: Flask, client: FlaskClient, json_logs: Any
) -> None:
    json_logs()
    log_in(client)
    client.get("/reminders.ics?key=feed-key-secret-31415")
    client.get("/relationships/01J0000000000000000000ABCD?q=find-me-92653")
    client.post("/login", data={"password": "guessed-password-58979", "csrf_token": "x"})
    lines = json_logs()
    raw: str = json_logs.raw
    routes = [line["route"] for line in lines if line["logger"] == "pds.request"]
    assert "/relationships/<record_id>" in routes and "/reminders.ics" in routes
    for secret in (
        OWNER_PASSWORD,
        "guessed-password-58979",
        "feed-key-secret-31415",
        "find-me-92653",
        "01J0000000000000000000ABCD",
    ):
        assert secret not in raw


def test_text_lines_carry_the_request_id_too(client: FlaskClient) -> None:
    buffer = io.StringIO()
    with logging_to(buffer, "text"):
        rid = client.get("/healthz").headers["X-Request-Id"]
        logging.getLogger("pds").info("outside any request")
    request_line, outside = buffer.getvalue().splitlines()
    assert f"pds.request [{rid}] GET /healthz 200" in request_line
    assert "pds [-] outside any request" in outside
