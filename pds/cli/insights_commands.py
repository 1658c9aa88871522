"""``pds insights``: the tiers of your relationships and the drift questions."""

from __future__ import annotations

import json
from typing import Any

import click

from pds.cli.root import main, services_of, settings_of


@main.command()
@click.option("--keep", "keep_id", metavar="ID", help="Keep relationship ID as it is (dismiss).")
@click.option("--let-drift", "drift_id", metavar="ID", help="Stop asking about relationship ID.")
@click.option(
    "--target",
    nargs=2,
    type=(str, click.IntRange(1, 3650)),
    metavar="ID DAYS",
    help="Aim to be in touch with relationship ID every DAYS days (sets a reminder target).",
)
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_context
def insights(
    ctx: click.Context,
    keep_id: str | None,
    drift_id: str | None,
    target: tuple[str, int] | None,
    as_json: bool,
) -> None:
    """Tiers of people and of organisations (grouped by how often and how deeply you are
    in touch), with their members, and the relationships whose contacts stopped or
    thinned out against their own past, as questions with the numbers behind them."""
    with services_of(settings_of(ctx)) as services:
        answers: list[tuple[str | None, dict[str, Any]]] = [
            (keep_id, {"decision": "keep"}),
            (drift_id, {"decision": "let_drift"}),
        ]
        if target:
            answers.append((target[0], {"decision": "target", "every_days": target[1]}))
        acted = False
        for rid, data in answers:
            if rid:
                services.insights.answer(rid, data)
                click.echo(f"{data['decision']}: {rid}")
                acted = True
        if acted:
            return
        report = services.insights.report()
        names = {
            rid: services.relationships.get(rid)["name"]
            for rid in {q.relationship_id for q in report.drifts}
            | {m for t in report.tiers for m in t.members}
        }
    tiers = [
        {
            **t.to_dict(),
            "members": sorted(({"id": m, "name": names[m]} for m in t.members), key=_by_name),
        }
        for t in report.tiers
    ]
    questions = [{"name": names.get(q.relationship_id), **q.to_dict()} for q in report.drifts]
    if as_json:
        click.echo(json.dumps({"tiers": tiers, "drift": questions}, indent=2))
        return
    for t in tiers:
        label = f" ({t['label']})" if t["label"] else ""
        click.echo(f"{t['name']}{label} [{t['id']}]: {t['explanation']}")
        click.echo("  " + ", ".join(m["name"] for m in t["members"]))
    if not questions:
        click.echo("No relationship departs from its own rhythm.")
    for q in questions:
        click.echo(f"{q['name']} [{q['relationship_id']}] ({q['confidence']:.0%}): {q['question']}")
        click.echo(f"  {q['explanation']}")


def _by_name(member: dict[str, str]) -> tuple[str, str]:
    return (member["name"].casefold(), member["id"])
