"""Cursor pagination: a page of records and the cursor that continues after it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from pds.errors import ValidationFailed
from pds.store import Collection


class Page(NamedTuple):
    """``items`` of one page; ``next_cursor`` continues after them (``None``: no more)."""

    items: list[dict[str, Any]]
    next_cursor: str | None


def fetch_page(
    collection: Collection,
    *,
    limit: int,
    cursor: str | None = None,
    descending: bool = True,
    where: Mapping[str, Any] | None = None,
    start: str | None = None,
    end: str | None = None,
    predicate: Callable[[dict[str, Any]], bool] | None = None,
) -> Page:
    """Query one page (one record more than ``limit``, to know whether another page follows)."""
    try:
        rows = collection.query(
            where=dict(where) if where else None,
            start=start,
            end=end,
            descending=descending,
            limit=limit + 1,
            after=cursor,
            predicate=predicate,
        )
    except ValidationFailed as exc:
        if "after" in exc.details:
            raise unknown_cursor() from None
        raise
    if len(rows) > limit:
        return Page(rows[:limit], rows[limit - 1]["id"])
    return Page(rows, None)


def unknown_cursor() -> ValidationFailed:
    """The one answer to a cursor that names no record the caller may page from."""
    return ValidationFailed(
        "unknown cursor",
        {"cursor": ["Unknown cursor (its record may have been deleted); start over."]},
    )
