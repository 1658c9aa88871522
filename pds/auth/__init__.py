"""The OAuth 2.0 authorization server and OpenID Provider (on Authlib): endpoints, grants,
tokens and the resource protector for the vendor API."""

from __future__ import annotations

from flask import Flask

from pds.auth.context import Auth, auth
from pds.auth.endpoints import bp
from pds.auth.protector import Protector, VendorAccess, audited, records_in, vendor_access
from pds.auth.server import Server
from pds.runtime import Runtime

__all__ = [
    "Auth",
    "VendorAccess",
    "audited",
    "auth",
    "init_auth",
    "records_in",
    "vendor_access",
]


def init_auth(app: Flask, runtime: Runtime) -> Auth:
    """Build the authorization server over ``runtime`` (once: it is attached to the
    runtime, where ``auth()`` finds it) and register its endpoints on ``app``."""
    services = runtime.services
    services.signing_keys.ensure()
    server = Server(services, runtime.settings.issuer_url)
    context = Auth(server, Protector(server))
    runtime.attach(context)
    app.register_blueprint(bp)
    return context
