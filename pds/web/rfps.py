"""The owner's personal RFPs in the portal: list, write (with a preview of exactly what
vendors will see), publish, amend, close, withdraw; compare the offers with the owner's
history with each vendor, award one, decline others, answer questions; the webhook
delivery log.

Refused moves (``Conflict``, ``PermissionDenied``, a ``ValidationFailed`` that is not
about a form field) go back to the RFP's page with the reason flashed (the portal's
one policy, ``pds.web.errors``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from pds.errors import NotFound, ValidationFailed
from pds.i18n import gettext
from pds.schemas.rfp import OPERATORS, STATUSES
from pds.services.intents.offers import BLOCKED, SORTS
from pds.services.intents.rfp_views import public_view
from pds.services.intents.rfps import DRAFT, OPEN
from pds.services.intents.vendor_history import VendorHistory, history_of
from pds.web.context import services
from pds.web.errors import go_back_when_refused
from pds.web.guard import portal_blueprint
from pds.web.rfp_form import (
    RfpForm,
    amendments,
    empty_form,
    form_of,
    posted_form,
    rfp_data,
)
from pds.web.wording import state_words, value_words
from pds.web.wording_filters import owner_locale

bp = portal_blueprint("rfps", __name__)
Page = str | Response | tuple[str, int]


@bp.get("/rfps")
def index() -> tuple[str, int]:
    status = request.args.get("status") or None
    errors: dict[str, list[str]] = {}
    if status is not None and status not in STATUSES:
        errors["status"] = [gettext("Must be one of: %(choices)s.", choices=", ".join(STATUSES))]
        status = None
    rfps = services().rfps.list(status=status)
    live = {r["id"]: len(services().offers.list_for_rfp(r["id"], status="live")) for r in rfps}
    page = render_template(
        "rfps.html", rfps=rfps, live=live, status=status, statuses=STATUSES, errors=errors
    )
    return page, 400 if errors else 200


@bp.route("/rfps/new", methods=["GET", "POST"])
def new() -> Page:
    if request.method != "POST":  # GET, or HEAD: never the POST branch
        return _form_page(empty_form(), None)
    form = posted_form(request.form)
    try:
        rfp = services().rfps.draft(rfp_data(form, owner_locale()))
    except ValidationFailed as exc:
        return _form_page(form.with_errors(exc), None), 422
    return _after_save(rfp, form)


@bp.route("/rfps/<rfp_id>/edit", methods=["GET", "POST"])
def edit(rfp_id: str) -> Page:
    rfp = services().rfps.get(rfp_id)
    if rfp["status"] != DRAFT:
        flash(
            gettext(
                "This RFP is %(status)s; only a draft can be edited.",
                status=state_words(rfp["status"]),
            )
        )
        return redirect(url_for("rfps.show", rfp_id=rfp_id), code=303)
    if request.method != "POST":  # GET, or HEAD: never the POST branch
        return _form_page(form_of(rfp, owner_locale()), rfp)
    form = posted_form(request.form)
    try:
        rfp = services().rfps.update_draft(rfp_id, rfp_data(form, owner_locale()))
    except ValidationFailed as exc:
        return _form_page(form.with_errors(exc), rfp), 422
    return _after_save(rfp, form)


@bp.get("/rfps/<rfp_id>/preview")
def preview(rfp_id: str) -> str:
    rfp = services().rfps.get(rfp_id)
    view = vendor_view_of(rfp)
    shown = json.dumps(view, indent=2, ensure_ascii=False)
    return render_template("rfps_preview.html", rfp=rfp, view=view, shown=shown)


@bp.post("/rfps/<rfp_id>/publish")
def publish(rfp_id: str) -> Page:
    return _publish(services().rfps.get(rfp_id), None)


@bp.post("/rfps/<rfp_id>/close")
def close(rfp_id: str) -> Response:
    services().rfps.close(rfp_id)
    flash(gettext("Closed: no more offers are taken. The vendors who made one are told."))
    return redirect(url_for("rfps.show", rfp_id=rfp_id), code=303)


@bp.post("/rfps/<rfp_id>/withdraw")
def withdraw(rfp_id: str) -> Response:
    services().rfps.withdraw(rfp_id)
    flash(
        gettext("Withdrawn: the RFP is off the feed, and the vendors who made an offer are told.")
    )
    return redirect(url_for("rfps.show", rfp_id=rfp_id), code=303)


@bp.route("/rfps/<rfp_id>/amend", methods=["GET", "POST"])
def amend(rfp_id: str) -> Page:
    rfp = services().rfps.get(rfp_id)
    if rfp["status"] != OPEN:
        flash(
            gettext(
                "This RFP is %(status)s; only an open RFP can be amended.",
                status=state_words(rfp["status"]),
            )
        )
        return redirect(url_for("rfps.show", rfp_id=rfp_id), code=303)
    if request.method != "POST":  # GET, or HEAD: never the POST branch
        return _form_page(form_of(rfp, owner_locale()), rfp, amending=True)
    form = posted_form(request.form)
    try:
        changes = amendments(form, form_of(rfp, owner_locale()), owner_locale())
        if not changes:
            flash(gettext("Nothing changed."))
            return redirect(url_for("rfps.show", rfp_id=rfp_id), code=303)
        services().rfps.amend(rfp_id, changes)
    except ValidationFailed as exc:
        return _form_page(form.with_errors(exc), rfp, amending=True), 422
    flash(gettext("Amended: the vendors who can see it are sent the new version."))
    return redirect(url_for("rfps.show", rfp_id=rfp_id), code=303)


@bp.get("/rfps/<rfp_id>")
def show(rfp_id: str) -> tuple[str, int]:
    return _show_page(rfp_id)


@bp.post("/rfps/<rfp_id>/offers/<offer_id>/award")
def award(rfp_id: str, offer_id: str) -> Response:
    offer = _offer_of(rfp_id, offer_id)
    share = request.form.get("share_shipping") == "yes"
    services().rfps.award(rfp_id, offer["id"], share_shipping=share)
    name = _vendor_name(offer["client_id"])
    message = gettext(
        "Awarded to %(name)s. The other vendors are told they were not selected.", name=name
    )
    if share:
        message += " " + gettext(
            "%(name)s will ask for your consent before it sees your shipping address.", name=name
        )
    flash(message)
    return redirect(url_for("rfps.show", rfp_id=rfp_id), code=303)


@bp.post("/rfps/<rfp_id>/offers/<offer_id>/decline")
def decline(rfp_id: str, offer_id: str) -> Response:
    offer = _offer_of(rfp_id, offer_id)
    services().offers.decline(offer["id"])
    name = _vendor_name(offer["client_id"])
    flash(gettext("Declined the offer of %(name)s; it is told it was not selected.", name=name))
    return redirect(url_for("rfps.show", rfp_id=rfp_id), code=303)


@bp.post("/rfps/<rfp_id>/offers/<offer_id>/answer")
def answer(rfp_id: str, offer_id: str) -> Page:
    offer = _offer_of(rfp_id, offer_id)
    text = request.form.get("text", "")
    try:
        services().offers.answer(offer["id"], text)
    except ValidationFailed as exc:
        messages = exc.messages()
        return _show_page(rfp_id, answering={offer["id"]: (text, messages)})[0], 422
    flash(gettext("Answer sent."))
    return redirect(url_for("rfps.show", rfp_id=rfp_id) + f"#offer-{offer['id']}", code=303)


@bp.get("/rfps/<rfp_id>/deliveries")
def deliveries(rfp_id: str) -> str:
    rfp = services().rfps.get(rfp_id)
    sent = services().webhooks.deliveries(rfp_id=rfp["id"])
    names = {c["id"]: c["client_name"] for c in services().clients.list()}
    log_days = services().webhooks.log_days
    return render_template(
        "rfps_deliveries.html", rfp=rfp, deliveries=sent, names=names, log_days=log_days
    )


def _back_to_the_rfp() -> str:
    """Where a refused move goes back to: the RFP's page, or the list."""
    rfp_id = (request.view_args or {}).get("rfp_id")
    return url_for("rfps.show", rfp_id=rfp_id) if rfp_id else url_for("rfps.index")


go_back_when_refused(bp, _back_to_the_rfp)


# -- what vendors see ---------------------------------------------------------------------


def vendor_view_of(rfp: Mapping[str, Any]) -> dict[str, Any]:
    """What vendors see of ``rfp``: a draft as publishing it now would make it."""
    return public_view(services().rfps.as_published(rfp))


# -- helpers ------------------------------------------------------------------------------


def _after_save(rfp: Mapping[str, Any], form: RfpForm) -> Page:
    """Where the form's button leads once the draft is saved."""
    action = request.form.get("action", "save")
    if action == "publish":
        return _publish(rfp, form)
    if action == "preview":
        flash(gettext("Draft saved. This is exactly what vendors will see when you publish it."))
        return redirect(url_for("rfps.preview", rfp_id=rfp["id"]), code=303)
    flash(gettext("Draft saved. Nothing is shown to vendors until you publish it."))
    return redirect(url_for("rfps.show", rfp_id=rfp["id"]), code=303)


def _publish(rfp: Mapping[str, Any], form: RfpForm | None) -> Page:
    """Publish the draft; the fields publishing objects to go back to the form."""
    try:
        published = services().rfps.publish(rfp["id"])
    except ValidationFailed as exc:
        shown = form or form_of(rfp, owner_locale())
        return _form_page(shown.with_errors(exc), rfp, not_published=True), 422
    flash(gettext("Published: vendors see it as %(pseudonym)s.", pseudonym=published["pseudonym"]))
    return redirect(url_for("rfps.show", rfp_id=rfp["id"]), code=303)


def _form_page(
    form: RfpForm,
    rfp: Mapping[str, Any] | None,
    *,
    amending: bool = False,
    not_published: bool = False,
) -> str:
    chosen = set(form.values["chosen_vendors"])
    clients = [c for c in services().clients.list() if c["status"] != BLOCKED or c["id"] in chosen]
    preferences = [(p["key"], _shown(p["value"])) for p in services().preferences.list()]
    recorded = {key for key, _ in preferences}
    gone = [key for key in form.values["disclosure"] if key not in recorded]
    preferences += [(key, gettext("(no longer recorded)")) for key in gone]
    return render_template(
        "rfps_form.html",
        form=form,
        values=form.values,
        errors=form.errors,
        others=form.unplaced_errors(amending=amending),
        rfp=rfp,
        amending=amending,
        not_published=not_published,
        clients=clients,
        preferences=preferences,
        operators=OPERATORS,
    )


def _show_page(
    rfp_id: str, *, answering: Mapping[str, tuple[str, list[str]]] | None = None
) -> tuple[str, int]:
    rfp = services().rfps.get(rfp_id)
    sort = request.args.get("sort") or None
    errors: dict[str, list[str]] = {}
    if sort is not None and sort not in SORTS:
        errors["sort"] = [gettext("Sort by one of: %(choices)s.", choices=", ".join(SORTS))]
        sort = None
    offers = services().offers.list_for_rfp(rfp["id"], sort=sort)
    now = services().clock()
    histories: dict[str, VendorHistory] = {}
    for offer in offers:
        if offer["client_id"] not in histories:
            histories[offer["client_id"]] = history_of(services(), offer["client_id"], now)
    names = {c["id"]: c["client_name"] for c in services().clients.list()}
    page = render_template(
        "rfps_show.html",
        rfp=rfp,
        offers=offers,
        histories=histories,
        names=names,
        sort=sort,
        errors=errors,
        answering=answering or {},
    )
    return page, 400 if errors else 200


def _offer_of(rfp_id: str, offer_id: str) -> dict[str, Any]:
    """The offer ``offer_id`` if it was made on the RFP ``rfp_id``, else ``NotFound``."""
    rfp = services().rfps.get(rfp_id)
    offer = services().offers.get(offer_id)
    if offer["rfp_id"] != rfp["id"]:
        raise NotFound(f"no offer {offer_id} on rfp {rfp_id}", {"id": str(offer_id)})
    return offer


def _vendor_name(client_id: str) -> str:
    client = services().clients.find(client_id)
    return str(client["client_name"]) if client else gettext("unknown vendor %(id)s", id=client_id)


def _shown(value: Any) -> str:
    return value_words(value)
