"""The owner's portal credentials, kept only inside the encrypted store.

The password is an argon2id hash. The optional second factor is a TOTP secret
(RFC 6238: 6 digits, 30-second steps, one step of clock drift either way) with ten
one-time recovery codes kept only as SHA-256 hashes. A TOTP step, once accepted,
is never accepted again, so a code seen over someone's shoulder cannot be replayed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from typing import Any

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pds.errors import Conflict, ValidationFailed
from pds.services.context import Clock, utc_now
from pds.store import Store

OWNER_PASSWORD_ID = "owner-password"
TOTP_ID = "owner-totp"
PENDING_TOTP_ID = "owner-totp-pending"
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/i/l to misread
RECOVERY_GROUPS = 3  # xxxx-xxxx-xxxx: 12 characters, about 59 bits
PENDING_TOTP_SECONDS = 15 * 60
TOTP_STEP_SECONDS = 30
TOTP_DRIFT_STEPS = 1
WRONG_CODE = "That code is not right."


def check_password(password: str) -> str:
    """Raise ``ValidationFailed`` unless ``password`` is acceptable as the portal password."""
    if len(password) < MIN_PASSWORD_LENGTH:
        message = f"must be at least {MIN_PASSWORD_LENGTH} characters"
        raise ValidationFailed(f"password {message}", {"password": [message]})
    if len(password) > MAX_PASSWORD_LENGTH:
        message = f"must be at most {MAX_PASSWORD_LENGTH} characters"
        raise ValidationFailed(f"password {message}", {"password": [message]})
    return password


def otpauth_uri(secret: str, account: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads to add ``secret``."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name="pds")


def normalize_code(code: str) -> str:
    """A typed code without spaces or dashes, lower case (recovery codes are case-blind)."""
    return re.sub(r"[\s-]+", "", code).lower()


def _hash_code(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def _new_recovery_code() -> str:
    chars = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(4 * RECOVERY_GROUPS))
    return "-".join(chars[i : i + 4] for i in range(0, len(chars), 4))


class OwnerCredentials:
    """Password, TOTP second factor and recovery codes of the one owner, with their audit."""

    def __init__(
        self, store: Store, hasher: PasswordHasher | None = None, *, clock: Clock = utc_now
    ) -> None:
        self._store = store
        self._records = store.collection("credentials")
        self._hasher = hasher or PasswordHasher()
        self._clock = clock

    # -- password ----------------------------------------------------------------------

    def set_password(self, password: str) -> None:
        self._put({"id": OWNER_PASSWORD_ID, "hash": self._hasher.hash(check_password(password))})

    def verify_password(self, password: str) -> bool:
        record = self._records.find(OWNER_PASSWORD_ID)
        if record is None or len(password) > MAX_PASSWORD_LENGTH:
            return False
        try:
            return self._hasher.verify(record["hash"], password)
        except (VerificationError, InvalidHashError):
            return False

    def change_password(self, current: str, new: str, confirmation: str) -> None:
        """Replace the password; ``ValidationFailed`` names each field that is wrong."""
        errors: dict[str, list[str]] = {}
        if not self.verify_password(current):
            errors["current_password"] = ["That password is not right."]
        try:
            check_password(new)
        except ValidationFailed as exc:
            errors["new_password"] = [f"It {message}." for message in exc.details["password"]]
        if new != confirmation:
            errors["confirmation"] = ["The two new passwords are not the same."]
        if not errors and hmac.compare_digest(new.encode(), current.encode()):
            errors["new_password"] = ["Choose a password other than the current one."]
        if errors:
            raise ValidationFailed("the password was not changed", errors)
        with self._store.transaction():
            self.set_password(new)
            self._audit("password.changed")

    # -- TOTP --------------------------------------------------------------------------

    def totp_enabled(self) -> bool:
        return self._records.find(TOTP_ID) is not None

    def begin_totp(self) -> str:
        """A new TOTP secret (base32), pending until ``confirm_totp`` proves the app has it."""
        secret = pyotp.random_base32()
        self._put({"id": PENDING_TOTP_ID, "secret": secret, "started": self._now()})
        return secret

    def confirm_totp(self, secret: str, code: str) -> list[str]:
        """Turn the pending ``secret`` on if ``code`` is current; the new recovery codes.

        The codes are returned once and kept only as hashes.
        """
        with self._store.transaction():
            pending = self._records.find(PENDING_TOTP_ID)
            if (
                pending is None
                or self._now() - pending["started"] > PENDING_TOTP_SECONDS
                or not hmac.compare_digest(pending["secret"].encode(), secret.encode())
            ):
                raise ValidationFailed(
                    "no two-step setup is waiting",
                    {"code": ["This setup has expired; start again."]},
                )
            step = self._matching_step(secret, code, after=None)
            if step is None:
                raise ValidationFailed("wrong one-time code", {"code": [WRONG_CODE]})
            codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
            self._records.delete(PENDING_TOTP_ID)
            self._put(
                {
                    "id": TOTP_ID,
                    "secret": secret,
                    "last_step": step,
                    "recovery": [_hash_code(c) for c in codes],
                    "enabled_at": self._now(),
                }
            )
            self._audit("totp.enabled", count=len(codes))
        return codes

    def disable_totp(self) -> None:
        """Turn the second factor off and forget its secret and recovery codes."""
        with self._store.transaction():
            if self._records.find(TOTP_ID) is None:
                raise Conflict("two-step login is not on")
            self._records.delete(TOTP_ID)
            self._audit("totp.disabled")

    def verify_second_factor(self, code: str) -> bool:
        """Whether ``code`` is a current TOTP code not used before, or an unused recovery code.

        An accepted TOTP step is remembered (replays are refused); an accepted recovery
        code is consumed. ``False`` when the second factor is off.
        """
        with self._store.transaction():
            record = self._records.find(TOTP_ID)
            if record is None:
                return False
            step = self._matching_step(record["secret"], code, after=record.get("last_step"))
            if step is not None:
                self._put({**record, "last_step": step})
                return True
            return self._consume_recovery_code(record, code)

    # -- recovery codes ----------------------------------------------------------------

    def new_recovery_codes(self) -> list[str]:
        """Ten fresh recovery codes, replacing every earlier one (shown once, kept hashed)."""
        codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
        with self._store.transaction():
            record = self._records.find(TOTP_ID)
            if record is None:
                raise Conflict("two-step login is not on")
            self._put({**record, "recovery": [_hash_code(c) for c in codes]})
            self._audit("recovery_codes.renewed", count=len(codes))
        return codes

    def recovery_codes_left(self) -> int:
        record = self._records.find(TOTP_ID)
        return 0 if record is None else len(record["recovery"])

    # -- audit -------------------------------------------------------------------------

    def log_login_ok(self, *, address: str, factors: int) -> None:
        """Record a login: the client address and how many factors it took."""
        self._audit("login.ok", address=address, factors=factors)

    def log_login_failed(self, *, address: str, reason: str) -> None:
        """Record a failed login: the client address and why (never what was typed)."""
        self._audit("login.failed", address=address, reason=reason)

    # -- helpers -----------------------------------------------------------------------

    def _now(self) -> int:
        return int(self._clock().timestamp())

    def _matching_step(self, secret: str, code: str, *, after: int | None) -> int | None:
        """The time step (within the allowed drift) whose TOTP is ``code``, newer than ``after``."""
        typed = normalize_code(code)
        if not re.fullmatch(r"\d{6}", typed):
            return None
        totp = pyotp.TOTP(secret, interval=TOTP_STEP_SECONDS)
        now_step = self._now() // TOTP_STEP_SECONDS
        for step in range(now_step - TOTP_DRIFT_STEPS, now_step + TOTP_DRIFT_STEPS + 1):
            expected = totp.at(step * TOTP_STEP_SECONDS)
            if hmac.compare_digest(expected, typed) and (after is None or step > after):
                return step
        return None

    def _consume_recovery_code(self, record: dict[str, Any], code: str) -> bool:
        typed = _hash_code(code)
        left = [h for h in record["recovery"] if not hmac.compare_digest(h, typed)]
        if len(left) == len(record["recovery"]):
            return False
        self._put({**record, "recovery": left})
        self._audit("recovery_code.used", count=len(left))
        return True

    def _put(self, record: dict[str, Any]) -> None:
        record = {
            **record,
            "updated_at": dt.datetime.fromtimestamp(self._now(), dt.UTC).isoformat(),
        }
        with self._store.transaction():
            if self._records.find(record["id"]) is None:
                self._records.insert(record)
            else:
                self._records.replace(record["id"], record)

    def _audit(self, action: str, **fields: Any) -> None:
        self._store.log_event({"actor": "owner", "action": action, **fields})
