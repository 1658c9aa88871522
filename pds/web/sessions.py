"""Server-side sessions: the data stays in this process, the cookie holds only an id.

The cookie carries a random 256-bit id; the server keys each session by the SHA-256
of it, so even a dump of the session table gives no usable cookie. Cookies are
HttpOnly, SameSite=Lax, path /, and Secure (with the ``__Host-`` name prefix)
whenever the issuer URL is https. A session ends after ``idle_seconds`` without a
request or ``max_seconds`` after it began, whichever comes first; logging in gives
a new id (no fixation) and logging out destroys the session on the server, so a
copied cookie is worthless afterwards. Expired sessions are swept now and then,
and the table is bounded (anonymous sessions are evicted first). A login remembers
the page it was made to reach, once, so a page that demands a fresh login (OpenID
Connect ``prompt=login``, ``max_age``) can accept it without asking again.
"""

from __future__ import annotations

import copy
import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, Request, Response, current_app, session
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from pds.config import Settings

OWNER = "owner"
AUTH_TIME = "owner_auth_time"
FRESH_LOGIN_FOR = "fresh_login_for"  # the page the latest login was made to reach
WallClock = Callable[[], float]


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class ServerSession(CallbackDict[str, Any], SessionMixin):
    """The session of one request: a copy of the server's data plus what to do on save."""

    modified = False

    def __init__(
        self,
        initial: Mapping[str, Any] | None = None,
        *,
        key: str | None = None,
        stale: bool = False,
    ) -> None:
        def on_update(self: ServerSession) -> None:
            self.modified = True

        super().__init__(initial, on_update)
        self.key = key  # hash of the cookie's id; None until the session is stored
        self.stale = stale  # the request sent a cookie the server no longer knows
        self.renew = False  # give it a new id when saved (after login)
        self.new = key is None


@dataclass
class _Entry:
    data: dict[str, Any]
    created: float
    seen: float


class ServerSessions(SessionInterface):
    """A Flask ``SessionInterface`` keeping sessions in memory (thread-safe)."""

    def __init__(
        self,
        *,
        idle_seconds: float,
        max_seconds: float,
        secure: bool,
        clock: WallClock = time.time,
        max_sessions: int = 10_000,
        sweep_every: float = 60.0,
    ) -> None:
        self.idle_seconds = idle_seconds
        self.max_seconds = max_seconds
        self.secure = secure
        self.clock = clock
        self._max_sessions = max_sessions
        self._sweep_every = sweep_every
        self._last_sweep = clock()
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, _Entry] = OrderedDict()  # least recently seen first

    @classmethod
    def for_settings(cls, settings: Settings, *, clock: WallClock = time.time) -> ServerSessions:
        """Timeouts from ``settings``; Secure cookies when the issuer URL is https."""
        return cls(
            idle_seconds=settings.session_idle_minutes * 60,
            max_seconds=settings.session_max_hours * 3600,
            secure=settings.issuer_url.startswith("https://"),
            clock=clock,
        )

    # -- Flask's interface -------------------------------------------------------------

    def get_cookie_name(self, app: Flask) -> str:
        return "__Host-pds_session" if self.secure else "pds_session"

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        session_id = request.cookies.get(self.get_cookie_name(app))
        if not session_id:
            return ServerSession()
        key = _key(session_id)
        with self._lock:
            now = self.clock()
            self._sweep_if_due(now)
            entry = self._entries.get(key)
            if entry is None or self._expired(entry, now):
                self._entries.pop(key, None)
                return ServerSession(stale=True)
            entry.seen = now
            self._entries.move_to_end(key)
            return ServerSession(copy.deepcopy(entry.data), key=key)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, ServerSession)
        if session.accessed or session.key or session.stale:
            response.vary.add("Cookie")
        with self._lock:
            if session.renew and session.key is not None:
                self._entries.pop(session.key, None)
                session.key, session.stale = None, True
            if session.key is not None:
                self._write_back(session)
                if not session:
                    self._delete_cookie(app, response)
                return
            if session:
                self._store_new(app, session, response)
            elif session.stale:
                self._delete_cookie(app, response)

    # -- the table ---------------------------------------------------------------------

    def end(self, session: ServerSession) -> None:
        """Destroy ``session`` on the server now (its cookie is cleared when saved)."""
        with self._lock:
            if session.key is not None:
                self._entries.pop(session.key, None)
        session.clear()
        session.key, session.stale, session.renew = None, True, False

    def end_others_of_owner(self, session: ServerSession) -> int:
        """End every logged-in session but ``session``; how many ended."""
        with self._lock:
            others = [
                key
                for key, entry in self._entries.items()
                if entry.data.get(OWNER) and key != session.key
            ]
            for key in others:
                del self._entries[key]
            return len(others)

    def sweep(self) -> int:
        """Drop every expired session; how many were dropped."""
        with self._lock:
            return self._sweep(self.clock())

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def _expired(self, entry: _Entry, now: float) -> bool:
        return now - entry.seen > self.idle_seconds or now - entry.created > self.max_seconds

    def _write_back(self, session: ServerSession) -> None:
        entry = self._entries.get(session.key or "")
        if entry is None or not session.modified:
            return  # ended meanwhile (logout in another request): never resurrect it
        if session:
            entry.data = copy.deepcopy(dict(session))
        else:
            del self._entries[session.key or ""]

    def _store_new(self, app: Flask, session: ServerSession, response: Response) -> None:
        now = self.clock()
        self._sweep_if_due(now)
        session_id = secrets.token_urlsafe(32)  # 256 bits
        session.key = _key(session_id)
        self._entries[session.key] = _Entry(copy.deepcopy(dict(session)), now, now)
        self._bound(now)
        response.set_cookie(
            self.get_cookie_name(app),
            session_id,
            path="/",
            secure=self.secure,
            httponly=True,
            samesite="Lax",
        )

    def _delete_cookie(self, app: Flask, response: Response) -> None:
        response.delete_cookie(
            self.get_cookie_name(app), path="/", secure=self.secure, httponly=True, samesite="Lax"
        )

    def _sweep_if_due(self, now: float) -> None:
        if now - self._last_sweep >= self._sweep_every:
            self._sweep(now)

    def _sweep(self, now: float) -> int:
        self._last_sweep = now
        dead = [key for key, entry in self._entries.items() if self._expired(entry, now)]
        for key in dead:
            del self._entries[key]
        return len(dead)

    def _bound(self, now: float) -> None:
        if len(self._entries) <= self._max_sessions:
            return
        self._sweep(now)
        anonymous = [key for key, entry in self._entries.items() if not entry.data.get(OWNER)]
        for key in anonymous[: max(0, len(self._entries) - self._max_sessions)]:
            del self._entries[key]
        while len(self._entries) > self._max_sessions:
            self._entries.popitem(last=False)


# -- what views use -------------------------------------------------------------------


def _interface() -> ServerSessions:
    interface = current_app.session_interface
    assert isinstance(interface, ServerSessions)
    return interface


def _session() -> ServerSession:
    current = session._get_current_object()  # type: ignore[attr-defined]
    assert isinstance(current, ServerSession)
    return current


def start_owner_session(fresh_for: str | None = None) -> None:
    """The owner has just logged in fully: a fresh session under a new id. ``fresh_for``
    is the page the login was made to reach (see ``take_fresh_login``)."""
    current = _session()
    current.clear()
    current.renew = True
    current[OWNER] = True
    current[AUTH_TIME] = int(_interface().clock())
    if fresh_for:
        current[FRESH_LOGIN_FOR] = fresh_for


def end_session() -> None:
    """Log out: the session is destroyed on the server and its cookie cleared."""
    _interface().end(_session())


def end_other_owner_sessions() -> int:
    """Log out every other browser (after a password change); how many were logged out."""
    return _interface().end_others_of_owner(_session())


def owner_logged_in() -> bool:
    return bool(session.get(OWNER))


def owner_auth_time() -> int | None:
    """Epoch seconds of the owner's last full login in this session, or ``None``."""
    value = session.get(AUTH_TIME) if owner_logged_in() else None
    return value if isinstance(value, int) else None


def owner_auth_age() -> float | None:
    """Seconds since the owner's last full login in this session, or ``None``."""
    auth_time = owner_auth_time()
    return None if auth_time is None else _interface().clock() - auth_time


def take_fresh_login(target: str) -> bool:
    """Whether the owner's latest login was made to reach ``target``; true once only, so
    a page that demands a fresh login accepts that login and no later visit."""
    if not owner_logged_in() or session.get(FRESH_LOGIN_FOR) != target:
        return False
    del session[FRESH_LOGIN_FOR]
    return True
