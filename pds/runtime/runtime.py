"""``build_runtime(settings)``: the store, the services, the limits and the background
workers of one running pds, built once.

The app (``pds.app.create_app``) and every command of the command line build one; no
other code opens the store (an import-linter contract keeps ``pds.store`` out of the
app, the command line and the HTTP layers). ``Runtime.start`` starts the workers that
run all the time, ``stop`` ends every worker, ``close`` stops them and closes the store.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TypeVar

from pds.config import Settings
from pds.errors import ConfigError
from pds.runtime.workers import Workers
from pds.services import Services
from pds.services.collections import SPECS
from pds.services.identity.login_throttle import LoginThrottle
from pds.services.intents.webhooks import RetryPolicy
from pds.services.outbound import OutboundPolicy
from pds.services.ratelimit import RateLimiter
from pds.store import ScryptParams, Store

log = logging.getLogger("pds")
HOUR = 3600.0
Part = TypeVar("Part")


@dataclass
class Limits:
    """The process's rate limits: vendor API calls per client a minute (``api``), client
    registrations per address an hour (``registrations``), the portal's ``login``
    throttle. In memory, one of each per process, like the sessions."""

    api: RateLimiter
    registrations: RateLimiter
    login: LoginThrottle

    @classmethod
    def for_settings(cls, settings: Settings) -> Limits:
        return cls(
            api=RateLimiter(settings.api_rate_per_minute),
            registrations=RateLimiter(settings.registrations_per_hour, period=HOUR),
            login=LoginThrottle(),
        )


class Runtime:
    """One running pds over an open ``store``: ``settings``, ``services``, ``limits`` and
    ``workers``, each built once."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.services = Services(
            store,
            issuer=settings.issuer_url,
            retry=RetryPolicy(settings.webhook_retry_seconds, settings.webhook_attempts),
            outbound=OutboundPolicy(allow_loopback=settings.outbound_allow_loopback),
            rfp_vendors_need_approval=settings.rfp_vendors_need_approval,
            webhook_log_days=settings.webhook_log_days,
        )
        self.limits = Limits.for_settings(settings)
        self.workers = Workers(self.services, settings)
        self._parts: dict[type, object] = {}

    def start(self) -> None:
        """Start the background work that runs all the time (see ``Workers``)."""
        self.workers.start()

    def stop(self) -> None:
        """End every background worker and wait for it; the store stays open."""
        self.workers.stop()

    def close(self) -> None:
        """Stop the background work, then close the store."""
        try:
            self.stop()
        finally:
            self.store.close()

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def attach(self, part: object) -> None:
        """Keep ``part``, built over this runtime by a layer above it (``pds.auth`` keeps
        its authorization server here), one of each type."""
        if type(part) in self._parts:
            raise ValueError(f"a {type(part).__name__} is attached already")
        self._parts[type(part)] = part

    def attached(self, kind: type[Part]) -> Part:
        """The ``kind`` attached to this runtime."""
        part = self._parts.get(kind)
        if not isinstance(part, kind):
            raise LookupError(f"no {kind.__name__} is attached to this runtime")
        return part


def open_store(settings: Settings, passphrase: str | None = None) -> Store:
    """Unlock the store that ``settings`` point at, with ``passphrase`` or the one the
    settings name (``PDS_PASSPHRASE``, ``PDS_PASSPHRASE_FILE``)."""
    passphrase = passphrase if passphrase is not None else settings.resolve_passphrase()
    if passphrase is None:
        raise ConfigError("no passphrase: set PDS_PASSPHRASE or PDS_PASSPHRASE_FILE")
    store = Store.open(
        settings.home,
        passphrase,
        specs=SPECS,
        cache_records=settings.cache_records,
        lock_timeout=settings.lock_timeout,
    )
    log.info("store %s unlocked: %d collections", store.vault.store_id, len(store.collections))
    return store


def create_store(settings: Settings, passphrase: str, *, scrypt_n: int) -> Store:
    """Make a new, empty store where ``settings`` point, and open it."""
    return Store.create(
        settings.home,
        passphrase,
        specs=SPECS,
        kdf=ScryptParams.fresh(n=scrypt_n),
        cache_records=settings.cache_records,
        lock_timeout=settings.lock_timeout,
    )


def build_runtime(
    settings: Settings, *, store: Store | None = None, passphrase: str | None = None
) -> Runtime:
    """The runtime over ``store``, or over the store ``settings`` point at, unlocked with
    ``passphrase`` (default: the settings'). Its background work is not started yet."""
    return Runtime(settings, store if store is not None else open_store(settings, passphrase))
