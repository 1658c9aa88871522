"""Importing purchases from a CSV file in the portal: upload, preview, import.

The upload is checked with a dry run and the preview shows every purchase the file
would create and every faulty line. The file waits in the server-side session (never
on disk, never in a cookie) until the owner presses "Import", which commits it all or
nothing; a new upload replaces it.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from pds.errors import ValidationFailed
from pds.services.importers.purchases_csv import ImportReport, import_purchases_csv
from pds.web.context import services
from pds.web.guard import portal_blueprint

bp = portal_blueprint("purchase_import", __name__)
PENDING = "purchase_import"
MAX_BYTES = 2 * 1024 * 1024
Page = str | Response | tuple[str, int]


def _options(form: Any) -> dict[str, Any]:
    return {
        "default_currency": form.get("default_currency", "").strip().upper() or None,
        "create_vendors": form.get("create_vendors") == "on",
    }


def _upload_page(form: Any, errors: dict[str, list[str]], status: int = 200) -> tuple[str, int]:
    return render_template("purchases_import.html", form=form, errors=errors), status


@bp.get("/purchases/import")
def upload() -> tuple[str, int]:
    return _upload_page({"create_vendors": "on"}, {})


@bp.post("/purchases/import")
def preview() -> Page:
    upload = request.files.get("file")
    data = upload.read(MAX_BYTES + 1) if upload else b""
    if not data:
        return _upload_page(request.form, {"file": ["Choose a CSV file to import."]}, 422)
    if len(data) > MAX_BYTES:
        return _upload_page(request.form, {"file": ["The file is larger than 2 MB."]}, 422)
    options = _options(request.form)
    try:
        report = import_purchases_csv(services(), data, dry_run=True, **options)
    except ValidationFailed as exc:
        errors = exc.flat("-") or {"file": [exc.message]}
        errors = {("default_currency" if k == "currency" else "file"): v for k, v in errors.items()}
        return _upload_page(request.form, errors, 422)
    name = (upload.filename if upload else None) or "file"
    session[PENDING] = {"csv": data, "options": options, "name": name}
    return _preview_page(report, name)


@bp.post("/purchases/import/commit")
def commit() -> Page:
    pending = session.get(PENDING)
    if not pending:
        flash("Nothing to import: upload the file again.")
        return redirect(url_for("purchase_import.upload"), 303)
    try:
        report = import_purchases_csv(services(), pending["csv"], **pending["options"])
    except ValidationFailed:  # the store changed since the preview: show the fresh report
        report = import_purchases_csv(
            services(), pending["csv"], dry_run=True, **pending["options"]
        )
        return _preview_page(report, pending["name"]), 422
    session.pop(PENDING, None)
    flash(_imported(report.purchases_created, len(report.vendors_created)))
    return redirect(url_for("purchases.index"), 303)


def _imported(purchases: int, vendors: int) -> str:
    text = f"Imported {purchases} purchase{'s' if purchases != 1 else ''}"
    if vendors:
        text += f" and {vendors} new vendor{'s' if vendors != 1 else ''}"
    return text + "."


def _preview_page(report: ImportReport, name: str) -> str:
    return render_template("purchases_import_preview.html", report=report, name=name)
