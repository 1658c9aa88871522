"""Clients as the other contexts ask about them: active, blocked, held back."""

from __future__ import annotations

import pytest

from pds.errors import NotFound, PermissionDenied
from pds.services import Services
from pds.store import Store
from tests.services.conftest import LOOPBACK_ALLOWED, FakeClock

RFP_VENDOR = {"client_name": "Velo Shop", "grant_types": ["client_credentials"]}
WEB_VENDOR = {"client_name": "Rad Haus", "redirect_uris": ["https://rad.example.com/cb"]}


def test_require_active_refuses_unknown_and_blocked_clients(services: Services) -> None:
    client, _ = services.clients.register(WEB_VENDOR)
    assert services.clients.require_active(client["id"]) == client
    for unknown in ("", "no-such-client", "x" * 200):
        with pytest.raises(PermissionDenied) as caught:
            services.clients.require_active(unknown)
        assert caught.value.details == {"client_id": ["Not registered."]}
    services.clients.block(client["id"])
    with pytest.raises(PermissionDenied) as caught:
        services.clients.require_active(client["id"])
    assert caught.value.message == f"client {client['id']} is blocked"
    assert caught.value.details == {"client_id": ["Blocked by the owner."]}


def test_blocked_clients(services: Services) -> None:
    kept, _ = services.clients.register(WEB_VENDOR)
    blocked, _ = services.clients.register(RFP_VENDOR)
    assert services.clients.blocked_ids() == set()
    services.clients.block(blocked["id"])
    assert services.clients.blocked_ids() == {blocked["id"]}
    assert services.clients.is_blocked(blocked["id"])
    assert not services.clients.is_blocked(kept["id"])
    assert not services.clients.is_blocked("no-such-client")


@pytest.mark.parametrize("need_approval", [False, True])
def test_held_back_clients_only_while_the_owner_asks_for_approval(
    store: Store, clock: FakeClock, need_approval: bool
) -> None:
    services = Services(
        store, clock=clock, outbound=LOOPBACK_ALLOWED, rfp_vendors_need_approval=need_approval
    )
    new, _ = services.clients.register(RFP_VENDOR)
    web, _ = services.clients.register(WEB_VENDOR)
    assert services.clients.held_back_ids() == ({new["id"]} if need_approval else set())
    services.clients.approve(new["id"])
    assert services.clients.held_back_ids() == set()
    assert web["id"] not in services.clients.held_back_ids()


def test_client_get_names_the_client_id(services: Services) -> None:
    with pytest.raises(NotFound) as caught:
        services.clients.get("no-such-client")
    assert caught.value.message == "no client no-such-client"
    assert caught.value.details == {"client_id": "no-such-client"}
