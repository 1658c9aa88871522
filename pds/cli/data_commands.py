"""Commands that put data in: demo, import."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from pds.cli.import_group import ImportGroup
from pds.cli.paths import ClientPath
from pds.cli.root import (
    main,
    services_of,
    settings_of,
)
from pds.errors import ValidationFailed


@main.command()
@click.option("--seed", type=int, default=2024, show_default=True, help="Random seed.")
@click.option("--years", type=click.IntRange(1, 20), default=2, show_default=True)
@click.pass_context
def demo(ctx: click.Context, seed: int, years: int) -> None:
    """Fill an empty store with realistic synthetic data (vendors, purchases, people...)."""
    from pds.demo.fill import fill_demo

    with services_of(settings_of(ctx)) as services:
        counts = fill_demo(services, seed=seed, years=years, today=dt.date.today())
    click.echo("demo data added: " + ", ".join(f"{n} {name}" for name, n in counts.items()))


@main.group("import", cls=ImportGroup)
def import_() -> None:
    """Import data from files.

    `pds import FILE [--merge]` restores an archive made by `pds export` (the same as
    `pds import archive FILE`); the subcommands below read other formats.
    """


@import_.command("purchases")
@click.argument("file", type=ClientPath(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="HEADER=FIELD",
    help="Read column HEADER as FIELD (repeatable), e.g. --map Shop=vendor.",
)
@click.option("--currency", help="Currency of rows without one (ISO 4217, e.g. EUR).")
@click.pass_context
def import_purchases(
    ctx: click.Context, file: Path, dry_run: bool, mapping: tuple[str, ...], currency: str | None
) -> None:
    """Import purchases from a CSV file: all rows or none.

    Columns: date, vendor, order_ref, description, quantity, unit_price, total,
    currency, category, tags, notes. Rows sharing vendor, date and order_ref
    become one purchase with several line items; unknown vendors are created.
    """
    from pds.services.importers.purchases_csv import import_purchases_csv

    columns: dict[str, str] = {}
    for item in mapping:
        header, sep, name = item.partition("=")
        if not sep or not header.strip() or not name.strip():
            raise ValidationFailed(f"--map {item!r}: use HEADER=FIELD", {"map": [item]})
        columns[header.strip()] = name.strip()
    with services_of(settings_of(ctx)) as services:
        report = import_purchases_csv(
            services, file, mapping=columns, dry_run=dry_run, default_currency=currency
        )
    click.echo(report.summary())
    if not report.ok:
        ctx.exit(ValidationFailed.exit_code)
