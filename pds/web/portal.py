"""The owner's portal: log in (password, then the second factor if on), log out, dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from pds.i18n import N_, gettext, ngettext
from pds.runtime.current import runtime
from pds.services.attention import RECENT_DAYS, attention
from pds.services.identity.login_throttle import Admission, LoginThrottle
from pds.web import pictures
from pds.web.context import services
from pds.web.guard import portal_blueprint
from pds.web.insights import drift_rows
from pds.web.redirects import safe_next
from pds.web.sessions import end_session, start_owner_session

bp = portal_blueprint("portal", __name__)

WRONG_PASSWORD = N_("That password is not right.")
WRONG_PASSWORD_OR_CODE = N_("That password or one-time code is not right.")


def login_throttle() -> LoginThrottle:
    """The process's one login throttle (the runtime's)."""
    return runtime().limits.login


def client_address() -> str:
    return request.remote_addr or "unknown"


def throttled_message(admission: Admission) -> str:
    seconds = admission.retry_after
    return ngettext(
        "Too many wrong tries. Wait %(num)d second, then try again.",
        "Too many wrong tries. Wait %(num)d seconds, then try again.",
        seconds,
    )


@dataclass(frozen=True)
class PasswordRefused:
    """Why a form that asks for the owner's password goes no further: the message for its
    password field, the HTTP status and headers."""

    message: str
    status: int
    headers: dict[str, str]


def check_owner_password(password: str) -> PasswordRefused | None:
    """The owner's password typed again on a sensitive form, checked like a login: the
    throttle first, then argon2. ``None`` when it is right (the address's failures are
    then forgotten), so a stolen session cannot act, nor guess, without the password."""
    admission = login_throttle().admit(client_address())
    if not admission.allowed:
        retry = {"Retry-After": str(admission.retry_after)}
        return PasswordRefused(throttled_message(admission), 429, retry)
    if not services().credentials.verify_password(password):
        return PasswordRefused(gettext(WRONG_PASSWORD), 422, {})
    login_throttle().succeeded(client_address())
    return None


def _login_page(totp: bool, error: str | None = None) -> str:
    return render_template("login.html", totp=totp, error=error, asking=_asking_vendor())


def _asking_vendor() -> dict[str, Any] | None:
    """The registered vendor whose authorization request waits behind this login (the
    ``next`` target), or ``None``."""
    target = urlsplit(safe_next(request.args.get("next", "")))
    if target.path != url_for("consent.authorize"):
        return None
    client_id = parse_qs(target.query).get("client_id", [""])[0]
    return services().clients.find(client_id) if client_id else None


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    totp = services().credentials.totp_enabled()
    if request.method != "POST":  # GET, or HEAD: never the POST branch
        return _login_page(totp)
    admission = login_throttle().admit(client_address())
    if not admission.allowed:
        html = _login_page(totp, throttled_message(admission))
        return html, 429, {"Retry-After": str(admission.retry_after)}
    failure = _check_factors(totp)
    if failure:
        services().credentials.log_login_failed(address=client_address(), reason=failure)
        error = gettext(WRONG_PASSWORD_OR_CODE if totp else WRONG_PASSWORD)
        return _login_page(totp, error), 401
    login_throttle().succeeded(client_address())
    services().credentials.log_login_ok(address=client_address(), factors=2 if totp else 1)
    target = safe_next(request.args.get("next", ""))
    start_owner_session(fresh_for=target)
    return redirect(target, 303)


def _check_factors(totp: bool) -> str:
    """Why the form's password (and code, when the second factor is on) fail, or ``""``."""
    credentials = services().credentials
    if not credentials.verify_password(request.form.get("password", "")):
        return "wrong_password"
    if totp and not credentials.verify_second_factor(request.form.get("code", "")):
        return "wrong_code"
    return ""


@bp.post("/logout")
def logout() -> Response:
    end_session()
    return redirect(url_for("portal.login"), 303)


@bp.get("/")
def dashboard() -> str:
    svc = services()
    return render_template(
        "dashboard.html",
        counts=svc.counts(),
        stats=svc.store_facts(),
        attention=attention(svc),
        active_grants=len(svc.grants.list(status="active")),
        drifts=drift_rows(svc, limit=5),
        occasions=svc.reminders.occasions(runtime().settings.birthday_days_ahead),
        today=svc.reminders.today(),
        recent_since=(svc.clock().date() - timedelta(days=RECENT_DAYS - 1)).isoformat(),
        per_month=pictures.spending_per_month(svc.purchases.spending_per_month()),
        per_vendor=pictures.spending_per_vendor(svc.purchases.spending_per_vendor()),
    )
