"""``pds import contacts|calendar|mail``: people, meetings and messages from other tools."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from pds.cli.data_commands import import_
from pds.cli.paths import ClientPath
from pds.cli.root import services_of, settings_of
from pds.errors import ValidationFailed

DRY_RUN = click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
ME = click.option(
    "--me",
    multiple=True,
    metavar="ADDRESS",
    help="One of your own e-mail addresses (repeatable; the profile's is always one).",
)


def _finish(ctx: click.Context, summary: str, ok: bool) -> None:
    click.echo(summary)
    if not ok:
        ctx.exit(ValidationFailed.exit_code)


@import_.command("contacts")
@click.argument("file", type=ClientPath(exists=True, dir_okay=False, path_type=Path))
@DRY_RUN
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Skip faulty cards (the report says why) and import the others.",
)
@click.pass_context
def import_contacts(ctx: click.Context, file: Path, dry_run: bool, skip_invalid: bool) -> None:
    """Import people from a vCard file (.vcf, vCard 3.0 or 4.0): all cards or none
    (unless --skip-invalid).

    Keeps names, e-mail addresses, phones, URLs, notes, tags, birthday and other dates,
    postal addresses, organisation and title, nicknames, related people and an inline
    photo; a card with only an organisation becomes a vendor, one with only an e-mail
    address or phone number a person named by it. The report names what is not kept.
    A card is merged into the person with one of its e-mail addresses, else with its
    name; a card with nothing new is skipped, so importing twice changes nothing.
    """
    from pds.services.importers.vcard import import_vcard

    with services_of(settings_of(ctx)) as services:
        report = import_vcard(services, file, dry_run=dry_run, skip_invalid=skip_invalid)
    _finish(ctx, report.summary(), report.ok)


@import_.command("calendar")
@click.argument("file", type=ClientPath(exists=True, dir_okay=False, path_type=Path))
@DRY_RUN
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Last day taken (default: today); recurring events are expanded up to it.",
)
@ME
@click.pass_context
def import_calendar(
    ctx: click.Context, file: Path, dry_run: bool, until: dt.datetime | None, me: tuple[str, ...]
) -> None:
    """Import meetings from an iCalendar file (.ics) as interactions: all events or none.

    Each event is a meeting with the people and vendors among its attendees and
    organizer (by e-mail address, or a vendor by its domain). Events already
    imported are skipped.
    """
    from pds.services.importers.calendar_ics import import_calendar as run

    with services_of(settings_of(ctx)) as services:
        report = run(services, file, dry_run=dry_run, until=until.date() if until else None, me=me)
    _finish(ctx, report.summary(), report.ok)


@import_.command("mail")
@click.argument("path", type=ClientPath(exists=True, path_type=Path))
@DRY_RUN
@click.option("--with-bodies", is_flag=True, help="Keep each message's plain text in its note.")
@ME
@click.pass_context
def import_mail(
    ctx: click.Context, path: Path, dry_run: bool, with_bodies: bool, me: tuple[str, ...]
) -> None:
    """Import e-mail headers from an mbox file or a folder of .eml files: all or none.

    Who wrote to whom, when, and the subject become interactions with the people
    and vendors taking part; bodies are left out unless --with-bodies. Messages
    already imported (same Message-ID) are skipped.
    """
    from pds.services.importers.mail import import_mail as run

    with services_of(settings_of(ctx)) as services:
        report = run(services, path, dry_run=dry_run, with_bodies=with_bodies, me=me)
    _finish(ctx, report.summary(), report.ok)
