"""The portal, guarded by construction: the owner's login and the CSRF token are asked
once per blueprint, and the routes open without a login are listed here, nowhere else.

Every portal area makes its blueprint with ``portal_blueprint``, which comes with
``guard`` as its before-request function: a POST (any method but GET, HEAD and OPTIONS)
without the session's CSRF token is a 400, then a request without the owner's session
goes to ``/login?next=<this page>``, whatever the method, unless its endpoint is in
``PUBLIC_ROUTES``. A view added to a portal blueprint is thus guarded before anyone
writes a line for it. The blueprints that are not the portal (``OUTSIDE_PORTAL``) never
read the owner's session: their callers prove who they are otherwise, or they serve
what anyone may read. ``tests/web/test_guard.py`` walks the URL map and holds every
other route to the guard.

A request that matches no route (404, 405) belongs to no blueprint: the error page
answers it, guarded by nothing because it shows nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from flask import Blueprint, redirect, request, url_for
from werkzeug.wrappers import Response

from pds.web.csrf import require_csrf_token
from pds.web.redirects import this_request_target
from pds.web.sessions import owner_logged_in

#: The methods that change nothing, so carry no CSRF token (a view never takes a form's
#: POST branch on them: ``tests/test_hostile_inputs.py`` sends HEAD with a form).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: The portal's endpoints open without the owner's session, and why. A POST to one still
#: needs the form's CSRF token: the browser's cookie rides along on it.
PUBLIC_ROUTES: Mapping[str, str] = MappingProxyType(
    {
        "portal.login": "the login form itself",
        "portal.logout": "ends the session, also one that has already expired",
        "consent.authorize": (
            "the consent endpoint decides itself: it checks the vendor's request first, "
            "then sends the owner to log in (afresh for prompt=login or max_age), or "
            "answers prompt=none with login_required at the vendor's redirect URI"
        ),
        "reminders.feed": (
            "the reminders' iCalendar feed (/reminders.ics?key=...): the random key in its "
            "address is its credential, for calendar apps that have no session"
        ),
    }
)

#: The blueprints (and app-level endpoints) that are not the portal, and what stands in
#: for the owner's session there. None reads the session, so a forged cross-site request
#: has nothing to ride on, and none is given the guard.
VENDOR_API = "the vendor API (/api/v1): bearer tokens, checked by the resource protector"
OUTSIDE_PORTAL: Mapping[str, str] = MappingProxyType(
    {
        "static": "the portal's stylesheet and images",
        "health": "/healthz and /readyz: up, store open, workers running; nothing about the data",
        "oauth": (
            "the OAuth and OpenID Connect machine endpoints: client credentials or bearer "
            "tokens (token, revocation, introspection, registration, userinfo), and public "
            "metadata (/.well-known/*, /jwks.json)"
        ),
        "openapi": "/openapi.json: the vendor API's description",
        "feed": "the public RFP feed (/rfps/feed, /rfps/feed.atom): open RFPs by pseudonym",
        "api_owner": VENDOR_API,
        "api_purchases": VENDOR_API,
        "api_rfps": VENDOR_API,
        "api_subscriptions": VENDOR_API,
    }
)


def guard() -> Response | None:
    """The portal's before-request check: the CSRF token on a POST, then the owner's
    session (``None`` lets the view run)."""
    if request.method not in SAFE_METHODS:
        require_csrf_token()
    if request.endpoint in PUBLIC_ROUTES or owner_logged_in():
        return None
    return redirect(url_for("portal.login", next=this_request_target()))


def portal_blueprint(
    name: str, import_name: str, url_prefix: str | None = None, *, max_body: int | None = None
) -> Blueprint:
    """A blueprint of the portal: each of its routes is guarded (see the module's text).

    ``max_body`` raises (or lowers) the app's cap on a request's body for its routes (an
    upload page), before the guard reads the form."""
    blueprint = Blueprint(name, import_name, url_prefix=url_prefix)
    if max_body is not None:
        cap = max_body

        def _body_cap() -> None:
            request.max_content_length = cap

        blueprint.before_request(_body_cap)
    blueprint.before_request(guard)
    return blueprint
