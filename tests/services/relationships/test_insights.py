"""services.insights over a real store: drift questions and the owner's answers, tier
labels, depth weights, vendor engagement."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from pds.errors import Conflict, NotFound, ValidationFailed
from pds.services import Services
from tests.historykit import FADING_GAPS, log_gaps
from tests.services.conftest import START, FakeClock, audit_events

TODAY = START.date()
CALL = {"kind": "call", "channel": "phone"}


@pytest.fixture
def fading(services: Services, person: dict[str, Any]) -> dict[str, Any]:
    """Weekly for twenty weeks, then three gaps of about a month (the last 5 days ago)."""
    log_gaps(services, person, FADING_GAPS, TODAY - timedelta(days=5), **CALL)
    return person


def test_recompute_gives_cadence_tier_and_the_drift_question(
    services: Services, fading: dict[str, Any]
) -> None:
    report = services.insights.recompute()
    assert report.cadences[fading["id"]].rhythm == "about weekly"
    [tier] = report.tiers  # too few to cluster: one tier, of people
    assert (tier.name, tier.members, report.tier_of[fading["id"]]) == (
        "People tier 1",
        (fading["id"],),
        tier,
    )
    [question] = report.drifts
    assert question.relationship_id == fading["id"]
    assert question.drift.question() == (
        "You were in touch about weekly; the last three gaps were about monthly. "
        "Keep it, let it drift, or set a target?"
    )
    one = services.insights.for_relationship(fading["id"])
    assert one["cadence"]["rhythm"] == "about weekly" and one["drift"]["evidence"] == "gaps"
    assert one["drift"]["explanation"].startswith("24 contacts from")
    assert one["tier"] == {
        "id": tier.id,
        "name": "People tier 1",
        "label": None,
        "explanation": tier.explanation(),
    }


def test_keep_is_remembered_until_the_drift_changes_materially(
    services: Services, fading: dict[str, Any], clock: FakeClock, store: Any
) -> None:
    answer = services.insights.answer(fading["id"], {"decision": "keep"})
    assert answer["decision"] == "keep" and answer["recent_days"] == 30
    assert services.insights.report().drifts == []
    assert audit_events(store)[-1] == {
        "actor": "owner",
        "action": "insight.keep",
        "target": fading["id"],
    }
    clock.advance(days=145)  # 150 days of silence: under the longest gap (31) + 120
    assert services.insights.report().drifts == []
    clock.advance(days=1)  # 151 days: past it, and far from the month dismissed
    [again] = services.insights.report().drifts
    assert again.drift.evidence == "silence" and again.drift.recent_days == 151


def test_let_it_drift_stops_the_questions(
    services: Services, fading: dict[str, Any], clock: FakeClock
) -> None:
    services.insights.answer(fading["id"], {"decision": "let_drift"})
    clock.advance(days=400)
    assert services.insights.report().drifts == []
    services.insights.forget_answer(fading["id"])
    assert [q.relationship_id for q in services.insights.report().drifts] == [fading["id"]]


def test_set_target_hands_over_to_the_reminders(services: Services, fading: dict[str, Any]) -> None:
    answer = services.insights.answer(fading["id"], {"decision": "target", "every_days": "14"})
    assert (answer["every_days"], answer["target_set"]) == (14, True)
    assert services.reminders.target_of(fading["id"]) == 14
    assert services.insights.report().drifts == []
    assert services.insights.answers()[fading["id"]]["decision"] == "target"


def test_answer_errors(services: Services, fading: dict[str, Any], person: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as bad:
        services.insights.answer(fading["id"], {"decision": "ignore"})
    assert bad.value.details == {"decision": ["Must be one of: keep, let_drift, target."]}
    with pytest.raises(ValidationFailed) as no_days:
        services.insights.answer(fading["id"], {"decision": "target"})
    assert no_days.value.details == {"every_days": ["A target needs a number of days."]}
    with pytest.raises(NotFound):
        services.insights.answer("0190a000-0000-7000-8000-000000000000", {"decision": "keep"})
    other = services.relationships.add({"kind": "person", "name": "Quiet Quinn"})
    with pytest.raises(Conflict) as conflict:
        services.insights.answer(other["id"], {"decision": "keep"})
    assert str(conflict.value) == "Quiet Quinn has no drift question to keep"


def test_no_question_about_an_ended_paused_or_blocked_relationship(
    services: Services, fading: dict[str, Any]
) -> None:
    for status in ("ended", "paused", "blocked"):
        services.relationships.update(fading["id"], {"status": status})
        assert services.insights.report().drifts == [], status
    services.relationships.update(fading["id"], {"status": "active"})
    assert [q.relationship_id for q in services.insights.report().drifts] == [fading["id"]]


def test_tier_labels_are_stored_by_tier_id_and_cleared(
    services: Services, fading: dict[str, Any], store: Any
) -> None:
    [tier] = services.insights.report().tiers
    assert services.insights.label_tier(tier.id, "close friends") == {tier.id: "close friends"}
    assert services.insights.report().tiers[0].title == "close friends"
    assert audit_events(store)[-1] == {
        "actor": "owner",
        "action": "insight.tier_label",
        "target": tier.id,
    }
    with pytest.raises(ValidationFailed) as bad:
        services.insights.label_tier("2", "x")
    assert bad.value.details == {"tier": ["Not a valid id (expected a UUIDv7)."]}
    with pytest.raises(ValidationFailed) as too_long:
        services.insights.label_tier(tier.id, "x" * 61)
    assert too_long.value.details == {"label": ["Longer than maximum length 60."]}
    with pytest.raises(NotFound):
        services.insights.label_tier(fading["id"], "a relationship is not a tier")
    assert services.insights.tier_labels() == {tier.id: "close friends"}  # bad input: no change
    assert services.insights.label_tier(tier.id, "") == {}


def test_depth_weights_are_the_owners(services: Services, person: dict[str, Any]) -> None:
    log_gaps(services, person, [7] * 5, TODAY, **CALL)
    assert services.insights.recompute().cadences[person["id"]].depth == pytest.approx(0.72)
    weights = services.insights.set_depth_weights(
        {"kinds": {"call": 0.5}, "channels": {"phone": 1}}
    )
    assert (weights.kinds["call"], weights.channels["phone"], weights.kinds["meeting"]) == (
        0.5,
        1.0,
        1.0,
    )
    assert services.insights.recompute().cadences[person["id"]].depth == pytest.approx(0.5)
    with pytest.raises(ValidationFailed) as bad:
        services.insights.set_depth_weights({"kinds": {"call": 2}})
    assert bad.value.details == {
        "kinds": {
            "call": {
                "value": ["Must be greater than or equal to 0.0 and less than or equal to 1.0."]
            }
        }
    }
    assert services.insights.reset_depth_weights().kinds["call"] == 0.8


def test_vendor_engagement_moves_by_quarter(services: Services, vendor: dict[str, Any]) -> None:
    for month, count in ((4, 4), (7, 3), (10, 1), (1, 0)):
        year = 2025 if month == 1 else 2024
        for i in range(count):
            services.purchases.add(
                {
                    "vendor_id": vendor["id"],
                    "date": f"{year}-{month:02d}-{10 + i}",
                    "total": "20.00",
                    "currency": "EUR",
                }
            )
    services.interactions.log(
        {"kind": "complaint", "counterpart_id": vendor["id"], "date": "2025-01-20"}
    )
    services.interactions.log(
        {"kind": "complaint", "counterpart_id": vendor["id"], "date": "2025-02-20"}
    )
    [(record, found)] = services.insights.engagement(periods=4)
    assert record["id"] == vendor["id"]
    assert [p.label for p in found.periods] == ["2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1"]
    assert [p.counts["purchases"] for p in found.periods] == [4, 3, 1, 0]
    assert [str(p.spending.get("EUR", 0)) for p in found.periods] == [
        "80.00",
        "60.00",
        "20.00",
        "0",
    ]
    assert found.trends["purchases"] == "down" and found.signals == ("fading", "souring")
    with pytest.raises(ValidationFailed) as bad:
        services.insights.engagement(periods=1)
    assert bad.value.details == {"periods": ["Must be between 2 and 40."]}
