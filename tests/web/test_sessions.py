"""Server-side sessions: cookie flags, fresh ids, logout, idle and absolute timeouts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from pds.app import create_app
from pds.runtime.current import runtime_of
from pds.web.sessions import ServerSessions, owner_auth_time
from tests.conftest import PASSPHRASE, csrf_of, log_in

COOKIE = "pds_session"


class WallClock:
    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, *, minutes: float = 0, hours: float = 0) -> None:
        self.now += minutes * 60 + hours * 3600


@pytest.fixture
def wall(app: Flask) -> WallClock:
    """Sessions under a clock the test moves (30 minutes idle, 12 hours at most)."""
    clock = WallClock()
    app.session_interface = ServerSessions.for_settings(app.config["PDS_SETTINGS"], clock=clock)
    return clock


def session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    return cookie.value


def set_cookie_header(response: TestResponse) -> str:
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{COOKIE}=")]
    assert len(headers) == 1
    return headers[0]


def test_the_cookie_holds_only_a_random_id_with_strict_flags(client: FlaskClient) -> None:
    header = set_cookie_header(client.get("/login"))
    flags = [part.strip() for part in header.split(";")]
    assert "HttpOnly" in flags and "SameSite=Lax" in flags and "Path=/" in flags
    assert "Secure" not in flags  # the issuer is plain http here
    assert not any(f.startswith(("Expires", "Max-Age", "Domain")) for f in flags)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", session_cookie(client))  # 256 bits, nothing else


@pytest.fixture
def https_app(made_store: Path) -> Iterator[Flask]:
    app = create_app(
        {"home": made_store, "passphrase": PASSPHRASE, "issuer": "https://pds.example.org"}
    )
    yield app
    runtime_of(app).close()


def test_cookies_are_secure_under_an_https_issuer(https_app: Flask) -> None:
    client = https_app.test_client()
    response = client.get("/login", base_url="https://pds.example.org")
    header = response.headers["Set-Cookie"]
    assert header.startswith("__Host-pds_session=")
    assert "; Secure" in header and "; HttpOnly" in header and "; Path=/" in header
    assert "Domain=" not in header


def test_logging_in_gives_a_new_session_id(client: FlaskClient) -> None:
    client.get("/login")
    before = session_cookie(client)
    log_in(client)
    after = session_cookie(client)
    assert after != before
    client.set_cookie(COOKIE, before)  # the pre-login id (say, planted by someone else)
    assert client.get("/").status_code == 302


def test_logout_destroys_the_session_on_the_server(owner: FlaskClient, app: Flask) -> None:
    stolen = session_cookie(owner)
    html = owner.get("/").get_data(as_text=True)
    response = owner.post("/logout", data={"csrf_token": csrf_of(html)})
    assert response.status_code == 303
    assert "pds_session=;" in response.headers["Set-Cookie"]  # cleared in the browser
    replay = app.test_client()
    replay.set_cookie(COOKIE, stolen)
    assert replay.get("/").status_code == 302


def test_logout_needs_the_csrf_token(owner: FlaskClient) -> None:
    response = owner.post("/logout", headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert owner.get("/").status_code == 200


def test_a_session_ends_after_30_idle_minutes(wall: WallClock, client: FlaskClient) -> None:
    log_in(client)
    for _ in range(3):
        wall.advance(minutes=29)
        assert client.get("/").status_code == 200  # each request restarts the idle timer
    wall.advance(minutes=31)
    assert client.get("/").status_code == 302


def test_a_session_ends_after_12_hours_however_busy(wall: WallClock, client: FlaskClient) -> None:
    log_in(client)
    for _ in range(35):
        wall.advance(minutes=20)
        assert client.get("/").status_code == 200
    wall.advance(minutes=21)  # 12 h 1 min after logging in
    assert client.get("/").status_code == 302


def test_expired_sessions_are_swept(wall: WallClock, app: Flask) -> None:
    interface = app.session_interface
    assert isinstance(interface, ServerSessions)
    for _ in range(3):
        app.test_client().get("/login")
    assert len(interface) == 3
    wall.advance(minutes=31)
    app.test_client().get("/login")  # a request after the sweep interval sweeps
    assert len(interface) == 1


def test_the_table_is_bounded_and_keeps_logged_in_sessions(app: Flask) -> None:
    app.session_interface = ServerSessions(idle_seconds=60, max_seconds=600, secure=False,
                                           max_sessions=3)  # fmt: skip
    owner = app.test_client()
    log_in(owner)
    for _ in range(5):
        app.test_client().get("/login")
    assert len(app.session_interface) == 3
    assert owner.get("/").status_code == 200


def test_session_data_stays_on_the_server(owner: FlaskClient) -> None:
    with owner.session_transaction() as data:
        assert data["owner"] is True
        data["note"] = "kept on the server"
    assert "kept" not in session_cookie(owner)
    with owner.session_transaction() as data:
        assert data["note"] == "kept on the server"


def test_owner_auth_time_is_the_time_of_the_login(app: Flask, wall: WallClock) -> None:
    @app.get("/test-auth-time")
    def auth_time() -> dict[str, int | None]:
        return {"auth_time": owner_auth_time()}

    client = app.test_client()
    assert client.get("/test-auth-time").json == {"auth_time": None}
    log_in(client)
    wall.advance(minutes=10)
    assert client.get("/test-auth-time").json == {"auth_time": 1_750_000_000}
