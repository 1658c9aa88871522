"""Settings: the profile (OpenID Connect claims), the store's passphrase and data key (its
rotation runs on a thread, with a progress page that refreshes itself: no JavaScript),
the OpenID signing key, and links to the security page and the terms editor."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from pds.errors import ValidationFailed
from pds.i18n import gettext
from pds.runtime.current import runtime
from pds.runtime.key_rotation import KeyRotation
from pds.services.identity.store_keys import change_passphrase
from pds.web.context import services
from pds.web.guard import portal_blueprint
from pds.web.portal import check_owner_password

bp = portal_blueprint("settings", __name__, url_prefix="/settings")
PROFILE_FIELDS = (
    "name",
    "given_name",
    "family_name",
    "nickname",
    "email",
    "phone_number",
    "website",
    "birthdate",
    "locale",
    "zoneinfo",
)
ADDRESS_FIELDS = ("street_address", "postal_code", "locality", "region", "country")
REFRESH_SECONDS = 1
Page = str | Response | tuple[str, int] | tuple[str, int, dict[str, str]]


def rotation() -> KeyRotation:
    """The runtime's data-key rotation (one at a time)."""
    return runtime().workers.key_rotation


@bp.get("")
def index() -> str:
    return _page()


def _page(**forms: tuple[Mapping[str, Any], dict[str, list[str]]]) -> str:
    profile = services().profile.get()
    profile_form, profile_errors = forms.get("profile", (_profile_form(profile), {}))
    _, passphrase_errors = forms.get("passphrase", ({}, {}))
    language_form, language_errors = forms.get(
        "language", ({"language": profile.get("language") or ""}, {})
    )
    svc = services()
    return render_template(
        "settings.html",
        profile_form=profile_form,
        profile_errors=profile_errors,
        passphrase_errors=passphrase_errors,
        language_form=language_form,
        language_errors=language_errors,
        totp=svc.credentials.totp_enabled(),
        stats=svc.store_facts(),
        rotation=rotation().state,
        signing_keys=svc.signing_keys.list(),
        profile_fields=PROFILE_FIELDS,
        address_fields=ADDRESS_FIELDS,
    )


@bp.post("/profile")
def profile() -> Page:
    form = request.form
    changes: dict[str, Any] = {name: form.get(name, "").strip() or None for name in PROFILE_FIELDS}
    address = {name: form.get(name, "").strip() for name in ADDRESS_FIELDS}
    changes["address"] = {k: v for k, v in address.items() if v} or None
    try:
        services().profile.update(changes)
    except ValidationFailed as exc:
        errors = exc.flat("-")
        errors = {k.removeprefix("address-"): v for k, v in errors.items()}
        return _page(profile=(form, errors)), 422
    flash(gettext("Profile saved. Vendors see its claims only as your grants allow."))
    return redirect(url_for("settings.index") + "#profile", 303)


@bp.post("/language")
def language() -> Page:
    chosen = request.form.get("language", "").strip() or None
    try:
        services().profile.update({"language": chosen})
    except ValidationFailed as exc:
        return _page(language=({"language": chosen or ""}, exc.details)), 422
    flash(gettext("Language saved."))
    return redirect(url_for("settings.index") + "#language", 303)


@bp.post("/passphrase")
def passphrase() -> Page:
    form = request.form
    refused = check_owner_password(form.get("password", ""))
    if refused:
        errors = {"password": [refused.message]}
        return _page(passphrase=({}, errors)), refused.status, refused.headers
    try:
        change_passphrase(
            services().store,
            form.get("current_passphrase", ""),
            form.get("new_passphrase", ""),
            form.get("new_passphrase_again", ""),
        )
    except ValidationFailed as exc:
        return _page(passphrase=({}, exc.details)), 422
    flash(gettext("Store passphrase changed. Use the new one the next time the server starts."))
    return redirect(url_for("settings.index") + "#storage", 303)


@bp.post("/data-key")
def rotate_data_key() -> Response:
    rotation().start()
    return redirect(url_for("settings.data_key_progress"), 303)


@bp.get("/data-key")
def data_key_progress() -> str:
    # touches no record: the store is busy re-encrypting while this page refreshes
    return render_template(
        "settings_rotation.html", rotation=rotation().state, refresh=REFRESH_SECONDS
    )


@bp.post("/signing-key")
def rotate_signing_key() -> Response:
    kid = services().signing_keys.rotate()
    flash(
        gettext(
            "New signing key %(kid)s… is active; the previous one stays published until "
            "the tokens it signed expire.",
            kid=kid[:12],
        )
    )
    return redirect(url_for("settings.index") + "#signing", 303)


def _profile_form(profile: Mapping[str, Any]) -> dict[str, str]:
    form = {name: str(profile.get(name) or "") for name in PROFILE_FIELDS}
    address = profile.get("address") or {}
    form.update({name: str(address.get(name) or "") for name in ADDRESS_FIELDS})
    return form
