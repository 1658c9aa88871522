"""pds rel merge / unmerge: what moves is said first, confirmation, --yes, undo, errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pds.errors import NotFound, ValidationFailed
from tests.cli.conftest import Invoke


@pytest.fixture
def twins(on_disk: Callable[[], Any]) -> dict[str, Any]:
    """Jonas Becker, and "Jonas B." with two calls of his own."""
    with on_disk() as services:
        keep = services.relationships.add({"kind": "person", "name": "Jonas Becker"})
        other = services.relationships.add(
            {"kind": "person", "name": "Jonas B.", "emails": ["jb@example.org"]}
        )
        for day in ("2026-01-05", "2026-01-09"):
            services.interactions.log({"kind": "call", "date": day, "counterpart_id": other["id"]})
    return {"keep": keep, "other": other}


def _ids(on_disk: Callable[[], Any]) -> set[str]:
    with on_disk() as services:
        return {r["id"] for r in services.relationships.all_records()}


def test_merge_says_what_moves_and_asks(
    pds: Invoke, twins: dict[str, Any], on_disk: Callable[[], Any]
) -> None:
    refused = pds("rel", "merge", "Jonas Becker", "Jonas B.", input="n\n")
    assert refused.exit_code == 1
    assert "Merging Jonas B. into Jonas Becker: 2 interactions" in refused.output
    assert twins["other"]["id"] in _ids(on_disk)
    agreed = pds("rel", "merge", "Jonas Becker", twins["other"]["id"], input="y\n")
    assert agreed.exit_code == 0, agreed.output
    assert "merged Jonas B. into Jonas Becker" in agreed.output
    assert _ids(on_disk) == {twins["keep"]["id"]}
    with on_disk() as services:
        kept = services.relationships.get(twins["keep"]["id"])
        assert kept["emails"] == ["jb@example.org"]
        assert services.interactions.count_with(kept["id"]) == 2


def test_yes_merges_and_undo_separates_them_again(
    pds: Invoke, twins: dict[str, Any], on_disk: Callable[[], Any]
) -> None:
    merged = pds("rel", "merge", "Jonas Becker", "Jonas B.", "--yes")
    assert merged.exit_code == 0, merged.output
    undone = pds("rel", "merge", "--undo")
    assert undone.exit_code == 0, undone.output
    assert "Jonas B. is separate from Jonas Becker again" in undone.output
    assert _ids(on_disk) == {twins["keep"]["id"], twins["other"]["id"]}
    with on_disk() as services:
        assert services.interactions.count_with(twins["other"]["id"]) == 2
        assert services.relationships.get(twins["keep"]["id"]) == twins["keep"]
    again = pds("rel", "unmerge")
    assert again.exit_code == NotFound.exit_code
    assert "there is no merge to undo" in again.output


def test_bad_input_is_refused_and_changes_nothing(
    pds: Invoke, twins: dict[str, Any], on_disk: Callable[[], Any]
) -> None:
    itself = pds("rel", "merge", "Jonas Becker", twins["keep"]["id"], "--yes")
    assert itself.exit_code == ValidationFailed.exit_code
    assert "cannot be merged with itself" in itself.output
    unknown = pds("rel", "merge", "Jonas Becker", "Nobody At All", "--yes")
    assert unknown.exit_code == NotFound.exit_code
    assert "no relationship named 'Nobody At All'" in unknown.output
    missing = pds("rel", "merge", "Jonas Becker")
    assert missing.exit_code == 2 and "OTHER" in missing.output
    assert _ids(on_disk) == {twins["keep"]["id"], twins["other"]["id"]}
