"""The portal's pictures from the domain's numbers: spending per month and per vendor,
interaction cadence per relationship, vendor access per day (see ``charts``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from markupsafe import Markup

from pds.i18n import N_, gettext, ngettext
from pds.services.periods import first_day, last_months
from pds.services.records.spending import CurrencyTotal, MonthlySpending, VendorSpending
from pds.web.charts import area_chart, horizontal_bars, money_text, sparkline, stacked_bars

CADENCE_MONTHS = 24
#: the months' short names (``gettext`` them where used)
MONTH_NAMES = (
    N_("Jan"),
    N_("Feb"),
    N_("Mar"),
    N_("Apr"),
    N_("May"),
    N_("Jun"),
    N_("Jul"),
    N_("Aug"),
    N_("Sep"),
    N_("Oct"),
    N_("Nov"),
    N_("Dec"),
)


def month_long(key: str) -> str:
    """``2025-03`` as ``Mar 2025``."""
    day = first_day(key)
    return f"{gettext(MONTH_NAMES[day.month - 1])} {day.year}"


def month_short(key: str) -> str:
    """``2025-03`` as ``Mar 25``."""
    day = first_day(key)
    return f"{gettext(MONTH_NAMES[day.month - 1])} {day.year % 100:02d}"


def currency_note(currency: str, others: Sequence[CurrencyTotal]) -> str:
    """Which currency a spending chart is in, and what it leaves out."""
    note = gettext("In %(currency)s, the currency of most of your purchases.", currency=currency)
    if others:
        left = ", ".join(
            ngettext(
                "%(amount)s (%(num)d purchase)",
                "%(amount)s (%(num)d purchases)",
                t.purchases,
                amount=money_text(t.currency)(t.amount),
            )
            for t in others
        )
        note += " " + gettext("Not shown: %(left)s.", left=left)
    return note


def spending_per_month(spending: MonthlySpending) -> Markup | None:
    """Stacked bars of the months' spending by category, or ``None`` without purchases."""
    if spending.currency is None:
        return None
    return stacked_bars(
        "spending-month",
        gettext("Spending per month by category, %(currency)s", currency=spending.currency),
        [month_long(m) for m in spending.months],
        list(spending.by_category.items()),
        ticks=[month_short(m) for m in spending.months],
        value_text=money_text(spending.currency),
        caption=currency_note(spending.currency, spending.others),
    )


def spending_per_vendor(spending: VendorSpending) -> Markup | None:
    """Horizontal bars of spending per vendor, or ``None`` without purchases."""
    if spending.currency is None:
        return None
    return horizontal_bars(
        "spending-vendor",
        gettext("Spending per vendor, %(currency)s", currency=spending.currency),
        [(row.name, row.amount) for row in spending.vendors],
        value_text=money_text(spending.currency),
        caption=currency_note(spending.currency, spending.others),
    )


def cadence_sparklines(
    records: Iterable[Mapping[str, Any]], counts: Mapping[str, list[int]], today: date
) -> dict[str, Markup]:
    """A sparkline of interactions per month for each record, by record id."""
    months = last_months(today, CADENCE_MONTHS)
    return {
        record["id"]: sparkline(
            f"cadence-{record['id']}",
            gettext("Interactions per month with %(name)s", name=record["name"]),
            months,
            counts.get(record["id"], [0] * CADENCE_MONTHS),
        )
        for record in records
    }


def access_per_day(points: Sequence[tuple[str, int]], who: str) -> Markup:
    """The area chart of vendor API calls per day."""
    return area_chart(
        "access-per-day",
        ngettext(
            "API calls per day by %(who)s, last %(num)d day (UTC)",
            "API calls per day by %(who)s, last %(num)d days (UTC)",
            len(points),
            who=who,
        ),
        points,
    )
