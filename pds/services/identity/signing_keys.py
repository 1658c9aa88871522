"""The OpenID Provider's signing keys: kept in the encrypted store, published as a JWKS.

One key is ``active`` at a time and signs every ID token. ``rotate`` makes a new one
active and retires the previous key, which stays in the public JWKS until every token
it signed has expired (``published_until``); after that it is deleted. Key material
is made, serialised and used by ``joserfc``; nothing here is hand-rolled crypto.

A record (id = ``kid``, the RFC 7638 JWK thumbprint)::

    {"id": kid, "alg": "RS256", "jwk": {private JWK}, "status": "active" | "retired",
     "created_at": instant, "retired_at": instant | None, "published_until": instant | None}

The private JWK lives only inside the encrypted ``signing_keys`` collection; nothing
this service returns (``public_jwks``, ``list``) carries a private member.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey

from pds.errors import NotFound, ValidationFailed
from pds.schemas.temporal import format_instant, parse_instant, to_utc
from pds.services.collections import SIGNING_KEYS
from pds.services.context import Context, check_actor
from pds.store import Collection

#: The ``id_token_signing_alg_values_supported`` of the provider (never ``none``).
ALGORITHMS: tuple[str, ...] = ("RS256",)
RSA_BITS = 2048
#: Lifetime of an ID token, in seconds.
ID_TOKEN_SECONDS = 3600
#: How far a verifier's clock may be off ours; a retired key stays published this much
#: longer than the last token it signed can live.
CLOCK_SKEW_SECONDS = 300
ACTIVE = "active"
RETIRED = "retired"
PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
LISTED_FIELDS = ("alg", "status", "created_at", "retired_at", "published_until")


class SigningKeys:
    """The signing keys of the OpenID Provider over the ``signing_keys`` collection."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._imported: dict[str, RSAKey] = {}  # kid -> parsed private key (records never change)

    @property
    def _col(self) -> Collection:
        return self._ctx.collection(SIGNING_KEYS)

    # -- lifecycle ---------------------------------------------------------------------

    def ensure(self) -> str:
        """The active kid, creating the first key if there is none; prunes expired keys."""
        with self._ctx.store.transaction():
            now = self._ctx.now()
            self._prune(now)
            active = self._active()
            if active is not None:
                return str(active["id"])
            return str(self._col.insert(self._new_record(now))["id"])

    def rotate(self, actor: str = "owner") -> str:
        """Make a new active key; the previous one stays published until its tokens expire."""
        check_actor(actor)
        with self._ctx.store.transaction():
            now = self._ctx.now()
            self._prune(now)
            previous = self._active()
            if previous is not None:
                self._col.replace(previous["id"], self._retired(previous, now))
            record = self._col.insert(self._new_record(now))
            self._ctx.audit(actor, "keys.rotate", target=record["id"])
        return str(record["id"])

    # -- use ---------------------------------------------------------------------------

    def active_kid(self) -> str:
        """The kid of the key that signs now; ``NotFound`` before ``ensure`` made one."""
        return str(self._require_active()["id"])

    def sign(self, claims: Mapping[str, Any], *, now: datetime | None = None) -> str:
        """A compact JWT of ``claims`` signed with the active key.

        The header carries ``alg``, ``kid`` and ``typ`` "JWT". ``iat`` defaults to ``now``
        (the clock's time) and ``exp`` to ``iat + ID_TOKEN_SECONDS``; given ones are kept.
        """
        if not isinstance(claims, Mapping):
            raise ValidationFailed("claims must be an object", {"claims": ["Not an object."]})
        record = self._require_active()
        payload = {"iat": int(to_utc(now or self._ctx.now()).timestamp()), **claims}
        if not isinstance(payload["iat"], int) or isinstance(payload["iat"], bool):
            raise ValidationFailed("iat must be a number of seconds", {"iat": ["Not an integer."]})
        payload.setdefault("exp", payload["iat"] + ID_TOKEN_SECONDS)
        header = {"alg": record["alg"], "kid": record["id"], "typ": "JWT"}
        return jwt.encode(header, payload, self._private_key(record), algorithms=list(ALGORITHMS))

    def public_jwks(self, now: datetime | None = None) -> dict[str, list[dict[str, Any]]]:
        """``{"keys": [...]}``: the active key and the retired keys still published at ``now``."""
        moment = to_utc(now or self._ctx.now())
        records = sorted(self._col.scan(), key=_newest_first)
        return {"keys": [self._public_jwk(r) for r in records if _published(r, moment)]}

    def list(self) -> list[dict[str, Any]]:
        """Every key, newest first: kid and dates, never key material."""
        records = sorted(self._col.scan(), key=_newest_first)
        return [{"kid": r["id"], **{f: r.get(f) for f in LISTED_FIELDS}} for r in records]

    # -- records -----------------------------------------------------------------------

    def _active(self) -> dict[str, Any] | None:
        actives = [r for r in self._col.scan() if r["status"] == ACTIVE]
        return min(actives, key=_newest_first, default=None)

    def _require_active(self) -> dict[str, Any]:
        record = self._active()
        if record is None:
            raise NotFound("no active signing key (run 'pds init' or start the server)")
        return record

    def _new_record(self, now: datetime) -> dict[str, Any]:
        key = RSAKey.generate_key(RSA_BITS, parameters={"alg": ALGORITHMS[0], "use": "sig"})
        kid = key.thumbprint()
        return {
            "id": kid,
            "alg": ALGORITHMS[0],
            "jwk": {**key.as_dict(private=True), "kid": kid},
            "status": ACTIVE,
            "created_at": format_instant(now),
            "retired_at": None,
            "published_until": None,
        }

    @staticmethod
    def _retired(record: dict[str, Any], now: datetime) -> dict[str, Any]:
        until = now + timedelta(seconds=ID_TOKEN_SECONDS + CLOCK_SKEW_SECONDS)
        return {
            **record,
            "status": RETIRED,
            "retired_at": format_instant(now),
            "published_until": format_instant(until),
        }

    def _prune(self, now: datetime) -> None:
        """Delete the retired keys whose publication has ended."""
        for record in list(self._col.scan()):
            if record["status"] == RETIRED and not _published(record, now):
                self._col.delete(record["id"])
                self._imported.pop(record["id"], None)

    def _private_key(self, record: Mapping[str, Any]) -> RSAKey:
        kid = record["id"]
        if kid not in self._imported:
            self._imported[kid] = RSAKey.import_key(dict(record["jwk"]))
        return self._imported[kid]

    def _public_jwk(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """The public JWK of a key record: kty, n, e, kid, alg, use "sig"."""
        exported = self._private_key(record).as_dict(private=False)
        public = {k: v for k, v in exported.items() if k not in PRIVATE_MEMBERS}
        return {**public, "kid": record["id"], "alg": record["alg"], "use": "sig"}


def _published(record: Mapping[str, Any], now: datetime) -> bool:
    if record["status"] == ACTIVE:
        return True
    until = record.get("published_until")
    return until is not None and parse_instant(until) > now


def _newest_first(record: Mapping[str, Any]) -> tuple[int, float, str]:
    """Sort key: the active key first, then by ``created_at``, newest first."""
    created = parse_instant(record["created_at"]).timestamp()
    return (0 if record["status"] == ACTIVE else 1, -created, str(record["id"]))
