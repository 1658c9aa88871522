"""Outbound requests never reach the owner's network: the address rule, the URL check,
and the client that connects only to the address it checked (real receivers on loopback;
host names the tests invent are answered by a scripted resolver, so a name can change
its answer between the check and the connection as DNS rebinding would)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from ipaddress import ip_address
from pathlib import Path

import pytest

from pds.errors import OutboundRefused, Unreachable
from pds.services.outbound import OutboundClient, OutboundPolicy, address_kind
from tests.services.hookkit import PUBLIC, Names, Receiver
from tests.services.tlskit import Authority

WHY = ": this store does not send to its own network."
HOOK = "hooks.shop.test"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    yield made
    made.close()


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "a loopback address"),
        ("127.9.9.9", "a loopback address"),
        ("::1", "a loopback address"),
        ("10.0.0.7", "a private address"),
        ("172.16.5.4", "a private address"),
        ("192.168.1.1", "a private address"),
        ("fc00::7", "a private address"),
        ("fd12:3456::1", "a private address"),
        ("100.64.0.1", "a shared address (carrier-grade NAT)"),
        ("169.254.169.254", "a cloud metadata address"),
        ("fd00:ec2::254", "a cloud metadata address"),
        ("100.100.100.200", "a cloud metadata address"),
        ("169.254.1.1", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("224.0.0.1", "a multicast address"),
        ("ff02::1", "a multicast address"),
        ("0.0.0.0", "the unspecified address"),
        ("::", "the unspecified address"),
        ("240.0.0.1", "not a public address"),
        ("192.0.2.1", "not a public address"),
        ("2001:db8::1", "not a public address"),
        ("fec0::1", "not a public address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("::ffff:10.0.0.7", "a private address"),
        ("::ffff:169.254.169.254", "a cloud metadata address"),
        ("2002:7f00:1::", "a loopback address"),  # 6to4 carrying 127.0.0.1
        ("64:ff9b::a00:7", "a private address"),  # NAT64 carrying 10.0.0.7
        ("::7f00:1", "not a public address"),  # IPv4-compatible, deprecated
    ],
)
def test_each_address_in_the_owners_network_is_named(address: str, kind: str) -> None:
    assert address_kind(ip_address(address)) == kind


@pytest.mark.parametrize(
    "address", [PUBLIC, "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]
)
def test_public_addresses_pass(address: str) -> None:
    assert address_kind(ip_address(address)) is None


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (
            "http://localhost:8080/h",
            r"localhost resolves to (127\.0\.0\.1|::1), a loopback address",
        ),
        ("http://127.0.0.1:8080/h", r"127\.0\.0\.1 is a loopback address"),
        ("http://[::1]/h", r"::1 is a loopback address"),
        ("http://2130706433/h", r"2130706433 resolves to 127\.0\.0\.1, a loopback address"),
        ("https://[::ffff:127.0.0.1]/h", r"::ffff:127\.0\.0\.1 is a loopback address"),
        ("https://10.0.0.7/h", r"10\.0\.0\.7 is a private address"),
        ("https://[fd00::7]/h", r"fd00::7 is a private address"),
        ("https://100.64.0.1/h", r"100\.64\.0\.1 is a shared address \(carrier-grade NAT\)"),
        ("https://169.254.169.254/latest/meta-data/", r"169\.254\.169\.254 is a cloud metadata"),
        ("https://[fd00:ec2::254]/latest", r"fd00:ec2::254 is a cloud metadata address"),
        ("https://[fe80::1]/h", r"fe80::1 is a link-local address"),
        ("https://224.0.0.1/h", r"224\.0\.0\.1 is a multicast address"),
        ("https://0.0.0.0/h", r"0\.0\.0\.0 is the unspecified address"),
    ],
)
def test_a_url_into_the_owners_network_is_refused_with_the_reason(url: str, reason: str) -> None:
    with pytest.raises(OutboundRefused) as refused:
        OutboundPolicy().check_url(url)
    assert re.fullmatch(reason + ".*", refused.value.message)
    assert refused.value.message.endswith(WHY)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://shop.example/h", "ftp://shop.example/h is not an http(s) URL"),
        ("file:///etc/passwd", "file:///etc/passwd is not an http(s) URL"),
        ("https://user:pw@shop.example/h", "The URL carries a user name or password."),
        ("https://shop.example:99999/h", "https://shop.example:99999/h has no valid port."),
    ],
)
def test_only_http_urls_without_credentials_are_contacted(url: str, message: str) -> None:
    with pytest.raises(OutboundRefused) as refused:
        OutboundPolicy().check_url(url)
    assert refused.value.message.startswith(message)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/h",
        "http://localhost:9/h",
        "http://[::1]:9/h",
        "https://[::ffff:127.0.0.1]/",
    ],
)
def test_allowing_loopback_lets_loopback_through(url: str) -> None:
    OutboundPolicy(allow_loopback=True).check_url(url)


@pytest.mark.parametrize(
    "url", ["https://10.0.0.7/h", "https://169.254.169.254/", "https://[fd00:ec2::254]/"]
)
def test_allowing_loopback_lets_nothing_else_through(url: str) -> None:
    with pytest.raises(OutboundRefused):
        OutboundPolicy(allow_loopback=True).check_url(url)


def test_a_name_is_refused_when_any_of_its_addresses_is_inside() -> None:
    policy = OutboundPolicy(resolve=Names({HOOK: [[PUBLIC, "10.0.0.7"]]}))
    with pytest.raises(OutboundRefused, match=r"hooks\.shop\.test resolves to 10\.0\.0\.7, a "):
        policy.check_url(f"https://{HOOK}/h")


def test_a_host_that_does_not_resolve_passes_the_check_and_fails_the_post() -> None:
    policy = OutboundPolicy()
    policy.check_url("https://nowhere.invalid/h")
    with pytest.raises(Unreachable, match=r"could not resolve nowhere\.invalid"):
        OutboundClient(policy).post("https://nowhere.invalid/h", b"{}", {}, 1.0)


# -- the client: it connects to the address it checked -------------------------------------


def test_the_client_connects_to_the_address_it_checked(receiver: Receiver) -> None:
    names = Names({HOOK: [["127.0.0.1"]]})  # a name no DNS knows: only the check's answer
    client = OutboundClient(OutboundPolicy(allow_loopback=True, resolve=names))
    status = client.post(f"http://{HOOK}:{receiver.port}/hooks/pds?v=1", b"{}", {}, 2.0)
    assert status == 200
    [got] = receiver.received
    assert got["headers"]["Host"] == f"{HOOK}:{receiver.port}"
    assert names.lookups == [HOOK]  # looked up once, by the check


def test_a_name_that_turns_inside_after_the_check_gets_no_connection(
    receiver: Receiver,
) -> None:
    names = Names({HOOK: [[PUBLIC], ["127.0.0.1"]]})
    policy = OutboundPolicy(resolve=names)
    url = f"https://{HOOK}:{receiver.port}/hooks/pds"
    policy.check_url(url)  # public when the vendor subscribed
    with pytest.raises(OutboundRefused) as refused:
        OutboundClient(policy).post(url, b"{}", {}, 2.0)
    assert refused.value.message == f"{HOOK} resolves to 127.0.0.1, a loopback address{WHY}"
    assert receiver.connections == 0 and receiver.received == []


def test_every_checked_address_is_tried_until_one_answers(receiver: Receiver) -> None:
    names = Names({HOOK: [["127.0.0.2", "127.0.0.1"]]})  # nobody listens on 127.0.0.2
    client = OutboundClient(OutboundPolicy(allow_loopback=True, resolve=names))
    assert client.post(f"http://{HOOK}:{receiver.port}/hooks/pds", b"{}", {}, 2.0) == 200
    assert len(receiver.received) == 1


def test_https_is_verified_against_the_host_name_not_the_address(tmp_path: Path) -> None:
    authority = Authority.create(tmp_path)
    context = authority.server_context(HOOK, tmp_path)
    server_names: list[str | None] = []
    context.sni_callback = lambda _socket, name, _context: server_names.append(name)
    secure = Receiver(tls=context)
    try:
        names = Names({HOOK: [["127.0.0.1"]], "other.shop.test": [["127.0.0.1"]]})
        policy = OutboundPolicy(allow_loopback=True, resolve=names)
        trusting = OutboundClient(policy, ca_certs=str(authority.bundle))
        assert trusting.post(f"https://{HOOK}:{secure.port}/hooks/pds", b"{}", {}, 2.0) == 200
        assert server_names == [HOOK]
        assert secure.received[0]["headers"]["Host"] == f"{HOOK}:{secure.port}"
        for client, host in ((trusting, "other.shop.test"), (OutboundClient(policy), HOOK)):
            with pytest.raises(Unreachable, match="SSLError: could not connect"):
                client.post(f"https://{host}:{secure.port}/hooks/pds", b"{}", {}, 2.0)
        assert len(secure.received) == 1
    finally:
        secure.close()
