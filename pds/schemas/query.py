"""Listing parameters shared by every paged list: page size, cursor, direction, date range."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from pds.schemas.common import Id, Schema
from pds.schemas.temporal import Day

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class PageQuerySchema(Schema):
    """``limit`` records after ``cursor`` (the id of the last record of the previous page)."""

    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(1, MAX_LIMIT))
    cursor = Id()
    descending = fields.Boolean(load_default=True)


class DateRangeQuerySchema(PageQuerySchema):
    """A page of records dated from ``since`` to ``until``, both days included."""

    since = Day()
    until = Day()

    @validates_schema
    def _check_range(self, data: dict[str, Any], **_: Any) -> None:
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise ValidationError({"until": ["Must not be before since."]})


def day_bounds(since: date | None, until: date | None) -> tuple[str | None, str | None]:
    """Store range bounds (``start <= value < end``) for the days ``since`` to ``until``."""
    start = since.isoformat() if since else None
    end = (until + timedelta(days=1)).isoformat() if until else None
    return start, end
