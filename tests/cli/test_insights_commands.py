"""``pds insights``: tiers and drift questions, and answering them from the terminal."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest

from pds.services import Services
from tests.cli.conftest import Invoke
from tests.historykit import add_fading_person


@pytest.fixture
def fading(on_disk: Callable[[], AbstractContextManager[Services]]) -> dict[str, Any]:
    with on_disk() as services:
        return add_fading_person(services, kind="call")


def test_insights_lists_tiers_and_questions_then_keep_dismisses(
    pds: Invoke, fading: dict[str, Any]
) -> None:
    text = pds("insights").output
    data = json.loads(pds("insights", "--json").output)
    [tier] = data["tiers"]
    assert f"People tier 1 [{tier['id']}]: 1 person, in touch about weekly" in text
    assert "\n  Ada Weekly\n" in text  # its members
    assert tier["members"] == [{"id": fading["id"], "name": "Ada Weekly"}]
    assert f"Ada Weekly [{fading['id']}]" in text
    assert "You were in touch about weekly; the last three gaps were about monthly." in text
    assert "  24 contacts from " in text  # the numbers behind the question
    assert [q["relationship_id"] for q in data["drift"]] == [fading["id"]]
    assert data["drift"][0]["explanation"].endswith("longer than 7 days.")
    kept = pds("insights", "--keep", fading["id"])
    assert (kept.exit_code, kept.output) == (0, f"keep: {fading['id']}\n")
    assert pds("insights").output.endswith("No relationship departs from its own rhythm.\n")
    again = pds("insights", "--keep", fading["id"])
    assert again.exit_code != 0 and "Ada Weekly has no drift question to keep" in again.output
