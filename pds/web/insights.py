"""Relationship insights in the portal: tiers (the owner labels them), drift questions
(keep / let it drift / set a target) and how engagement with each vendor moved."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from pds.errors import Conflict, NotFound, ValidationFailed
from pds.services import Services
from pds.web.context import services
from pds.web.guard import portal_blueprint

bp = portal_blueprint("insights", __name__)
DECISION_WORDS = {"keep": "Kept as it is", "let_drift": "Letting it drift", "target": "Target set"}


def drift_rows(svc: Services, limit: int | None = None) -> list[dict[str, Any]]:
    """The open drift questions with their relationship's name, most confident first."""
    rows = []
    for question in svc.insights.report().drifts[:limit]:
        record = svc.relationships.find(question.relationship_id)
        if record is not None:
            rows.append({"record": record, "drift": question.drift})
    return rows


@bp.get("/insights")
def index() -> str:
    return _page({})


def _page(errors: Mapping[str, Any]) -> str:
    svc = services()
    report = svc.insights.report()
    drifts = drift_rows(svc)
    shown = {row["record"]["id"] for row in drifts} | {
        f"tier-{t.number}" for t in report.tiers.tiers
    }
    return render_template(
        "insights.html",
        report=report,
        drifts=drifts,
        other_errors=[m for key, msgs in errors.items() if key not in shown for m in msgs],
        engagement=svc.insights.engagement(),
        errors=errors,
    )


@bp.post("/insights/<relationship_id>/answer")
def answer(relationship_id: str) -> str | Response | tuple[str, int]:
    data = {"decision": request.form.get("decision", "")}
    if request.form.get("every_days", "").strip():
        data["every_days"] = request.form["every_days"].strip()
    try:
        services().insights.answer(relationship_id, data)
    except ValidationFailed as exc:
        return _page({relationship_id: exc.lines() or [exc.message]}), 422
    except Conflict as exc:
        return _page({relationship_id: [exc.message]}), 409
    except NotFound:
        return _page({relationship_id: ["No such relationship."]}), 404
    flash(f"{DECISION_WORDS[data['decision'].strip().lower()]}.")
    back = request.form.get("back", "")
    return redirect(url_for("portal.dashboard") if back == "/" else url_for("insights.index"), 303)


@bp.post("/insights/tiers/<int:tier>/label")
def label(tier: int) -> str | Response | tuple[str, int]:
    try:
        services().insights.label_tier(tier, request.form.get("label", ""))
    except ValidationFailed as exc:
        return _page({f"tier-{tier}": exc.lines() or [exc.message]}), 422
    flash(f"Tier {tier} label saved.")
    return redirect(url_for("insights.index"), 303)
