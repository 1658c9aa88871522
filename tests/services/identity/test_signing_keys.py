"""The OpenID Provider's signing keys: made once, used to sign, published, rotated, pruned.

Every token here is checked the way a vendor checks it: with the public JWKS only
(serialised to JSON and back, as ``jwks_uri`` delivers it), through joserfc.
"""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from joserfc import jwt
from joserfc.errors import BadSignatureError, InvalidKeyIdError
from joserfc.jwk import KeySet, RSAKey

from pds.errors import NotFound, ValidationFailed
from pds.services import SPECS, Services
from pds.services.collections import SIGNING_KEYS
from pds.services.identity.signing_keys import (
    ALGORITHMS,
    CLOCK_SKEW_SECONDS,
    ID_TOKEN_SECONDS,
)
from pds.store import Store
from tests.services.conftest import PASSPHRASE, START, FakeClock, audit_events

PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi"}
PUBLISHED = timedelta(seconds=ID_TOKEN_SECONDS + CLOCK_SKEW_SECONDS)


def as_fetched(jwks: dict[str, Any]) -> KeySet:
    """The JWKS as a vendor gets it from ``jwks_uri``: JSON text, parsed."""
    return KeySet.import_key_set(json.loads(json.dumps(jwks)))


def verify(token: str, jwks: dict[str, Any]) -> jwt.Token:
    return jwt.decode(token, as_fetched(jwks), algorithms=["RS256"])


def key_records(store: Store) -> list[dict[str, Any]]:
    return list(store.collection(SIGNING_KEYS).scan())


def test_ensure_makes_exactly_one_key_and_is_idempotent(services: Services) -> None:
    kid = services.signing_keys.ensure()
    assert services.signing_keys.ensure() == kid
    assert services.signing_keys.active_kid() == kid
    assert len(key_records(services.store)) == 1
    [listed] = services.signing_keys.list()
    assert listed == {
        "kid": kid,
        "alg": "RS256",
        "status": "active",
        "created_at": "2025-03-01T09:00:00Z",
        "retired_at": None,
        "published_until": None,
    }


def test_kid_is_the_rfc7638_thumbprint_of_a_2048_bit_rsa_key(services: Services) -> None:
    kid = services.signing_keys.ensure()
    [public] = services.signing_keys.public_jwks()["keys"]
    key = RSAKey.import_key({k: public[k] for k in ("kty", "n", "e")})
    assert key.thumbprint() == kid  # RFC 7638: SHA-256 over {"e","kty","n"}
    assert len(base64.urlsafe_b64decode(public["n"] + "==")) * 8 == 2048


def test_no_key_before_ensure(services: Services) -> None:
    with pytest.raises(NotFound):
        services.signing_keys.active_kid()
    with pytest.raises(NotFound):
        services.signing_keys.sign({"sub": "x"})
    assert services.signing_keys.public_jwks() == {"keys": []}


def test_signed_token_verifies_with_the_public_jwks_only(services: Services) -> None:
    kid = services.signing_keys.ensure()
    token = services.signing_keys.sign({"iss": "https://pds.example", "sub": "pairwise-1"})
    decoded = verify(token, services.signing_keys.public_jwks())
    assert decoded.header == {"alg": "RS256", "kid": kid, "typ": "JWT"}
    issued = int(START.timestamp())
    assert decoded.claims == {
        "iss": "https://pds.example",
        "sub": "pairwise-1",
        "iat": issued,
        "exp": issued + ID_TOKEN_SECONDS,
    }
    assert decoded.header["alg"] in ALGORITHMS and "none" not in ALGORITHMS


def test_given_times_are_kept_and_now_sets_the_default(services: Services) -> None:
    services.signing_keys.ensure()
    jwks = services.signing_keys.public_jwks()
    kept = verify(services.signing_keys.sign({"iat": 100, "exp": 160}), jwks)
    assert (kept.claims["iat"], kept.claims["exp"]) == (100, 160)
    later = START + timedelta(minutes=5)
    stamped = verify(services.signing_keys.sign({"sub": "a"}, now=later), jwks)
    assert stamped.claims["iat"] == int(later.timestamp())
    assert stamped.claims["exp"] == int(later.timestamp()) + ID_TOKEN_SECONDS


def test_sign_refuses_what_is_not_a_claims_object(services: Services) -> None:
    services.signing_keys.ensure()
    with pytest.raises(ValidationFailed) as caught:
        services.signing_keys.sign(["sub", "x"])  # type: ignore[arg-type]
    assert caught.value.details == {"claims": ["Not an object."]}
    with pytest.raises(ValidationFailed) as caught:
        services.signing_keys.sign({"iat": "yesterday"})
    assert set(caught.value.details) == {"iat"}


def test_a_tampered_token_does_not_verify(services: Services) -> None:
    services.signing_keys.ensure()
    header, _payload, signature = services.signing_keys.sign({"sub": "a"}).split(".")
    forged = base64.urlsafe_b64encode(json.dumps({"sub": "b"}).encode()).rstrip(b"=").decode()
    with pytest.raises(BadSignatureError):
        verify(f"{header}.{forged}.{signature}", services.signing_keys.public_jwks())


def test_jwks_and_list_never_carry_private_members(services: Services) -> None:
    services.signing_keys.ensure()
    services.signing_keys.rotate()
    keys = services.signing_keys.public_jwks()["keys"]
    assert len(keys) == 2
    for key in keys:
        assert set(key) == {"kty", "n", "e", "kid", "alg", "use"}
        assert key["use"] == "sig" and key["alg"] == "RS256" and key["kty"] == "RSA"
        assert not RSAKey.import_key(key).is_private
    for row in services.signing_keys.list():
        assert set(row) == {"kid", "alg", "status", "created_at", "retired_at", "published_until"}


def test_rotate_keeps_the_old_key_published_until_its_tokens_expire(
    services: Services, clock: FakeClock
) -> None:
    keys = services.signing_keys
    old_kid = keys.ensure()
    old_token = keys.sign({"sub": "a"})
    clock.advance(hours=2)
    rotated_at = clock.now
    new_kid = keys.rotate()
    assert new_kid != old_kid and keys.active_kid() == new_kid
    new_token = keys.sign({"sub": "a"})
    assert verify(new_token, keys.public_jwks()).header["kid"] == new_kid
    assert verify(old_token, keys.public_jwks()).header["kid"] == old_kid
    old = next(row for row in keys.list() if row["kid"] == old_kid)
    assert old["status"] == "retired"
    assert old["retired_at"] == "2025-03-01T11:00:00Z"
    assert old["published_until"] == "2025-03-01T12:05:00Z"  # + 3600 s + 300 s skew

    just_before = rotated_at + PUBLISHED - timedelta(seconds=1)
    assert [k["kid"] for k in keys.public_jwks(just_before)["keys"]] == [new_kid, old_kid]
    assert [k["kid"] for k in keys.public_jwks(rotated_at + PUBLISHED)["keys"]] == [new_kid]

    clock.now = rotated_at + PUBLISHED
    assert len(key_records(services.store)) == 2  # no longer published, not yet pruned
    assert keys.ensure() == new_kid
    assert [r["id"] for r in key_records(services.store)] == [new_kid]
    with pytest.raises(InvalidKeyIdError):  # the old kid is in no JWKS any more
        verify(old_token, keys.public_jwks())


def test_rotate_prunes_keys_past_publication(services: Services, clock: FakeClock) -> None:
    keys = services.signing_keys
    first = keys.ensure()
    second = keys.rotate()
    clock.advance(seconds=PUBLISHED.total_seconds())
    third = keys.rotate()
    assert {r["id"] for r in key_records(services.store)} == {second, third}
    assert [row["kid"] for row in keys.list()] == [third, second]
    assert first not in {k["kid"] for k in keys.public_jwks()["keys"]}


def test_rotate_is_audited_with_ids_only(services: Services) -> None:
    services.signing_keys.ensure()
    new_kid = services.signing_keys.rotate(actor="owner")
    rotations = [e for e in audit_events(services.store) if e["action"] == "keys.rotate"]
    assert rotations == [{"actor": "owner", "action": "keys.rotate", "target": new_kid}]
    with pytest.raises(ValidationFailed):
        services.signing_keys.rotate(actor="somebody")
    assert len(key_records(services.store)) == 2


def test_rotate_without_a_key_makes_the_first(services: Services) -> None:
    kid = services.signing_keys.rotate()
    assert services.signing_keys.active_kid() == kid
    assert [row["status"] for row in services.signing_keys.list()] == ["active"]


def test_services_using_another_clock_share_the_keys(services: Services) -> None:
    kid = services.signing_keys.ensure()
    later = services.using(clock=FakeClock(START + timedelta(days=1)))
    token = later.signing_keys.sign({"sub": "a"})
    decoded = verify(token, services.signing_keys.public_jwks())
    assert decoded.header["kid"] == kid
    assert decoded.claims["iat"] == int((START + timedelta(days=1)).timestamp())


def test_keys_survive_closing_and_reopening_the_store(store: Store, clock: FakeClock) -> None:
    keys = Services(store, clock=clock).signing_keys
    old_kid = keys.ensure()
    old_token = keys.sign({"sub": "a"})
    new_kid = keys.rotate()
    store.close()
    reopened = Store.open(store.home, PASSPHRASE, specs=SPECS)
    try:
        again = Services(reopened, clock=clock).signing_keys
        assert again.ensure() == new_kid
        jwks = again.public_jwks()
        assert [k["kid"] for k in jwks["keys"]] == [new_kid, old_kid]
        assert verify(old_token, jwks).claims["sub"] == "a"
        assert verify(again.sign({"sub": "b"}), jwks).header["kid"] == new_kid
    finally:
        reopened.close()


def _secret_forms(jwk: dict[str, Any]) -> list[bytes]:
    """How a key could leak into a file: JWK members (base64url), raw integers, PEM, DER."""
    forms = [jwk[m].encode() for m in ("n", *sorted(PRIVATE_MEMBERS))]
    for member in ("n", "d", "p", "q"):
        forms.append(base64.urlsafe_b64decode(jwk[member] + "=" * (-len(jwk[member]) % 4)))
    private = RSAKey.import_key(jwk).private_key
    assert private is not None
    for encoding in (
        serialization.PrivateFormat.PKCS8,
        serialization.PrivateFormat.TraditionalOpenSSL,
    ):
        pem = private.private_bytes(
            serialization.Encoding.PEM, encoding, serialization.NoEncryption()
        )
        forms.extend(line for line in pem.splitlines() if len(line) == 64)  # full base64 lines
        der = private.private_bytes(
            serialization.Encoding.DER, encoding, serialization.NoEncryption()
        )
        forms.append(der[64:128])
    return forms


def test_private_key_never_appears_in_any_store_file(store: Store, clock: FakeClock) -> None:
    keys = Services(store, clock=clock).signing_keys
    keys.ensure()
    keys.sign({"sub": "a"})
    keys.rotate()
    records = key_records(store)
    assert len(records) == 2
    home: Path = store.home
    store.close()
    files = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.parent.name == "data" for p in files)
    for record in records:
        for form in _secret_forms(record["jwk"]):
            for path in files:
                assert form not in path.read_bytes(), f"key material in {path.relative_to(home)}"
