"""``pds rel merge`` and ``pds rel unmerge``: two records of one person or vendor made one,
and the latest merge undone (within 24 hours)."""

from __future__ import annotations

import click

from pds.cli.rel_commands import _resolve as resolve
from pds.cli.rel_commands import rel
from pds.cli.root import services_of, settings_of
from pds.services.relationships.merging import UNDO_HOURS


@rel.command()
@click.argument("keep", required=False)
@click.argument("other", required=False)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--undo", is_flag=True, help="Undo the latest merge instead (same as unmerge).")
@click.pass_context
def merge(ctx: click.Context, keep: str | None, other: str | None, yes: bool, undo: bool) -> None:
    """Merge OTHER into KEEP, two records of one person or vendor.

    KEEP and OTHER are ids or names. Everything that points at OTHER (interactions,
    purchases, grants, reminders, ...) moves to KEEP, their fields unite (KEEP's win)
    and OTHER is deleted. The latest merge can be undone for 24 hours with --undo.
    """
    if undo:
        if keep or other:
            raise click.UsageError("--undo takes no KEEP or OTHER")
        _undo(ctx)
        return
    if not keep or not other:
        raise click.UsageError("name the record to KEEP and the OTHER to merge into it")
    with services_of(settings_of(ctx)) as services:
        kept, merged = resolve(services, keep), resolve(services, other)
        plan = services.merges.plan(kept["id"], merged["id"])
        click.echo(plan.summary())
        if not yes:
            click.confirm(f"Merge {merged['name']} into {kept['name']}?", abort=True)
        services.merges.merge(kept["id"], merged["id"])
    click.echo(
        f"merged {merged['name']} into {kept['name']}; "
        f"`pds rel unmerge` undoes it (within {UNDO_HOURS} hours, until the next merge)"
    )


@rel.command()
@click.pass_context
def unmerge(ctx: click.Context) -> None:
    """Undo the latest merge (within 24 hours): both records as they were."""
    _undo(ctx)


def _undo(ctx: click.Context) -> None:
    with services_of(settings_of(ctx)) as services:
        undo = services.merges.latest()
        restored = services.merges.undo_merge()
    kept = undo["kept"]["name"] if undo else "?"
    click.echo(f"undid the merge: {restored['name']} is separate from {kept} again")
