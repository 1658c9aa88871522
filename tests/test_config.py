from pathlib import Path

import pytest

from pds.config import Secret, Settings, settings_from_env, settings_table
from pds.errors import ConfigError


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
