"""``pds rel``: the people and organisations you deal with — list, show, add, edit, end,
delete, and their photos.

A relationship is named by its id or by its name (case-insensitive, a unique part of it
is enough); a name that fits several is refused with the candidates, never guessed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from pds.cli.paths import ClientPath
from pds.cli.rel_text import record_lines
from pds.cli.root import main, services_of, settings_of
from pds.errors import Conflict, NotFound, ValidationFailed
from pds.schemas import is_id
from pds.schemas.photo import MAX_PHOTO_BYTES
from pds.schemas.relationship import KINDS, STATUSES
from pds.services import Services
from pds.services.relationships.name_match import candidates

#: How many relationships ``pds rel list`` reads (one page of the service).
LIST_LIMIT = 200


@main.group()
def rel() -> None:
    """People and organisations (vendors): list, show, add, edit, end, delete, merge, photo."""


@rel.command("list")
@click.option("--kind", type=click.Choice(KINDS), help="Only vendors or only people.")
@click.option("--status", type=click.Choice(STATUSES), help="Only this status.")
@click.option("--tag", help="Only relationships with this tag.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_context
def list_(
    ctx: click.Context, kind: str | None, status: str | None, tag: str | None, as_json: bool
) -> None:
    """Relationships in the order they were recorded."""
    with services_of(settings_of(ctx)) as services:
        page = services.relationships.list(kind=kind, status=status, tag=tag, limit=LIST_LIMIT)
    if as_json:
        click.echo(json.dumps(page.items, indent=2))
        return
    for record in page.items:
        tags = ",".join(record.get("tags", []))
        click.echo(f"{record['id']}  {record['kind']:<6}  {record['status']:<7}  {record['name']}")
        if tags:
            click.echo(f"{'':38}tags: {tags}")


@rel.command()
@click.argument("who")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_context
def show(ctx: click.Context, who: str, as_json: bool) -> None:
    """Every field of one relationship (WHO: its id or name)."""
    with services_of(settings_of(ctx)) as services:
        record = _resolve(services, who)
        photo = services.photos.photo_of(record["id"])
    if as_json:
        click.echo(json.dumps(record, indent=2))
        return
    for line in record_lines(record):
        click.echo(line)
    if photo is not None:
        click.echo(f"photo: {photo.media_type}, {photo.size} bytes")


@rel.command()
@click.argument("name")
@click.option("--kind", type=click.Choice(KINDS), default="person", show_default=True)
@click.option("--email", "emails", multiple=True, help="An e-mail address (repeatable).")
@click.option("--phone", "phones", multiple=True, help="A phone number (repeatable).")
@click.option("--url", "urls", multiple=True, help="A web address (repeatable).")
@click.option("--domain", help="A vendor's web domain.")
@click.option("--organisation", help="Where a person works.")
@click.option("--title", help="A person's job title or role.")
@click.option("--nickname", "nicknames", multiple=True, help="A nickname (repeatable).")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@click.option("--notes", help="Free-form notes.")
@click.pass_context
def add(ctx: click.Context, /, name: str, kind: str, **fields: Any) -> None:
    """Record a new person or vendor called NAME."""
    data = {"name": name, "kind": kind, **_given(fields)}
    with services_of(settings_of(ctx)) as services:
        record = services.relationships.add(data)
    click.echo(f"added {record['kind']} {record['name']} ({record['id']})")


@rel.command()
@click.argument("who")
@click.option("--name", help="A new name.")
@click.option("--kind", type=click.Choice(KINDS), help="Turn a person into a vendor or back.")
@click.option("--email", "emails", multiple=True, help="Replace the e-mail addresses.")
@click.option("--phone", "phones", multiple=True, help="Replace the phone numbers.")
@click.option("--url", "urls", multiple=True, help="Replace the web addresses.")
@click.option("--domain", help="A vendor's web domain ('' clears it).")
@click.option("--organisation", help="Where a person works ('' clears it).")
@click.option("--title", help="A person's job title or role ('' clears it).")
@click.option("--nickname", "nicknames", multiple=True, help="Replace the nicknames.")
@click.option("--tag", "tags", multiple=True, help="Replace the tags.")
@click.option("--how-known", help="How you know them ('' clears it).")
@click.option("--notes", help="Free-form notes ('' clears them).")
@click.pass_context
def edit(ctx: click.Context, /, who: str, kind: str | None, **fields: Any) -> None:
    """Change fields of one relationship (WHO: its id or name); unnamed fields stay."""
    changes = _given(fields)
    if not changes and kind is None:
        raise click.UsageError("nothing to change: give at least one option")
    with services_of(settings_of(ctx)) as services:
        record = _resolve(services, who)
        if kind is not None and kind != record["kind"]:
            record = services.relationships.change_kind(record["id"], kind)
        if changes:
            record = services.relationships.update(record["id"], changes)
    click.echo(f"changed {record['kind']} {record['name']} ({record['id']})")


@rel.command()
@click.argument("who")
@click.option(
    "--status",
    type=click.Choice(STATUSES),
    default="ended",
    show_default=True,
    help="The new status (active to resume).",
)
@click.option("--on", "since", metavar="YYYY-MM-DD", help="Since when (default today).")
@click.option("--note", help="Why, in a few words.")
@click.pass_context
def end(ctx: click.Context, who: str, status: str, since: str | None, note: str | None) -> None:
    """Mark a relationship ended (or paused, blocked, active again) with a date and note."""
    with services_of(settings_of(ctx)) as services:
        record = _resolve(services, who)
        record = services.relationships.set_status(record["id"], status, since=since, note=note)
    click.echo(f"{record['name']} is {record['status']} since {record['status_since']}")


@rel.command()
@click.argument("who")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def delete(ctx: click.Context, who: str, yes: bool) -> None:
    """Delete a relationship with its interactions (and a vendor's purchases)."""
    with services_of(settings_of(ctx)) as services:
        relationships = services.relationships
        record = _resolve(services, who)
        counts = relationships.deletion_counts(record["id"])
        what = f"{counts['interactions']} interactions"
        if record["kind"] == "vendor":
            what += f" and {counts['purchases']} purchases"
        if not yes:
            click.confirm(f"Delete {record['name']} with {what}?", abort=True)
        relationships.delete(record["id"], cascade=True)
    click.echo(f"deleted {record['name']} with {what}")


@rel.command()
@click.argument("who")
@click.argument("file", required=False, type=ClientPath(dir_okay=False, path_type=Path))
@click.option("--remove", is_flag=True, help="Remove the photo instead.")
@click.pass_context
def photo(ctx: click.Context, who: str, file: Path | None, remove: bool) -> None:
    """Give a relationship a photo (JPEG, PNG, GIF or WebP, at most 256 KiB), or --remove it."""
    if remove == (file is not None):
        raise click.UsageError("Give either FILE or --remove.")
    data = b"" if file is None else _read_photo(file)
    with services_of(settings_of(ctx)) as services:
        record = _resolve(services, who)
        if remove:
            had = services.photos.remove(record["id"])
            click.echo(
                f"removed the photo of {record['name']}"
                if had
                else f"{record['name']} had no photo"
            )
            return
        kept = services.photos.set(record["id"], data)
    click.echo(f"{record['name']}: photo saved ({kept.media_type}, {kept.size} bytes)")


def _read_photo(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_PHOTO_BYTES + 1)
    except OSError as exc:
        raise ValidationFailed(
            f"cannot read {path}: {exc.strerror}", {"file": [f"{path}: {exc.strerror}"]}
        ) from None


def _given(fields: dict[str, Any]) -> dict[str, Any]:
    """The options given on the command line: repeatable ones as lists, '' as a clear."""
    given: dict[str, Any] = {}
    for key, value in fields.items():
        if isinstance(value, tuple):
            if value:
                given[key] = list(value)
        elif value is not None:
            given[key] = value or None
    return given


def _resolve(services: Services, who: str) -> dict[str, Any]:
    """The relationship ``who`` names (``name_match.candidates``, as ``pds log`` reads it:
    an id, an exact name, the start of a name, a close spelling), if exactly one."""
    if is_id(who):
        return services.relationships.get(who)
    matches = candidates(who, services.relationships.all_records())
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound(f"no relationship named {who!r}", {"who": who})
    raise Conflict(
        f"{who!r} fits {len(matches)} relationships; name one by its id: " + _candidates(matches),
        {"candidates": [r["id"] for r in matches]},
    )


def _candidates(records: Sequence[dict[str, Any]]) -> str:
    return "; ".join(f"{r['name']} ({r['kind']}, {r['id']})" for r in records)
