"""``pds import purchases|amazon|bank``: purchases from spreadsheets, shops and banks.

The options every one of them takes (``--dry-run``, ``--skip-invalid``, vendor
matching...) are defined once here; docs/import.md says what each does.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from pds.cli.data_commands import import_
from pds.cli.paths import ClientPath
from pds.cli.root import services_of, settings_of
from pds.errors import ValidationFailed
from pds.services.importers.purchase_report import ImportReport, PurchaseImportOptions

Command = Callable[..., Any]


def _pairs(option: str, values: tuple[str, ...], what: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in values:
        left, sep, right = item.partition("=")
        if not sep or not left.strip() or not right.strip():
            raise ValidationFailed(f"{option} {item!r}: use {what}", {option.lstrip("-"): [item]})
        pairs[left.strip()] = right.strip()
    return pairs


def purchase_options(command: Command) -> Command:
    """The options of every purchases import, in the order ``--help`` lists them."""
    options = [
        click.option("--dry-run", is_flag=True, help="Check and report; write nothing."),
        click.option(
            "--skip-invalid",
            is_flag=True,
            help="Import the good rows and report each bad one (default: all or none).",
        ),
        click.option("--currency", help="Currency of rows without one (ISO 4217, e.g. EUR)."),
        click.option(
            "--accept-matches",
            "matching",
            flag_value="accept",
            help="Book a vendor name close to a known vendor's under the known vendor.",
        ),
        click.option(
            "--ignore-matches",
            "matching",
            flag_value="ignore",
            help="Make a vendor name close to a known vendor's a new vendor.",
        ),
        click.option(
            "--vendor",
            "vendor_names",
            multiple=True,
            metavar="NAME=KNOWN",
            help="Book vendor NAME of the file under the known vendor KNOWN (repeatable).",
        ),
        click.option(
            "--no-new-vendors", is_flag=True, help="Refuse rows whose vendor is not known."
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def options_of(values: dict[str, Any], **extra: Any) -> PurchaseImportOptions:
    return PurchaseImportOptions(
        dry_run=values["dry_run"],
        skip_invalid=values["skip_invalid"],
        default_currency=(values["currency"] or "").strip().upper() or None,
        matching=values["matching"] or "ask",
        vendor_names=_pairs("--vendor", values["vendor_names"], "NAME=KNOWN"),
        create_vendors=not values["no_new_vendors"],
        **extra,
    )


def finish(ctx: click.Context, report: ImportReport) -> None:
    click.echo(report.summary())
    if not report.ok:
        ctx.exit(ValidationFailed.exit_code)


FILE = click.argument("file", type=ClientPath(exists=True, dir_okay=False, path_type=Path))


@import_.command("purchases")
@FILE
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="HEADER=FIELD",
    help="Read column HEADER as FIELD (repeatable), e.g. --map Shop=vendor.",
)
@click.option("--date-format", help="How dates are written, e.g. %d/%m/%Y (default: detected).")
@click.option(
    "--decimal", type=click.Choice([".", ","]), help="Decimal separator (default: detected)."
)
@click.option(
    "--debits-as-purchases",
    is_flag=True,
    help="Negative amounts (debits of a bank export) are purchases; credits are skipped.",
)
@click.option("--encoding", help="The file's encoding when not UTF-8 (e.g. cp1252).")
@purchase_options
@click.pass_context
def import_purchases(ctx: click.Context, /, file: Path, **values: Any) -> None:
    """Import purchases from a CSV file (a spreadsheet, a shop's or bank's export).

    Columns are found by name or synonym (English, German; --map for others); every
    choice is reported. Rows sharing vendor, date and order_ref become one purchase
    with several line items. Rows already imported are reported, not added again.
    """
    from pds.services.importers.purchases_csv import import_purchases_csv

    options = options_of(
        values,
        date_format=values["date_format"],
        decimal=values["decimal"],
        debits_as_purchases=values["debits_as_purchases"],
    )
    mapping = _pairs("--map", values["mapping"], "HEADER=FIELD")
    with services_of(settings_of(ctx)) as services:
        report = import_purchases_csv(
            services, file, mapping=mapping, options=options, encoding=values["encoding"]
        )
    finish(ctx, report)


@import_.command("amazon")
@FILE
@purchase_options
@click.pass_context
def import_amazon(ctx: click.Context, /, file: Path, **values: Any) -> None:
    """Import an Amazon order history export (CSV): one purchase per order.

    Item totals (tax included) are what each line cost; dates are month/day/year.
    """
    from pds.services.importers.purchases_csv import import_purchases_csv

    with services_of(settings_of(ctx)) as services:
        report = import_purchases_csv(services, file, options=options_of(values), preset="amazon")
    finish(ctx, report)


@import_.command("bank")
@FILE
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["ofx", "camt053", "mt940"]),
    help="The statement's format (default: told by its content).",
)
@purchase_options
@click.pass_context
def import_bank(ctx: click.Context, /, file: Path, file_format: str | None, **values: Any) -> None:
    """Import a bank or card statement (OFX/QFX, camt.053, MT940): debits become purchases.

    Each debit is a purchase from its payee; credits (salary, refunds), entries not
    booked yet and transfers are skipped and named. Transactions already imported
    are reported, not added again.
    """
    from pds.services.importers.bank import import_statement

    with services_of(settings_of(ctx)) as services:
        report = import_statement(services, file, file_format, options=options_of(values))
    finish(ctx, report)


@import_.command("receipts")
@click.argument("path", type=ClientPath(exists=True, path_type=Path))
@purchase_options
@click.pass_context
def import_receipts(ctx: click.Context, /, path: Path, **values: Any) -> None:
    """Import order confirmations and invoices from an mbox file or a folder of .eml files.

    Only mails whose HTML carries schema.org Order or Invoice markup (JSON-LD or
    microdata) are read; each becomes a purchase with its line items and a message
    interaction linking the mail. Mails without markup are left alone.
    """
    from pds.services.importers.receipts import import_receipts as run

    with services_of(settings_of(ctx)) as services:
        report = run(services, path, options=options_of(values))
    finish(ctx, report)
