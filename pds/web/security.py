"""Settings > Security: two-step login (TOTP), recovery codes and the portal password.

Every form here asks for the current password (setting up or turning off two-step
login, new recovery codes, a new password), checked through the login throttle, so
a stolen session can neither change them nor guess the password. Secrets shown once
(the new TOTP secret while it is set up, fresh recovery codes) wait in the
server-side session between the POST and the 303 that displays them; they never
reach a cookie.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import segno
from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from markupsafe import Markup
from werkzeug.wrappers import Response

from pds.errors import Conflict, ValidationFailed
from pds.i18n import gettext, ngettext
from pds.services.identity.credentials import otpauth_uri
from pds.web.context import services
from pds.web.guard import portal_blueprint
from pds.web.portal import (
    PasswordRefused,
    check_owner_password,
    client_address,
    login_throttle,
    throttled_message,
)
from pds.web.sessions import end_other_owner_sessions

bp = portal_blueprint("security", __name__, url_prefix="/settings/security")

SETUP = "totp_setup"  # the pending TOTP secret, while the owner sets up their app
FRESH_CODES = "fresh_recovery_codes"  # recovery codes waiting to be shown, once
Page = str | Response | tuple[str, int] | tuple[str, int, dict[str, str]]


def _page(status: int = 200, headers: dict[str, str] | None = None, **errors: Any) -> Page:
    credentials = services().credentials
    html = render_template(
        "security.html",
        totp=credentials.totp_enabled(),
        codes_left=credentials.recovery_codes_left(),
        errors=errors,
    )
    return html, status, headers or {}


def _back(notice: str) -> Response:
    flash(notice)
    return redirect(url_for("security.security"), 303)


def _refused_page(form: str, refused: PasswordRefused) -> Page:
    """The page with ``refused``'s message beside ``form``'s password field."""
    return _page(refused.status, refused.headers, **{form: {"password": [refused.message]}})


def _throttled_page(form: str, field: str) -> Page | None:
    """The page with a "wait" error on ``form``'s ``field`` when the throttle refuses."""
    admission = login_throttle().admit(client_address())
    if admission.allowed:
        return None
    errors = {form: {field: [throttled_message(admission)]}}
    return _page(429, {"Retry-After": str(admission.retry_after)}, **errors)


@bp.get("")
def security() -> Page:
    return _page()


@bp.post("/password")
def change_password() -> Page:
    refused = _throttled_page("password", "current_password")
    if refused:
        return refused
    form = request.form
    try:
        services().credentials.change_password(
            form.get("current_password", ""),
            form.get("new_password", ""),
            form.get("confirmation", ""),
        )
    except ValidationFailed as exc:
        if "current_password" not in exc.details:
            login_throttle().succeeded(client_address())
        return _page(422, password=exc.details)
    login_throttle().succeeded(client_address())
    ended = end_other_owner_sessions()
    notice = gettext("Your password is changed.")
    if ended:
        notice += " " + ngettext(
            "%(num)d other session logged out.", "%(num)d other sessions logged out.", ended
        )
    return _back(notice)


@bp.post("/totp/begin")
def begin_totp() -> Page:
    refused = check_owner_password(request.form.get("password", ""))
    if refused:
        return _refused_page("enrol", refused)
    session[SETUP] = services().credentials.begin_totp()
    return redirect(url_for("security.totp_setup"), 303)


def _setup_page(status: int = 200, errors: dict[str, Any] | None = None) -> Page:
    secret = session[SETUP]
    account = urlsplit(current_app.config["PDS_SETTINGS"].issuer_url).netloc
    uri = otpauth_uri(secret, account)
    html = render_template(
        "security_totp.html", secret=secret, uri=uri, qr=qr_svg(uri), errors=errors or {}
    )
    return html, status


QR_LABEL = "QR code of the link for your authenticator app"


def qr_svg(text: str) -> Markup:
    """``text`` as a QR code: an inline SVG image (so no request leaves the page)."""
    svg = segno.make(text, error="m").svg_inline(
        scale=4, border=4, light="#fff", svgclass="qr", omitsize=True
    )
    # named for assistive technology (the <svg> segno writes has no role of its own)
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{QR_LABEL}" ', 1))


@bp.get("/totp")
def totp_setup() -> Page:
    if not isinstance(session.get(SETUP), str):
        return redirect(url_for("security.security"), 303)
    return _setup_page()


@bp.post("/totp")
def confirm_totp() -> Page:
    if not isinstance(session.get(SETUP), str):
        return redirect(url_for("security.security"), 303)
    try:
        codes = services().credentials.confirm_totp(session[SETUP], request.form.get("code", ""))
    except ValidationFailed as exc:
        return _setup_page(422, exc.details)
    del session[SETUP]
    session[FRESH_CODES] = codes
    return redirect(url_for("security.show_recovery_codes"), 303)


@bp.post("/totp/disable")
def disable_totp() -> Page:
    refused = check_owner_password(request.form.get("password", ""))
    if refused:
        return _refused_page("disable", refused)
    try:
        services().credentials.disable_totp()
    except Conflict:
        return _back(gettext("Two-step login was already off."))
    return _back(gettext("Two-step login is off. Logging in now takes only your password."))


@bp.post("/recovery-codes")
def renew_recovery_codes() -> Page:
    refused = check_owner_password(request.form.get("password", ""))
    if refused:
        return _refused_page("codes", refused)
    try:
        session[FRESH_CODES] = services().credentials.new_recovery_codes()
    except Conflict:
        return _back(gettext("Turn on two-step login first."))
    return redirect(url_for("security.show_recovery_codes"), 303)


@bp.get("/recovery-codes")
def show_recovery_codes() -> Page:
    codes = session.pop(FRESH_CODES, None)
    if not codes:
        return redirect(url_for("security.security"), 303)
    return render_template("security_codes.html", codes=codes)
