"""Refresh, rotation, revocation and the token stores, against the real app."""

from __future__ import annotations

import stat
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
import requests
from flask.testing import FlaskClient

from pds.services import Services
from tests.vendors.conftest import ISSUER, connect
from vendors.sdk import JSONFileTokenStore, MemoryTokenStore, NotAuthorized, PDSClient, TokenSet


def revoke_access_token_only(http: requests.Session, sdk: PDSClient) -> None:
    """RFC 7009 on the access token alone: the grant (and refresh token) live on."""
    tokens = sdk.tokens
    assert tokens is not None
    response = http.post(
        f"{ISSUER}/oauth/revoke",
        data={"token": tokens.access_token, "token_type_hint": "access_token"},
        auth=(str(sdk.client_id), str(sdk.client_secret)),
    )
    assert response.status_code == 200


def grant_status(services: Services, sdk: PDSClient) -> str:
    (grant,) = services.grants.list(client_id=sdk.client_id)
    return str(grant["status"])


def test_an_expired_access_token_is_refreshed_before_the_call(
    connected: PDSClient, services: Services
) -> None:
    before = connected.tokens
    assert before is not None
    connected.token_store.save(replace(before, expires_at=int(time.time()) - 5))
    me = connected.me()
    after = connected.tokens
    assert after is not None
    assert after.access_token != before.access_token
    assert after.refresh_token not in (None, before.refresh_token)  # rotated, and kept
    assert after.subject == before.subject == me.sub
    assert after.scope == before.scope and not after.expired()
    assert grant_status(services, connected) == "active"


def test_a_refused_access_token_is_refreshed_once_and_the_call_retried(
    connected: PDSClient, http: requests.Session, services: Services
) -> None:
    before = connected.tokens
    assert before is not None
    revoke_access_token_only(http, connected)
    assert connected.me().sub == before.subject  # 401 invalid_token, refresh, retry: 200
    after = connected.tokens
    assert after is not None and after.refresh_token != before.refresh_token
    assert grant_status(services, connected) == "active"


def test_rotated_refresh_tokens_are_written_to_the_token_file(
    http: requests.Session, owner: FlaskClient, tmp_path: Path
) -> None:
    path = tmp_path / "vendor" / "tokens.json"
    sdk = PDSClient(ISSUER, token_store=JSONFileTokenStore(path), session=http)
    sdk.register("File Shop", ["https://shop.example/callback"])
    first = connect(sdk, owner)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    revoke_access_token_only(http, sdk)
    sdk.me()
    on_disk = JSONFileTokenStore(path).load()  # a fresh reader: what is really on disk
    assert on_disk is not None
    assert on_disk.refresh_token not in (None, first.refresh_token)
    assert on_disk == sdk.tokens
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["tokens.json"]  # no temp files


def test_concurrent_refusals_refresh_once_so_the_grant_survives(
    connected: PDSClient, http: requests.Session, services: Services
) -> None:
    """A refresh token is single-use (reuse revokes the grant): refreshes must not race."""
    revoke_access_token_only(http, connected)
    with ThreadPoolExecutor(max_workers=4) as pool:
        subjects = set(pool.map(lambda _: connected.me().sub, range(8)))
    assert len(subjects) == 1
    assert grant_status(services, connected) == "active"


def test_when_the_owner_revokes_the_grant_the_next_call_says_revoked(
    connected: PDSClient, services: Services
) -> None:
    (grant,) = services.grants.list(client_id=connected.client_id)
    services.grants.revoke(grant["id"])
    with pytest.raises(NotAuthorized) as caught:
        connected.me()
    assert caught.value.revoked is True
    assert caught.value.code == "invalid_grant"
    assert connected.tokens is None  # worthless tokens are forgotten
    with pytest.raises(NotAuthorized) as again:
        connected.me()
    assert again.value.code == "not_connected" and again.value.revoked is False


def test_without_a_refresh_token_a_refused_token_is_not_retried(
    sdk: PDSClient, owner: FlaskClient, http: requests.Session
) -> None:
    tokens = connect(sdk, owner, scope="openid profile")
    assert tokens.refresh_token is None
    revoke_access_token_only(http, sdk)
    with pytest.raises(NotAuthorized) as caught:
        sdk.me()
    assert caught.value.code == "invalid_token" and caught.value.status == 401
    assert caught.value.revoked is False


def test_revoke_gives_the_grant_back_and_clears_the_store(
    connected: PDSClient, services: Services
) -> None:
    old = connected.tokens
    assert old is not None
    connected.revoke()
    assert connected.tokens is None
    assert grant_status(services, connected) == "revoked"
    connected.token_store.save(old)  # the old tokens no longer open anything
    with pytest.raises(NotAuthorized) as caught:
        connected.me()
    assert caught.value.revoked is True
    connected.revoke()  # nothing left to revoke: a no-op


def test_token_sets_round_trip_through_json() -> None:
    tokens = TokenSet.from_response(
        {
            "access_token": "a" * 43,
            "token_type": "Bearer",
            "expires_in": 600,
            "refresh_token": "r" * 43,
            "scope": "openid purchases:read",
        },
        subject="sub-1",
        now=1_000,
    )
    assert tokens.expires_at == 1_600 and tokens.scope == ("openid", "purchases:read")
    assert TokenSet.from_json(tokens.to_json()) == tokens
    assert tokens.expired(now=1_571) and not tokens.expired(now=1_569)
    assert "a" * 43 not in repr(tokens) and "r" * 43 not in repr(tokens)


def test_the_file_store_loads_nothing_until_saved_and_clears(tmp_path: Path) -> None:
    store = JSONFileTokenStore(tmp_path / "tokens.json")
    assert store.load() is None
    store.save(TokenSet(access_token="x" * 43))
    assert store.load() == TokenSet(access_token="x" * 43)
    store.clear()
    assert store.load() is None and not (tmp_path / "tokens.json").exists()
    store.clear()  # clearing twice is fine


def test_the_memory_store_keeps_one_token_set() -> None:
    store = MemoryTokenStore()
    store.save(TokenSet(access_token="x" * 43))
    assert store.load() == TokenSet(access_token="x" * 43)
    store.clear()
    assert store.load() is None
