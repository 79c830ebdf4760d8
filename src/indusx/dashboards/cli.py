"""`indusx report`: the dashboards' PDF report for a date range.

    indusx report --from 2026-01-01 --to 2026-11-30 --out report.pdf
"""

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer


def report(
    start: Annotated[str, typer.Option("--from", help="first day, YYYY-MM-DD")],
    end: Annotated[str, typer.Option("--to", help="last day (included), YYYY-MM-DD")],
    out: Annotated[Path, typer.Option("--out", help="the PDF file to write",
                                      dir_okay=False, writable=True)],
) -> None:
    """Write the PDF report of every dashboard for a date range."""
    from indusx.cli import _settings, fail, unit_of_work
    from indusx.dashboards import report as pdf_report
    from indusx.dashboards import service
    from indusx.dashboards.period import parse_period
    from indusx.errors import Invalid

    try:
        period = parse_period(start, end)
    except Invalid as exc:
        raise fail("; ".join(f"--{e['field']}: {e['message']}" for e in exc.errors), 2) from exc
    if not out.parent.is_dir():
        raise fail(f"--out: the folder {out.parent} does not exist", 2)
    with unit_of_work() as session:
        boards = service.every_dashboard(session=session, period=period,
                                         settings=_settings())
    pdf = pdf_report.render(boards, period=period, generated_at=datetime.now(UTC))
    out.write_bytes(pdf)
    typer.echo(f"wrote {out} ({len(pdf):,} bytes, {len(boards)} dashboards, {period.label()})")
