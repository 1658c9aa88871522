"""The portal's Import page: purchases (CSV, Amazon, bank statements, e-mail receipts),
meetings (a calendar file) and contacts (a vCard file), previewed, then imported.

One page: the file, its format and the options; for CSV files the columns, each read as
a field (detected, or chosen in a select: the mapping step); below, the dry run's report
(every decision, every faulty row, the purchases as they would be stored). "Preview"
checks again with the chosen mapping and options; "Import" commits it all or nothing.

The upload waits in the server-side session (in this process's memory: never on disk,
never in a cookie) with its mapping and options until it is imported or replaced, so an
error never loses the chosen file. Uploads are capped at ``MAX_BYTES``. A calendar's or
vCard file's faulty items (each named: "card 5 (line 31)") are errors of the file field.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from pds.errors import ValidationFailed, detail_lines
from pds.i18n import N_, gettext, ngettext, translated
from pds.services.importers.bank import import_statement
from pds.services.importers.calendar_ics import import_calendar
from pds.services.importers.outcome import ImportReport as ItemReport
from pds.services.importers.purchase_plan import COLUMNS
from pds.services.importers.purchase_report import MATCHING, ImportReport, PurchaseImportOptions
from pds.services.importers.purchases_csv import header_choices, import_purchases_csv
from pds.services.importers.receipts import import_receipts
from pds.services.importers.vcard import import_vcard
from pds.web.context import services
from pds.web.guard import portal_blueprint

PENDING = "purchase_import"
#: The largest file the page takes (a larger one is refused on the form).
MAX_BYTES = 2 * 1024 * 1024
#: What the rest of the form may add to the file in one request (the mapping, options).
FORM_ROOM = 64 * 1024
bp = portal_blueprint("purchase_import", __name__, max_body=MAX_BYTES + FORM_ROOM)
FORMATS = (
    ("csv", N_("CSV (a spreadsheet, a bank's or shop's CSV export)")),
    ("amazon", N_("Amazon order history (CSV)")),
    ("bank", N_("Bank or card statement (OFX/QFX, camt.053, MT940)")),
    ("receipts", N_("E-mail receipts (an mbox file, one .eml, or a zip of .eml files)")),
    ("calendar", N_("Calendar (.ics): meetings with your people and vendors")),
    ("contacts", N_("Contacts (.vcf vCard): people and organisations")),
)
#: What an item import reads (``ImportReport.what``) and what becomes of each item
#: (``OUTCOMES``), in words to translate
ITEM_WORDS = {
    "contacts": N_("contacts"),
    "events": N_("events"),
    "messages": N_("messages"),
    "created": N_("created"),
    "merged": N_("merged"),
    "skipped": N_("skipped"),
}
TABULAR = ("csv", "amazon")
FLAGS = ("create_vendors", "skip_invalid", "debits_as_purchases")
Page = str | Response | tuple[str, int]


@bp.get("/purchases/import")
def upload() -> Page:
    pending = session.get(PENDING)
    form = {"create_vendors": "on", "format": "csv", "matching": "ask"}
    if pending:
        form = pending["form"]
    return _page(form, {}, pending)


@bp.post("/purchases/import")
def preview() -> Page:
    form = _form_of(request.form)
    pending = session.get(PENDING)
    uploaded = request.files.get("file")
    data = uploaded.read(MAX_BYTES + 1) if uploaded and uploaded.filename else b""
    if len(data) > MAX_BYTES:
        return _page(
            form,
            {
                "file": [
                    gettext("The file is larger than %(size)d MB.", size=MAX_BYTES // (1024 * 1024))
                ]
            },
            pending,
            422,
        )
    if data:  # a new file: the columns chosen for the one it replaces do not apply
        name = uploaded.filename if uploaded and uploaded.filename else "file"
        pending = {"data": data, "name": name}
        form["mapping"] = {}
    if not pending:
        return _page(form, {"file": [gettext("Choose a file to import.")]}, None, 422)
    pending = {**pending, "form": form}
    session[PENDING] = pending
    try:
        report = _run(pending, dry_run=True)
    except ValidationFailed as exc:
        return _page(form, _field_errors(exc), pending, 422)
    return _preview(form, pending, report)


@bp.post("/purchases/import/commit")
def commit() -> Page:
    pending = session.get(PENDING)
    if not pending:
        flash(gettext("Nothing to import: upload the file again."))
        return redirect(url_for("purchase_import.upload"), 303)
    try:
        report = _run(pending, dry_run=False)
    except ValidationFailed:  # the store changed since the preview: show the fresh report
        try:
            report = _run(pending, dry_run=True)
        except ValidationFailed as exc:
            return _page(pending["form"], _field_errors(exc), pending, 422)
        return _preview(pending["form"], pending, report, 422)
    session.pop(PENDING, None)
    flash(_imported(report))
    return redirect(
        url_for(
            "purchases.index" if isinstance(report, ImportReport) else "purchase_import.upload"
        ),
        303,
    )


def _preview(
    form: dict[str, Any],
    pending: dict[str, Any],
    report: ImportReport | ItemReport,
    status: int = 200,
) -> tuple[str, int]:
    """The dry run's report; a faulty card or event is an error of the file, by name."""
    if isinstance(report, ItemReport) and report.errors:
        return _page(form, {"file": detail_lines(report.errors)}, pending, 422, report=report)
    return _page(form, {}, pending, status, report=report)


def _form_of(values: Any) -> dict[str, Any]:
    """The page's choices, kept as given (to show again) in plain strings."""
    form = {name: values.get(name, "").strip() for name in
            ("format", "default_currency", "date_format", "decimal", "matching")}  # fmt: skip
    form.update({name: "on" if values.get(name) == "on" else "" for name in FLAGS})
    if form["format"] not in dict(FORMATS):
        form["format"] = "csv"
    form["mapping"] = {
        values.get(f"header-{key.removeprefix('map-')}", ""): value
        for key, value in values.items()
        if key.startswith("map-") and value in COLUMNS
    }
    return form


def _options(form: dict[str, Any], dry_run: bool) -> PurchaseImportOptions:
    matching = form.get("matching") if form.get("matching") in MATCHING else "ask"
    return PurchaseImportOptions(
        dry_run=dry_run,
        default_currency=form.get("default_currency", "").upper() or None,
        create_vendors=form.get("create_vendors") == "on",
        skip_invalid=form.get("skip_invalid") == "on",
        debits_as_purchases=form.get("debits_as_purchases") == "on",
        date_format=form.get("date_format") or None,
        decimal=form.get("decimal") or None,
        matching=str(matching),
    )


def _run(pending: dict[str, Any], *, dry_run: bool) -> ImportReport | ItemReport:
    form, data, name = pending["form"], pending["data"], pending["name"]
    if form.get("format") == "calendar":
        return import_calendar(services(), data, dry_run=dry_run, name=name)
    if form.get("format") == "contacts":
        skip_invalid = form.get("skip_invalid") == "on"
        return import_vcard(services(), data, dry_run=dry_run, skip_invalid=skip_invalid, name=name)
    options = _options(form, dry_run)
    if form.get("format") == "bank":
        return import_statement(services(), data, options=options, name=name)
    if form.get("format") == "receipts":
        return import_receipts(services(), data, options=options, name=name)
    preset = "amazon" if form.get("format") == "amazon" else "csv"
    return import_purchases_csv(
        services(), data, mapping=form["mapping"], options=options, preset=preset, name=name
    )


def _field_errors(exc: ValidationFailed) -> dict[str, list[str]]:
    """A refusal of the whole file, on the field it is about (the file, by default)."""
    fields = {"date_format": "date_format", "decimal": "decimal", "currency": "default_currency"}
    errors: dict[str, list[str]] = {}
    for key, messages in (exc.flat("-") or {"file": [exc.message]}).items():
        errors.setdefault(fields.get(key, "file"), []).extend(messages)
    return errors


def _page(
    form: dict[str, Any],
    errors: dict[str, list[str]],
    pending: dict[str, Any] | None,
    status: int = 200,
    *,
    report: ImportReport | ItemReport | None = None,
) -> tuple[str, int]:
    choices = []
    if pending and form.get("format", "csv") in TABULAR:
        choices = header_choices(
            pending["data"], preset=form.get("format", "csv"), mapping=form.get("mapping")
        )
    return render_template(
        "purchases_import.html",
        form=form,
        errors=errors,
        kept=pending["name"] if pending else None,
        choices=choices,
        fields=COLUMNS,
        formats=[(name, gettext(label)) for name, label in FORMATS],
        item_words=item_words,
        report=report if isinstance(report, ImportReport) else None,
        items=report if isinstance(report, ItemReport) else None,
    ), status


def item_words(what: str) -> str:
    """What an item import reads (``contacts``) or an item's outcome, in the page's language."""
    return translated(ITEM_WORDS, what)


def _imported(report: ImportReport | ItemReport) -> str:
    if isinstance(report, ItemReport):
        return gettext(
            "Imported %(what)s: %(created)d created, %(merged)d merged, %(skipped)d skipped.",
            what=item_words(report.what),
            created=report.count("created"),
            merged=report.count("merged"),
            skipped=report.count("skipped"),
        )
    vendors = len(report.vendors_created)
    text = ngettext(
        "Imported %(num)d purchase", "Imported %(num)d purchases", report.purchases_created
    )
    if vendors:
        text += " " + ngettext("and %(num)d new vendor", "and %(num)d new vendors", vendors)
    if report.duplicates:
        text += "; " + gettext("%(count)d already there", count=len(report.duplicates))
    if report.skipped:
        text += "; " + gettext("%(count)s skipped", count=len(report.skipped))
    return text + "."
