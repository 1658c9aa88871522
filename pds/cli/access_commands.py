"""Commands about vendors' access: signing keys and grants."""

from __future__ import annotations

import json

import click

from pds.cli.root import (
    main,
    services_of,
    settings_of,
)
from pds.services.identity.grants import grant_label


@main.group()
def keys() -> None:
    """The OpenID Provider's signing keys, which sign ID tokens."""


@keys.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_context
def keys_list(ctx: click.Context, as_json: bool) -> None:
    """Every signing key: kid, algorithm, status, created, published until."""
    with services_of(settings_of(ctx)) as services:
        rows = services.signing_keys.list()
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("no signing keys yet (the server makes one when it starts)")
        return
    click.echo(f"{'KID':<44} {'ALG':<6} {'STATUS':<8} {'CREATED':<21} PUBLISHED UNTIL")
    for row in rows:
        until = row["published_until"] or "-"
        click.echo(
            f"{row['kid']:<44} {row['alg']:<6} {row['status']:<8} {row['created_at']:<21} {until}"
        )


@keys.command("rotate")
@click.pass_context
def keys_rotate(ctx: click.Context) -> None:
    """Make a new active signing key; the old one stays published until its tokens expire."""
    with services_of(settings_of(ctx)) as services:
        signing = services.signing_keys
        previous = {row["kid"] for row in signing.list() if row["status"] == "active"}
        kid = signing.rotate(actor="owner")
        retired = [row for row in signing.list() if row["kid"] in previous]
    click.echo(f"new signing key {kid}")
    for row in retired:
        click.echo(f"previous key {row['kid']} stays published until {row['published_until']}")


@main.group()
def grants() -> None:
    """The access you have given vendors: list grants, revoke one."""


@grants.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include revoked grants.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_context
def grants_list(ctx: click.Context, show_all: bool, as_json: bool) -> None:
    """Grants, newest first: id, vendor, scopes, ends, last used, status."""
    with services_of(settings_of(ctx)) as services:
        names = {c["id"]: c["client_name"] for c in services.clients.list()}
        rows = services.grants.list(status=None if show_all else "active")
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("no grants" if show_all else "no active grants: no vendor has access")
        return
    for row in rows:
        ends = (row["expires_at"] or "when revoked")[:10]
        used = (row["last_used_at"] or "never")[:16]
        vendor = names.get(row["client_id"], row["client_id"])
        click.echo(
            f"{row['id']}  {vendor}  [{grant_label(row)}]  "
            f"ends {ends}  last used {used}  {row['status']}"
        )


@grants.command("revoke")
@click.argument("grant_id")
@click.pass_context
def grants_revoke(ctx: click.Context, grant_id: str) -> None:
    """Revoke a grant: every token of it is refused from the next request on."""
    with services_of(settings_of(ctx)) as services:
        grant = services.grants.revoke(grant_id, actor="owner")
    click.echo(f"revoked grant {grant['id']} of client {grant['client_id']}")
