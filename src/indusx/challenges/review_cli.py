"""`indusx challenges export` and `indusx challenges rank`: the ranking at the command line.

    indusx challenges export CHALLENGE --format csv [--output FILE] [--status ...] [--country IN]
    indusx challenges rank CHALLENGE [--limit 20]

CHALLENGE is the challenge's id or slug. The command line runs as the operator and sees what
the challenge's managers see (every proposal, names, decisions).
"""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from indusx.challenges.models import Challenge


def _challenge(session: "Session", ref: str) -> "Challenge":
    from indusx.challenges import review

    if ref.isdigit():
        return review.get_challenge(session, int(ref))
    return review.challenge_by_slug(session, ref)


def export_command(
    challenge: Annotated[str, typer.Argument(metavar="CHALLENGE_ID", help="id or slug")],
    fmt: Annotated[Literal["csv"], typer.Option("--format", help="the output format")] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", dir_okay=False, help="write to this file")
    ] = None,
    status: Annotated[str, typer.Option(help="submitted | withdrawn | all")] = "submitted",
    country: Annotated[list[str] | None, typer.Option(help="the lead's country")] = None,
    kind: Annotated[list[str] | None, typer.Option(help="the lead's organisation kind")] = None,
    outcome: Annotated[str, typer.Option(help="an outcome, or 'undecided'")] = "",
    q: Annotated[str, typer.Option(help="words in title, summary or names")] = "",
) -> None:
    """Export a challenge's proposals, scores and decisions as CSV."""
    from indusx.challenges import export
    from indusx.challenges.models import ProposalStatus
    from indusx.cli import unit_of_work

    if status not in ("submitted", "withdrawn", "all"):
        raise typer.BadParameter("submitted, withdrawn or all", param_hint="--status")
    flt = export.RankingFilter(
        status=None if status == "all" else ProposalStatus(status),
        country=tuple(c.upper() for c in country or ()),
        kind=tuple(kind or ()),
        outcome=outcome,
        q=q,
    )
    with unit_of_work() as session:
        row = _challenge(session, challenge)
        result = export.ranking(session=session, principal=None, challenge=row, flt=flt)
        text = "".join(export.csv_lines(result))
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"{len(result.rows)} proposals written to {output}", err=True)


def rank_command(
    challenge: Annotated[str, typer.Argument(metavar="CHALLENGE_ID", help="id or slug")],
    limit: Annotated[int, typer.Option(min=1, help="show this many")] = 20,
) -> None:
    """Print the ranking: normalised and raw score, reviews and decision per proposal."""
    from indusx.challenges import export
    from indusx.cli import unit_of_work

    with unit_of_work() as session:
        row = _challenge(session, challenge)
        result = export.ranking(session=session, principal=None, challenge=row)
        title = row.title
    typer.secho(f"{title}: {result.total} submitted proposals", bold=True)
    typer.echo(
        f"{'#':>4}  {'normalised':>10}  {'raw %':>6}  {'reviews':>7}  {'decision':<16}  title"
    )
    for r in result.rows[:limit]:
        z = f"{r.normalised:+.2f}" if r.normalised is not None else "-"
        raw = f"{r.raw:.1f}" if r.raw is not None else "-"
        decision = r.outcome.value if r.outcome else ""
        typer.echo(
            f"{r.rank or '-':>4}  {z:>10}  {raw:>6}  {r.reviews:>7}  {decision:<16}  "
            f"{r.title} ({r.lead}, {r.lead_country})"
        )


def register(app: typer.Typer) -> None:
    """Add the commands to the `indusx challenges` group."""
    app.command("export")(export_command)
    app.command("rank")(rank_command)


def _register_on_challenges_app() -> None:
    from indusx.challenges.cli import challenges_app

    register(challenges_app)


_register_on_challenges_app()
