"""The consent screen at the authorization endpoint: the owner decides, Authlib answers.

GET shows who asks for what (after Authlib has validated the request: client,
exact redirect URI, PKCE S256, scopes); POST records the owner's decision and
redirects back to the vendor with a code or ``access_denied`` (303, with ``state``
and ``iss``). A request that cannot be trusted to redirect (unknown client,
unregistered redirect URI) ends on an error page here, never at the vendor.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749.util import scope_to_list
from flask import Blueprint, Response, redirect, render_template, request

from pds.auth import auth
from pds.auth.models import Owner
from pds.errors import ValidationFailed
from pds.schemas.client import is_loopback
from pds.services.grants import EXPIRY_CHOICES
from pds.web.context import services
from pds.web.headers import CONTENT_SECURITY_POLICY
from pds.web.portal import owner_required
from pds.web.sessions import owner_auth_time
from policies.terms import summary

bp = Blueprint("consent", __name__)
DEFAULT_EXPIRY = "30d"
REACH_CHOICES = ("vendor", "categories", "all")


@bp.route("/oauth/authorize", methods=["GET", "POST"])
@owner_required
def authorize() -> Any:
    server = auth().server
    try:
        grant = server.get_consent_grant(end_user=Owner({}, owner_auth_time()))
    except OAuth2Error as error:
        return _refused(error)
    client = grant.request.client
    requested = scope_to_list(grant.request.scope) or []
    back_to = urlsplit(grant.redirect_uri).hostname or ""
    if request.method == "GET":
        page = _page(client.record, back_to, requested, _defaults(requested))
        return _with_form_target(page, grant)
    if request.form.get("decision") != "allow":
        services().consent.deny(client.record)
        return _see_other(server.create_authorization_response(grant=grant, grant_user=None))
    choices = _choices_from_form()
    try:
        record = services().consent.allow(
            client.record,
            requested=requested,
            chosen=choices["scopes"],
            constraints=choices["constraints"],
            expiry=choices["expiry"],
        )
    except ValidationFailed as exc:
        page = _page(client.record, back_to, requested, choices, exc.details)
        return _with_form_target(page, grant, 400)
    owner = Owner(record, owner_auth_time())
    return _see_other(server.create_authorization_response(grant=grant, grant_user=owner))


def _defaults(requested: list[str]) -> dict[str, Any]:
    constraints = {"purchases": "vendor", "categories": [], "since": None}
    return {"scopes": requested, "constraints": constraints, "expiry": DEFAULT_EXPIRY}


def _choices_from_form() -> dict[str, Any]:
    form = request.form
    categories = [c.strip() for c in form.get("categories", "").split(",") if c.strip()]
    return {
        "scopes": form.getlist("grant_scope"),
        "constraints": {
            "purchases": form.get("purchases_reach", "vendor"),
            "categories": categories,
            "since": form.get("since") or None,
        },
        "expiry": form.get("expiry", DEFAULT_EXPIRY),
    }


def _page(
    client: dict[str, Any],
    back_to: str,
    requested: list[str],
    choices: dict[str, Any],
    errors: dict[str, Any] | None = None,
) -> str:
    consent = services().consent
    terms = consent.terms()
    return render_template(
        "consent.html",
        client=client,
        back_to=back_to,
        local=is_loopback(back_to),
        facts=consent.vendor_facts(client),
        scopes=consent.scopes(requested),
        terms=terms,
        terms_lines=summary(terms),
        choices=choices,
        errors=errors or {},
        expiries=list(EXPIRY_CHOICES),
        reaches=REACH_CHOICES,
        asks_purchases=any(s.startswith("purchases:") for s in requested),
    )


def _with_form_target(html: str, grant: Any, status: int = 200) -> Response:
    """The consent page, whose CSP lets its form's redirect reach the vendor's callback.

    Browsers apply ``form-action`` to the redirect that follows a form submission, so
    the page allows the (validated, exact) redirect URI's origin besides its own.
    """
    target = urlsplit(grant.redirect_uri)
    origin = f"{target.scheme}://{target.netloc}"
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {origin}"
    )
    return response


def _refused(error: OAuth2Error) -> Any:
    """Redirect the error to the vendor only if its redirect URI was validated."""
    if error.redirect_uri:
        params = [*error.get_body(), ("iss", auth().server.issuer)]
        return redirect(add_params_to_uri(error.redirect_uri, params), code=_redirect_code())
    detail = error.description or error.error
    html = render_template(
        "error.html", status=400, title="This request cannot go on", detail=detail
    )
    return html, 400


def _see_other(response: Response) -> Response:
    """After a POST, 303 (the browser must GET the vendor's redirect URI)."""
    if request.method == "POST" and response.status_code == 302:
        response.status_code = 303
    return response


def _redirect_code() -> int:
    return 303 if request.method == "POST" else 302
