"""Interactions: the relationship log, per counterpart, by kind and date range."""

from __future__ import annotations

from typing import Any

import pytest

from pds.errors import NotFound, ValidationFailed
from pds.services import Services
from pds.store import new_id


def test_log_and_get(services: Services, person: dict[str, Any]) -> None:
    entry = services.interactions.log(
        {
            "kind": "Call",
            "date": "2025-02-01T18:30:00+01:00",
            "channel": "phone",
            "counterpart_id": person["id"],
            "note": "Talked about\nthe trip",
        }
    )
    assert entry["kind"] == "call"
    assert entry["date"] == "2025-02-01T17:30:00Z"
    assert services.interactions.get(entry["id"]) == entry


def test_log_checks_references(services: Services, person: dict[str, Any]) -> None:
    cases = [
        ({"counterpart_id": new_id()}, {"counterpart_id": ["No relationship with this id."]}),
        (
            {"counterpart_id": person["id"], "purchase_id": new_id()},
            {"purchase_id": ["No purchase with this id."]},
        ),
    ]
    for fields, details in cases:
        with pytest.raises(ValidationFailed) as caught:
            services.interactions.log({"kind": "meeting", "date": "2025-01-01", **fields})
        assert caught.value.details == details
    with pytest.raises(ValidationFailed) as caught:
        services.interactions.log({"kind": "poke", "date": "someday", "channel": "pigeon"})
    assert set(caught.value.details) == {"kind", "date", "channel", "counterpart_id"}


def test_list_per_counterpart_kind_and_range(
    services: Services, person: dict[str, Any], vendor: dict[str, Any]
) -> None:
    log = services.interactions
    log.log_many(
        [
            {"kind": "conversation", "date": "2025-01-05", "counterpart_id": person["id"]},
            {"kind": "call", "date": "2025-01-06T23:59:59Z", "counterpart_id": person["id"]},
            {"kind": "call", "date": "2025-01-07T00:00:00Z", "counterpart_id": person["id"]},
            {"kind": "support", "date": "2025-01-06", "counterpart_id": vendor["id"]},
        ]
    )
    mine = log.list(counterpart_id=person["id"]).items
    assert [e["date"] for e in mine] == [
        "2025-01-07T00:00:00Z",
        "2025-01-06T23:59:59Z",
        "2025-01-05",
    ]
    assert [e["kind"] for e in log.list(kind="call").items] == ["call", "call"]
    on_the_6th = log.list(since="2025-01-06", until="2025-01-06", descending=False).items
    assert [e["kind"] for e in on_the_6th] == ["support", "call"]
    assert log.list(counterpart_id=new_id()) == ([], None)
    with pytest.raises(ValidationFailed):
        log.list(until="2025-01-01", since="2025-02-01")


def test_update_and_delete(services: Services, person: dict[str, Any]) -> None:
    entry = services.interactions.log(
        {"kind": "message", "date": "2025-01-05", "counterpart_id": person["id"]}
    )
    changed = services.interactions.update(entry["id"], {"note": "Sent the photos"})
    assert changed["note"] == "Sent the photos"
    with pytest.raises(ValidationFailed):
        services.interactions.update(entry["id"], {"counterpart_id": new_id()})
    services.interactions.delete(entry["id"])
    with pytest.raises(NotFound):
        services.interactions.get(entry["id"])
