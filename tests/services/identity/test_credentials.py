"""The owner's credentials: argon2id password, TOTP second factor, recovery codes, audit."""

from __future__ import annotations

import pyotp
import pytest

from pds.errors import Conflict, ValidationFailed
from pds.services.identity.credentials import (
    OWNER_PASSWORD_ID,
    TOTP_ID,
    OwnerCredentials,
    otpauth_uri,
)
from pds.store import Store
from tests.services.conftest import FakeClock, audit_events

PASSWORD = "correct horse battery"


@pytest.fixture
def credentials(store: Store, clock: FakeClock) -> OwnerCredentials:
    owner = OwnerCredentials(store, clock=clock)
    owner.set_password(PASSWORD)
    return owner


def code_at(secret: str, clock: FakeClock, offset_seconds: float = 0) -> str:
    return pyotp.TOTP(secret).at(clock.now.timestamp() + offset_seconds)


def enrol(credentials: OwnerCredentials, clock: FakeClock) -> tuple[str, list[str]]:
    secret = credentials.begin_totp()
    return secret, credentials.confirm_totp(secret, code_at(secret, clock))


def test_password_is_kept_as_an_argon2id_hash(credentials: OwnerCredentials, store: Store) -> None:
    record = store.collection("credentials").get(OWNER_PASSWORD_ID)
    assert record["hash"].startswith("$argon2id$")
    assert PASSWORD not in str(record)
    assert credentials.verify_password(PASSWORD)
    assert not credentials.verify_password(PASSWORD.upper())
    assert not credentials.verify_password("")


def test_change_password_needs_the_current_one_and_a_matching_confirmation(
    credentials: OwnerCredentials, store: Store
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        credentials.change_password("wrong password", "short", "other")
    assert caught.value.details == {
        "current_password": ["That password is not right."],
        "new_password": ["It must be at least 10 characters."],
        "confirmation": ["The two new passwords are not the same."],
    }
    with pytest.raises(ValidationFailed) as caught:
        credentials.change_password(PASSWORD, PASSWORD, PASSWORD)
    assert caught.value.details == {
        "new_password": ["Choose a password other than the current one."]
    }
    assert credentials.verify_password(PASSWORD)

    credentials.change_password(PASSWORD, "a brand new password", "a brand new password")
    assert credentials.verify_password("a brand new password")
    assert not credentials.verify_password(PASSWORD)
    assert audit_events(store)[-1] == {"actor": "owner", "action": "password.changed"}


def test_totp_is_off_until_a_code_confirms_the_secret(
    credentials: OwnerCredentials, clock: FakeClock, store: Store
) -> None:
    secret = credentials.begin_totp()
    assert len(secret) == 32 and pyotp.TOTP(secret).now()  # base32, 160 bits
    assert not credentials.totp_enabled()
    assert not credentials.verify_second_factor(code_at(secret, clock))

    with pytest.raises(ValidationFailed) as caught:
        credentials.confirm_totp(secret, "000000" if code_at(secret, clock) != "000000" else "1")
    assert caught.value.details == {"code": ["That code is not right."]}
    with pytest.raises(ValidationFailed) as caught:
        credentials.confirm_totp(pyotp.random_base32(), code_at(secret, clock))
    assert caught.value.details == {"code": ["This setup has expired; start again."]}

    codes = credentials.confirm_totp(secret, code_at(secret, clock))
    assert credentials.totp_enabled()
    assert len(codes) == 10 and len(set(codes)) == 10
    assert credentials.recovery_codes_left() == 10
    stored = str(store.collection("credentials").get(TOTP_ID))
    assert not any(code in stored for code in codes)  # only their hashes are kept
    assert audit_events(store)[-1] == {"actor": "owner", "action": "totp.enabled", "count": 10}


def test_a_pending_secret_expires(credentials: OwnerCredentials, clock: FakeClock) -> None:
    secret = credentials.begin_totp()
    clock.advance(minutes=16)
    with pytest.raises(ValidationFailed) as caught:
        credentials.confirm_totp(secret, code_at(secret, clock))
    assert "code" in caught.value.details
    assert not credentials.totp_enabled()


def test_totp_codes_allow_one_step_of_drift_and_never_replay(
    credentials: OwnerCredentials, clock: FakeClock
) -> None:
    secret, _ = enrol(credentials, clock)
    assert not credentials.verify_second_factor(code_at(secret, clock))  # used to confirm

    clock.advance(seconds=30)
    assert credentials.verify_second_factor(code_at(secret, clock))
    assert not credentials.verify_second_factor(code_at(secret, clock))  # the same step again

    assert credentials.verify_second_factor(code_at(secret, clock, +30))  # app one step ahead
    clock.advance(seconds=90)
    assert not credentials.verify_second_factor(code_at(secret, clock, -60))  # two behind
    assert not credentials.verify_second_factor(code_at(secret, clock, +60))  # two ahead
    assert credentials.verify_second_factor(code_at(secret, clock, -30))  # one behind


def test_an_older_step_is_refused_after_a_newer_one(
    credentials: OwnerCredentials, clock: FakeClock
) -> None:
    secret, _ = enrol(credentials, clock)
    clock.advance(seconds=60)
    assert credentials.verify_second_factor(code_at(secret, clock))
    assert not credentials.verify_second_factor(code_at(secret, clock, -30))


def test_each_recovery_code_works_once(
    credentials: OwnerCredentials, clock: FakeClock, store: Store
) -> None:
    _, codes = enrol(credentials, clock)
    assert credentials.verify_second_factor(codes[3].upper().replace("-", " "))  # as typed
    assert credentials.recovery_codes_left() == 9
    assert audit_events(store)[-1] == {"actor": "owner", "action": "recovery_code.used", "count": 9}
    assert not credentials.verify_second_factor(codes[3])
    assert not credentials.verify_second_factor("abcd-efgh-jkmn")
    assert credentials.recovery_codes_left() == 9


def test_new_recovery_codes_replace_the_old_ones(
    credentials: OwnerCredentials, clock: FakeClock
) -> None:
    _, old = enrol(credentials, clock)
    new = credentials.new_recovery_codes()
    assert len(new) == 10 and not set(new) & set(old)
    assert not credentials.verify_second_factor(old[0])
    assert credentials.verify_second_factor(new[0])


def test_disable_forgets_the_secret_and_codes(
    credentials: OwnerCredentials, clock: FakeClock, store: Store
) -> None:
    secret, codes = enrol(credentials, clock)
    credentials.disable_totp()
    assert not credentials.totp_enabled()
    assert credentials.recovery_codes_left() == 0
    assert store.collection("credentials").find(TOTP_ID) is None
    clock.advance(seconds=30)
    assert not credentials.verify_second_factor(code_at(secret, clock))
    assert not credentials.verify_second_factor(codes[0])
    assert audit_events(store)[-1] == {"actor": "owner", "action": "totp.disabled"}
    with pytest.raises(Conflict):
        credentials.disable_totp()
    with pytest.raises(Conflict):
        credentials.new_recovery_codes()


def test_login_audit_events_carry_no_secrets(credentials: OwnerCredentials, store: Store) -> None:
    credentials.log_login_failed(address="203.0.113.9", reason="wrong_password")
    credentials.log_login_ok(address="203.0.113.9", factors=2)
    assert audit_events(store)[-2:] == [
        {"actor": "owner", "action": "login.failed", "address": "203.0.113.9",
         "reason": "wrong_password"},
        {"actor": "owner", "action": "login.ok", "address": "203.0.113.9", "factors": 2},
    ]  # fmt: skip


def test_otpauth_uri_names_the_store_and_carries_the_secret() -> None:
    secret = pyotp.random_base32()
    uri = otpauth_uri(secret, "pds.example.org")
    assert uri.startswith("otpauth://totp/pds:pds.example.org?")
    assert f"secret={secret}" in uri and "issuer=pds" in uri
