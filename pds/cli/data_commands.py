"""Commands that put data in: demo, import."""

from __future__ import annotations

import datetime as dt

import click

from pds.cli.import_group import ImportGroup
from pds.cli.root import (
    main,
    services_of,
    settings_of,
)


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
