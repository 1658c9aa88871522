"""How HTTP views reach the authorization server built by ``init_auth``."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from pds.auth.protector import Protector
from pds.auth.server import Server
from pds.services import Services
from pds.services.ratelimit import RateLimiter


@dataclass(frozen=True)
class Auth:
    server: Server
    protector: Protector
    registrations: RateLimiter  # per client address

    @property
    def services(self) -> Services:
        return self.server.services


def auth() -> Auth:
    return current_app.extensions["pds.auth"]  # type: ignore[no-any-return]
