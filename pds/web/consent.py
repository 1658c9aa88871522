"""The consent screen at the authorization endpoint: the owner decides, Authlib answers.

GET checks the request first (Authlib: client, exact redirect URI, PKCE S256, scopes,
``prompt``), then makes sure the owner has logged in (afresh when ``prompt=login`` or
``max_age`` asks), then shows who asks for what. POST records the owner's decision and
redirects back to the vendor with a code or ``access_denied`` (303, with ``state`` and
``iss``). Before the owner has logged in and decided, the vendor's redirect URI gets
only the errors OpenID Connect requires there (``prompt=none`` and request objects);
every other bad request ends on an error page here, so a vendor cannot use the store
to bounce the owner's browser to its own site (RFC 9700, section 4.11.2).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any, cast
from urllib.parse import urlsplit

from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6749.util import scope_to_list
from authlib.oidc.core.errors import ConsentRequiredError
from flask import Response, redirect, render_template, request, url_for

from pds.auth import auth
from pds.auth.models import Owner
from pds.errors import ValidationFailed
from pds.i18n import gettext, ngettext
from pds.schemas.client import is_loopback
from pds.services.identity.grants import EXPIRY_CHOICES
from pds.web.context import services
from pds.web.guard import portal_blueprint
from pds.web.headers import CONTENT_SECURITY_POLICY
from pds.web.redirects import this_request_target
from pds.web.sessions import owner_auth_age, owner_auth_time, take_fresh_login
from policies.scopes import Scope
from policies.terms import summary

bp = portal_blueprint("consent", __name__)
DEFAULT_EXPIRY = "30d"
SHIPPING_EXPIRY = "1d"  # a shipping address after an award: for this one order
SHIPPING_SCOPES = frozenset({"openid", "address"})
REACH_CHOICES = ("vendor", "categories", "all")


#: The errors that go to the vendor's (checked) redirect URI before the owner has decided:
#: those OpenID Connect requires there (Core 1.0, sections 3.1.2.6, 6.1, 6.2).
REDIRECTED_ERRORS = frozenset(
    {
        "login_required",
        "consent_required",
        "interaction_required",
        "account_selection_required",
        "request_not_supported",
        "request_uri_not_supported",
        "registration_not_supported",
    }
)
_SECONDS = re.compile(r"[0-9]{1,10}")


@bp.route("/oauth/authorize", methods=["GET", "POST"])
def authorize() -> Any:
    server = auth().server
    try:
        owner = _authenticated_owner()
        # cast: types-Authlib leaves get_consent_grant unannotated
        consent_grant = cast("Callable[..., Any]", server.get_consent_grant)
        grant = consent_grant(end_user=owner)  # prompt=none: login_required
        if owner is None:
            login = url_for("portal.login", next=this_request_target())
            return redirect(login, _redirect_code())
        if _prompts() == ["none"]:  # every grant is the owner's decision on this page
            raise ConsentRequiredError(
                redirect_uri=grant.redirect_uri, state=grant.request.payload.state
            )
    except OAuth2Error as error:
        return _refused(error)
    client = grant.request.client
    requested = scope_to_list(grant.request.scope) or []
    back_to = urlsplit(grant.redirect_uri).hostname or ""
    award = _shipping_award(client.record, requested)
    if request.method != "POST":  # GET, or HEAD: never the POST branch
        page = _page(client.record, back_to, requested, _defaults(requested, award), award)
        return _with_form_target(page, grant)
    if request.form.get("decision") != "allow":
        services().consent.deny(client.record)
        return _see_other(_authorization_response(grant, None))
    choices = _choices_from_form(award)
    try:
        record = services().consent.allow(
            client.record,
            requested=requested,
            chosen=choices["scopes"],
            constraints=choices["constraints"],
            expiry=choices["expiry"],
        )
    except ValidationFailed as exc:
        page = _page(client.record, back_to, requested, choices, award, exc.details)
        return _with_form_target(page, grant, 400)
    owner = Owner(record, owner_auth_time())
    return _see_other(_authorization_response(grant, owner))


def _authorization_response(grant: Any, owner: Owner | None) -> Response:
    """Authlib's redirect back to the vendor (``owner`` None: the owner denied)."""
    response = auth().server.create_authorization_response(grant=grant, grant_user=owner)
    # cast: the Flask integration returns a Flask Response; types-Authlib says object
    return cast(Response, response)


def _authenticated_owner() -> Owner | None:
    """The owner as Authlib's end user, or ``None`` while a login is needed first: none
    yet, or not fresh enough for ``prompt=login`` or ``max_age``. A login made to reach
    this very request counts as fresh, once (the consent form's POST is its sequel)."""
    max_age = _max_age()  # checked first: a bad one is refused before any login
    auth_time = owner_auth_time()
    if auth_time is None:
        return None
    if (
        request.method == "GET"
        and _fresh_login_demanded(max_age)
        and not take_fresh_login(this_request_target())
    ):
        return None
    return Owner({}, auth_time)


def _fresh_login_demanded(max_age: int | None) -> bool:
    age = owner_auth_age() or 0.0
    return "login" in _prompts() or (max_age is not None and age > max_age)


def _prompts() -> list[str]:
    return request.args.get("prompt", "").split()


def _max_age() -> int | None:
    """The request's ``max_age`` (seconds), or ``None``; anything but digits is refused."""
    text = request.args.get("max_age")
    if text is None:
        return None
    if not _SECONDS.fullmatch(text):
        raise InvalidRequestError(
            "max_age must be a whole number of seconds.", state=request.args.get("state")
        )
    return int(text)


def _shipping_award(client: dict[str, Any], requested: list[str]) -> dict[str, Any] | None:
    """The award a request for the shipping address (and nothing else) follows: the RFP
    and its winning offer (``None`` for any other request)."""
    if "address" not in requested or not set(requested) <= SHIPPING_SCOPES:
        return None
    rfp = services().rfps.shipping_award_to(client["id"])
    if rfp is None:
        return None
    return {"rfp": rfp, "offer": services().offers.find(rfp["awarded_offer_id"]) or {}}


def _defaults(requested: list[str], award: dict[str, Any] | None) -> dict[str, Any]:
    constraints: dict[str, Any] = {"purchases": "vendor", "categories": [], "since": None}
    expiry = SHIPPING_EXPIRY if award else DEFAULT_EXPIRY
    return {"scopes": requested, "constraints": constraints, "expiry": expiry}


def _choices_from_form(award: dict[str, Any] | None) -> dict[str, Any]:
    form = request.form
    categories = [c.strip() for c in form.get("categories", "").split(",") if c.strip()]
    return {
        "scopes": form.getlist("grant_scope"),
        "constraints": {
            "purchases": form.get("purchases_reach", "vendor"),
            "categories": categories,
            "since": form.get("since") or None,
        },
        "expiry": form.get("expiry", SHIPPING_EXPIRY if award else DEFAULT_EXPIRY),
    }


def _page(
    client: dict[str, Any],
    back_to: str,
    requested: list[str],
    choices: dict[str, Any],
    award: dict[str, Any] | None,
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
        scopes=[_in_words_of_page(scope) for scope in consent.scopes(requested)],
        purposes=client.get("purpose") or {},
        award=award,
        terms=terms,
        terms_lines=summary(terms, gettext, ngettext),
        choices=choices,
        errors=errors or {},
        expiries=list(EXPIRY_CHOICES),
        reaches=REACH_CHOICES,
        asks_purchases=any(s.startswith("purchases:") for s in requested),
    )


def _in_words_of_page(scope: Scope) -> Scope:
    """The scope with its title and description in the page's language."""
    return replace(scope, title=gettext(scope.title), description=gettext(scope.description))


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
    """Redirect the error to the vendor only if OpenID Connect requires it there and the
    redirect URI was validated; else an error page here."""
    if error.redirect_uri and error.error in REDIRECTED_ERRORS:
        # cast: get_body appends only the values that are set; types-Authlib admits None
        body = cast("list[tuple[str, str]]", error.get_body())
        params = [*body, ("iss", auth().server.issuer)]
        return redirect(add_params_to_uri(error.redirect_uri, params), code=_redirect_code())
    html = render_template(
        "error.html",
        status=400,
        title=gettext("This request cannot go on"),
        detail=error.description or error.error,
        hint=gettext(
            "The app that sent you here asked for something this store does not allow "
            "(%(error)s). Nothing was shared with it, and you stay here.",
            error=error.error,
        ),
    )
    return html, 400


def _see_other(response: Response) -> Response:
    """After a POST, 303 (the browser must GET the vendor's redirect URI)."""
    if request.method == "POST" and response.status_code == 302:
        response.status_code = 303
    return response


def _redirect_code() -> int:
    return 303 if request.method == "POST" else 302
