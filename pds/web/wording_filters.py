"""The wording and the owner's formats, registered as Jinja filters and globals: templates
write ``{{ grant.scopes | scope_title }}``, ``{{ entry.at | when }}``, ``{{ vendor_name(id) }}``."""

from __future__ import annotations

from typing import Any

from flask import Flask, g
from flask_babel import get_locale

from pds.i18n import gettext
from pds.web import wording
from pds.web.context import services
from pds.web.owner_locale import OwnerLocale

VENDOR_PREFIX = "vendor:"


def profile_locale() -> OwnerLocale:
    """The owner's time zone, locale and chosen language as their profile says, read once
    per request (it chooses the page's language: ``pds.web.i18n``)."""
    if "profile_locale" not in g:
        g.profile_locale = OwnerLocale.of(services().profile.get())
    found: OwnerLocale = g.profile_locale
    return found


def owner_locale() -> OwnerLocale:
    """The owner's time zone and formats on this page (in the page's language)."""
    if "owner_locale" not in g:
        page = get_locale()
        g.owner_locale = profile_locale().on_page(page.language if page else None)
    found: OwnerLocale = g.owner_locale
    return found


def _clients() -> dict[str, dict[str, Any]]:
    if "client_names" not in g:
        g.client_names = {c["id"]: c for c in services().clients.list()}
    found: dict[str, dict[str, Any]] = g.client_names
    return found


def vendor_name(client_id: str | None) -> str:
    """A vendor's name for its client id (``vendor:<id>`` too); "a vendor" when unknown."""
    key = (client_id or "").removeprefix(VENDOR_PREFIX)
    client = _clients().get(key)
    return str(client["client_name"]) if client else gettext("a vendor")


def source_name(source: str | None) -> str:
    """Who a record came from: a vendor's name, else "you" or the source's words."""
    if not source or source == "owner":
        return gettext("you")
    if source.startswith(VENDOR_PREFIX):
        return vendor_name(source)
    return wording.humanise(source).lower()


def vendor_did(entry: Any) -> str:
    return wording.vendor_did(entry, vendor_name(getattr(entry, "actor", "")))


def register_wording(app: Flask) -> None:
    filters = {
        "scope_title": wording.scope_title,
        "in_sentence": wording.in_sentence,
        "pref_label": wording.humanise,
        "value_words": wording.value_words,
        "requirement": wording.requirement_sentence,
        "operator_words": wording.operator_words,
        "grant_status": wording.grant_status,
        "purchase_reach": wording.purchase_reach,
        "webhook_event": wording.webhook_event,
        "state_words": wording.state_words,
        "when": lambda v: owner_locale().when(v),
        "day": lambda v: owner_locale().day(v),
        "amount": lambda v, currency=None: owner_locale().amount(v, currency),
    }
    app.jinja_env.filters.update(filters)
    app.jinja_env.globals.update(
        vendor_name=vendor_name,
        source_name=source_name,
        vendor_did=vendor_did,
        call_words=wording.call_words,
        owner_locale=owner_locale,
    )
