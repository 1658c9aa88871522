"""The Flask application factory: ``create_app(config)``.

It unlocks the store once, builds the services once and keeps them in
``app.extensions["pds"]``; views reach them through ``pds.web.context``. When
``webhooks_enabled`` (the default), it starts the courier thread (webhooks and the RFP
expiry sweep), kept in ``app.extensions["pds.courier"]``; ``stop_background(app)``
ends it (``pds serve`` and the tests call it before closing the store).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask

from pds.api import register_api
from pds.auth import init_auth
from pds.config import Settings, settings_from_env
from pds.errors import ConfigError
from pds.services import Services
from pds.services.collections import SPECS
from pds.services.intents.courier import Courier
from pds.services.intents.webhooks import RetryPolicy
from pds.services.outbound import OutboundPolicy
from pds.store import Store
from pds.web import register_web
from pds.web.flask_app import PdsFlask

log = logging.getLogger("pds")
COURIER = "pds.courier"


def open_store(settings: Settings, passphrase: str | None = None) -> Store:
    """Unlock the store that ``settings`` point at."""
    passphrase = passphrase if passphrase is not None else settings.resolve_passphrase()
    if passphrase is None:
        raise ConfigError("no passphrase: set PDS_PASSPHRASE or PDS_PASSPHRASE_FILE")
    return Store.open(
        settings.home,
        passphrase,
        specs=SPECS,
        cache_records=settings.cache_records,
        lock_timeout=settings.lock_timeout,
    )


def create_app(
    config: Settings | Mapping[str, Any] | None = None, *, store: Store | None = None
) -> Flask:
    """Build the app. ``config`` is a ``Settings`` or overrides on top of the environment."""
    if isinstance(config, Settings):
        settings = config
    else:
        settings = settings_from_env().with_overrides(config or {})
    store = store or open_store(settings)
    app = PdsFlask("pds", template_folder="web/templates", static_folder="web/static")
    app.config["PDS_SETTINGS"] = settings
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    retry = RetryPolicy(settings.webhook_retry_seconds, settings.webhook_attempts)
    outbound = OutboundPolicy(allow_loopback=settings.outbound_allow_loopback)
    services = app.extensions["pds"] = Services(
        store,
        issuer=settings.issuer_url,
        retry=retry,
        outbound=outbound,
        rfp_vendors_need_approval=settings.rfp_vendors_need_approval,
    )
    init_auth(
        app, services, settings.issuer_url, registrations_per_hour=settings.registrations_per_hour
    )
    register_web(app)
    register_api(app, settings)
    log.info("store %s unlocked: %d collections", store.vault.store_id, len(store.collections))
    if settings.webhooks_enabled:
        courier = app.extensions[COURIER] = Courier(services)
        courier.start()
    return app


def stop_background(app: Flask) -> None:
    """Stop the app's courier thread, if it runs (before the store is closed)."""
    courier: Courier | None = app.extensions.pop(COURIER, None)
    if courier is not None:
        courier.stop()
