"""`indusx challenges`: list challenges, show one, move one to another phase.

    indusx challenges list [--status open] [--q WORDS] [--json]
    indusx challenges show ID|SLUG [--json]
    indusx challenges phase ID|SLUG PHASE [--reason TEXT]

The command line acts with the server's authority: it sees drafts, and phase changes are
audited as done by "cli".
"""

from typing import Annotated

import typer

from indusx.challenges.models import PHASE_ORDER, Phase

challenges_app = typer.Typer(help="Joint challenges and their proposals.", no_args_is_help=True)


@challenges_app.command("list")
def list_challenges(
    status: Annotated[
        list[Phase] | None, typer.Option("--status", help="phases to list (repeatable)")
    ] = None,
    q: Annotated[str, typer.Option(help="words in the title or text")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per line")] = False,
) -> None:
    """List challenges, open ones first, by deadline."""
    from indusx.challenges import service
    from indusx.cli import unit_of_work

    with unit_of_work() as session:
        rows, _ = service.list_challenges(
            session=session,
            principal=None,
            flt=service.ChallengeFilter(phase=tuple(status or ()), q=q),
            page=1,
            page_size=100_000,
            everything=True,
        )
        items = service.summaries(session, rows)
    if as_json:
        for item in items:
            typer.echo(item.model_dump_json())
        return
    if not items:
        typer.echo("no challenges")
        return
    for item in items:
        deadline = item.deadline_local or "no deadline"
        typer.echo(f"{item.id:>5}  {item.phase.value:<18}  {deadline:<28}  {item.title}")


@challenges_app.command("show")
def show(
    challenge: Annotated[str, typer.Argument(help="id or slug")],
    as_json: Annotated[bool, typer.Option("--json", help="print as JSON")] = False,
) -> None:
    """Show a challenge: eligibility, schedule, rubric and questions."""
    from indusx.challenges import service
    from indusx.cli import unit_of_work

    with unit_of_work() as session:
        row = service.get_by_slug(session=session, slug=challenge)
        data = service.read(session, row, None)
    if as_json:
        typer.echo(data.model_dump_json(indent=2))
        return
    typer.secho(f"{data.title}  [{data.phase.value}]", bold=True)
    with_sponsors = f" with {', '.join(data.co_sponsors)}" if data.co_sponsors else ""
    typer.echo(f"sponsor:   {data.sponsor}{with_sponsors}")
    typer.echo(f"deadline:  {data.deadline_local or 'not set'} ({data.timezone})")
    if data.prize:
        typer.echo(f"prize:     {data.prize}")
    countries = ", ".join(data.eligible_countries) or "any"
    kinds = ", ".join(data.eligible_kinds) or "any"
    joint = "; joint US-India team required" if data.joint_team_required else ""
    trl = f"{data.trl_min or 1}-{data.trl_max or 9}"
    typer.echo(f"eligible:  countries {countries}; kinds {kinds}; TRL {trl}{joint}")
    for name, when in data.schedule.items():
        typer.echo(f"  {name:<10} {service.local(when, data.timezone)}")
    typer.echo("rubric:")
    for c in data.criteria:
        typer.echo(f"  {c.weight_share:>5.0%}  {c.name} (0-{c.scale_max})")
    typer.echo("questions:")
    for n, question in enumerate(data.questions, start=1):
        optional = "" if question.required else " (optional)"
        typer.echo(f"  {n}. {question.prompt}{optional}")


@challenges_app.command("phase")
def phase(
    challenge: Annotated[str, typer.Argument(help="id or slug")],
    to: Annotated[Phase, typer.Argument(metavar="PHASE", help=" | ".join(PHASE_ORDER))],
    reason: Annotated[str, typer.Option(help="required to step back a phase")] = "",
) -> None:
    """Move a challenge to the next phase, or back one with --reason (audited)."""
    from indusx.challenges import service
    from indusx.cli import unit_of_work

    with unit_of_work() as session:
        row = service.get_by_slug(session=session, slug=challenge)
        before = row.phase
        service.change_phase(session=session, challenge=row, to=to, reason=reason, principal=None)
        title = row.title
    typer.echo(f"{title}: {before.value} -> {to.value}")


@challenges_app.command("remind")
def remind() -> None:
    """Queue the deadline and review reminders due now (each is sent only once)."""
    from indusx.challenges import reminders
    from indusx.cli import unit_of_work

    with unit_of_work() as session:
        count = reminders.send_reminders(session=session)
    typer.echo(f"{count} reminder{'' if count == 1 else 's'} queued")


from indusx.challenges import review_cli  # noqa: E402, F401  (adds `export` and `rank`)
