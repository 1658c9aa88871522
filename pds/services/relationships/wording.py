"""Numbers in words for the insights' explanations (pure): "every 3 weeks", "16 weeks",
"from March 2024 to August 2025", "12 August 2025", in the language the text is written
in (``pds.i18n``: the page's, or the one chosen with ``written_in``)."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from babel.numbers import get_decimal_symbol

from pds.i18n import gettext, language, ngettext, pgettext

WEEK, MONTH, YEAR = 7.0, 30.44, 365.25
#: the locale each language writes dates and numbers in ("12 August 2025", "12. August 2025")
LOCALES = {"en": "en_GB", "de": "de_DE"}


def locale() -> str:
    """The locale of the language the text is written in."""
    return LOCALES[language()]


def every(days: float) -> str:
    """An interval between contacts in words: "daily", "every 4 days", "weekly",
    "every 3 weeks", "monthly", "every 5 months", "yearly", "every 2 years"."""
    if days < 1.5:
        return gettext("daily")
    if days < 10.5:
        return gettext("weekly") if round(days) == 7 else every_days(round(days))
    if days < 26:
        weeks = round(days / WEEK)
        if weeks == 1:
            return gettext("weekly")
        return ngettext("every %(num)d week", "every %(num)d weeks", weeks)
    if days < 1.75 * YEAR:
        months = round(days / MONTH)
        if months == 1:
            return gettext("monthly")
        if months == 12:
            return gettext("yearly")
        return ngettext("every %(num)d month", "every %(num)d months", months)
    years = round(days / YEAR)
    return gettext("yearly") if years == 1 else every_years(years)


def every_days(days: int) -> str:
    """A target in words: "every 14 days"."""
    return ngettext("every %(num)d day", "every %(num)d days", days)


def every_years(years: int) -> str:
    return ngettext("every %(num)d year", "every %(num)d years", years)


def span(days: float) -> str:
    """A length of time in words: "5 days", "3 weeks", "9 months", "2 years"."""
    if days < 14:
        return ngettext("%(num)d day", "%(num)d days", round(days))
    if days < 9 * WEEK:
        return ngettext("%(num)d week", "%(num)d weeks", round(days / WEEK))
    if days < 2 * YEAR:
        return ngettext("%(num)d month", "%(num)d months", round(days / MONTH))
    return ngettext("%(num)d year", "%(num)d years", round(days / YEAR))


def ago(days: float) -> str:
    """How long ago, in words: "5 days ago", "16 weeks ago" (German: "vor 16 Wochen")."""
    if days < 14:
        return ngettext("%(num)d day ago", "%(num)d days ago", round(days))
    if days < 9 * WEEK:
        return ngettext("%(num)d week ago", "%(num)d weeks ago", round(days / WEEK))
    if days < 2 * YEAR:
        return ngettext("%(num)d month ago", "%(num)d months ago", round(days / MONTH))
    return ngettext("%(num)d year ago", "%(num)d years ago", round(days / YEAR))


def on(day: date) -> str:
    """A day in words: "12 August 2025" (German "12. August 2025")."""
    return format_date(day, "long", locale=locale())


def period(first: date, last: date) -> str:
    """When something happened: "in August 2025", "from March to August 2025",
    "from March 2024 to August 2025"."""
    where = locale()
    until = format_date(last, "MMMM y", locale=where)
    if (first.year, first.month) == (last.year, last.month):
        return gettext("in %(month)s", month=until)
    since = format_date(first, "MMMM" if first.year == last.year else "MMMM y", locale=where)
    return pgettext("months", "from %(first)s to %(last)s", first=since, last=until)


def decimal(value: float, places: int) -> str:
    """``value`` with ``places`` decimals and the language's decimal sign: "0.78", "0,78"."""
    return f"{value:.{places}f}".replace(".", get_decimal_symbol(locale()))
