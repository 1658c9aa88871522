"""Helpers the portal's forms share: flat field errors, tag lists, the records to pick from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pds.services import Services


def flat_errors(details: Mapping[str, Any], prefix: str = "") -> dict[str, list[str]]:
    """``{"items": {"0": {"unit_price": [...]}}}`` as ``{"items-0-unit_price": [...]}``,
    the names of the form's inputs, so each message can sit beside its field."""
    flat: dict[str, list[str]] = {}
    for key, value in details.items():
        name = f"{prefix}-{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            flat.update(flat_errors(value, name))
        elif isinstance(value, list | tuple):
            flat.setdefault(name, []).extend(str(m) for m in value)
        else:
            flat.setdefault(name, []).append(str(value))
    return flat


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
