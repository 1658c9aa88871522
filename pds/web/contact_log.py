"""Logging contact from the portal: the "Log contact" form (kind, channel, date, note) and
the one-click "Log a call / meeting / message" shortcuts, on a relationship's page and on
the list. Each posts here and goes back where it came from with a flash. Also the
relationship page's timeline with its filters (``timeline_of``)."""

from __future__ import annotations

from typing import Any, NamedTuple

from flask import flash, redirect, request, url_for
from werkzeug.wrappers import Response

from pds.errors import ValidationFailed
from pds.i18n import N_, gettext, translated
from pds.web.context import services
from pds.web.guard import portal_blueprint
from pds.web.wording_filters import owner_locale

bp = portal_blueprint("contact_log", __name__)

#: The kinds offered by the form and the shortcuts (the log takes every kind).
CONTACT_KINDS = ("call", "meeting", "message", "conversation", "gift", "other")
SHORTCUT_CHANNELS = {"call": "phone", "meeting": "in_person", "message": "chat"}
#: The flash after logging each kind the form offers (any other kind: ``LOGGED_ANY``).
LOGGED = {
    "call": N_("Logged a call with %(name)s on %(date)s."),
    "meeting": N_("Logged a meeting with %(name)s on %(date)s."),
    "message": N_("Logged a message with %(name)s on %(date)s."),
    "conversation": N_("Logged a conversation with %(name)s on %(date)s."),
    "gift": N_("Logged a gift with %(name)s on %(date)s."),
    "other": N_("Logged a contact with %(name)s on %(date)s."),
}
LOGGED_ANY = N_("Logged a %(kind)s with %(name)s on %(date)s.")
#: What the owner calls each kind of interaction and each channel.
INTERACTION_WORDS = {
    "purchase": N_("purchase"),
    "subscription": N_("subscription"),
    "support": N_("support"),
    "recommendation": N_("recommendation"),
    "contract": N_("contract"),
    "conversation": N_("conversation"),
    "complaint": N_("complaint"),
    "review": N_("review"),
    "gift": N_("gift"),
    "referral": N_("referral"),
    "meeting": N_("meeting"),
    "message": N_("message"),
    "call": N_("call"),
    "return": N_("return"),
    "rfp": N_("RFP"),
    "other": N_("other"),
}
CHANNEL_WORDS = {
    "email": N_("email"),
    "phone": N_("phone"),
    "in_person": N_("in person"),
    "web": N_("web"),
    "app": N_("app"),
    "post": N_("post"),
    "chat": N_("chat"),
    "social": N_("social"),
    "other": N_("other"),
}


@bp.app_context_processor
def contact_kinds() -> dict[str, tuple[str, ...]]:
    """The kinds the "Log contact" form offers, for ``_contact_log.html``."""
    return {"contact_kinds": CONTACT_KINDS}


@bp.app_template_filter("interaction_words")
def interaction_words(kind: str) -> str:
    """A kind of interaction in the page's language (an unknown one as it is)."""
    return translated(INTERACTION_WORDS, kind)


@bp.app_template_filter("channel_words")
def channel_words(channel: str) -> str:
    """A channel in the page's language (``in person``; an unknown one as it is)."""
    return translated(CHANNEL_WORDS, channel)


@bp.post("/relationships/<record_id>/log")
def log(record_id: str) -> Response:
    """Log one contact; the date defaults to today in the owner's time zone."""
    form = request.form
    svc = services()
    record = svc.relationships.get(record_id)
    kind = form.get("kind", "").strip()
    entry = {
        "counterpart_id": record["id"],
        "kind": kind,
        "date": form.get("date", "").strip() or svc.reminders.today().isoformat(),
        "channel": form.get("channel", "").strip() or SHORTCUT_CHANNELS.get(kind),
        "note": form.get("note", "").strip() or None,
    }
    try:
        logged = svc.interactions.log({k: v for k, v in entry.items() if v is not None})
    except ValidationFailed as exc:
        problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.details.items())
        flash(gettext("Nothing logged: %(problems)s", problems=problems or exc.message))
        return _back(record["id"])
    said = LOGGED.get(logged["kind"], LOGGED_ANY)
    kind = interaction_words(logged["kind"])
    day = owner_locale().day(logged["date"])
    flash(gettext(said, kind=kind, name=record["name"], date=day))
    return _back(record["id"])


def _back(record_id: str) -> Response:
    target = request.form.get("back", "")
    if target.startswith("/relationships") and "//" not in target:
        return redirect(target, code=303)
    return redirect(url_for("relationships.show", record_id=record_id), code=303)


#: The timeline's filters, read from the relationship page's query string.
TIMELINE_FILTERS = ("kind", "channel", "since", "until", "cursor")
TIMELINE_SIZE = 50


class Timeline(NamedTuple):
    """One page of a relationship's interactions as the filters ask, and what was wrong."""

    entries: list[dict[str, Any]]
    filters: dict[str, str]
    next_cursor: str | None
    errors: dict[str, Any]


def timeline_of(record_id: str) -> Timeline:
    """The relationship page's timeline: every kind of interaction, newest first, filtered
    by ``?kind=&channel=&since=&until=`` and paged by ``?cursor=``."""
    filters = {k: v for k in TIMELINE_FILTERS if (v := request.args.get(k, "").strip())}
    try:
        page = services().interactions.list(
            counterpart_id=record_id,
            kind=filters.get("kind"),
            channel=filters.get("channel"),
            since=filters.get("since"),
            until=filters.get("until"),
            cursor=filters.get("cursor"),
            limit=TIMELINE_SIZE,
        )
    except ValidationFailed as exc:
        return Timeline([], filters, None, dict(exc.details))
    return Timeline(page.items, filters, page.next_cursor, {})
