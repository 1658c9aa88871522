"""Purchases in the portal: the filtered, searchable list (paged), add, edit, delete with a
confirmation, and the review of receipts vendors pushed (status ``new`` -> ``reviewed``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from pds.errors import ValidationFailed
from pds.i18n import gettext
from pds.schemas.purchase import STATUSES
from pds.services.records.purchase_browsing import SORTS
from pds.web.context import services
from pds.web.forms import all_relationships, tag_list
from pds.web.guard import portal_blueprint
from pds.web.owner_locale import AmountUnclear
from pds.web.wording_filters import owner_locale

bp = portal_blueprint("purchases", __name__)
PAGE_SIZE = 25
DEFAULT_SORT = "-date"
FILTERS = ("vendor", "category", "since", "until", "q", "status")
ITEM_FIELDS = ("description", "quantity", "unit_price")
BLANK_ITEM_ROWS = 2
Page = str | Response | tuple[str, int]


# -- the list --------------------------------------------------------------------------


def _filters() -> dict[str, str]:
    return {k: v for k in FILTERS if (v := request.args.get(k, "").strip())}


@bp.get("/purchases")
def index() -> tuple[str, int]:
    filters = _filters()
    sort = request.args.get("sort") or DEFAULT_SORT
    cursor = request.args.get("after") or None
    vendors = all_relationships(services(), "vendor")
    try:
        found = services().purchases.browse(
            vendor_id=filters.get("vendor"),
            category=filters.get("category"),
            since=filters.get("since"),
            until=filters.get("until"),
            status=filters.get("status"),
            text=filters.get("q"),
            sort=sort,
            after=cursor,
            limit=PAGE_SIZE,
        )
        errors: dict[str, Any] = {}
    except ValidationFailed as exc:
        found = None
        errors = {_FILTER_NAMES.get(k, k): v for k, v in exc.flat("-").items()}
    html = render_template(
        "purchases.html",
        found=found,
        purchases=found.items if found else [],
        next_cursor=found.next_cursor if found else None,
        cursor=cursor,
        filters=filters,
        sort=sort if sort in SORTS else DEFAULT_SORT,
        listing=filters if sort == DEFAULT_SORT else {**filters, "sort": sort},
        vendors=vendors,
        vendor_names={v["id"]: v["name"] for v in vendors},
        statuses=STATUSES,
        awaiting=services().purchases.count_awaiting_review(),
        errors=errors,
    )
    return html, 422 if errors else 200


_FILTER_NAMES = {"vendor_id": "vendor", "cursor": "after"}


# -- add, edit, delete -----------------------------------------------------------------


@bp.route("/purchases/new", methods=["GET", "POST"])
def new() -> Page:
    if request.method != "POST":  # GET, or HEAD: never the POST branch
        form = MultiDict({"vendor_id": request.args.get("vendor", ""), "currency": "EUR"})
        return _form_page(None, form, {})
    try:
        record = services().purchases.add(_purchase_input(request.form, editing=False))
    except ValidationFailed as exc:
        return _form_page(None, request.form, exc.flat("-")), 422
    flash(gettext("Purchase of %(purchase)s added.", purchase=_said(record)))
    return redirect(url_for("purchases.index"), 303)


@bp.route("/purchases/<purchase_id>/edit", methods=["GET", "POST"])
def edit(purchase_id: str) -> Page:
    record = services().purchases.get(purchase_id)
    if request.method != "POST":  # GET, or HEAD: never the POST branch
        return _form_page(record, _as_form(record), {})
    try:
        services().purchases.update(purchase_id, _purchase_input(request.form, editing=True))
    except ValidationFailed as exc:
        return _form_page(record, request.form, exc.flat("-")), 422
    flash(gettext("Purchase saved."))
    return redirect(url_for("purchases.index"), 303)


@bp.route("/purchases/<purchase_id>/delete", methods=["GET", "POST"])
def delete(purchase_id: str) -> Page:
    record = services().purchases.get(purchase_id)
    if request.method != "POST":  # GET, or HEAD: never the POST branch
        vendor = services().relationships.find(record["vendor_id"]) or {}
        return render_template("purchase_delete.html", purchase=record, vendor=vendor)
    services().purchases.delete(purchase_id)
    flash(gettext("Purchase of %(purchase)s deleted.", purchase=_said(record)))
    return redirect(url_for("purchases.index"), 303)


@bp.post("/purchases/<purchase_id>/review")
def review(purchase_id: str) -> Response:
    services().purchases.update(purchase_id, {"status": "reviewed"})
    flash(gettext("Receipt marked as reviewed."))
    return redirect(url_for("purchases.index", status="new"), 303)


def _said(record: Mapping[str, Any]) -> str:
    """A purchase as the owner reads it: ``€19.90 on 6 May 2025``."""
    owner = owner_locale()
    amount = owner.amount(record["total"], record["currency"])
    return gettext("%(amount)s on %(day)s", amount=amount, day=owner.day(record["date"]))


def _form_page(
    record: Mapping[str, Any] | None, form: Mapping[str, Any], errors: dict[str, Any]
) -> str:
    count = _item_count(form) + BLANK_ITEM_ROWS
    return render_template(
        "purchase_form.html",
        purchase=record,
        form=form,
        errors=errors,
        vendors=all_relationships(services(), "vendor"),
        item_rows=range(count),
    )


def _item_count(form: Mapping[str, Any]) -> int:
    indexes = [
        int(key.split("-")[1])
        for key in form
        if key.startswith("items-") and key.split("-")[1].isdigit() and form[key]
    ]
    return max(indexes) + 1 if indexes else 0


def _purchase_input(form: Mapping[str, Any], *, editing: bool) -> dict[str, Any]:
    """The purchase the form describes; blank optional fields are left out (or cleared).
    Amounts are read as the owner writes them (``120,00``); one that could be read two
    ways (``1,000``) is refused with ``ValidationFailed`` naming its field."""
    unclear: dict[str, Any] = {}
    form = _amounts_read(form, unclear)
    if unclear:
        raise ValidationFailed("invalid input", unclear)
    data: dict[str, Any] = {
        "vendor_id": form.get("vendor_id", ""),
        "date": form.get("date", "").strip(),
        "currency": form.get("currency", "").strip().upper(),
    }
    for name in ("order_ref", "category", "notes", "total"):
        value = form.get(name, "").strip()
        if value or (editing and name != "total"):
            data[name] = value or None
    tags = tag_list(form.get("tags", ""))
    if tags or editing:
        data["tags"] = tags or None
    items = _items(form)
    if items or editing:
        data["items"] = items or None
    if editing and not items and "total" not in data:
        data["total"] = None  # no items, no total: the schema asks for one
    return data


def _amounts_read(form: Mapping[str, Any], unclear: dict[str, Any]) -> dict[str, Any]:
    """``form`` with its amounts (total, unit prices) as plain decimals; the ones that
    could be read two ways go to ``unclear`` (text that is no number at all stays as
    typed, for the schema to name with the rest)."""
    read = dict(form.items())
    owner = owner_locale()
    for name, text in form.items():
        row = name.removeprefix("items-").removesuffix("-unit_price")
        if name != "total" and not (name.endswith("-unit_price") and row.isdigit()):
            continue
        if not text.strip():
            continue
        try:
            read[name] = str(owner.parse_amount(text))
        except AmountUnclear as refused:
            if refused.ambiguous and name == "total":
                unclear["total"] = [str(refused)]
            elif refused.ambiguous:
                unclear.setdefault("items", {})[row] = {"unit_price": [str(refused)]}
    return read


def _items(form: Mapping[str, Any]) -> list[dict[str, str]]:
    items = []
    for index in range(_item_count(form)):
        cells = {f: form.get(f"items-{index}-{f}", "").strip() for f in ITEM_FIELDS}
        if any(cells.values()):
            items.append({k: v for k, v in cells.items() if v or k != "quantity"})
    return items


def _as_form(record: Mapping[str, Any]) -> MultiDict[str, str]:
    form: MultiDict[str, str] = MultiDict()
    for name in ("vendor_id", "date", "currency", "order_ref", "category", "notes", "total"):
        form[name] = str(record.get(name) or "")
    form["tags"] = ", ".join(record.get("tags") or [])
    if record.get("items"):
        form["total"] = ""  # summed again from the items unless the owner gives one
    for index, item in enumerate(record.get("items") or []):
        for name in ITEM_FIELDS:
            form[f"items-{index}-{name}"] = str(item.get(name) or "")
    return form
