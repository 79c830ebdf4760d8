"""`indusx partnerships`: the pipeline from the command line (officers' view: every partnership).

    indusx partnerships list [--stage S] [--json]
    indusx partnerships show ID [--json]
"""

import json
from typing import Annotated, Any

import typer
from sqlalchemy import select

partnerships_app = typer.Typer(help="The partnership pipeline.", no_args_is_help=True)


@partnerships_app.command("list")
def list_(
    stage: Annotated[str | None, typer.Option(help="only this stage, e.g. agreement")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """List partnerships with their stage, type, value and parties."""
    from indusx.cli import fail, unit_of_work
    from indusx.partnerships import service
    from indusx.partnerships.models import Partnership, Stage

    try:
        stage_f = Stage(stage) if stage else None
    except ValueError:
        raise fail(f"unknown stage {stage!r}; one of {', '.join(s.value for s in Stage)}",
                   2) from None
    with unit_of_work() as session:
        stmt = select(Partnership).order_by(Partnership.id)
        if stage_f is not None:
            stmt = stmt.where(Partnership.stage == stage_f)
        rows = list(session.scalars(stmt))
        parties = service.parties_by_partnership(session, [p.id for p in rows])
        out = [{"id": p.id, "title": p.title, "stage": p.stage.value, "type": p.type.value,
                "value_usd": p.value_usd,
                "parties": [f"{x.name} ({x.country})" for x in parties.get(p.id, [])]}
               for p in rows]
    if as_json:
        typer.echo(json.dumps(out, indent=2))
        return
    for row in out:
        value = f"USD {row['value_usd']:,}" if row["value_usd"] is not None else "-"
        typer.echo(f"{row['id']:>5}  {row['stage']:<18} {row['type']:<20} {value:>16}  "
                   f"{row['title']}")
    typer.echo(f"{len(out)} partnership(s)")


@partnerships_app.command("show")
def show(
    partnership_id: Annotated[int, typer.Argument(help="the partnership's id")],
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Show one partnership: parties, stage history and what the gates still lack."""
    from indusx.cli import fail, unit_of_work
    from indusx.partnerships import service
    from indusx.partnerships.models import Partnership, Stage

    with unit_of_work() as session:
        p = session.get(Partnership, partnership_id)
        if p is None:
            raise fail(f"no partnership {partnership_id}")
        data: dict[str, Any] = {
            "id": p.id, "title": p.title, "stage": p.stage.value, "type": p.type.value,
            "value_usd": p.value_usd, "stop_reason": p.stop_reason,
            "parties": [{"name": x.name, "country": x.country, "role": x.role.value,
                         "screening": x.screening.status.value}
                        for x in service.parties(session, p.id)],
            "history": [{"from": c.from_stage.value if c.from_stage else None,
                         "to": c.to_stage.value, "reason": c.reason, "by": email,
                         "at": c.changed_at.isoformat()}
                        for c, email in service.history(session=session, partnership_id=p.id)],
            "agreement_lacks": [{"code": m.code, "message": m.message} for m in
                                service.missing_for(session=session, partnership_id=p.id,
                                                    target=Stage.AGREEMENT)],
        }
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    typer.echo(f"#{data['id']} {data['title']} [{data['stage']}, {data['type']}]")
    for party in data["parties"]:
        typer.echo(f"  party: {party['name']} ({party['country']}, {party['role']}), "
                   f"screening {party['screening']}")
    for move in data["history"]:
        reason = f": {move['reason']}" if move["reason"] else ""
        typer.echo(f"  {move['at'][:16]}  {move['from'] or '-'} -> {move['to']}{reason}")
    for lack in data["agreement_lacks"]:
        typer.echo(f"  gate: {lack['message']}")
