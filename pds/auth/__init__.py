"""The OAuth 2.0 authorization server and OpenID Provider (on Authlib): endpoints, grants,
tokens and the resource protector for the vendor API."""

from __future__ import annotations

from flask import Flask

from pds.auth.context import Auth, auth
from pds.auth.endpoints import bp
from pds.auth.protector import Protector, VendorAccess, audited, records_in, vendor_access
from pds.auth.server import Server
from pds.services import Services
from pds.services.ratelimit import RateLimiter

HOUR = 3600.0

__all__ = [
    "Auth",
    "VendorAccess",
    "audited",
    "auth",
    "init_auth",
    "records_in",
    "vendor_access",
]


def init_auth(app: Flask, services: Services, issuer: str, *, registrations_per_hour: int) -> Auth:
    """Build the authorization server for ``app`` and register its endpoints; each client
    address may register ``registrations_per_hour`` clients an hour."""
    services.signing_keys.ensure()
    server = Server(services, issuer)
    registrations = RateLimiter(registrations_per_hour, period=HOUR)
    context = Auth(server, Protector(server), registrations)
    app.extensions["pds.auth"] = context
    app.register_blueprint(bp)
    return context
