"""`indusx pathway`: assess a collaboration described in a YAML file; list the rule set.

    indusx pathway assess FILE.yaml [--json] [--save]
    indusx pathway rules [--json]

The file format is in docs/pathway.md; examples are in examples/pathway/. Problems with the
file are reported with its name and line, and exit with status 2.
"""

import json
import textwrap
from pathlib import Path
from typing import Annotated

import typer

from indusx.pathway.engine.rules import FileProblems

pathway_app = typer.Typer(
    help="Regulatory pathway: assessments and the rule set.", no_args_is_help=True
)
WIDTH = 96


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


@pathway_app.command("assess")
def assess(
    file: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, readable=True, help="a YAML assessment file"),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
    save: Annotated[bool, typer.Option(help="keep the assessment (audited)")] = False,
) -> None:
    """Assess a proposed collaboration: the authorisations each side needs, and why."""
    from indusx.cli import _cli_actor, unit_of_work
    from indusx.pathway import files, service

    try:
        assessment_in = files.read_assessment(file)
        rules = service.ruleset()
    except FileProblems as exc:
        for line in str(exc).splitlines():
            typer.secho(line, fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
    with unit_of_work() as session:
        result = service.run_assessment(
            session=session, assessment_in=assessment_in, actor=_cli_actor(), save=save, rules=rules
        )
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    typer.echo(_wrap(result.notice, "NOTICE: "))
    typer.echo("")
    title = result.title or file.name
    typer.secho(f"{title}: {result.verdict_label.upper()}", bold=True)
    for auth in result.authorisations:
        typer.echo(
            f"  - [{auth.side}] {auth.name}" + (f" ({auth.subject})" if auth.subject else "")
        )
    for what in result.to_determine:
        typer.echo(f"  - determine {what}")
    typer.echo("\nParties:")
    for party in result.parties:
        typer.echo(
            f"  {party.name} ({party.country}): screening {party.screening.status}"
            f" - {party.screening.summary}"
        )
    typer.echo("\nConclusions:")
    for c in result.conclusions:
        subject = f" [{c.subject}]" if c.subject else ""
        typer.secho(f"\n  {c.kind.upper()} {c.rule_id}{subject}", bold=True)
        typer.echo(_wrap(c.text, "    "))
        for condition in c.conditions:
            typer.echo(_wrap(condition, "    condition: "))
        facts = ", ".join(f"{k}={v}" for k, v in c.facts.items())
        typer.echo(_wrap(facts, "    because: "))
        typer.echo(
            _wrap(
                f"{c.citation} <{c.source_url}>, effective {c.effective}; "
                f"confidence {c.confidence}: {c.confidence_note}",
                "    source: ",
            )
        )
    if result.hurdles:
        typer.echo("\nHurdles in the register:")
        for hurdle in result.hurdles:
            typer.echo(f"  #{hurdle.id} {hurdle.title} ({hurdle.status.value})")
    typer.echo(
        f"\nrule set {result.ruleset_version}"
        + (f"; saved as assessment {result.id}" if result.id else "")
    )


@pathway_app.command("rules")
def rules(
    as_json: Annotated[bool, typer.Option("--json", help="print the rule set as JSON")] = False,
) -> None:
    """List the rule set in force, with each rule's citation and source."""
    from indusx.pathway import service

    ruleset = service.rules_read(service.ruleset())
    if as_json:
        typer.echo(ruleset.model_dump_json(indent=2))
        return
    typer.echo(f"rule set {ruleset.version}: {len(ruleset.rules)} rules")
    for rule in ruleset.rules:
        typer.echo(f"\n{rule.id}  [{rule.side}, {rule.kind}]  {rule.file}:{rule.line}")
        typer.echo(_wrap(rule.title, "  "))
        typer.echo(_wrap(f"when {json.dumps(rule.when)}", "  "))
        typer.echo(
            _wrap(
                f"{rule.citation} <{rule.source_url}>, effective {rule.effective}, "
                f"confidence {rule.confidence}",
                "  ",
            )
        )
