"""The shop's RFP pages: the webhook endpoint the store posts to, what the desk has
seen and done (``/rfps``, and ``/rfps.json`` for machines), and the button that asks
the owner for an award's shipping address."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request
from flask import session as browser_session
from werkzeug.wrappers import Response

from vendors.demo_shop.rfp_desk import DeskError, RfpDesk
from vendors.sdk import PDSError, WebhookError

bp = Blueprint("rfps", __name__)
DESK = "demo_shop.rfp_desk"
WEBHOOK_ENDPOINT = "rfps.webhook"  # exempt from the shop's CSRF check: it is signed


def desk() -> RfpDesk:
    found = current_app.extensions.get(DESK)
    if found is None:
        abort(404, description="This shop does not answer RFPs.")
    return found  # type: ignore[no-any-return]


@bp.post("/webhooks/pds")
def webhook() -> tuple[Response, int]:
    """The store's webhooks: 200 once verified (offers follow on the desk's thread),
    400 with the reason when not (nothing is done)."""
    try:
        event = desk().receive(request.headers, request.get_data(cache=False))
    except WebhookError as error:
        return jsonify({"error": error.code, "detail": error.detail}), 400
    return jsonify({"received": event.id}), 200


@bp.get("/rfps")
def rfps() -> str:
    return render_template("rfps.html", desk=desk().status())


@bp.get("/rfps.json")
def rfps_json() -> Response:
    return jsonify(desk().status())


@bp.post("/rfps/awards/<offer_id>/connect")
def award_connect(offer_id: str) -> Response | tuple[str, int]:
    """Ask the owner (at their store) for the scope the award's consent block names."""
    try:
        pending = desk().start_consent(offer_id)
    except DeskError as exc:
        return render_template("problem.html", title="Not now", detail=str(exc)), 409
    except PDSError as exc:
        detail = f"Your data store refused our request ({exc.code})."
        return render_template("problem.html", title="Refused", detail=detail), 502
    browser_session["oauth_state"] = pending.state
    return redirect(pending.url, 303)
