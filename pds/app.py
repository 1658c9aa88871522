"""The Flask application factory: ``create_app(config)``.

It builds the runtime (``pds.runtime.build_runtime``: the store unlocked once, the
services, the limits, the background workers), keeps it in the app through
``pds.runtime.current`` (views reach it with ``runtime()``), builds the authorization
server over it and starts its background work: the courier, when ``webhooks_enabled``
(the default). ``runtime_of(app).close()`` stops the workers and closes the store
(``pds serve`` and the tests call it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from pds.api import register_api
from pds.auth import init_auth
from pds.config import Settings, settings_from_env
from pds.runtime import Runtime, build_runtime
from pds.runtime.current import install
from pds.web import register_web
from pds.web.flask_app import PdsFlask


def create_app(
    config: Settings | Mapping[str, Any] | None = None, *, runtime: Runtime | None = None
) -> Flask:
    """Build the app. ``config`` is a ``Settings`` or overrides on top of the environment;
    or give a ``runtime`` already built (its settings are the app's)."""
    if runtime is not None:
        if config is not None:
            raise TypeError("give the settings or a runtime, not both")
        return _app_over(runtime)
    runtime = build_runtime(_settings(config))
    try:
        return _app_over(runtime)
    except BaseException:
        runtime.close()
        raise


def _app_over(runtime: Runtime) -> Flask:
    settings = runtime.settings
    app = PdsFlask("pds", template_folder="web/templates", static_folder="web/static")
    app.config["PDS_SETTINGS"] = settings
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    install(app, runtime)
    init_auth(app, runtime)
    register_web(app)
    register_api(app, settings)
    runtime.start()
    return app


def _settings(config: Settings | Mapping[str, Any] | None) -> Settings:
    if isinstance(config, Settings):
        return config
    return settings_from_env().with_overrides(config or {})
