"""Reminders in the portal: the due list with snooze and done, "e-mail me my reminders",
the tag targets, and the calendar feed (``/reminders.ics?key=...``, the only view here
that needs no login: its random key, shown to the owner and regenerable, is the secret;
it is on ``PUBLIC_ROUTES`` in ``pds/web/guard.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from pds.errors import ConfigError, DeliveryFailed, ValidationFailed
from pds.i18n import gettext, ngettext
from pds.services.relationships.reminder_feed import owner_calendar
from pds.services.relationships.reminder_mail import mail_server_from, send_due
from pds.services.relationships.suggestions import SuggestedTarget
from pds.web.context import services
from pds.web.guard import portal_blueprint
from pds.web.wording_filters import owner_locale

bp = portal_blueprint("reminders", __name__)
FEED_DAYS = 60


@bp.get("/reminders")
def index() -> str:
    return _page({})


def _page(errors: Mapping[str, Any], status_note: str | None = None) -> str:
    reminders = services().reminders
    today = reminders.today()
    feed_url = url_for("reminders.feed", key=reminders.feed_key(), _external=True)
    return render_template(
        "reminders.html",
        due=reminders.due(),
        upcoming=[r for r in reminders.upcoming(FEED_DAYS) if r.shown_on() > today],
        today=today,
        tag_targets=reminders.tag_targets(),
        suggestions=suggestions(),
        feed_url=feed_url,
        errors=errors,
        form=request.form if request.method == "POST" else {},
        mail_error=status_note,
    )


@bp.post("/reminders/<record_id>/snooze")
def snooze(record_id: str) -> str | Response | tuple[str, int]:
    days = request.form.get("days", "").strip()
    try:
        until = services().reminders.snooze(record_id, int(days) if days.isdigit() else days)
    except ValidationFailed as exc:
        return _page({record_id: exc.details.get("until", [exc.message])}), 422
    flash(gettext("Snoozed until %(day)s.", day=owner_locale().day(until)))
    return _back()


@bp.post("/reminders/<record_id>/done")
def done(record_id: str) -> str | Response | tuple[str, int]:
    try:
        services().reminders.done(record_id, note=request.form.get("note") or None)
    except ValidationFailed as exc:
        return _page({record_id: [exc.message]}), 422
    flash(gettext("Done: logged that you got in touch today."))
    return _back()


@bp.post("/reminders/tag-target")
def tag_target() -> str | Response | tuple[str, int]:
    tag, every = request.form.get("tag", ""), request.form.get("every_days", "").strip()
    reminders = services().reminders
    try:
        if every:
            reminders.set_tag_target(tag, every)
        else:
            reminders.clear_tag_target(tag)
    except ValidationFailed as exc:
        return _page(exc.details), 422
    flash(gettext("Tag target saved.") if every else gettext("Tag target removed."))
    return redirect(url_for("reminders.index"), code=303)


@bp.post("/reminders/email")
def email() -> str | Response | tuple[str, int]:
    try:
        settings = current_app.config["PDS_SETTINGS"]
        server = mail_server_from(settings)
        count = send_due(services().reminders, server, occasion_days=settings.birthday_days_ahead)
    except (ConfigError, DeliveryFailed) as exc:
        return _page({}, status_note=exc.message), 502 if isinstance(exc, DeliveryFailed) else 409
    flash(
        ngettext(
            "E-mailed %(num)d due reminder to %(recipient)s.",
            "E-mailed %(num)d due reminders to %(recipient)s.",
            count,
            recipient=server.recipient,
        )
    )
    return redirect(url_for("reminders.index"), code=303)


@bp.post("/reminders/feed-key")
def regenerate_key() -> Response:
    services().reminders.regenerate_feed_key()
    flash(gettext("New calendar feed address: the old one no longer works."))
    return redirect(url_for("reminders.index"), code=303)


@bp.get("/reminders.ics")
def feed() -> Response:
    reminders = services().reminders
    if not reminders.feed_key_matches(request.args.get("key")):
        abort(404)
    days = current_app.config["PDS_SETTINGS"].birthday_days_ahead
    body = owner_calendar(reminders, days=FEED_DAYS, occasion_days=days)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Cache-Control": "no-store", "Content-Disposition": "inline; filename=pds.ics"},
    )


def _back() -> Response:
    target = request.form.get("back", "")
    if target.startswith("/relationships/") and "//" not in target:
        return redirect(target, code=303)
    return redirect(url_for("reminders.index"), code=303)


def suggestions() -> list[SuggestedTarget]:
    """Targets at the observed rhythm, for relationships that have none yet."""
    targeted = {r.relationship_id for r in services().reminders.schedule()}
    return services().insights.suggested_targets(targeted)


@bp.post("/reminders/suggested/<record_id>")
def accept_suggestion(record_id: str) -> Response:
    """One click: set the suggested target, then back to where it was offered."""
    saved = services().reminders.set_target(record_id, request.form.get("every_days", ""))
    flash(gettext("Target set: every %(days)s days.", days=saved["every_days"]))
    return _back()
