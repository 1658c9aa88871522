"""``pds log NAME-OR-ID``: record a contact ("I called Jonas today") in one line.

The name is matched without regard to case or accents, by unique prefix or close spelling
(``pds.services.relationships.name_match``). When it fits several relationships the
command lists them and asks for a number; with ``--yes``, or when nobody can answer (no
terminal), it refuses with the list instead.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import click

from pds.cli.root import main, services_of, settings_of
from pds.errors import NotFound, ValidationFailed
from pds.schemas.interaction import CHANNELS, KINDS
from pds.services import Services
from pds.services.relationships.name_match import candidates

LOGGABLE_KINDS = tuple(kind for kind in KINDS if kind != "rfp")


@main.command("log")
@click.argument("who", metavar="NAME-OR-ID")
@click.option(
    "--kind", type=click.Choice(LOGGABLE_KINDS), default="conversation", show_default=True
)
@click.option("--channel", type=click.Choice(CHANNELS), help="How you were in touch.")
@click.option(
    "--date",
    "on",
    type=click.DateTime(["%Y-%m-%d"]),
    help="The day (YYYY-MM-DD; default: today).",
)
@click.option("--note", help="What it was about.")
@click.option("--yes", "-y", is_flag=True, help="Never ask: refuse a name that fits several.")
@click.pass_context
def log_contact(
    ctx: click.Context,
    who: str,
    kind: str,
    channel: str | None,
    on: Any,
    note: str | None,
    yes: bool,
) -> None:
    """Log a contact with a relationship (by name or id), e.g.

    pds log jonas --kind call --note "about the move"
    """
    with services_of(settings_of(ctx)) as services:
        record = _pick(services, who, ask=not yes and sys.stdin.isatty())
        day: date = on.date() if on is not None else services.reminders.today()
        entry = {"counterpart_id": record["id"], "kind": kind, "date": day.isoformat()}
        entry |= {k: v for k, v in (("channel", channel), ("note", note)) if v}
        services.interactions.log(entry)
    click.echo(f"logged a {kind} with {record['name']} ({record['id']}) on {day.isoformat()}")


def _pick(services: Services, who: str, *, ask: bool) -> Mapping[str, Any]:
    found = candidates(who, services.relationships.all_records())
    if not found:
        raise NotFound(f"no relationship matches {who!r}")
    if len(found) == 1:
        return found[0]
    if not ask:
        raise ValidationFailed(
            f"{who!r} fits {len(found)} relationships: {_listed(found)}; "
            "give the id or more of the name",
            {"who": [_line(r) for r in found]},
        )
    for number, record in enumerate(found, 1):
        click.echo(f"  {number}. {_line(record)}")
    choice = click.prompt("Which one?", type=click.IntRange(1, len(found)))
    return found[choice - 1]


def _line(record: Mapping[str, Any]) -> str:
    return f"{record['name']} ({record['kind']}, {record['id']})"


def _listed(records: Sequence[Mapping[str, Any]]) -> str:
    return "; ".join(_line(r) for r in records)
