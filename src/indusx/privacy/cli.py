"""`indusx privacy`: apply the retention periods.

    indusx privacy purge [--dry-run]
"""

from typing import Annotated

import typer

privacy_app = typer.Typer(help="Privacy: retention of personal data.", no_args_is_help=True)


@privacy_app.command("purge")
def purge(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count only; delete nothing.")]
    = False,
) -> None:
    """Delete (or anonymise) what is past its retention period, and print the counts."""
    from indusx.cli import _settings, unit_of_work
    from indusx.privacy import retention

    settings = _settings()
    with unit_of_work() as session:
        counts = retention.purge(session=session, settings=settings, dry_run=dry_run)
        if dry_run:
            session.rollback()
    verb = "would remove" if dry_run else "removed"
    for name, n in counts.as_dict().items():
        typer.echo(f"{name.replace('_', ' ')}: {n}")
    typer.echo(f"{verb} {sum(counts.as_dict().values()) - counts.users_kept} records "
               "(audit events are kept)")
