"""The owner's relationships in the portal: the list (filter, bulk tag), one record with its
timeline, its tags, its target cadence and what its vendor may read (``shared``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from pds.errors import Conflict, ValidationFailed
from pds.i18n import N_, gettext, ngettext, translated
from pds.schemas.interaction import CHANNELS
from pds.schemas.interaction import KINDS as INTERACTION_KINDS
from pds.schemas.relationship import KINDS, STATUSES
from pds.services.relationships.directory import DirectoryQuery
from pds.web.contact_log import timeline_of
from pds.web.context import services
from pds.web.guard import portal_blueprint
from pds.web.pictures import CADENCE_MONTHS, cadence_sparklines
from pds.web.relationship_form import read_form
from pds.web.reminders import suggestions

bp = portal_blueprint("relationships", __name__)
#: At most this many rows are shown; the page says so and asks to search or filter.
LIST_SIZE = 500
#: What the owner calls each status (``Ada is paused since 2026-01-31``) and each kind.
STATUS_WORDS = {
    "active": N_("active"),
    "paused": N_("paused"),
    "ended": N_("ended"),
    "blocked": N_("blocked"),
}
KIND_NAMES = {"vendor": N_("vendor"), "person": N_("person")}


@bp.app_template_filter("status_words")
def status_words(status: str) -> str:
    """A relationship's status in the page's language (an unknown one as it is)."""
    return translated(STATUS_WORDS, status)


@bp.app_template_filter("kind_name")
def kind_name(kind: str) -> str:
    """``vendor`` or ``person`` in the page's language (an unknown kind as it is)."""
    return translated(KIND_NAMES, kind)


@bp.get("/relationships")
def index() -> str:
    return _list_page({})


@bp.route("/relationships/new", methods=["GET", "POST"])
def new() -> str | Response | tuple[str, int]:
    """Record a new vendor or person (``?kind=`` preselects the kind)."""
    if request.method != "POST":  # GET, or HEAD: never the POST branch
        return _new_page({"kind": request.args.get("kind", "vendor")}, {})
    form = request.form
    read = read_form(form, kind=None, editing=False)
    data = {**read.data, "kind": form.get("kind", "")}
    if form.get("status", "").strip():
        data["status"] = form["status"].strip()
    try:
        record = services().relationships.add(data)
    except ValidationFailed as exc:
        return _new_page(form, read.field_errors(exc)), 422
    except Conflict as exc:
        return _new_page(form, {"domain": [exc.message[0].upper() + exc.message[1:] + "."]}), 409
    flash(gettext("%(name)s added.", name=record["name"]))
    return redirect(url_for("relationships.show", record_id=record["id"]), code=303)


def _new_page(form: Mapping[str, Any], errors: Mapping[str, Any]) -> str:
    return render_template(
        "relationship_new.html",
        form=form,
        errors=errors,
        kinds=KINDS,
        statuses=[(status, status_words(status)) for status in STATUSES],
    )


@bp.post("/relationships/bulk-tag")
def bulk_tag() -> str | Response | tuple[str, int]:
    form = request.form
    remove = form.get("action") == "remove"
    try:
        changed = services().relationships.bulk_tag(
            form.getlist("ids"), form.get("tag", ""), remove=remove
        )
    except ValidationFailed as exc:
        return _list_page(exc.details), 422
    if remove:
        said = ngettext(
            "Removed the tag on %(num)d relationship.",
            "Removed the tag on %(num)d relationships.",
            changed,
        )
    else:
        said = ngettext(
            "Applied the tag on %(num)d relationship.",
            "Applied the tag on %(num)d relationships.",
            changed,
        )
    flash(said)
    return redirect(url_for("relationships.index", **_filters()), code=303)


LIST_ARGS = ("q", "kind", "status", "tag", "tier", "sort", "order")


def _filters() -> dict[str, Any]:
    return {k: v for k in LIST_ARGS if (v := request.values.get(k, "").strip())}


def _list_page(errors: Mapping[str, Any]) -> str:
    filters = _filters()
    directory = services().directory
    try:
        rows, filter_errors = directory.list_rows(DirectoryQuery.from_args(filters)), {}
    except ValidationFailed as exc:
        rows, filter_errors = [], {"filter": exc.details}
    matched, rows = len(rows), rows[:LIST_SIZE]
    records = [row.record for row in rows]
    counts = services().interactions.per_month(CADENCE_MONTHS)
    return render_template(
        "relationships.html",
        records=records,
        rows=rows,
        matched=matched,
        today=directory.today(),
        sparklines=cadence_sparklines(records, counts, services().reminders.today()),
        filters=filters,
        kinds=KINDS,
        statuses=STATUSES,
        errors={**filter_errors, **errors},
    )


@bp.get("/relationships/<record_id>")
def show(record_id: str) -> str:
    return record_page(record_id, {})


@bp.post("/relationships/<record_id>/tags")
def tags(record_id: str) -> str | Response | tuple[str, int]:
    wanted = [t for t in request.form.get("tags", "").replace(";", ",").split(",") if t.strip()]
    record = services().relationships.get(record_id)
    current = record.get("tags", [])
    try:
        services().relationships.tag(record_id, add=wanted, remove=current)
    except ValidationFailed as exc:
        return record_page(record_id, exc.details), 422
    flash(gettext("Tags saved."))
    return redirect(url_for("relationships.show", record_id=record_id), code=303)


@bp.post("/relationships/<record_id>/target")
def target(record_id: str) -> str | Response | tuple[str, int]:
    reminders = services().reminders
    every = request.form.get("every_days", "").strip()
    try:
        if every:
            reminders.set_target(record_id, every)
        else:
            services().relationships.get(record_id)
            reminders.clear_target(record_id)
    except ValidationFailed as exc:
        return record_page(record_id, exc.details), 422
    flash(
        gettext("Target set: every %(days)s days.", days=every)
        if every
        else gettext("Target removed.")
    )
    return redirect(url_for("relationships.show", record_id=record_id), code=303)


@bp.post("/relationships/<record_id>/shared")
def shared(record_id: str) -> str | Response | tuple[str, int]:
    form = request.form
    every = form.get("contact_every_days", "").strip()
    block = {
        "contact_every_days": int(every) if every.isdigit() else every,
        "channel": form.get("channel", ""),
        "note": form.get("note", ""),
    }
    try:
        services().relationships.share(record_id, block)
    except ValidationFailed as exc:
        details = exc.details.get("shared", exc.details)
        return record_page(record_id, {"shared": details}), 422
    flash(gettext("What this vendor may read is saved."))
    return redirect(url_for("relationships.show", record_id=record_id), code=303)


def record_page(record_id: str, errors: Mapping[str, Any]) -> str:
    """The record page, with ``errors`` beside the form they are about."""
    svc = services()
    record = svc.relationships.get(record_id)
    linked = {
        r["relationship_id"]
        for r in record.get("related", [])
        if r.get("relationship_id") and svc.relationships.find(r["relationship_id"])
    }
    timeline = timeline_of(record["id"])
    reminder = next(
        (r for r in svc.reminders.schedule() if r.relationship_id == record["id"]), None
    )
    counts = svc.interactions.per_month(CADENCE_MONTHS, counterpart_id=record["id"])
    return render_template(
        "relationship.html",
        record=record,
        sparkline=cadence_sparklines([record], counts, svc.reminders.today())[record["id"]],
        timeline=timeline.entries,
        timeline_page=timeline,
        kinds_logged=INTERACTION_KINDS,
        own_target=svc.reminders.target_of(record["id"]),
        suggestion=next((s for s in suggestions() if s.relationship_id == record["id"]), None),
        reminder=reminder,
        today=svc.reminders.today(),
        channels=CHANNELS,
        statuses=STATUSES,
        linked=linked,
        errors=errors,
        form=request.form if request.method == "POST" else {},
    )
