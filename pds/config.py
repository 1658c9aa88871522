"""The one typed configuration object: defaults, then ``PDS_*`` variables, then overrides.

Every setting has its help text beside it (``docs/configuration.md`` is generated
from this table). Values are parsed strictly however they arrive (a ``PDS_*`` variable,
an override to ``create_app``, a command-line option, ``Settings(...)`` itself); a bad
value raises ``ConfigError`` naming the variable or the setting. Secrets are wrapped in
``Secret`` so they never print.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pds.errors import ConfigError


class Secret:
    """A string that does not show itself in reprs, logs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def _int_in(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise ValueError(f"{raw!r} is not a whole number") from None
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}")
        return value

    return parse


def _float_in(low: float, high: float) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        try:
            value = float(raw.strip())
        except ValueError:
            raise ValueError(f"{raw!r} is not a number") from None
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}")
        return value

    return parse


def _url(raw: str) -> str:
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an http(s) URL such as https://pds.example.org")
    if parts.query or parts.fragment:
        raise ValueError("must not have a query or fragment")
    return raw.strip().rstrip("/")


def _path(raw: str) -> Path:
    if not raw.strip():
        raise ValueError("must not be empty")
    return Path(raw.strip()).expanduser()


def _choice(*choices: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}")
        return value

    return parse


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false (or 1/0, yes/no, on/off)")


def _origins(raw: str) -> tuple[str, ...]:
    origins = tuple(part.strip().rstrip("/") for part in raw.split(",") if part.strip())
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
            raise ValueError(f"{origin!r} is not an origin such as https://shop.example")
    return origins


def _address(raw: str) -> str:
    value = raw.strip()
    local, at, domain = value.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in value):
        raise ValueError("must be an e-mail address such as owner@example.org")
    return value


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def duration_seconds(text: str) -> int:
    """Seconds in a duration such as ``90s``, ``30m``, ``6h`` or ``1d``."""
    value = text.strip().lower()
    number, unit = value[:-1], value[-1:]
    if unit not in _UNITS or not number.isdigit() or int(number) < 1:
        raise ValueError(f"{text!r} is not a duration such as 30m, 6h or 1d")
    return int(number) * _UNITS[unit]


def _duration(raw: str) -> str:
    if duration_seconds(raw) < 60:
        raise ValueError("must be at least a minute")
    return raw.strip().lower()


def _networks(raw: str) -> tuple[str, ...]:
    networks = []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        try:
            networks.append(str(ipaddress.ip_network(part, strict=False)))
        except ValueError:
            example = "such as 10.0.0.0/8"
            raise ValueError(f"{part!r} is not an IP address or network {example}") from None
    return tuple(networks)


def _setting(default: Any, help: str, parse: Callable[[str], Any], env: bool = True) -> Any:
    return field(default=default, metadata={"help": help, "parse": parse, "env": env})


@dataclass(frozen=True)
class Settings:
    home: Path = _setting(Path("~/.pds").expanduser(), "Directory of the store.", _path)
    passphrase: Secret | None = _setting(
        None, "Passphrase that unlocks the store (prefer PDS_PASSPHRASE_FILE).", Secret
    )
    passphrase_file: Path | None = _setting(
        None, "File whose first line is the store passphrase.", _path
    )
    host: str = _setting("127.0.0.1", "Address the server listens on.", str.strip)
    port: int = _setting(8000, "TCP port the server listens on.", _int_in(1, 65535))
    issuer: str | None = _setting(
        None,
        "Public base URL of this store (OAuth issuer); default http://HOST:PORT.",
        _url,
    )
    threads: int = _setting(8, "Worker threads of the waitress server.", _int_in(1, 64))
    cache_records: int = _setting(
        200_000, "Decrypted records kept in memory (bounds memory use).", _int_in(0, 10**8)
    )
    lock_timeout: float = _setting(
        0.0, "Seconds to wait for another pds process to release the store.", _float_in(0, 3600)
    )
    log_level: str = _setting(
        "info", "Server log level.", _choice("debug", "info", "warning", "error")
    )
    log_format: str = _setting(
        "text",
        "Server log lines: `text`, or `json` (one JSON object a line, with the request id; "
        "never record values, tokens or query strings).",
        _choice("text", "json"),
    )
    trusted_proxies: tuple[str, ...] = _setting(
        (),
        "Comma-separated addresses or networks of reverse proxies (e.g. 127.0.0.1) whose "
        "X-Forwarded-For, -Proto and -Host headers are believed, so that login throttling and "
        "rate limits see the real client address. None by default: the headers are ignored.",
        _networks,
    )
    backup_dir: Path | None = _setting(
        None,
        "Directory the server writes snapshots of the store to on a schedule (see "
        "docs/backup.md); no scheduled backups without it.",
        _path,
    )
    backup_every: str = _setting(
        "1d", "How often the server takes a snapshot into PDS_BACKUP_DIR: 30m, 6h, 1d...", _duration
    )
    backup_keep: int = _setting(
        7,
        "Snapshots of this store kept in PDS_BACKUP_DIR; older ones are removed after each "
        "new one (other files there are left alone).",
        _int_in(1, 10_000),
    )
    session_idle_minutes: int = _setting(
        30, "Minutes without a request after which a portal session ends.", _int_in(1, 24 * 60)
    )
    session_max_hours: int = _setting(
        12, "Hours after logging in after which a portal session ends anyway.", _int_in(1, 30 * 24)
    )
    birthday_days_ahead: int = _setting(
        7,
        "Days ahead that birthdays and anniversaries show on the dashboard, in the "
        "reminder e-mail and in the calendar feed.",
        _int_in(0, 366),
    )
    api_rate_per_minute: int = _setting(
        600, "Vendor API requests each vendor may make per minute (then 429).", _int_in(1, 10**6)
    )
    api_cors_origins: tuple[str, ...] = _setting(
        (),
        "Comma-separated web origins allowed to call the vendor API from a browser (CORS); "
        "none by default.",
        _origins,
    )
    webhooks_enabled: bool = _setting(
        True,
        "Run the background courier in the server: it posts RFP webhooks to subscribed "
        "vendors, expires RFPs whose deadline has passed and prunes the delivery log "
        "(PDS_WEBHOOK_LOG_DAYS).",
        _bool,
    )
    webhook_retry_seconds: int = _setting(
        30,
        "Seconds before a failed webhook is retried; doubled after each failed attempt "
        "(plus up to 10 % jitter).",
        _int_in(1, 24 * 3600),
    )
    webhook_attempts: int = _setting(
        8, "Attempts per webhook delivery before it is marked failed.", _int_in(1, 50)
    )
    webhook_log_days: int = _setting(
        90,
        "Days a finished webhook delivery (delivered or failed) stays in the delivery log "
        "after its last attempt; the courier (PDS_WEBHOOKS_ENABLED) removes older ones about "
        "once an hour, never a pending one. 0 keeps them forever.",
        _int_in(0, 100 * 366),
    )
    outbound_allow_loopback: bool = _setting(
        False,
        "Let the store send webhooks to loopback addresses (127.0.0.0/8, ::1), for vendors "
        "developing on this machine. Private, link-local and cloud metadata addresses stay "
        "refused.",
        _bool,
    )

    smtp_host: str | None = _setting(
        None, "Mail server that sends the reminder e-mail; e-mail is off without it.", str.strip
    )
    smtp_port: int = _setting(587, "TCP port of the mail server.", _int_in(1, 65535))
    smtp_starttls: bool = _setting(
        True, "Upgrade the mail server connection with STARTTLS before logging in.", _bool
    )
    smtp_username: str | None = _setting(
        None, "User name at the mail server (no login without it).", str.strip
    )
    smtp_password: Secret | None = _setting(
        None, "Password at the mail server (prefer PDS_SMTP_PASSWORD_FILE).", Secret
    )
    smtp_password_file: Path | None = _setting(
        None, "File whose first line is the mail server password.", _path
    )
    smtp_from: str | None = _setting(
        None, "Sender address of the reminder e-mail, e.g. pds@example.org.", _address
    )
    reminder_email_to: str | None = _setting(
        None, "Where the reminder e-mail goes (the owner's address).", _address
    )
    archive_max_unpacked_mib: int = _setting(
        16384,
        "MiB an archive may unpack to at most for `pds import` (a larger one is refused, as "
        "is any member that unpacks to more than 100 times its packed size).",
        _int_in(1, 1 << 24),
    )
    registrations_per_hour: int = _setting(
        20,
        "Client registrations (/oauth/register) each client address may try per hour, in "
        "bursts of up to that many (then 429 with Retry-After). Behind a reverse proxy, name it "
        "in PDS_TRUSTED_PROXIES, or every request has the proxy's address and this becomes a "
        "limit over all vendors together.",
        _int_in(1, 10**6),
    )
    rfp_vendors_need_approval: bool = _setting(
        False,
        "Hold RFPs back from vendors registered to answer them (client credentials) until "
        "you approve each on the Vendors & access page: no token, no webhooks, 403 "
        "awaiting_approval. Off by default: public RFPs are in the public feed anyway.",
        _bool,
    )

    def __post_init__(self) -> None:
        """Every value checked by its setting's parser, whatever its type on arrival."""
        for f in fields(self):
            object.__setattr__(self, f.name, _checked(f, getattr(self, f.name)))

    @property
    def backup_every_seconds(self) -> int:
        return duration_seconds(self.backup_every)

    @property
    def issuer_url(self) -> str:
        return self.issuer or f"http://{self.host}:{self.port}"

    def resolve_passphrase(self) -> str | None:
        """The passphrase from PDS_PASSPHRASE or PDS_PASSPHRASE_FILE, if either is set."""
        if self.passphrase is not None:
            return self.passphrase.reveal()
        if self.passphrase_file is not None:
            try:
                lines = self.passphrase_file.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise ConfigError(
                    f"PDS_PASSPHRASE_FILE: cannot read {self.passphrase_file}: {exc.strerror}"
                ) from None
            if not lines or not lines[0]:
                raise ConfigError(f"PDS_PASSPHRASE_FILE: {self.passphrase_file} is empty")
            return lines[0]
        return None

    def resolve_smtp_password(self) -> str | None:
        """The mail server password from PDS_SMTP_PASSWORD or PDS_SMTP_PASSWORD_FILE."""
        if self.smtp_password is not None:
            return self.smtp_password.reveal()
        if self.smtp_password_file is None:
            return None
        return _first_line(self.smtp_password_file, "PDS_SMTP_PASSWORD_FILE")

    def with_overrides(self, overrides: Mapping[str, Any]) -> Settings:
        """These settings with ``overrides`` (setting name -> value, as text or typed),
        each checked like a ``PDS_*`` variable; ``ConfigError`` names a bad one."""
        known = {f.name for f in fields(self)}
        for name in overrides:
            if name not in known:
                raise ConfigError(f"unknown setting {name!r}")
        return replace(self, **overrides)


def _first_line(path: Path, label: str) -> str:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"{label}: cannot read {path}: {exc.strerror}") from None
    if not lines or not lines[0]:
        raise ConfigError(f"{label}: {path} is empty")
    return lines[0]


def _parse(f: Any, raw: str, label: str) -> Any:
    try:
        return f.metadata["parse"](raw)
    except ValueError as exc:
        raise ConfigError(f"{label}: {exc}") from None


def _checked(f: Any, value: Any) -> Any:
    """``value`` of setting ``f`` as its parser makes it from text; ``None`` only where
    the setting may be unset."""
    if value is None:
        if f.default is None:
            return None
        raise ConfigError(f"{f.name}: must be set")
    if isinstance(value, Secret) and f.metadata["parse"] is Secret:
        return value
    return _parse(f, _as_text(f, value), f.name)


def _as_text(f: Any, value: Any) -> str:
    """A typed value as the text a ``PDS_*`` variable would hold, to be parsed the same
    way; a value of another type than the setting's is refused."""
    if isinstance(value, str):
        return value
    kind = str(f.type).removesuffix(" | None")
    if kind == "bool" and isinstance(value, bool):
        return "true" if value else "false"
    if kind in ("int", "float") and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if kind == "Path" and isinstance(value, Path):
        return str(value)
    texts = isinstance(value, tuple | list) and all(isinstance(item, str) for item in value)
    if kind.startswith("tuple") and texts:
        return ",".join(value)
    raise ConfigError(f"{f.name}: {value!r} is not a value this setting takes")


def env_name(name: str) -> str:
    return f"PDS_{name.upper()}"


def settings_from_env(environ: Mapping[str, str] | None = None) -> Settings:
    """Defaults overlaid with every ``PDS_*`` variable that is set."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for f in fields(Settings):
        raw = environ.get(env_name(f.name))
        if raw is not None and f.metadata["env"]:
            values[f.name] = _parse(f, raw, env_name(f.name))
    return Settings(**values)


def settings_table() -> list[tuple[str, str, str]]:
    """(variable, default, help) rows, for the generated docs and ``pds --help``."""
    rows = []
    for f in fields(Settings):
        default = f.default
        shown = "(none)" if default is None else str(default)
        if f.name == "home":
            shown = "~/.pds"
        rows.append((env_name(f.name), shown, f.metadata["help"]))
    return rows
