"""Dates and amounts in the owner's time zone and language (pds/web/owner_locale.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from pds.i18n import written_in
from pds.web.owner_locale import AmountUnclear, OwnerLocale

BERLIN_GB = OwnerLocale.of({"zoneinfo": "Europe/Berlin", "locale": "en-GB"})
BERLIN_DE = OwnerLocale.of({"zoneinfo": "Europe/Berlin", "locale": "de-DE"})


def test_instants_are_shown_in_the_owners_zone_and_format() -> None:
    assert BERLIN_GB.when("2026-12-03T06:33:00Z") == "3 Dec 2026, 07:33"
    assert BERLIN_GB.when("2026-07-03T06:33:00+00:00") == "3 Jul 2026, 08:33"  # summer time
    assert BERLIN_DE.when(datetime(2026, 12, 3, 6, 33, tzinfo=UTC)) == "03.12.2026, 07:33"
    assert BERLIN_GB.when(None) == ""


def test_days_are_shown_in_the_owners_format() -> None:
    assert BERLIN_GB.day("2025-05-04") == "4 May 2025"
    assert BERLIN_GB.day("2026-12-31T23:30:00Z") == "1 Jan 2027"  # already the next day there
    assert BERLIN_DE.day("2025-05-04") == "04.05.2025"


def test_a_profile_without_zone_or_language_reads_utc_and_english() -> None:
    plain = OwnerLocale.of({})
    assert plain.when("2026-12-03T06:33:00Z") == "3 Dec 2026, 06:33"
    assert plain.zone_name == "UTC"
    broken = OwnerLocale.of({"zoneinfo": "Mars/Olympus", "locale": "xx-??"})
    assert broken.zone.key == "UTC" and str(broken.locale) == "en_GB"
    assert BERLIN_GB.zone_name == "Central European Time"


def test_datetime_inputs_take_the_owners_zone() -> None:
    assert BERLIN_GB.local_input("2026-12-03T06:33:00Z") == "2026-12-03T07:33"


def test_amounts_are_shown_in_the_owners_format() -> None:
    assert BERLIN_GB.amount("1234.5", "EUR") == "€1,234.50"
    assert BERLIN_DE.amount("1234.5", "EUR") == "1.234,50\xa0€"
    assert BERLIN_GB.amount("7") == "7.00"


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("120,00", "120.00"),
        ("120.00", "120.00"),
        ("120", "120"),
        ("0,5", "0.5"),
        ("1,234.50", "1234.50"),
        ("1 234,50", "1234.50"),  # spaces group digits in any locale
        ("12.3.4", None),
    ],
)
def test_amounts_are_read_as_typed_in_english(text: str, amount: str | None) -> None:
    if amount is None:
        with pytest.raises(AmountUnclear, match="Not an amount"):
            BERLIN_GB.parse_amount(text)
    else:
        assert BERLIN_GB.parse_amount(text) == Decimal(amount)


def test_amounts_are_read_as_typed_in_german() -> None:
    assert BERLIN_DE.parse_amount("1.234,50") == Decimal("1234.50")
    assert BERLIN_DE.parse_amount("120,00") == Decimal("120.00")


def test_an_amount_that_reads_two_ways_is_refused_precisely() -> None:
    with pytest.raises(AmountUnclear, match="1,000 could be a thousand or a fraction") as unclear:
        BERLIN_GB.parse_amount("1,000")
    assert unclear.value.ambiguous
    with pytest.raises(AmountUnclear) as not_a_number:
        BERLIN_GB.parse_amount("lots")
    assert not not_a_number.value.ambiguous


def test_a_german_page_writes_german_dates_and_amounts_in_the_owners_zone() -> None:
    page = BERLIN_GB.on_page("de")
    assert str(page.locale) == "de"  # there is no German of Great Britain: German's own
    assert page.when("2026-12-03T06:33:00Z") == "3. Dez. 2026, 07:33"
    assert page.day("2026-12-03") == "3. Dez. 2026"
    assert page.amount("24.9", "EUR") == "24,90\xa0€"
    assert page.amount("1234.5") == "1.234,50"
    assert page.zone_name == "Mitteleuropäische Zeit"
    assert page.parse_amount("1.234,50") == Decimal("1234.50")


def test_a_german_page_keeps_the_owners_region() -> None:
    swiss = OwnerLocale.of({"locale": "en-CH"}).on_page("de")
    assert str(swiss.locale) == "de_CH"
    assert swiss.amount("1234.5") == "1'234.50"
    assert str(BERLIN_DE.on_page("de").locale) == "de_DE"
    assert BERLIN_DE.on_page("de").day("2025-05-04") == "4. Mai 2025"


def test_an_english_page_keeps_the_profiles_locale_as_it_is() -> None:
    assert BERLIN_GB.on_page("en") == BERLIN_GB
    assert BERLIN_DE.on_page("en").day("2025-05-04") == "04.05.2025"
    assert BERLIN_GB.on_page(None) == BERLIN_GB


def test_amounts_are_refused_in_the_pages_language() -> None:
    with written_in("de"), pytest.raises(AmountUnclear, match="Kein Betrag: Schreiben Sie"):
        BERLIN_GB.on_page("de").parse_amount("lots")
