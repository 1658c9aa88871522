"""Date and time fields.

- ``Day``: a calendar date, ``YYYY-MM-DD`` exactly.
- ``Instant``: a point in time, stored in UTC to the second as ``YYYY-MM-DDTHH:MM:SSZ``;
  input may carry any offset (converted to UTC) or none (taken as UTC).
- ``When``: either of the two (the interaction log accepts "on that day" or "at that time").

ISO strings in these forms sort as they compare in time, which the store relies on
to order and range-query records.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from marshmallow import fields

from pds.i18n import N_, gettext

MIN_YEAR = 1900
MAX_YEAR = 2999

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INSTANT = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$"
)


def to_utc(value: datetime) -> datetime:
    """``value`` in UTC, to the second; a naive ``value`` is taken to be UTC already."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0)


def format_instant(value: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` of ``value`` in UTC."""
    return to_utc(value).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def to_minute(value: datetime) -> str:
    """``value`` as an instant cut to its minute (``YYYY-MM-DDTHH:MM:00Z``): what vendors
    may learn of when the owner did something with an RFP."""
    return format_instant(value.replace(second=0, microsecond=0))


def parse_day(value: Any) -> date:
    """A ``date`` from a ``date`` or a ``YYYY-MM-DD`` string; ``ValueError`` otherwise."""
    if isinstance(value, datetime):
        raise ValueError("a date without a time is expected")
    if isinstance(value, date):
        result = value
    elif isinstance(value, str) and _DAY.match(value.strip()):
        result = date.fromisoformat(value.strip())
    else:
        raise ValueError("not a YYYY-MM-DD date")
    _check_year(result.year)
    return result


def parse_instant(value: Any) -> datetime:
    """An aware UTC ``datetime`` (whole seconds) from a ``datetime`` or an ISO string."""
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, str) and _INSTANT.match(value.strip()):
        result = datetime.fromisoformat(value.strip())
    else:
        raise ValueError("not an ISO date-time")
    _check_year(result.year)
    result = to_utc(result)
    _check_year(result.year)
    return result


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year out of range {MIN_YEAR}-{MAX_YEAR}")


class Day(fields.Field[date]):
    default_error_messages = {"invalid": "Not a valid date (expected YYYY-MM-DD, {reason})."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        try:
            return parse_day(value)
        except ValueError as exc:
            raise self.make_error("invalid", reason=str(exc)) from None

    def _serialize(
        self, value: date | None, attr: str | None, obj: Any, **kwargs: Any
    ) -> str | None:
        return None if value is None else value.isoformat()


class Instant(fields.Field[datetime]):
    default_error_messages = {
        "invalid": "Not a valid date-time (expected YYYY-MM-DDTHH:MM:SS with optional offset,"
        " {reason})."
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        try:
            return parse_instant(value)
        except ValueError as exc:
            raise self.make_error("invalid", reason=str(exc)) from None

    def _serialize(
        self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any
    ) -> str | None:
        return None if value is None else format_instant(value)


class When(fields.Field[date | datetime]):
    default_error_messages = {
        "invalid": "Not a valid date or date-time (expected YYYY-MM-DD or"
        " YYYY-MM-DDTHH:MM:SS with optional offset, {reason})."
    }

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> date | datetime:
        try:
            if isinstance(value, datetime) or (isinstance(value, str) and len(value.strip()) > 10):
                return parse_instant(value)
            return parse_day(value)
        except ValueError as exc:
            raise self.make_error("invalid", reason=str(exc)) from None

    def _serialize(
        self, value: date | datetime | None, attr: str | None, obj: Any, **kwargs: Any
    ) -> str | None:
        if value is None:
            return None
        return format_instant(value) if isinstance(value, datetime) else value.isoformat()


def parse_yearly_day(text: str) -> tuple[int | None, int, int] | None:
    """``(year or None, month, day)`` of ``YYYY-MM-DD`` or ``--MM-DD`` (a yearly date as
    vCard writes it without a year); ``None`` when it is neither or no such day exists."""
    match = re.fullmatch(r"(?:(\d{4})|-)-(\d{2})-(\d{2})", text)
    if match is None:
        return None
    year = int(match[1]) if match[1] else None
    month, day = int(match[2]), int(match[3])
    try:
        date(year or 2000, month, day)  # 2000 is a leap year: --02-29 is a real day
    except ValueError:
        return None
    return year, month, day


#: the months' names (``gettext`` them where shown: they follow the language written in)
MONTHS = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)


def yearly_day_words(text: str | None) -> str:
    """A birthday or anniversary in words: ``14 March 1987``, ``14 March`` without a year
    (German ``14. März 1987``; ``text`` as it is when it is no such day)."""
    parsed = parse_yearly_day(text or "")
    if parsed is None:
        return text or ""
    year, month, day = parsed
    name = gettext(MONTHS[month - 1])
    if year:
        return gettext("%(day)d %(month)s %(year)d", day=day, month=name, year=year)
    return gettext("%(day)d %(month)s", day=day, month=name)


class YearlyDay(fields.Field[str]):
    """A birthday or anniversary: ``YYYY-MM-DD`` or ``--MM-DD`` (year unknown)."""

    default_error_messages = {"invalid": "Not a valid date (expected YYYY-MM-DD or --MM-DD)."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str) or parse_yearly_day(value.strip()) is None:
            raise self.make_error("invalid")
        return value.strip()
