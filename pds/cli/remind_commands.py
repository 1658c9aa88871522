"""``pds remind``: who is due for contact; snooze, done, and the due list by e-mail."""

from __future__ import annotations

import json
from datetime import date

import click

from pds.cli.root import main, services_of, settings_of
from pds.services.relationships.reminder_mail import mail_server_from, send_due
from pds.services.relationships.reminders import MAX_SNOOZE_DAYS, Reminder


@main.command()
@click.option(
    "--snooze",
    nargs=2,
    type=(str, click.IntRange(1, MAX_SNOOZE_DAYS)),
    metavar="ID DAYS",
    help="Hide the reminder of relationship ID for DAYS days.",
)
@click.option("--done", "done_id", metavar="ID", help="You got in touch with relationship ID.")
@click.option("--note", help="With --done: what you talked about (logged with it).")
@click.option("--email", is_flag=True, help="E-mail the due list now (PDS_SMTP_* settings).")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_context
def remind(
    ctx: click.Context,
    snooze: tuple[str, int] | None,
    done_id: str | None,
    note: str | None,
    email: bool,
    as_json: bool,
) -> None:
    """Relationships due for contact: their target cadence has passed since you last met.

    Set targets on the portal (a relationship's page, or per tag). Run
    `pds remind --email` from cron to get the list by e-mail every morning.
    """
    settings = settings_of(ctx)
    server = mail_server_from(settings) if email else None  # settings checked before opening
    with services_of(settings) as services:
        reminders = services.reminders
        if snooze:
            day = reminders.snooze(snooze[0], snooze[1])
            click.echo(f"snoozed {snooze[0]} until {day.isoformat()}")
        if done_id:
            reminders.done(done_id, note=note)
            click.echo(f"done: logged a conversation with {done_id} today")
        if server is not None:
            count = send_due(reminders, server, occasion_days=settings.birthday_days_ahead)
            click.echo(
                f"e-mailed {count} due reminder{'s' if count != 1 else ''} to {server.recipient}"
            )
        if snooze or done_id or server is not None:
            return
        due, today = reminders.due(), reminders.today()
    if as_json:
        click.echo(json.dumps([r.to_dict(today) for r in due], indent=2))
    elif not due:
        click.echo("nobody is due for contact")
    else:
        _table(due, today)


def _table(due: list[Reminder], today: date) -> None:
    rows = [
        (
            r.relationship_id,
            r.name,
            f"{r.every_days}d",
            r.last_contact.isoformat() if r.last_contact else "never",
            str(r.overdue_days(today)),
        )
        for r in due
    ]
    header = ("ID", "NAME", "EVERY", "LAST CONTACT", "OVERDUE DAYS")
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
