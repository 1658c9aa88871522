"""The owner's view of vendor access: registered vendors, their grants, the access log."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from pds.i18n import gettext
from pds.services.identity.clients import is_new, verified_domain_of
from pds.web.context import services
from pds.web.errors import go_back_when_refused
from pds.web.guard import portal_blueprint
from pds.web.pictures import access_per_day

bp = portal_blueprint("access", __name__)
ACCESS_CHART_DAYS = 30


@bp.get("/vendors")
def vendors() -> str:
    clients = services().clients.list()
    grants: dict[str, list[dict[str, Any]]] = {}
    for grant in services().grants.list():
        grants.setdefault(grant["client_id"], []).append(grant)
    return render_template(
        "vendors.html",
        clients=clients,
        grants=grants,
        is_new=is_new,
        verified_site=verified_domain_of,
        holding_back=services().rfp_vendors_need_approval,
    )


@bp.post("/vendors/<client_id>/block")
def block(client_id: str) -> Response:
    client = services().clients.block(client_id)
    flash(
        gettext("%(name)s is blocked; every grant it held is revoked.", name=client["client_name"])
    )
    return redirect(url_for("access.vendors"), code=303)


@bp.post("/vendors/<client_id>/approve")
def approve(client_id: str) -> Response:
    client = services().clients.approve(client_id)
    flash(gettext("%(name)s is approved: it may answer your RFPs.", name=client["client_name"]))
    return redirect(url_for("access.vendors"), code=303)


@bp.post("/vendors/<client_id>/unblock")
def unblock(client_id: str) -> Response:
    client = services().clients.unblock(client_id)
    flash(gettext("%(name)s may ask for access again.", name=client["client_name"]))
    return redirect(url_for("access.vendors"), code=303)


@bp.post("/grants/<grant_id>/revoke")
def revoke(grant_id: str) -> Response:
    services().grants.revoke(grant_id)
    flash(gettext("Access revoked. The vendor's tokens stop working on its next request."))
    return redirect(url_for("access.vendors"), code=303)


@bp.get("/access-log")
def access_log() -> tuple[str, int]:
    errors: dict[str, list[str]] = {}
    since, until = _day("since", errors), _day("until", errors)
    client_id = request.args.get("vendor") or None
    clients = {c["id"]: c for c in services().clients.list()}
    if client_id is not None and client_id not in clients:
        errors["vendor"] = [gettext("No such vendor.")]
        client_id = None
    entries = services().access_log.entries(client_id=client_id, since=since, until=until)
    seen = services().access_log.seen_by(client_id) if client_id else None
    records = _records_seen(client_id, request.args.get("seen_before")) if client_id else []
    per_day = services().access_log.calls_per_day(ACCESS_CHART_DAYS, client_id=client_id)
    who = clients[client_id]["client_name"] if client_id else gettext("all vendors")
    return render_template(
        "access_log.html",
        entries=entries,
        access_chart=access_per_day(per_day, who),
        clients=clients,
        chosen=client_id,
        seen=seen,
        records=records,
        more_records=len(records) >= RECORDS_PER_PAGE,
        args=request.args,
        errors=errors,
    ), (400 if errors else 200)


RECORDS_PER_PAGE = 50


def _records_seen(client_id: str, before: str | None) -> list[dict[str, Any]]:
    """The records this vendor's calls returned, each resolved to what it is now
    (``record`` is ``None`` when it has since been deleted)."""
    cursor = int(before) if before and before.isdigit() else None
    seen = services().access_log.records_seen(client_id, before=cursor, limit=RECORDS_PER_PAGE)
    finders = {"purchase": services().purchases.find, "preference": services().preferences.find}
    found = []
    for item in seen:
        record = finders[item.kind](item.record_id) if item.kind in finders else None
        vendor = services().relationships.find(record.get("vendor_id")) if record else None
        found.append(
            {
                "seq": item.seq,
                "at": item.at,
                "kind": item.kind,
                "id": item.record_id,
                "record": record,
                "vendor": vendor["name"] if vendor else "",
            }
        )
    return found


def _day(name: str, errors: dict[str, list[str]]) -> date | None:
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = [gettext("Use a date like 2026-01-31.")]
        return None


go_back_when_refused(bp, lambda: url_for("access.vendors"))
