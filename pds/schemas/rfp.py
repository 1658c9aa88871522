"""Personal RFPs (intentcasting): what the owner wants to buy, and what vendors offer.

An RFP names what (title, description, category, structured ``requirements``), for how
much (``budget``: exact ``min``/``max`` in one currency), by when (``deadline``), how
many (``quantity``), roughly where (``location_hint``: a country, optionally a region),
who may answer (``visibility``: ``public``, or ``chosen`` with ``chosen_vendors``) and
which of the owner's preferences go with it (``disclosure``: keys only; the values are
read at publish time). These are the fields the owner writes; the service keeps the
rest (status, pseudonym, history).

A requirement is ``{key, operator, value}``; the operator decides what the value is:
``eq``/``ne`` one value, ``lt``/``le``/``gt``/``ge`` a number, ``in`` a list of values,
``before``/``after`` a date (``YYYY-MM-DD``).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from pds.schemas.common import Choice, Label, ScalarOrList, Schema, Text, UniqueList
from pds.schemas.money import Currency, ExactDecimal
from pds.schemas.preference import PreferenceKey
from pds.schemas.purchase import LineItemSchema
from pds.schemas.temporal import Day, Instant, parse_day

OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "before", "after")
NUMBER_OPERATORS = ("lt", "le", "gt", "ge")
DATE_OPERATORS = ("before", "after")
VISIBILITIES = ("public", "chosen")
STATUSES = ("draft", "open", "awarded", "closed", "expired", "withdrawn")
MAX_REQUIREMENTS = 50
MAX_LIST = 50
MAX_CHOSEN = 100
MAX_QUANTITY = 1_000_000
_REQUIREMENT_KEY = re.compile(r"^[a-z][a-z0-9_.]*$")

# ISO 3166-1 alpha-2 codes officially assigned (as tzdata's iso3166.tab lists them).
COUNTRIES: frozenset[str] = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO
    BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ
    DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP
    GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG
    KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML
    MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE
    PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL
    SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM
    US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
    """.split()  # noqa: SIM905 - a table is easier to check than 249 quoted strings
)


class RequirementKey(Text):
    default_error_messages = {"key": "Must be a lower-case word like size or delivery_before."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=64, lower=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not _REQUIREMENT_KEY.match(text):
            raise self.make_error("key")
        return text


class RequirementValue(ScalarOrList):
    """A string, finite number, boolean or date, or a list of them (the operator decides)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_text=200, max_items=MAX_LIST, **kwargs)

    def _scalar(self, value: Any, attr: str | None, data: Any) -> Any:
        return value if isinstance(value, date) else super()._scalar(value, attr, data)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        return super()._serialize(value, attr, obj, **kwargs)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def operand_error(operator: str, value: Any) -> str | None:
    """Why ``value`` does not suit ``operator``, or ``None`` if it does."""
    if operator == "in":
        return None if isinstance(value, list) and value else "The in operator needs a list."
    if isinstance(value, list):
        return f"The {operator} operator needs a single value, not a list."
    if operator in NUMBER_OPERATORS and not _is_number(value):
        return f"The {operator} operator needs a number."
    if operator in DATE_OPERATORS:
        try:
            parse_day(value)
        except ValueError:
            return f"The {operator} operator needs a date (YYYY-MM-DD)."
    return None


class RequirementSchema(Schema):
    key = RequirementKey(required=True)
    operator = Choice(OPERATORS, required=True)
    value = RequirementValue(required=True)

    @validates_schema
    def _check_operand(self, data: dict[str, Any], **_: Any) -> None:
        if "operator" not in data or "value" not in data:
            return  # reported already
        problem = operand_error(data["operator"], data["value"])
        if problem:
            raise ValidationError({"value": [problem]})

    @post_load
    def _dates(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if data["operator"] in DATE_OPERATORS:
            data["value"] = parse_day(data["value"])
        return data


class BudgetSchema(Schema):
    min = ExactDecimal(places=6, minimum=Decimal(0))
    max = ExactDecimal(places=6, minimum=Decimal(0), required=True)
    currency = Currency(required=True)

    @validates_schema
    def _ordered(self, data: dict[str, Any], **_: Any) -> None:
        if "min" in data and "max" in data and data["min"] > data["max"]:
            raise ValidationError({"min": ["Must not be more than max."]})


class Country(Text):
    """An ISO 3166-1 alpha-2 code, upper case (``de`` is accepted as ``DE``)."""

    default_error_messages = {"country": "Not an ISO 3166-1 alpha-2 country code (e.g. DE)."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=2, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str) or value.strip().upper() not in COUNTRIES:
            raise self.make_error("country")
        return value.strip().upper()


class LocationHintSchema(Schema):
    country = Country(required=True)
    region = Text(max_length=100)


class RfpSchema(Schema):
    """The fields of an RFP that the owner writes."""

    title = Text(max_length=200, required=True)
    description = Text(max_length=4000, multiline=True)
    category = Label(required=True)
    requirements = fields.List(
        fields.Nested(RequirementSchema), validate=validate.Length(max=MAX_REQUIREMENTS)
    )
    budget = fields.Nested(BudgetSchema, required=True)
    deadline = Instant(required=True)
    quantity = fields.Integer(
        strict=True, load_default=1, validate=validate.Range(min=1, max=MAX_QUANTITY)
    )
    location_hint = fields.Nested(LocationHintSchema)
    visibility = Choice(VISIBILITIES, load_default="public")
    chosen_vendors = UniqueList(Text(max_length=128), validate=validate.Length(max=MAX_CHOSEN))
    disclosure = UniqueList(PreferenceKey(), validate=validate.Length(max=MAX_LIST))
    reveal_identity = fields.Boolean(load_default=False)

    @validates_schema
    def _chosen(self, data: dict[str, Any], **_: Any) -> None:
        chosen = data.get("chosen_vendors")
        if data.get("visibility") == "chosen" and not chosen:
            raise ValidationError({"chosen_vendors": ["Name at least one vendor."]})
        if data.get("visibility") == "public" and chosen:
            raise ValidationError({"chosen_vendors": ["Only for visibility chosen."]})


class OfferSchema(Schema):
    """The fields of an offer that the vendor writes."""

    price = ExactDecimal(places=6, minimum=Decimal(0), required=True)
    currency = Currency(required=True)
    line_items = fields.List(fields.Nested(LineItemSchema), validate=validate.Length(max=200))
    delivery_date = Day(required=True)
    conditions = Text(max_length=4000, multiline=True)
    valid_until = Instant()
    message = Text(max_length=4000, multiline=True)

    @validates_schema
    def _item_currency(self, data: dict[str, Any], **_: Any) -> None:
        currency = data.get("currency")
        mismatched = {
            index: {"currency": ["Must match the offer currency."]}
            for index, item in enumerate(data.get("line_items") or [])
            if currency and item.get("currency", currency) != currency
        }
        if mismatched:
            raise ValidationError({"line_items": mismatched})

    @post_load
    def _complete(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        for item in data.get("line_items") or []:
            item.setdefault("currency", data["currency"])
        return data


class RfpQuerySchema(Schema):
    status = Choice(STATUSES)
    category = Label()


class QuestionSchema(Schema):
    text = Text(max_length=2000, multiline=True, required=True)
