"""Merging two relationship records in the portal: choose the other one (likely duplicates
first), see what will move, merge, and undo the latest merge (``MergeService``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from pds.errors import Conflict, NotFound, PdsError, ValidationFailed
from pds.i18n import gettext
from pds.services.relationships.merging import UNDO_HOURS, MergePlan, moving_text
from pds.services.relationships.name_match import folded
from pds.web.context import services
from pds.web.errors import go_back_when_refused
from pds.web.guard import portal_blueprint

bp = portal_blueprint("relationship_merge", __name__)
#: Errors that make a chosen record unfit to merge: shown beside the chooser.
UNFIT = (ValidationFailed, NotFound, Conflict)


@bp.app_context_processor
def merge_undo() -> dict[str, Callable[[str], dict[str, Any] | None]]:
    """``merge_undo_for(record_id)``: the undo of the latest merge if it kept that record
    and can still be used, for ``_relationship_merge.html`` on the record page."""

    def merge_undo_for(record_id: str) -> dict[str, Any] | None:
        undo = services().merges.undoable()
        return undo if undo is not None and undo["kept"]["id"] == record_id else None

    return {"merge_undo_for": merge_undo_for}


@bp.get("/relationships/<record_id>/merge")
def choose(record_id: str) -> str:
    """The records ``record_id`` may be merged with: likely duplicates, then any other."""
    return _chooser(record_id, {})


@bp.get("/relationships/<record_id>/merge/confirm")
def confirm(record_id: str) -> str | tuple[str, int]:
    """What merging ``?other=`` into ``record_id`` will do, with the button that does it."""
    other = request.args.get("other", "").strip()
    try:
        plan = services().merges.plan(record_id, other)
    except UNFIT as exc:
        return _refused(record_id, exc)
    return render_template(
        "relationship_merge_confirm.html",
        plan=plan,
        moving=moving_text(plan.moving),
        undo_hours=UNDO_HOURS,
    )


@bp.post("/relationships/<record_id>/merge")
def merge(record_id: str) -> Response | str | tuple[str, int]:
    other = request.form.get("other", "").strip()
    try:
        plan: MergePlan = services().merges.merge(record_id, other)
    except UNFIT as exc:
        return _refused(record_id, exc)
    moving = moving_text(plan.moving)
    said = {"other": plan.other["name"], "keep": plan.keep["name"], "moving": moving}
    flash(gettext("Merged %(other)s into %(keep)s: %(moving)s.", **said))
    return redirect(url_for("relationships.show", record_id=plan.keep["id"]), code=303)


@bp.post("/relationships/merge/undo")
def undo() -> Response:
    """Undo the latest merge; to the record it brought back."""
    restored = services().merges.undo_merge()
    flash(gettext("Merge undone: %(name)s is a record of its own again.", name=restored["name"]))
    return redirect(url_for("relationships.show", record_id=restored["id"]), code=303)


go_back_when_refused(bp, lambda: url_for("relationships.index"))


def _refused(record_id: str, error: PdsError) -> tuple[str, int]:
    """The chooser again with why the chosen record cannot be merged (422; 404 when the
    record itself is unknown, which ``_chooser`` raises)."""
    details = error.details if isinstance(error, ValidationFailed) else {}
    message = details.get("other") or [error.message[0].upper() + error.message[1:] + "."]
    status = 409 if isinstance(error, Conflict) else 422
    return _chooser(record_id, {"other": message}), status


def _chooser(record_id: str, errors: Mapping[str, Any]) -> str:
    svc = services()
    record = svc.relationships.get(record_id)
    duplicates = svc.merges.duplicates_of(record["id"])
    others = sorted(
        (r for r in svc.relationships.all_records() if r["id"] != record["id"]),
        key=lambda r: (folded(r["name"]), r["id"]),
    )
    return render_template(
        "relationship_merge.html",
        record=record,
        duplicates=duplicates,
        others=others,
        chosen=request.values.get("other", ""),
        errors=errors,
    )
