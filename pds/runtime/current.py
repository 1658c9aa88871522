"""The one place the app keeps its runtime: ``install`` puts it in ``app.extensions``,
``runtime()`` gives it to views, API handlers and the OAuth endpoints (in a request or
app context), ``runtime_of(app)`` to whoever holds the app (the server's shutdown,
tests). No other module reads or writes ``app.extensions``."""

from __future__ import annotations

from flask import Flask, current_app

from pds.runtime.runtime import Runtime

KEY = "pds.runtime"


def install(app: Flask, runtime: Runtime) -> None:
    """Make ``runtime`` the app's (once)."""
    if KEY in app.extensions:
        raise ValueError("the app has its runtime already")
    app.extensions[KEY] = runtime


def runtime_of(app: Flask) -> Runtime:
    """The runtime ``app`` was built over."""
    found = app.extensions[KEY]
    assert isinstance(found, Runtime)
    return found


def runtime() -> Runtime:
    """The current app's runtime."""
    return runtime_of(current_app)
