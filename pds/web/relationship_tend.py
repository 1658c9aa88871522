"""Tending one relationship in the portal: edit every field, set its status (with a date and
a note), tell a person from an organisation, delete it with what goes with it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from pds.errors import Conflict, ValidationFailed
from pds.i18n import N_, gettext, ngettext
from pds.schemas.temporal import yearly_day_words
from pds.web.context import services
from pds.web.forms import all_relationships
from pds.web.guard import portal_blueprint
from pds.web.relationship_form import (
    form_of,
    month_names,
    read_form,
    row_counts,
)
from pds.web.relationships import record_page, status_words

bp = portal_blueprint("relationship_tend", __name__)
bp.add_app_template_filter(yearly_day_words, "yearly_day")
Page = str | Response | tuple[str, int]
#: What the owner calls each kind.
KIND_WORDS = {"person": N_("a person"), "vendor": N_("an organisation / vendor")}


@bp.route("/relationships/<record_id>/edit", methods=["GET", "POST"])
def edit(record_id: str) -> Page:
    """Every field of a relationship (its status and kind have their own forms)."""
    record = services().relationships.get(record_id)
    known = _linkable(record["id"])
    if request.method != "POST":  # GET, or HEAD: never the POST branch
        return _edit_page(record, form_of(record, known), {}, known)
    read = read_form(request.form, kind=record["kind"], editing=True, known=known)
    if read.errors:
        return _edit_page(record, request.form, read.errors, known), 422
    try:
        saved = services().relationships.update(record["id"], read.data)
    except ValidationFailed as exc:
        return _edit_page(record, request.form, read.field_errors(exc), known), 422
    except Conflict as exc:
        return _edit_page(record, request.form, {"domain": [_sentence(exc.message)]}, known), 409
    flash(gettext("%(name)s saved.", name=saved["name"]))
    return redirect(url_for("relationships.show", record_id=record["id"]), code=303)


def _linkable(record_id: str) -> dict[str, str]:
    """The relationships a related person may be linked to (id -> name), but this one."""
    return {r["id"]: r["name"] for r in all_relationships(services()) if r["id"] != record_id}


def _edit_page(
    record: Mapping[str, Any],
    form: Mapping[str, Any],
    errors: Mapping[str, Any],
    known: Mapping[str, str],
) -> str:
    return render_template(
        "relationship_edit.html",
        record=record,
        form=form,
        errors=errors,
        rows=row_counts(form),
        months=month_names(),
        known=known,
    )


@bp.post("/relationships/<record_id>/status")
def status(record_id: str) -> Page:
    """Active, paused, ended or blocked, from a day (default today), with a note."""
    form = request.form
    try:
        record = services().relationships.set_status(
            record_id,
            form.get("status", ""),
            since=form.get("status_since", "").strip() or None,
            note=form.get("status_note", "").strip() or None,
        )
    except ValidationFailed as exc:
        return record_page(record_id, exc.details), 422
    said = {"name": record["name"], "since": record["status_since"]}
    flash(
        gettext(
            "%(name)s is %(status)s since %(since)s.", status=status_words(record["status"]), **said
        )
    )
    return redirect(url_for("relationships.show", record_id=record["id"]), code=303)


@bp.post("/relationships/<record_id>/kind")
def kind(record_id: str) -> Page:
    """Turn a person into an organisation / vendor, or back; refused for a vendor with
    purchases (the page says why)."""
    relationships = services().relationships
    current = relationships.get(record_id)
    try:
        record = relationships.change_kind(current["id"], request.form.get("kind", ""))
    except ValidationFailed as exc:
        return record_page(record_id, {"kind": exc.messages()}), 422
    except Conflict as exc:
        bought = exc.details.get("purchases")
        why = (
            ngettext(
                "Not changed: %(name)s has %(num)d purchase, so it stays an "
                "organisation / vendor (a person has no purchases).",
                "Not changed: %(name)s has %(num)d purchases, so it stays an "
                "organisation / vendor (a person has no purchases).",
                bought,
                name=current["name"],
            )
            if bought
            else gettext("Not changed: %(why)s", why=_sentence(exc.message))
        )
        return record_page(record_id, {"kind": [why]}), 409
    dropped = current.get("domain") if not record.get("domain") else None
    said = gettext(
        "%(name)s is now %(kind)s.", name=record["name"], kind=gettext(KIND_WORDS[record["kind"]])
    )
    if dropped:
        gone = gettext("Its web domain %(domain)s was dropped: a person has none.", domain=dropped)
        said = f"{said} {gone}"
    flash(said)
    return redirect(url_for("relationships.show", record_id=record["id"]), code=303)


@bp.route("/relationships/<record_id>/delete", methods=["GET", "POST"])
def delete(record_id: str) -> Page:
    """A confirmation that says what goes with it, then the relationship and its log."""
    relationships = services().relationships
    record = relationships.get(record_id)
    if request.method != "POST":  # GET, or HEAD: never the POST branch
        counts = relationships.deletion_counts(record["id"])
        return render_template(
            "relationship_delete.html", record=record, counts=counts, what=_what(counts)
        )
    counts = relationships.delete(record["id"], cascade=True)
    flash(gettext("%(name)s deleted, with %(what)s.", name=record["name"], what=_what(counts)))
    return redirect(url_for("relationships.index"), code=303)


def _what(counts: Mapping[str, int]) -> str:
    """``3 interactions and 1 purchase`` (every count said, even none)."""
    return gettext(
        "%(interactions)s and %(purchases)s",
        interactions=ngettext(
            "%(num)d interaction", "%(num)d interactions", counts["interactions"]
        ),
        purchases=ngettext("%(num)d purchase", "%(num)d purchases", counts["purchases"]),
    )


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + "."
