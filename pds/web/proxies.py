"""``X-Forwarded-*`` believed only from the reverse proxies named in PDS_TRUSTED_PROXIES.

Werkzeug's ``ProxyFix`` rewrites the client address, scheme and host from the
``X-Forwarded-For``, ``-Proto`` and ``-Host`` headers (one proxy hop). Applied to
every request, anyone could claim any address and slip past the login throttle; so it
is applied only to requests whose peer address is a trusted proxy. Requests from
anywhere else keep their real peer address and their headers are ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import TYPE_CHECKING

from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TrustedProxies:
    """WSGI middleware: ``ProxyFix`` for requests from ``networks``, nothing for others."""

    def __init__(self, app: WSGIApplication, networks: Iterable[str]) -> None:
        self._direct = app
        self._proxied = ProxyFix(app, x_for=1, x_proto=1, x_host=1)
        self.networks: tuple[Network, ...] = tuple(ipaddress.ip_network(n) for n in networks)

    def trusts(self, address: str | None) -> bool:
        try:
            peer = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        return any(peer in network for network in self.networks)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if self.trusts(environ.get("REMOTE_ADDR")):
            return self._proxied(environ, start_response)
        return self._direct(environ, start_response)
