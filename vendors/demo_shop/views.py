"""The shop's pages: catalogue, connect (the OAuth flow via the SDK), what we were
granted, checkout (a receipt pushed into the owner's store), disconnect."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response

from vendors.demo_shop.catalogue import BY_SKU, CURRENCY, PRODUCTS, Order, parse_quantity
from vendors.demo_shop.connection import CONNECT, Lost, ShopConnection
from vendors.demo_shop.rfp_desk import AWARD_PREFIX
from vendors.demo_shop.rfp_views import desk as rfp_desk
from vendors.sdk import (
    AuthorizationFailed,
    Me,
    NotAuthorized,
    NotFound,
    PDSClient,
    PDSError,
    Preference,
    Purchase,
    Receipt,
    ReceiptItem,
    Relationship,
    StoreUnreachable,
)

bp = Blueprint("shop", __name__)
EXTENSION = "demo_shop"
HISTORY_PAGE = 20
Page = str | Response | tuple[str, int]


def connection() -> ShopConnection:
    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Granted:
    """Everything the shop may see, fetched for one page view (``None``: not granted)."""

    scopes: tuple[str, ...]
    me: Me
    purchases: list[Purchase] | None
    more_purchases: bool
    preferences: list[Preference] | None
    relationship: Relationship | None


def fetch_granted(client: PDSClient, scopes: tuple[str, ...]) -> Granted:
    purchases, more = None, False
    if "purchases:read" in scopes:
        page = client.purchases_page(limit=HISTORY_PAGE)
        purchases, more = list(page.items), page.next_cursor is not None
    preferences = client.preferences() if "preferences:read" in scopes else None
    relationship = None
    if "relationship:read" in scopes:
        try:
            relationship = client.relationship()
        except NotFound:
            relationship = None
    return Granted(scopes, client.me(), purchases, more, preferences, relationship)


def trouble(exc: PDSError) -> tuple[str, int]:
    if isinstance(exc, StoreUnreachable):
        detail = "Your data store is not answering right now. Please try again in a moment."
        return render_template("problem.html", title="No answer", detail=detail), 503
    detail = f"Your data store refused our request ({exc.code})."
    return render_template("problem.html", title="Refused", detail=detail), 502


def lost_access(exc: NotAuthorized) -> Lost:
    return connection().mark_lost(exc)


@bp.get("/")
def index() -> Page:
    conn = connection()
    return render_template(
        "index.html", products=PRODUCTS, currency=CURRENCY, connected=conn.connected, lost=conn.lost
    )


@bp.post("/connect")
def connect() -> Page:
    try:
        pending = connection().start()
    except PDSError as exc:
        return trouble(exc)
    session["oauth_state"] = pending.state  # binds the callback to this browser
    return redirect(pending.url, 303)


@bp.get("/callback")
def callback() -> Page:
    state = session.pop("oauth_state", None)
    taken = connection().take(state) if isinstance(state, str) else None
    if taken is None:
        detail = "This answer is not for a connection started in this browser, or it expired."
        return render_template("problem.html", title="Unexpected answer", detail=detail), 400
    award = taken.purpose.removeprefix(AWARD_PREFIX) if taken.purpose != CONNECT else None
    try:
        if award is None:
            connection().finish(request.url, taken.request)
        else:
            rfp_desk().finish_consent(award, request.url, taken.request)
    except AuthorizationFailed as exc:
        if exc.code == "access_denied":
            flash(
                "You chose not to connect your data store. Nothing was shared."
                if award is None
                else "You chose not to share your shipping address. Nothing was shared."
            )
            return redirect(url_for(".index" if award is None else "rfps.rfps"), 303)
        detail = f"The answer from the data store could not be trusted ({exc.code})."
        return render_template("problem.html", title="Not connected", detail=detail), 400
    except NotAuthorized as exc:
        detail = f"The data store did not give us access ({exc.code})."
        return render_template("problem.html", title="Not connected", detail=detail), 400
    except PDSError as exc:
        return trouble(exc)
    if award is not None:
        flash("Thank you: we have what we need to ship your order.")
        return redirect(url_for("rfps.rfps"), 303)
    flash("Connected: your data store shares what you allowed.")
    return redirect(url_for(".account"), 303)


@bp.get("/account")
def account() -> Page:
    conn = connection()
    granted, lost = None, conn.lost
    if conn.connected:
        try:
            granted = fetch_granted(conn.client, conn.granted)
        except NotAuthorized as exc:
            lost = lost_access(exc)
        except PDSError as exc:
            return trouble(exc)
    return render_template("account.html", granted=granted, lost=lost)


@bp.post("/checkout")
def checkout() -> Page:
    product = BY_SKU.get(request.form.get("sku", ""))
    quantity = parse_quantity(request.form.get("quantity"))
    if product is None or quantity is None:
        detail = "Choose a product from the catalogue and a quantity from 1 to 20."
        return render_template("problem.html", title="Not an order", detail=detail), 400
    order = Order(f"DS-{secrets.token_hex(4).upper()}", product, quantity)
    conn = connection()
    outcome: dict[str, Any] = {"receipt": None, "lost": conn.lost, "refused": None}
    if conn.connected and "purchases:write" in conn.granted:
        try:
            outcome["receipt"] = conn.client.push_receipt(receipt_for(order))
        except NotAuthorized as exc:
            outcome["lost"] = lost_access(exc)
        except PDSError as exc:
            outcome["refused"] = exc.code
    return render_template(
        "order.html", order=order, currency=CURRENCY, connected=conn.connected, **outcome
    )


@bp.post("/disconnect")
def disconnect() -> Page:
    try:
        connection().disconnect()
    except PDSError as exc:
        return trouble(exc)
    flash("Disconnected: we gave our access to your data store back.")
    return redirect(url_for(".index"), 303)


def receipt_for(order: Order) -> Receipt:
    item = ReceiptItem(
        description=order.product.name,
        unit_price=order.product.price,
        quantity=Decimal(order.quantity),
        sku=order.product.sku,
    )
    return Receipt(
        date=date.today(),
        currency=CURRENCY,
        items=(item,),
        order_ref=order.ref,
        category=order.product.category,
    )
