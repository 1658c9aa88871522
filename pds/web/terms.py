"""The owner's personal terms in the portal: read the version in force, publish a new one."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from pds.errors import ValidationFailed
from pds.i18n import N_, gettext, ngettext
from pds.web.context import services
from pds.web.guard import portal_blueprint
from policies.terms import MAX_CLAUSES, PURPOSES, SWITCHES, clause_id_for, summary

bp = portal_blueprint("terms", __name__)
_WHOLE_NUMBER = re.compile(r"^-?[0-9]{1,9}$")
#: What each yes/no term allows, as the form's checkbox labels.
SWITCH_LABELS = {
    "onward_sharing": N_("Vendors may share my data with others"),
    "tracking": N_("Vendors may track me on their sites and apps"),
    "profiling": N_("Vendors may build a profile of me"),
    "marketing": N_("Vendors may send me marketing I did not ask for"),
}


@bp.route("/settings/terms", methods=["GET", "POST"])
def edit() -> str | Response | tuple[str, int]:
    terms = services().terms
    if request.method == "POST":
        data, draft = _from_form(request.form)
        try:
            published = terms.publish(data, actor="owner")
        except ValidationFailed as exc:
            return _page(draft, exc.details), 422
        flash(
            gettext("Version %(version)s of your terms is published.", version=published["version"])
        )
        return redirect(url_for("terms.edit"), code=303)
    return _page(_draft_of(terms.current()), {})


def _page(draft: Mapping[str, Any], errors: Mapping[str, Any]) -> str:
    terms = services().terms
    current = terms.current()
    return render_template(
        "terms.html",
        current=current,
        lines=summary(current, gettext, ngettext),
        history=terms.history(),
        draft=draft,
        errors=errors,
        purposes={purpose: gettext(words) for purpose, words in PURPOSES.items()},
        switches={switch: gettext(label) for switch, label in SWITCH_LABELS.items()},
    )


def _draft_of(terms: Mapping[str, Any]) -> dict[str, Any]:
    """The form's values for ``terms`` (as the owner would type them)."""
    draft = {key: terms[key] for key in ("title", "purposes", *SWITCHES)}
    draft["retention_days"] = str(terms["retention_days"])
    draft["clauses"] = [dict(clause) for clause in terms["clauses"]]
    return draft


def _from_form(form: MultiDict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The terms to publish from the posted form, and the form's values to show again.

    A clause slot with neither title nor text is left out (that is how one is removed);
    a new clause gets an id made from its title.
    """
    retention = form.get("retention_days", "").strip()
    clauses = _clauses(form)
    data: dict[str, Any] = {
        "title": form.get("title", ""),
        "purposes": form.getlist("purposes"),
        "retention_days": int(retention) if _WHOLE_NUMBER.match(retention) else retention,
        **{switch: switch in form for switch in SWITCHES},
        "clauses": clauses,
    }
    return data, {**data, "retention_days": retention, "clauses": clauses}


def _clauses(form: MultiDict[str, str]) -> list[dict[str, str]]:
    slots = []
    for index in range(MAX_CLAUSES + 1):
        if f"clause-{index}-title" not in form:
            break
        title = form.get(f"clause-{index}-title", "")
        text = form.get(f"clause-{index}-text", "")
        if title.strip() or text.strip():
            slots.append(
                {"id": form.get(f"clause-{index}-id", "").strip(), "title": title, "text": text}
            )
    taken = {slot["id"] for slot in slots if slot["id"]}
    for slot in slots:
        if not slot["id"]:
            slot["id"] = clause_id_for(slot["title"], taken)
            taken.add(slot["id"])
    return slots
