"""Dates and amounts as the owner writes them: their profile's time zone (``zoneinfo``)
and language (``locale``), formatted and parsed by Babel."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, get_timezone_name
from babel.numbers import NumberFormatError, format_currency, format_decimal, parse_decimal

DEFAULT_LOCALE = "en_GB"
# one separator with one or two digits after it: a decimal point or comma, whatever the
# locale (grouping always takes three digits)
PLAIN_DECIMALS = re.compile(r"^[+-]?\d+(?:[.,]\d{1,2})?$")
# one separator with exactly three digits after it: a thousand or a decimal?
AMBIGUOUS = re.compile(r"^[+-]?\d{1,3}[.,]\d{3}$")


class AmountUnclear(ValueError):
    """The text is not an amount, or could be read two ways (``ambiguous``); the message
    says which and how to write it."""

    def __init__(self, message: str, *, ambiguous: bool = False) -> None:
        super().__init__(message)
        self.ambiguous = ambiguous


@dataclass(frozen=True)
class OwnerLocale:
    """The owner's time zone and language, as their profile says (UTC and English else)."""

    zone: ZoneInfo
    locale: Locale
    language: str | None = None  # the portal's language, when the owner chose one

    @classmethod
    def of(cls, profile: dict[str, object]) -> OwnerLocale:
        language = profile.get("language")
        return cls(
            _zone(profile.get("zoneinfo")),
            _locale(profile.get("locale")),
            language if isinstance(language, str) else None,
        )

    @property
    def zone_name(self) -> str:
        """The zone for people: ``Central European Time``, ``UTC``, else its key."""
        if self.zone.key in ("UTC", "Etc/UTC", "Etc/GMT"):
            return "UTC"
        try:
            return str(get_timezone_name(self.zone, locale=self.locale))
        except (LookupError, ValueError):
            return self.zone.key

    def when(self, instant: str | datetime | None) -> str:
        """An instant in the owner's zone: ``3 Dec 2026, 08:15``."""
        moment = _instant(instant)
        if moment is None:
            return ""
        local = moment.astimezone(self.zone)
        day = format_date(local.date(), "medium", locale=self.locale)
        clock = format_time(local.time(), "short", locale=self.locale)
        return str(self.locale.datetime_formats["medium"]).format(clock, day)

    def day(self, value: str | date | datetime | None) -> str:
        """A day (an instant's day in the owner's zone): ``3 Dec 2026``."""
        if value is None or value == "":
            return ""
        if isinstance(value, str) and len(value) > 10:
            value = _instant(value)
        if isinstance(value, datetime):
            value = value.astimezone(self.zone).date()
        if isinstance(value, str):
            value = date.fromisoformat(value)
        return str(format_date(value, "medium", locale=self.locale))

    def local_input(self, instant: str | datetime | None) -> str:
        """An instant as a ``datetime-local`` input's value in the owner's zone."""
        moment = _instant(instant)
        return moment.astimezone(self.zone).strftime("%Y-%m-%dT%H:%M") if moment else ""

    def amount(self, value: object, currency: str | None = None) -> str:
        """An amount in the owner's number format, with its currency when given."""
        if value is None or value == "":
            return ""
        number = Decimal(str(value))
        if currency:
            return str(format_currency(number, currency, locale=self.locale))
        return str(format_decimal(number, format="#,##0.00", locale=self.locale))

    def number(self, value: object) -> str:
        return str(format_decimal(Decimal(str(value)), locale=self.locale))

    def parse_amount(self, text: str) -> Decimal:
        """An amount the owner typed: ``120,00`` and ``120.00`` alike, ``1.234,50`` or
        ``1,234.50`` as their locale groups; ``1,000`` (a thousand, or one?) is refused."""
        cleaned = re.sub(r"[\s\u00a0\u202f']", "", text)
        if PLAIN_DECIMALS.match(cleaned):
            return Decimal(cleaned.replace(",", "."))
        if AMBIGUOUS.match(cleaned):
            raise AmountUnclear(
                f"{text.strip()} could be a thousand or a fraction: write the cents too "
                f"(e.g. {self.amount(Decimal('1000'))}) or leave out the separator.",
                ambiguous=True,
            )
        try:
            return Decimal(parse_decimal(cleaned, locale=self.locale, strict=True))
        except (NumberFormatError, InvalidOperation) as refused:
            example = self.amount(Decimal("1234.5"))
            raise AmountUnclear(f"Not an amount: write it like {example}.") from refused


def _zone(name: object) -> ZoneInfo:
    try:
        return ZoneInfo(name) if isinstance(name, str) and name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _locale(tag: object) -> Locale:
    try:
        if isinstance(tag, str) and tag:
            return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        pass
    return Locale.parse(DEFAULT_LOCALE)


def _instant(value: str | datetime | None) -> datetime | None:
    if value is None or value == "":
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
