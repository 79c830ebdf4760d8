"""`indusx roadmap`: show the roadmap's progress, send overdue reminders.

    indusx roadmap show [--json]
    indusx roadmap remind

The command line acts with the server's authority: it shows non-public initiatives too.
"""

from typing import Annotated

import typer

roadmap_app = typer.Typer(help="The roadmap: initiatives and milestones.", no_args_is_help=True)


@roadmap_app.command("show")
def show(
    as_json: Annotated[bool, typer.Option("--json", help="print as JSON")] = False,
) -> None:
    """Show focus areas with their initiatives, progress and overdue milestones."""
    from indusx.cli import unit_of_work
    from indusx.roadmap import reads, service
    from indusx.roadmap.progress import percent

    with unit_of_work() as session:
        data = reads.roadmap(
            session=session, principal=None, flt=reads.RoadmapFilter(), on=service.today()
        )
    if as_json:
        typer.echo(data.model_dump_json(indent=2))
        return
    if not any(a.initiatives for a in data.areas):
        typer.echo("no initiatives")
        return
    for area in data.areas:
        if not area.initiatives:
            continue
        typer.secho(f"{area.name}  {percent(area.progress)}%", bold=True)
        for item in area.initiatives:
            counts = (
                f"{item.milestones_done}/{item.milestones_counted} done"
                if item.milestones_counted else "no milestones yet"
            )
            overdue = f", {item.overdue} overdue" if item.overdue else ""
            hidden = "" if item.is_public else "  [officers only]"
            typer.echo(
                f"  {item.id:>4}  {percent(item.progress):>3}%  {item.status.value:<10}  "
                f"{item.title} ({counts}{overdue}){hidden}"
            )


@roadmap_app.command("remind")
def remind() -> None:
    """Tell the owners of newly overdue milestones (each once per overdue episode)."""
    from indusx.cli import unit_of_work
    from indusx.roadmap import reminders

    with unit_of_work() as session:
        count = reminders.send_reminders(session=session)
    typer.echo(f"{count} overdue reminder{'' if count == 1 else 's'} queued")
