"""Relationship insights in the portal: tiers of people and of organisations, each with
its members (the owner labels them), drift questions (keep / let it drift / set a
target), each explained with its numbers, and how engagement with each vendor moved."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from pds.errors import Conflict, NotFound, ValidationFailed
from pds.i18n import N_, gettext
from pds.services import Services
from pds.services.relationships.insights import Report
from pds.services.relationships.tier_memory import GROUP_TITLES
from pds.services.relationships.tiers import GROUPS
from pds.web.context import services
from pds.web.guard import portal_blueprint

bp = portal_blueprint("insights", __name__)
DECISION_WORDS = {
    "keep": N_("Kept as it is."),
    "let_drift": N_("Letting it drift."),
    "target": N_("Target set."),
}
MEMBERS_SHOWN = 20  # per tier; the rest are counted


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


def tier_rows(svc: Services, report: Report) -> dict[str, list[dict[str, Any]]]:
    """Per group (people, organisations), its tiers with their members' names."""
    rows: dict[str, list[dict[str, Any]]] = {group: [] for group in GROUPS}
    for tier in report.tiers:
        records = [r for r in map(svc.relationships.find, tier.members) if r is not None]
        records.sort(key=lambda r: (r["name"].casefold(), r["id"]))
        rows[tier.group].append(
            {
                "tier": tier,
                "members": records[:MEMBERS_SHOWN],
                "more": max(0, len(records) - MEMBERS_SHOWN),
            }
        )
    return rows


def _page(errors: Mapping[str, Any]) -> str:
    svc = services()
    report = svc.insights.report()
    drifts = drift_rows(svc)
    shown = {row["record"]["id"] for row in drifts} | {f"tier-{t.id}" for t in report.tiers}
    return render_template(
        "insights.html",
        groups=tier_rows(svc, report),
        titles=GROUP_TITLES,
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
        return _page({relationship_id: [gettext("No such relationship.")]}), 404
    flash(gettext(DECISION_WORDS[data["decision"].strip().lower()]))
    back = request.form.get("back", "")
    return redirect(url_for("portal.dashboard") if back == "/" else url_for("insights.index"), 303)


@bp.post("/insights/tiers/<tier_id>/label")
def label(tier_id: str) -> str | Response | tuple[str, int]:
    try:
        services().insights.label_tier(tier_id, request.form.get("label", ""))
    except ValidationFailed as exc:
        return _page({f"tier-{tier_id}": exc.lines() or [exc.message]}), 422
    except NotFound:
        return _page({f"tier-{tier_id}": [gettext("No such tier (the tiers have changed).")]}), 404
    flash(gettext("Tier label saved."))
    return redirect(url_for("insights.index"), 303)
