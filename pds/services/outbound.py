"""Outbound requests never reach the owner's network.

Every URL the store contacts on its own (today the vendors' webhook URLs) is checked
twice: when it is given (``OutboundPolicy.check_url``, so a subscription is refused with
a field error), and at every connection (``OutboundClient.post``). The client resolves
the host once, refuses when any of its addresses is in the owner's network, and then
connects to the checked address itself, keeping the URL's host in the ``Host`` header
and as the TLS server name it verifies: a name that changes its answer between the
check and the connection (DNS rebinding) gains nothing. Redirects are never followed,
and nothing is taken from the environment (proxies, netrc).

Refused: loopback, private (RFC 1918, fc00::/7), shared (100.64.0.0/10), link-local
(169.254.0.0/16 and fe80::/10, where the cloud metadata services live), multicast,
unspecified, reserved and every other non-global address; IPv4 addresses inside IPv6
ones (``::ffff:127.0.0.1``, 6to4, NAT64) count as the address they carry. Only http and
https URLs without a user name are contacted. ``allow_loopback`` (the setting
``PDS_OUTBOUND_ALLOW_LOOPBACK``, for vendors developing on the owner's machine) lets
loopback addresses through and nothing else.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network
from urllib.parse import urlsplit

import urllib3
from certifi import where as default_ca_bundle
from urllib3.exceptions import HTTPError, NewConnectionError, SSLError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from pds.errors import OutboundRefused, Unreachable

IPAddress = IPv4Address | IPv6Address
Resolver = Callable[[str, int], list[str]]  # (host, port) -> its addresses, in order

SCHEMES = {"http": 80, "https": 443}
LOOPBACK = "a loopback address"
WHY = "this store does not send to its own network"
METADATA = frozenset(
    ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)
PRIVATE = tuple(
    ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)
SHARED = ip_network("100.64.0.0/10")
NAT64 = ip_network("64:ff9b::/96")


def _site_local(address: IPAddress) -> bool:
    return isinstance(address, IPv6Address) and address.is_site_local  # fec0::/10, deprecated


_KINDS: tuple[tuple[Callable[[IPAddress], bool], str], ...] = (
    (lambda a: a in METADATA, "a cloud metadata address"),
    (lambda a: a.is_loopback, LOOPBACK),
    (lambda a: a.is_unspecified, "the unspecified address"),
    (lambda a: a.is_link_local, "a link-local address"),
    (lambda a: a.is_multicast, "a multicast address"),
    (lambda a: a in SHARED, "a shared address (carrier-grade NAT)"),
    (lambda a: any(a in network for network in PRIVATE), "a private address"),
    (lambda a: not a.is_global or a.is_reserved or _site_local(a), "not a public address"),
)


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (``socket.getaddrinfo``), each once, in order."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def address_kind(address: IPAddress) -> str | None:
    """What puts ``address`` in the owner's network (``"a loopback address"``...), or
    ``None`` for a public one. An IPv4 address inside an IPv6 one counts as itself."""
    inner = _carried_ipv4(address)
    if inner is not None:
        return address_kind(inner)
    return next((kind for test, kind in _KINDS if test(address)), None)


def _carried_ipv4(address: IPAddress) -> IPv4Address | None:
    if not isinstance(address, IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None


@dataclass(frozen=True)
class Destination:
    """A URL taken apart for one post: ``addresses`` are every address its host
    resolved to, all of them checked."""

    scheme: str
    host: str  # lower case, IPv6 without brackets
    port: int
    host_header: str
    target: str  # path and query
    addresses: tuple[str, ...]


@dataclass(frozen=True)
class OutboundPolicy:
    """Which destinations the store contacts; ``resolve`` is the name lookup."""

    allow_loopback: bool = False
    resolve: Resolver = field(default=system_resolver, compare=False)

    def check_url(self, url: str) -> None:
        """Raise ``OutboundRefused`` when ``url`` leads into the owner's network. A host
        that does not resolve now passes: every connection checks again."""
        with suppress(Unreachable):
            self.destination(url)

    def destination(self, url: str) -> Destination:
        """``url`` resolved and checked: ``OutboundRefused`` when it leads into the
        owner's network, ``Unreachable`` when its host does not resolve."""
        parts = urlsplit(url)
        if parts.scheme not in SCHEMES or not parts.hostname:
            raise OutboundRefused(f"{url} is not an http(s) URL: the store contacts no other.")
        if parts.username is not None or parts.password is not None:
            raise OutboundRefused("The URL carries a user name or password.")
        try:
            port = parts.port or SCHEMES[parts.scheme]
        except ValueError:
            raise OutboundRefused(f"{url} has no valid port.") from None
        addresses = self._addresses(parts.hostname, port)
        for address in addresses:
            self._check(parts.hostname, address)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return Destination(
            parts.scheme, parts.hostname, port, parts.netloc, target, tuple(map(str, addresses))
        )

    def _addresses(self, host: str, port: int) -> list[IPAddress]:
        try:
            return [ip_address(a) for a in self.resolve(host, port)]
        except (OSError, UnicodeError, ValueError):
            raise Unreachable(f"could not resolve {host}") from None

    def _check(self, host: str, address: IPAddress) -> None:
        kind = address_kind(address)
        if kind is None or (kind == LOOPBACK and self.allow_loopback):
            return
        if _literal(host) == address:
            raise OutboundRefused(f"{host} is {kind}: {WHY}.")
        raise OutboundRefused(f"{host} resolves to {address}, {kind}: {WHY}.")


def _literal(host: str) -> IPAddress | None:
    """``host`` as an address when it is one (``127.0.0.1``, ``::1``), else ``None``."""
    try:
        return ip_address(host)
    except ValueError:
        return None


class OutboundClient:
    """Posts where ``policy`` allows, connecting only to the addresses it checked.

    ``ca_certs`` is the bundle that verifies https servers (by default the one
    ``requests`` uses)."""

    def __init__(self, policy: OutboundPolicy, *, ca_certs: str | None = None) -> None:
        self.policy = policy
        self.ca_certs = ca_certs or default_ca_bundle()

    def post(self, url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> int:
        """Post ``body`` to ``url``; the response status (the body is never read, a
        redirect is not followed). ``OutboundRefused`` when ``url`` leads into the owner's
        network, ``Unreachable`` when no answer came."""
        destination = self.policy.destination(url)
        sent = {**headers, "Host": destination.host_header}
        for address in destination.addresses:
            try:
                return self._post_to(address, destination, body, sent, timeout)
            except NewConnectionError:
                continue  # nobody at this address: the next one may answer
            except Urllib3Timeout:
                raise Unreachable(f"timed out after {timeout:g} s") from None
            except SSLError:
                raise Unreachable("SSLError: could not connect") from None
            except (HTTPError, OSError):
                raise Unreachable("ConnectionError: could not connect") from None
        raise Unreachable("ConnectionError: could not connect")

    def _post_to(
        self,
        address: str,
        destination: Destination,
        body: bytes,
        headers: Mapping[str, str],
        timeout: float,
    ) -> int:
        with self._pool(address, destination, timeout) as pool:
            response = pool.urlopen(
                "POST",
                destination.target,
                body=body,
                headers=dict(headers),
                redirect=False,
                retries=False,
                preload_content=False,
            )
            response.close()
            return response.status

    def _pool(
        self, address: str, destination: Destination, timeout: float
    ) -> urllib3.HTTPConnectionPool:
        """A pool of one connection to ``address`` (never a name to look up again)."""
        limit = urllib3.Timeout(connect=timeout, read=timeout)
        if destination.scheme == "http":
            return urllib3.HTTPConnectionPool(address, destination.port, timeout=limit)
        return urllib3.HTTPSConnectionPool(
            address,
            destination.port,
            timeout=limit,
            cert_reqs="CERT_REQUIRED",
            ca_certs=self.ca_certs,
            server_hostname=destination.host,
            assert_hostname=destination.host,
        )
