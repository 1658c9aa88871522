"""Commands about personal RFPs: list, show, publish, close, award."""

from __future__ import annotations

import json

import click

from pds.cli.root import (
    main,
    services_of,
    settings_of,
)
from pds.services.intents.rfps import STATUSES as RFP_STATUSES


@main.group()
def rfp() -> None:
    """Your personal RFPs: list, show, publish, close, award."""


@rfp.command("list")
@click.option("--status", type=click.Choice(RFP_STATUSES), help="Only RFPs in this state.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_context
def rfp_list(ctx: click.Context, status: str | None, as_json: bool) -> None:
    """RFPs, newest first: id, status, category, deadline, title."""
    with services_of(settings_of(ctx)) as services:
        rows = services.rfps.list(status=status)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo(f"no {status} rfps" if status else "no rfps")
        return
    for row in rows:
        click.echo(
            f"{row['id']}  {row['status']:<9}  {row['category']}  "
            f"deadline {row['deadline']}  {row['title']}"
        )


@rfp.command("show")
@click.argument("rfp_id")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_context
def rfp_show(ctx: click.Context, rfp_id: str, as_json: bool) -> None:
    """One RFP as you see it: every field, its pseudonym and its history."""
    with services_of(settings_of(ctx)) as services:
        record = services.rfps.get(rfp_id)
    if as_json:
        click.echo(json.dumps(record, indent=2))
        return
    for key, value in record.items():
        shown = value if isinstance(value, str | int) else json.dumps(value)
        click.echo(f"{key}: {shown}")


@rfp.command("publish")
@click.argument("rfp_id")
@click.pass_context
def rfp_publish(ctx: click.Context, rfp_id: str) -> None:
    """Open a draft RFP to vendors under its pseudonym."""
    with services_of(settings_of(ctx)) as services:
        record = services.rfps.publish(rfp_id)
    click.echo(f"published rfp {record['id']} as {record['pseudonym']}")


@rfp.command("close")
@click.argument("rfp_id")
@click.pass_context
def rfp_close(ctx: click.Context, rfp_id: str) -> None:
    """Close an open RFP without awarding it."""
    with services_of(settings_of(ctx)) as services:
        record = services.rfps.close(rfp_id)
    click.echo(f"closed rfp {record['id']}")


@rfp.command("award")
@click.argument("rfp_id")
@click.argument("offer_id")
@click.option(
    "--share-shipping",
    is_flag=True,
    help="Tell the winner it may ask for your shipping address (you decide at consent).",
)
@click.pass_context
def rfp_award(ctx: click.Context, rfp_id: str, offer_id: str, share_shipping: bool) -> None:
    """Award an open RFP to one of its live offers; the others are not selected.

    The winner, the others and the rest of the RFP's audience are told by webhook
    (sent by the running server), and the winner's vendor record is updated.
    """
    with services_of(settings_of(ctx)) as services:
        record = services.rfps.award(rfp_id, offer_id, share_shipping=share_shipping)
    click.echo(f"awarded rfp {record['id']} to offer {record['awarded_offer_id']}")
