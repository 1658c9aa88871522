from pathlib import Path

import pytest

from pds.app import create_app
from pds.config import Secret, Settings, settings_from_env, settings_table
from pds.errors import ConfigError
from tests.conftest import PASSPHRASE


def test_defaults_without_environment() -> None:
    settings = settings_from_env({})
    assert settings.port == 8000
    assert settings.host == "127.0.0.1"
    assert settings.passphrase is None
    assert settings.issuer_url == "http://127.0.0.1:8000"


def test_environment_is_parsed_strictly() -> None:
    settings = settings_from_env({"PDS_PORT": "9001", "PDS_HOME": "/srv/pds", "PDS_THREADS": "4"})
    assert (settings.port, settings.home, settings.threads) == (9001, Path("/srv/pds"), 4)


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("PDS_PORT", "eighty", "PDS_PORT: 'eighty' is not a whole number"),
        ("PDS_PORT", "70000", "PDS_PORT: must be between 1 and 65535"),
        ("PDS_ISSUER", "ftp://x", "PDS_ISSUER: must be an http(s) URL"),
        ("PDS_LOG_LEVEL", "loud", "PDS_LOG_LEVEL: must be one of"),
        ("PDS_HOME", "  ", "PDS_HOME: must not be empty"),
        ("PDS_WEBHOOKS_ENABLED", "maybe", "PDS_WEBHOOKS_ENABLED: must be true or false"),
        ("PDS_WEBHOOK_RETRY_SECONDS", "0", "PDS_WEBHOOK_RETRY_SECONDS: must be between 1 and"),
        ("PDS_WEBHOOK_ATTEMPTS", "51", "PDS_WEBHOOK_ATTEMPTS: must be between 1 and 50"),
        ("PDS_OUTBOUND_ALLOW_LOOPBACK", "dev", "PDS_OUTBOUND_ALLOW_LOOPBACK: must be true or"),
    ],
)
def test_bad_values_name_the_variable(variable: str, value: str, says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from_env({variable: value})
    assert str(caught.value).startswith(says)


def test_webhook_settings() -> None:
    defaults = settings_from_env({})
    assert (defaults.webhooks_enabled, defaults.webhook_retry_seconds) == (True, 30)
    assert defaults.webhook_attempts == 8
    for raw, value in (("false", False), ("0", False), ("off", False), ("Yes", True)):
        assert settings_from_env({"PDS_WEBHOOKS_ENABLED": raw}).webhooks_enabled is value


def test_the_webhook_log_is_kept_ninety_days_unless_told_otherwise() -> None:
    assert settings_from_env({}).webhook_log_days == 90
    assert settings_from_env({"PDS_WEBHOOK_LOG_DAYS": "0"}).webhook_log_days == 0
    assert settings_from_env({"PDS_WEBHOOK_LOG_DAYS": " 7 "}).webhook_log_days == 7
    with pytest.raises(ConfigError, match="PDS_WEBHOOK_LOG_DAYS: must be between 0 and 36600"):
        settings_from_env({"PDS_WEBHOOK_LOG_DAYS": "-1"})
    with pytest.raises(ConfigError, match="PDS_WEBHOOK_LOG_DAYS: 'a week' is not a whole number"):
        settings_from_env({"PDS_WEBHOOK_LOG_DAYS": "a week"})


def test_outbound_loopback_is_refused_unless_allowed() -> None:
    assert settings_from_env({}).outbound_allow_loopback is False
    for raw, value in (("true", True), ("1", True), ("off", False)):
        allowed = settings_from_env({"PDS_OUTBOUND_ALLOW_LOOPBACK": raw})
        assert allowed.outbound_allow_loopback is value


def test_secrets_never_print() -> None:
    settings = settings_from_env({"PDS_PASSPHRASE": "hunter2-hunter2"})
    assert "hunter2" not in repr(settings)
    assert "hunter2" not in str(settings.passphrase)
    assert settings.resolve_passphrase() == "hunter2-hunter2"
    assert settings.passphrase == Secret("hunter2-hunter2")


def test_passphrase_file(tmp_path: Path) -> None:
    secret = tmp_path / "pass"
    secret.write_text("from a file\nignored\n")
    assert settings_from_env({"PDS_PASSPHRASE_FILE": str(secret)}).resolve_passphrase() == (
        "from a file"
    )
    with pytest.raises(ConfigError, match="PDS_PASSPHRASE_FILE: cannot read"):
        settings_from_env({"PDS_PASSPHRASE_FILE": str(tmp_path / "missing")}).resolve_passphrase()


def test_overrides() -> None:
    settings = Settings().with_overrides({"port": "8123", "passphrase": "x" * 10})
    assert settings.port == 8123
    assert settings.resolve_passphrase() == "x" * 10
    with pytest.raises(ConfigError, match="unknown setting 'colour'"):
        Settings().with_overrides({"colour": "blue"})


def test_every_setting_has_help() -> None:
    rows = settings_table()
    assert rows and all(help_text for _, _, help_text in rows)


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("port", "abc", "port: 'abc' is not a whole number"),
        ("port", 0, "port: must be between 1 and 65535"),
        ("port", True, "port: True is not a value this setting takes"),
        ("port", 8080.5, "port: '8080.5' is not a whole number"),
        ("threads", 0, "threads: must be between 1 and 64"),
        ("issuer", "ftp://x", "issuer: must be an http(s) URL"),
        ("issuer", 42, "issuer: 42 is not a value this setting takes"),
        ("log_level", "loud", "log_level: must be one of"),
        ("webhooks_enabled", 1, "webhooks_enabled: 1 is not a value this setting takes"),
        ("api_cors_origins", ["shop.example"], "api_cors_origins: 'shop.example' is not an"),
        ("home", None, "home: must be set"),
    ],
)
def test_typed_settings_are_checked_however_they_arrive(
    name: str, value: object, says: str, made_store: Path
) -> None:
    """An override to create_app, a Settings built in code: the same parser as PDS_*."""
    for build in (
        lambda: create_app({"home": made_store, "passphrase": PASSPHRASE, name: value}),
        lambda: Settings(**{name: value}),  # type: ignore[arg-type]
        lambda: Settings().with_overrides({name: value}),
    ):
        with pytest.raises(ConfigError) as caught:
            build()
        assert str(caught.value).startswith(says)


def test_typed_overrides_keep_their_meaning() -> None:
    settings = Settings(port=8123, threads=4, lock_timeout=2, webhooks_enabled=False)
    assert (settings.port, settings.threads, settings.lock_timeout) == (8123, 4, 2.0)
    assert settings.webhooks_enabled is False
    assert Settings(issuer="https://pds.example/").issuer == "https://pds.example"
    assert Settings(api_cors_origins=["https://shop.example"]).api_cors_origins == (
        "https://shop.example",
    )
