"""Dates and amounts as the owner writes them: their profile's time zone (``zoneinfo``)
and language (``locale``), formatted and parsed by Babel. A translated page (German) writes
dates and numbers in its language, in the owner's region where Babel knows it (``de_CH``)
else the language's own (``de``); an English page, the source language, keeps the
profile's locale as it is (``en_US``, ``de_DE`` alike)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, format_time, get_timezone_name
from babel.numbers import NumberFormatError, format_currency, format_decimal, parse_decimal

from pds.i18n import gettext

DEFAULT_LOCALE = "en_GB"
SOURCE_LANGUAGE = "en"  # pages in it write in the profile's locale, whatever its language
# one separator with one or two digits after it: a decimal point or comma, whatever the
# locale (grouping always takes three digits)
PLAIN_DECIMALS = re.compile(r"^[+-]?\d+(?:[.,]\d{1,2})?$")
# one separator with exactly three digits after it: a thousand or a decimal?
AMBIGUOUS = re.compile(r"^[+-]?\d{1,3}[.,]\d{3}$")
# how a page in these languages writes a day, where the locale's medium date is all digits
# (German 03.12.2026): a Babel skeleton, "3. Dez. 2026"
DAY_SKELETONS = {"de": "yMMMd"}


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
    page_language: str | None = None  # the language of the page written (``on_page``)

    @classmethod
    def of(cls, profile: dict[str, object]) -> OwnerLocale:
        language = profile.get("language")
        return cls(
            _zone(profile.get("zoneinfo")),
            _locale(profile.get("locale")),
            language if isinstance(language, str) else None,
        )

    def on_page(self, language: str | None) -> OwnerLocale:
        """The owner's formats on a page written in ``language``: their own locale when it
        is in that language or the page is English, else that language in their region."""
        if not language or language == SOURCE_LANGUAGE:
            return self
        locale = self.locale
        if locale.language != language:
            locale = _locale(f"{language}_{locale.territory}", Locale.parse(language))
        return replace(self, locale=locale, page_language=language)

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
        day = self._day(local.date())
        clock = format_time(local.time(), "short", locale=self.locale)
        return str(self.locale.datetime_formats["medium"]).format(clock, day)

    def day(self, value: str | date | datetime | None) -> str:
        """A day (an instant's day in the owner's zone): ``3 Dec 2026``."""
        if value is None or value == "":
            return ""
        if isinstance(value, str) and len(value) > 10:
            value = _instant(value)
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = value.astimezone(self.zone).date()
        if isinstance(value, str):
            value = date.fromisoformat(value)
        return self._day(value)

    def _day(self, value: date) -> str:
        skeleton = DAY_SKELETONS.get(self.page_language or "")
        if skeleton:
            return str(format_skeleton(skeleton, value, locale=self.locale))
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
                gettext(
                    "%(text)s could be a thousand or a fraction: write the cents too "
                    "(e.g. %(example)s) or leave out the separator.",
                    text=text.strip(),
                    example=self.amount(Decimal("1000")),
                ),
                ambiguous=True,
            )
        try:
            return Decimal(parse_decimal(cleaned, locale=self.locale, strict=True))
        except (NumberFormatError, InvalidOperation) as refused:
            example = self.amount(Decimal("1234.5"))
            message = gettext("Not an amount: write it like %(example)s.", example=example)
            raise AmountUnclear(message) from refused


def _zone(name: object) -> ZoneInfo:
    try:
        return ZoneInfo(name) if isinstance(name, str) and name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _locale(tag: object, default: Locale | None = None) -> Locale:
    try:
        if isinstance(tag, str) and tag:
            return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        pass
    return default or Locale.parse(DEFAULT_LOCALE)


def _instant(value: str | datetime | None) -> datetime | None:
    if value is None or value == "":
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
