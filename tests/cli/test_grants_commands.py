"""pds grants list | revoke, against a real store on disk (the server is not running)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pds.services import SPECS, Services
from pds.store import Store
from tests.cli.conftest import Invoke
from tests.conftest import PASSPHRASE


@pytest.fixture
def granted(initialised: Path) -> dict[str, Any]:
    """A registered vendor holding one grant and a live token pair."""
    store = Store.open(initialised, PASSPHRASE, specs=SPECS)
    try:
        services = Services(store)
        client, _ = services.clients.register(
            {"client_name": "Example Shop", "redirect_uris": ["https://shop.example/cb"]}
        )
        grant = services.grants.create(
            client_id=client["id"],
            scopes=["openid", "purchases:read"],
            terms_version=1,
            vendor_id=None,
        )
        tokens = services.tokens.issue(grant, grant["scopes"], refresh=True)
    finally:
        store.close()
    return {"grant": grant, "tokens": tokens}


def live_tokens(home: Path, grant_id: str) -> int:
    store = Store.open(home, PASSPHRASE, specs=SPECS)
    try:
        return Services(store).tokens.live_count(grant_id)
    finally:
        store.close()


def test_list_shows_active_grants(pds: Invoke, granted: dict[str, Any]) -> None:
    result = pds("grants", "list")
    assert result.exit_code == 0, result.output
    assert granted["grant"]["id"] in result.output
    assert "Example Shop  [openid purchases:read]  ends when rev" in result.output


def test_revoke_kills_every_token(pds: Invoke, granted: dict[str, Any], home: Path) -> None:
    grant_id = granted["grant"]["id"]
    assert live_tokens(home, grant_id) == 2
    result = pds("grants", "revoke", grant_id)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"revoked grant {grant_id}")
    assert live_tokens(home, grant_id) == 0
    assert "no active grants" in pds("grants", "list").output
    assert "revoked" in pds("grants", "list", "--all").output


def test_revoke_unknown_grant(pds: Invoke, initialised: Path) -> None:
    result = pds("grants", "revoke", "not-a-grant")
    assert result.exit_code == 4
    assert result.output.strip() == "error: no grant not-a-grant"


def test_list_names_a_standing_grant_by_what_it_allows(pds: Invoke, initialised: Path) -> None:
    store = Store.open(initialised, PASSPHRASE, specs=SPECS)
    try:
        services = Services(store)
        client, _ = services.clients.register(
            {"client_name": "Velo Shop", "grant_types": ["client_credentials"]}
        )
        grant = services.grants.standing_for_client(client["id"])
    finally:
        store.close()
    result = pds("grants", "list")
    assert result.exit_code == 0, result.output
    assert f"{grant['id']}  Velo Shop  [may answer your RFPs]  ends when rev" in result.output
