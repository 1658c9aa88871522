"""Exact amounts and currencies.

Amounts are ``Decimal`` when loaded and plain decimal strings when stored
(``"12.50"``: fixed-point, no exponent, trailing zeros kept). Input may be a
``Decimal``, an ``int``, a decimal string with a dot (``"12.5"``, ``"-3"``) or a
float (converted through its shortest repr; strings are preferred).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import fields

from pds.schemas.currencies import CODES

_DECIMAL = re.compile(r"^[+-]?\d+(\.\d+)?$")
MAX_INTEGER_DIGITS = 12


def to_plain(value: Decimal) -> Decimal:
    """``value`` without an exponent: ``Decimal("1E+1")`` becomes ``Decimal("10")``."""
    exponent = value.as_tuple().exponent  # a letter for NaN and infinity
    return value.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else value


def plain_string(value: Decimal) -> str:
    return format(to_plain(value), "f")


class ExactDecimal(fields.Field[Decimal]):
    """A finite decimal with at most ``places`` decimals and 12 integer digits."""

    default_error_messages = {
        "invalid": "Not a valid decimal number (use digits and a dot, e.g. 12.50).",
        "places": "At most {places} decimal places.",
        "too_large": "At most {digits} digits before the decimal point.",
        "minimum": "Must be at least {minimum}.",
        "positive": "Must be greater than 0.",
    }

    def __init__(
        self,
        *,
        places: int,
        minimum: Decimal | None = None,
        positive: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.places = places
        self.minimum = minimum
        self.positive = positive

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        number = self._to_decimal(value)
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > self.places:
            raise self.make_error("places", places=self.places)
        if abs(number) >= Decimal(10) ** MAX_INTEGER_DIGITS:
            raise self.make_error("too_large", digits=MAX_INTEGER_DIGITS)
        if self.positive and number <= 0:
            raise self.make_error("positive")
        if self.minimum is not None and number < self.minimum:
            raise self.make_error("minimum", minimum=self.minimum)
        return number

    def _to_decimal(self, value: Any) -> Decimal:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, str):
            if not _DECIMAL.match(value.strip()):
                raise self.make_error("invalid")
            value = value.strip()
        elif isinstance(value, float):
            value = repr(value)
        elif not isinstance(value, int | Decimal):
            raise self.make_error("invalid")
        try:
            number = Decimal(value)
        except (InvalidOperation, ValueError):
            raise self.make_error("invalid") from None
        if not number.is_finite():
            raise self.make_error("invalid")
        if number.adjusted() >= MAX_INTEGER_DIGITS:
            raise self.make_error("too_large", digits=MAX_INTEGER_DIGITS)
        return to_plain(number)

    def _serialize(
        self, value: Decimal | None, attr: str | None, obj: Any, **kwargs: Any
    ) -> str | None:
        return None if value is None else plain_string(value)


class Currency(fields.Field[str]):
    """An ISO 4217 alphabetic code, upper case (``eur`` is accepted as ``EUR``)."""

    default_error_messages = {"invalid": "Not an ISO 4217 currency code (e.g. EUR)."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, str) and value.strip().upper() in CODES:
            return value.strip().upper()
        raise self.make_error("invalid")

    def _serialize(
        self, value: str | None, attr: str | None, obj: Any, **kwargs: Any
    ) -> str | None:
        return value
