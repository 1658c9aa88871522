"""Reading dates and amounts the way people's files write them, deciding once per file.

Dates: a ``strftime`` format when given (``%d/%m/%Y``), else the one format that fits
every date cell of the file among ISO (``2026-02-11``, with or without a time),
``DD.MM.YYYY``, ``MM/DD/YYYY`` and ``DD/MM/YYYY``. When ``11/02/2026`` could be either
of the last two and no cell of the file tells, that is an error asking for the format:
a date is never guessed.

Amounts: a currency symbol or ISO 4217 code before or after the number (``$7.99``,
``7,99 €``, ``EUR 12.50``), a sign (``-12.50``, ``12.50-``, ``(12.50)``, ``−12``),
thousands separators (``1.234,50``, ``1,234.50``, ``1 234,50``, ``1'234.50``). The
decimal separator is given (``.`` or ``,``) or read from the file: a cell with both
separators, or with one followed by other than three digits, shows it. A cell like
``1,234`` in a file that never shows its decimal separator is an error, not a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from pds.schemas.currencies import CODES

ISO = "%Y-%m-%d"
DOTTED = "%d.%m.%Y"
MONTH_FIRST = "%m/%d/%Y"
DAY_FIRST = "%d/%m/%Y"
_ISO_DAY = re.compile(
    r"^(\d{4}-\d{2}-\d{2})([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$"
)
_DOTTED_DAY = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")

SYMBOLS = {"€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₽": "RUB", "₺": "TRY"}
DOLLAR_LIKE = ("$", "US$", "CA$", "A$", "C$", "NZ$", "R$", "HK$", "S$", "Fr.", "CHF", "kr")
_MINUS = "-\u2212\u2013"
_AFFIX = re.compile(
    r"^(?P<pre>[^\d\s.,()+\u2212-]*)\s*(?P<num>.*?)\s*(?P<post>[^\d\s.,()+\u2212-]*)$"
)
_GROUP_CHARS = " \u00a0\u202f'’"
_NAMES = {".": "point", ",": "comma"}


class CellError(ValueError):
    """A cell that cannot be read; the message says why and what to write instead."""


# -- dates -----------------------------------------------------------------------------


def check_date_format(pattern: str) -> str:
    """``pattern`` if it is a usable ``strftime`` date format; ``CellError`` if not."""
    if not any(code in pattern for code in ("%d", "%j")) or "%" not in pattern:
        raise CellError(f"{pattern!r} is not a date format (e.g. %d.%m.%Y or %m/%d/%Y).")
    try:
        datetime(2026, 2, 11).strftime(pattern)
        datetime.strptime(datetime(2026, 2, 11).strftime(pattern), pattern)
    except ValueError as exc:
        raise CellError(f"{pattern!r} is not a date format: {exc}.") from None
    return pattern


def detect_date_format(cells: Iterable[str]) -> str | None:
    """The one format that fits every non-empty cell; ``None`` if no cell has a date.

    ``CellError`` when the slashed dates cannot tell day from month, or cells disagree.
    """
    values = [c.strip() for c in cells if c.strip()]
    if not values:
        return None
    kinds = {_kind(v) for v in values}
    if kinds == {ISO} or kinds == {DOTTED}:
        return kinds.pop()
    if kinds == {"slashed"}:
        return _slash_order(values)
    if None in kinds:
        return None  # each unreadable cell is reported on its own line
    raise CellError(
        "The dates are written in several ways (" + ", ".join(sorted(str(k) for k in kinds))
        + "); give --date-format."
    )  # fmt: skip


def _kind(value: str) -> str | None:
    if _ISO_DAY.match(value):
        return ISO
    if _DOTTED_DAY.match(value):
        return DOTTED
    if _SLASHED.match(value):
        return "slashed"
    return None


def _slash_order(values: list[str]) -> str:
    firsts, seconds = [], []
    for value in values:
        match = _SLASHED.match(value)
        assert match is not None
        firsts.append(int(match.group(1)))
        seconds.append(int(match.group(2)))
    day_first, month_first = max(firsts) > 12, max(seconds) > 12
    if day_first and not month_first:
        return DAY_FIRST
    if month_first and not day_first:
        return MONTH_FIRST
    example = values[0]
    raise CellError(
        f"Dates like {example} could be day/month or month/day and no date of the file"
        " tells; give --date-format %d/%m/%Y or %m/%d/%Y."
    )


def parse_date(text: str, pattern: str | None) -> str:
    """``text`` read with ``pattern`` (ISO and ``DD.MM.YYYY`` when none) as ``YYYY-MM-DD``."""
    text = text.strip()
    if not text:
        raise CellError("Missing data for required field.")
    iso = _ISO_DAY.match(text)
    if pattern in (None, ISO) and iso:
        return _checked(iso.group(1), ISO)
    if pattern is None:
        if _DOTTED_DAY.match(text):
            return _checked(text, DOTTED)
        raise CellError("Not a date (use YYYY-MM-DD or DD.MM.YYYY, or give --date-format).")
    return _checked(text, pattern)


def _checked(text: str, pattern: str) -> str:
    try:
        return datetime.strptime(text, pattern).date().isoformat()
    except ValueError:
        shown = pattern
        for code, name in (("%Y", "YYYY"), ("%m", "MM"), ("%d", "DD"), ("%y", "YY")):
            shown = shown.replace(code, name)
        raise CellError(f"Not a date, or not in the form {shown}.") from None


def as_day(value: date | datetime) -> str:
    return (value.date() if isinstance(value, datetime) else value).isoformat()


# -- amounts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Amount:
    """A number read from a cell, and the currency its symbol or code names (if any)."""

    value: Decimal
    currency: str | None = None
    symbol: str = ""

    @property
    def negative(self) -> bool:
        return self.value < 0

    def text(self) -> str:
        return format(self.value, "f")


def check_decimal(mark: str) -> str:
    if mark not in (".", ","):
        raise CellError("The decimal separator is . or , .")
    return mark


def detect_decimal(cells: Iterable[str]) -> str | None:
    """The decimal separator most cells show (``.`` or ``,``), ``None`` if none tells.

    A cell showing the other one is then an error on its own line; ``CellError`` when
    as many cells show one as the other.
    """
    seen: dict[str, list[str]] = {}
    for cell in cells:
        mark = _shown_decimal(_number_part(cell))
        if mark:
            seen.setdefault(mark, []).append(cell.strip())
    if len(seen) > 1 and len(seen["."]) == len(seen[","]):
        raise CellError(
            f"Amounts use both . ({seen['.'][0]}) and , ({seen[','][0]}) as decimal"
            " separator, as often; give --decimal."
        )
    return max(seen, key=lambda mark: len(seen[mark]), default=None)


def _number_part(cell: str) -> str:
    match = _AFFIX.match(cell.strip())
    number = match.group("num") if match else cell.strip()
    return number.strip("()+" + _MINUS).strip()


def _shown_decimal(number: str) -> str | None:
    if "." in number and "," in number:
        return "." if number.rfind(".") > number.rfind(",") else ","
    for mark in (".", ","):
        if number.count(mark) == 1 and len(number.rsplit(mark, 1)[1]) != 3:
            return mark
    return None


def parse_amount(text: str, decimal: str | None) -> Amount:
    """A cell as an ``Amount``; ``decimal`` is the file's decimal separator, if known."""
    cell = text.strip()
    if not cell:
        raise CellError("Missing data for required field.")
    match = _AFFIX.match(cell)
    if match is None or not any(char.isdigit() for char in cell):
        raise CellError("Not a number (write e.g. 12.50, 1.234,50 or $7.99).")
    currency, symbol = _currency(match.group("pre"), match.group("post"))
    body = match.group("num").strip()
    negative = False
    if body.startswith("(") and body.endswith(")"):
        negative, body = True, body[1:-1].strip()
    if body[:1] in _MINUS or body[-1:] in _MINUS:
        negative = True
        body = body[1:] if body[:1] in _MINUS else body[:-1]
    body = body.strip().lstrip("+").strip()
    value = _plain_number(body, decimal)
    return Amount(-value if negative else value, currency, symbol)


def _currency(prefix: str, suffix: str) -> tuple[str | None, str]:
    marks = [m for m in (prefix.strip(), suffix.strip()) if m]
    if len(marks) > 1:
        raise CellError("Not a number: a currency both before and after it.")
    if not marks:
        return None, ""
    mark = marks[0]
    if mark in SYMBOLS:
        return SYMBOLS[mark], mark
    if mark in DOLLAR_LIKE:
        return None, mark
    if re.fullmatch(r"[A-Z]{3}", mark):
        if mark not in CODES:
            raise CellError(f"Not a number: {mark} is not an ISO 4217 currency code.")
        return mark, mark
    raise CellError(f"Not a number: {mark!r} is neither a currency symbol nor a code.")


def _plain_number(body: str, decimal: str | None) -> Decimal:
    for char in _GROUP_CHARS:
        if char in body:
            body = _ungroup(body, char)
    mark = decimal or _shown_decimal(body)
    if mark is None and re.fullmatch(r"\d{1,3}([.,]\d{3})+", body):
        raise CellError(
            f"{body} could be a decimal or thousands; no amount of the file shows its"
            " decimal separator: give --decimal . or --decimal ,."
        )
    mark = mark or "."
    group = "," if mark == "." else "."
    tail = body.rsplit(group, 1)[-1]
    if group in body and body.rfind(group) > body.rfind(mark) and len(tail) != 3:
        raise CellError(
            f"Not a number here: {body} has a decimal {_NAMES[group]}; the file's amounts"
            f" have a decimal {_NAMES[mark]}."
        )
    if group in body:
        body = _ungroup(body, group)
    if body.count(mark) > 1:
        raise CellError("Not a number: more than one decimal separator.")
    if not re.fullmatch(r"\d+([.,]\d+)?", body):
        raise CellError("Not a number (write e.g. 12.50, 1.234,50 or $7.99).")
    try:
        value = Decimal(body.replace(mark, "."))
    except InvalidOperation:
        raise CellError("Not a number (write e.g. 12.50, 1.234,50 or $7.99).") from None
    if not value.is_finite():
        raise CellError("Not a number (write e.g. 12.50, 1.234,50 or $7.99).")
    return value


def _ungroup(body: str, char: str) -> str:
    """``body`` without the thousands separator ``char``, which must group by three."""
    cut = max(body.rfind(mark) for mark in ".," if mark != char)
    whole, rest = (body[:cut], body[cut:]) if cut >= 0 else (body, "")
    groups = whole.split(char)
    first, others = groups[0], groups[1:]
    if not (first.isdigit() and len(first) <= 3) or any(
        len(g) != 3 or not g.isdigit() for g in others
    ):
        raise CellError(f"Not a number: {body!r} has {char!r} where no thousands end.")
    return "".join(groups) + rest
