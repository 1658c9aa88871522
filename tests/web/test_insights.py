"""The portal's insights: drift questions on the dashboard and /insights, answered through
CSRF-protected forms; tier labels; vendor engagement."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from pds.services import Services
from tests.conftest import csrf_of
from tests.historykit import add_fading_person


@pytest.fixture
def fading(services: Services) -> dict[str, Any]:
    """Weekly for twenty weeks, then three gaps of about a month (the last 5 days ago)."""
    return add_fading_person(services)


QUESTION = "You were in touch about weekly; the last three gaps were about monthly."


def test_dashboard_asks_and_keep_is_remembered(owner: FlaskClient, fading: dict[str, Any]) -> None:
    page = owner.get("/").get_data(as_text=True)
    assert QUESTION in page and f'href="/relationships/{fading["id"]}"' in page
    answered = owner.post(
        f"/insights/{fading['id']}/answer",
        data={"csrf_token": csrf_of(page), "decision": "keep", "back": "/"},
    )
    assert (answered.status_code, answered.headers["Location"]) == (303, "/")
    assert QUESTION not in owner.get("/").get_data(as_text=True)
    assert "No relationship departs from its own rhythm." in owner.get("/insights").get_data(
        as_text=True
    )


def test_answers_need_the_csrf_token(owner: FlaskClient, fading: dict[str, Any]) -> None:
    refused = owner.post(f"/insights/{fading['id']}/answer", data={"decision": "let_drift"})
    assert refused.status_code == 400
    assert QUESTION in owner.get("/insights").get_data(as_text=True)


def test_set_target_from_insights_and_its_errors(
    owner: FlaskClient, services: Services, fading: dict[str, Any]
) -> None:
    page = owner.get("/insights").get_data(as_text=True)
    token = csrf_of(page)
    bad = owner.post(
        f"/insights/{fading['id']}/answer",
        data={"csrf_token": token, "decision": "target", "every_days": "0"},
    )
    assert bad.status_code == 422
    assert (
        "every_days: Must be greater than or equal to 1 and less than or equal to 3650."
        in bad.get_data(as_text=True)
    )
    done = owner.post(
        f"/insights/{fading['id']}/answer",
        data={"csrf_token": token, "decision": "target", "every_days": "10"},
    )
    assert (done.status_code, done.headers["Location"]) == (303, "/insights")
    assert services.reminders.target_of(fading["id"]) == 10
    conflict = owner.post(
        f"/insights/{fading['id']}/answer", data={"csrf_token": token, "decision": "keep"}
    )
    assert conflict.status_code == 409
    assert "Ada Weekly has no drift question to keep" in conflict.get_data(as_text=True)


def test_tier_labels_and_engagement(
    owner: FlaskClient, services: Services, fading: dict[str, Any]
) -> None:
    shop = services.relationships.add(
        {"kind": "vendor", "name": "Corner Shop", "domain": "corner.example"}
    )
    services.purchases.add(
        {
            "vendor_id": shop["id"],
            "date": datetime.now(UTC).date().isoformat(),
            "total": "9.50",
            "currency": "EUR",
        }
    )
    page = owner.get("/insights").get_data(as_text=True)
    [tier] = services.insights.report().tiers
    assert "People tier 1" in page and tier.explanation() in page
    assert f'<a href="/relationships/{fading["id"]}">Ada Weekly</a>' in page  # a member
    assert "Corner Shop" in page and "9.50 EUR" in page
    saved = owner.post(
        f"/insights/tiers/{tier.id}/label", data={"csrf_token": csrf_of(page), "label": "close"}
    )
    assert saved.status_code == 303
    assert 'value="close"' in owner.get("/insights").get_data(as_text=True)
    too_long = owner.post(
        f"/insights/tiers/{tier.id}/label", data={"csrf_token": csrf_of(page), "label": "x" * 61}
    )
    assert too_long.status_code == 422
    assert "label: Longer than maximum length 60." in too_long.get_data(as_text=True)
    gone = owner.post(
        f"/insights/tiers/{fading['id']}/label", data={"csrf_token": csrf_of(page), "label": "y"}
    )
    assert gone.status_code == 404
    assert "No such tier (the tiers have changed)." in gone.get_data(as_text=True)
    assert services.insights.tier_labels() == {tier.id: "close"}  # bad input changed nothing


def test_drift_questions_explain_themselves(owner: FlaskClient, fading: dict[str, Any]) -> None:
    for page in (
        owner.get("/").get_data(as_text=True),
        owner.get("/insights").get_data(as_text=True),
    ):
        assert "the last three gaps between conversations were 29 to 31 days" in page
