"""Helpers the portal's forms share: tag lists, the records to pick from."""

from __future__ import annotations

from typing import Any

from pds.services import Services


def tag_list(text: str) -> list[str]:
    """Tags typed as ``a, b; c`` as a list (blank ones dropped)."""
    return [tag.strip() for tag in text.replace(";", ",").split(",") if tag.strip()]


def all_relationships(services: Services, kind: str | None = None) -> list[dict[str, Any]]:
    """Every relationship (of ``kind``), by name, paging through the store."""
    records: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = services.relationships.list(kind=kind, limit=500, cursor=cursor)
        records.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return sorted(records, key=lambda r: r["name"].casefold())
