"""The authorization server tests use the shared ``vendor``, ``other_vendor`` and
``services`` fixtures of ``tests/conftest.py`` (the portal's tests need them too)."""

from __future__ import annotations

import pytest
from flask import Flask

from pds.web.sessions import ServerSessions
from tests.web.test_sessions import WallClock


@pytest.fixture
def wall(app: Flask) -> WallClock:
    """Sessions under a clock the test moves: the owner's ``auth_time`` comes from it."""
    clock = WallClock()
    app.session_interface = ServerSessions.for_settings(app.config["PDS_SETTINGS"], clock=clock)
    return clock
