"""Preferences in the portal: grouped by category, add, edit, delete (with a confirmation),
their visibility, and for each which vendors can see it now (their active grants, as
``policies.access`` decides for the vendor API)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import groupby
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from pds.errors import Conflict, ValidationFailed
from pds.i18n import N_, gettext
from pds.schemas.preference import VISIBILITIES
from pds.services.collections import PREFERENCES
from pds.web.context import services
from pds.web.guard import portal_blueprint

bp = portal_blueprint("preferences", __name__)
VALUE_TYPES = (
    ("text", N_("Text")),
    ("number", N_("Number")),
    ("yes_no", N_("Yes or no")),
    ("list", N_("List")),
)
Page = str | Response | tuple[str, int]


@bp.get("/preferences")
def index() -> str:
    return _list_page({"visibility": "private", "type": "text"}, {})


@bp.post("/preferences")
def add() -> Page:
    form = request.form
    try:
        data = {"key": form.get("key", ""), **_fields(form, editing=False)}
        record = services().preferences.add(data)
    except ValidationFailed as exc:
        return _list_page(form, exc.flat("-")), 422
    except Conflict:
        errors = {"key": [gettext("You have a preference under this key already: edit it below.")]}
        return _list_page(form, errors), 409
    flash(gettext("Preference %(key)s added.", key=record["key"]))
    return redirect(url_for("preferences.index") + f"#pref-{record['id']}", 303)


@bp.route("/preferences/<key>/edit", methods=["GET", "POST"])
def edit(key: str) -> Page:
    record = services().preferences.get(key)
    if request.method != "POST":  # GET, or HEAD: never the POST branch
        return _edit_page(record, _as_form(record), {})
    try:
        services().preferences.update(key, _fields(request.form, editing=True))
    except ValidationFailed as exc:
        return _edit_page(record, request.form, exc.flat("-")), 422
    flash(gettext("Preference %(key)s saved.", key=record["key"]))
    return redirect(url_for("preferences.index") + f"#pref-{record['id']}", 303)


@bp.route("/preferences/<key>/delete", methods=["GET", "POST"])
def delete(key: str) -> Page:
    record = services().preferences.get(key)
    if request.method != "POST":  # GET, or HEAD: never the POST branch
        return render_template("preference_delete.html", preference=record)
    services().preferences.delete(key)
    flash(gettext("Preference %(key)s deleted.", key=record["key"]))
    return redirect(url_for("preferences.index"), 303)


def _list_page(form: Mapping[str, Any], errors: dict[str, list[str]]) -> str:
    records = sorted(services().preferences.list(), key=lambda r: (r["category"], r["key"]))
    readers = _readers(records)
    groups = [(name, list(rows)) for name, rows in groupby(records, key=lambda r: r["category"])]
    return render_template(
        "preferences.html",
        groups=groups,
        readers=readers,
        form=form,
        errors=errors,
        visibilities=VISIBILITIES,
        value_types=_value_types(),
    )


def _edit_page(record: Mapping[str, Any], form: Mapping[str, Any], errors: dict[str, Any]) -> str:
    return render_template(
        "preference_form.html",
        preference=record,
        form=form,
        errors=errors,
        visibilities=VISIBILITIES,
        value_types=_value_types(),
        readers=_readers([record]).get(record["id"], []),
    )


def _readers(records: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Record id -> names of the vendors whose active grants let them read it now."""
    svc = services()
    grants = svc.grants.list(status="active")
    names: dict[str, str] = {
        c["id"]: str(c.get("client_name", c["id"])) for c in svc.clients.list()
    }
    seen: dict[str, list[str]] = {}
    for record in records:
        allowed = svc.vendor_view.readers(grants, PREFERENCES, record)
        seen[record["id"]] = sorted(
            {str(names.get(g["client_id"], g["client_id"])) for g in allowed}
        )
    return seen


def _fields(form: Mapping[str, Any], *, editing: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "value": _value(form.get("type", "text"), form.get("value", "")),
        "visibility": form.get("visibility", ""),
    }
    for name in ("category", "note"):
        text = form.get(name, "").strip()
        if text or editing:
            data[name] = text or None
    return data


def _value(kind: str, text: str) -> Any:
    """The typed value: a number, a yes/no, a list of texts (comma-separated) or a text."""
    text = text.strip()
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            raise ValidationFailed(
                "invalid preference", {"value": [gettext("Not a number.")]}
            ) from None
        return int(number) if number.is_integer() and "." not in text else number
    if kind == "yes_no":
        if text.casefold() not in ("yes", "no"):
            raise ValidationFailed("invalid preference", {"value": [gettext("Answer yes or no.")]})
        return text.casefold() == "yes"
    if kind == "list":
        return [part.strip() for part in text.split(",") if part.strip()]
    return text


def _as_form(record: Mapping[str, Any]) -> dict[str, str]:
    value = record["value"]
    if isinstance(value, bool):
        kind, text = "yes_no", "yes" if value else "no"
    elif isinstance(value, int | float):
        kind, text = "number", str(value)
    elif isinstance(value, list):
        kind, text = "list", ", ".join(str(v) for v in value)
    else:
        kind, text = "text", str(value)
    return {
        "type": kind,
        "value": text,
        "visibility": record.get("visibility", "private"),
        "category": record.get("category", ""),
        "note": record.get("note", ""),
    }


def _value_types() -> list[tuple[str, str]]:
    """The value types the form offers, named in the page's language."""
    return [(name, gettext(label)) for name, label in VALUE_TYPES]
