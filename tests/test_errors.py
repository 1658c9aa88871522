"""The one error hierarchy: ``ValidationFailed`` flattens its own details (for forms,
the command line, the OAuth error format), and every exit code means one thing."""

from __future__ import annotations

from pds.errors import (
    ConfigError,
    PdsError,
    StoreLocked,
    ValidationFailed,
    error_classes,
    exit_codes,
)

DETAILS = {
    "date": ["Not a valid date.", "Missing."],
    "items": {"0": {"unit_price": ["Not a number."]}, 2: {"quantity": ["Too many."]}},
    "budget": {"currency": "Cannot be changed."},
}


def test_flat_joins_the_paths_of_nested_fields() -> None:
    error = ValidationFailed("invalid purchase", DETAILS)
    assert error.flat() == {
        "date": ["Not a valid date.", "Missing."],
        "items.0.unit_price": ["Not a number."],
        "items.2.quantity": ["Too many."],
        "budget.currency": ["Cannot be changed."],
    }
    assert list(error.flat("-")) == [
        "date",
        "items-0-unit_price",
        "items-2-quantity",
        "budget-currency",
    ]


def test_messages_and_lines() -> None:
    error = ValidationFailed("invalid purchase", DETAILS)
    assert error.messages() == [
        "Not a valid date.",
        "Missing.",
        "Not a number.",
        "Too many.",
        "Cannot be changed.",
    ]
    assert error.lines() == [
        "date: Not a valid date.",
        "date: Missing.",
        "items: 0: unit_price: Not a number.",
        "items: 2: quantity: Too many.",
        "budget: currency: Cannot be changed.",
    ]
    assert ValidationFailed("passphrases do not match").lines() == []


def test_every_exit_code_means_one_thing() -> None:
    table = exit_codes()
    for error in error_classes():
        assert table[error.exit_code] == error.exit_meaning, error.__name__
    assert table[PdsError.exit_code] == "general"
    assert (table[2], table[3], table[11]) == (
        "invalid input",
        ConfigError.exit_meaning,
        StoreLocked.exit_meaning,
    )
