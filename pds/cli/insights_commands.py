"""``pds insights``: the tiers of your relationships and the drift questions."""

from __future__ import annotations

import json

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
    """Tiers (grouped by how often and how deeply you are in touch) and the relationships
    whose recent rhythm departs from their own normal, as questions."""
    with services_of(settings_of(ctx)) as services:
        answers = [(keep_id, {"decision": "keep"}), (drift_id, {"decision": "let_drift"})]
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
            q.relationship_id: services.relationships.get(q.relationship_id)["name"]
            for q in report.drifts
        }
    tiers = [
        {
            "tier": t.number,
            "label": report.labels.get(t.number),
            "relationships": t.size,
            "per_year": round(t.per_year, 1),
            "depth": round(t.depth, 2),
        }
        for t in report.tiers.tiers
    ]
    questions = [{"name": names.get(q.relationship_id), **q.to_dict()} for q in report.drifts]
    if as_json:
        click.echo(json.dumps({"tiers": tiers, "drift": questions}, indent=2))
        return
    for t in tiers:
        label = f" ({t['label']})" if t["label"] else ""
        click.echo(
            f"tier {t['tier']}{label}: {t['relationships']} relationships, "
            f"{t['per_year']} contacts a year, depth {t['depth']}"
        )
    if not questions:
        click.echo("No relationship departs from its own rhythm.")
    for q in questions:
        click.echo(f"{q['name']} [{q['relationship_id']}] ({q['confidence']:.0%}): {q['question']}")
