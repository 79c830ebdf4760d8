"""`indusx supply requests` and `indusx supply remind`: Security of Supply requests by hand.

    indusx supply requests [--status S ...] [--overdue] [--json]
    indusx supply remind

The command line reads every request, as a programme officer does.
"""

import json
from typing import TYPE_CHECKING, Annotated

import typer

from indusx.supply.cli import supply_app
from indusx.supply.sos.models import STATUS_LABELS, RequestStatus

if TYPE_CHECKING:
    from indusx.accounts.permissions import Principal


def _everything() -> "Principal":
    """Return a principal that reads every request (the register asks one; nothing is saved)."""
    from indusx.accounts.models import PlatformRole, User
    from indusx.accounts.permissions import Principal

    return Principal(user=User(email="cli@localhost", full_name="command line",
                               platform_role=PlatformRole.OFFICER), via="cli")


@supply_app.command("requests")
def requests(
    status: Annotated[list[RequestStatus], typer.Option(
        "--status", help="only requests in this status (repeatable)")] = [],  # noqa: B006
    overdue: Annotated[bool, typer.Option(
        "--overdue", help="only requests with a supplier past the response target")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
) -> None:
    """List Security of Supply requests, newest first, with the register's summary."""
    from indusx.cli import _settings, unit_of_work
    from indusx.supply.sos import register

    days = _settings().supply_response_days
    flt = register.RequestFilter(status=tuple(status), overdue=overdue)
    with unit_of_work() as session:
        who = _everything()
        rows = register.all_requests(session=session, principal=who, flt=flt,
                                     response_days=days)
        summary = register.summary(session=session, principal=who, flt=flt,
                                   response_days=days)
    if as_json:
        typer.echo(json.dumps({
            "items": [r.model_dump(mode="json") for r in rows],
            "total": len(rows),
            "summary": summary.model_dump(mode="json"),
            "response_days": days,
        }, indent=2))
        return
    if not rows:
        typer.echo("no Security of Supply requests match")
    else:
        typer.echo(f"{'reference':<14} {'status':<13} {'needed by':<10} {'overdue':>7}  "
                   "item / suppliers")
        for r in rows:
            late = str(r.overdue_parties) if r.overdue_parties else ""
            typer.echo(f"{r.reference:<14} {STATUS_LABELS[r.status]:<13} "
                       f"{r.needed_on.isoformat():<10} {late:>7}  {r.quantity:g} {r.unit} "
                       f"{r.item}")
            typer.echo(f"{'':>49}{', '.join(r.suppliers) or 'no supplier'}")
    median = summary.median_response_hours
    typer.echo(f"{summary.open} open, {summary.overdue} overdue (target {days} days); median "
               f"first response {'-' if median is None else f'{median:g} h'}")


@supply_app.command("remind")
def remind() -> None:
    """Remind suppliers that are past the response target (each once per overdue episode)."""
    from indusx.cli import _settings, unit_of_work
    from indusx.supply.sos import reminders

    days = _settings().supply_response_days
    with unit_of_work() as session:
        count = reminders.send_reminders(session=session, response_days=days)
    typer.echo(f"{count} overdue reminder{'' if count == 1 else 's'} queued")
