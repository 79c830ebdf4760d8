"""Dashboard pages for officers and admins: an overview, one page per dashboard with its
charts and tables, each chart's CSV, and the PDF report of them all."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from indusx import templating
from indusx.audit import reads
from indusx.dashboards import report, service
from indusx.dashboards.charts import Dashboard, as_csv, as_json
from indusx.dashboards.period import Period, parse_period
from indusx.deps import Officer, SessionDep, SettingsDep

router = APIRouter(include_in_schema=False)

FromDate = Annotated[str | None, Query(alias="from")]
ToDate = Annotated[str | None, Query(alias="to")]


def _range_query(period: Period) -> str:
    return f"?from={period.start.isoformat()}&to={period.end.isoformat()}"


def _context(period: Period, **extra: Any) -> dict[str, Any]:
    return {"period": period, "range_query": _range_query(period),
            "entries": service.entries(), **extra}


@router.get("/dashboards")
def overview(
    request: Request, principal: Officer, session: SessionDep, settings: SettingsDep,
    start: FromDate = None, end: ToDate = None,
) -> HTMLResponse:
    """Show every dashboard's key figures, with links to their charts and the PDF report."""
    period = parse_period(start, end)
    boards = service.every_dashboard(session=session, period=period, settings=settings)
    return templating.render(request, "dashboards/index.html",
                             _context(period, boards=boards, active="overview"))


@router.get("/dashboards/report.pdf")
def report_pdf(
    principal: Officer, session: SessionDep, settings: SettingsDep,
    start: FromDate = None, end: ToDate = None,
) -> Response:
    """Return the PDF report of every dashboard for the date range."""
    period = parse_period(start, end)
    boards = service.every_dashboard(session=session, period=period, settings=settings)
    pdf = report.render(boards, period=period, generated_at=datetime.now(UTC))
    filename = f"indusx-report-{period.start.isoformat()}-{period.end.isoformat()}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/dashboards/{name}")
def dashboard_page(
    request: Request, name: str, principal: Officer, session: SessionDep, settings: SettingsDep,
    start: FromDate = None, end: ToDate = None,
) -> HTMLResponse:
    """Show one dashboard: key figures, then each chart with its summary and numbers."""
    entry = service.entry(name)
    period = parse_period(start, end)
    board = entry.build(session=session, period=period, settings=settings)
    context = _context(period, board=board, active=name, chart_data=_chart_data(board))
    template = ("dashboards/_content.html" if templating.wants_partial(request)
                else "dashboards/detail.html")
    return templating.render(request, template, context)


@router.get("/dashboards/{name}/{key}.csv")
def chart_csv(
    name: str, key: str, principal: Officer, session: SessionDep, settings: SettingsDep,
    start: FromDate = None, end: ToDate = None,
) -> Response:
    """Return the numbers behind one chart as CSV."""
    period = parse_period(start, end)
    chart = service.chart(session=session, name=name, key=key, period=period,
                          settings=settings)
    filename = f"{name}-{key}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    reads.record_read(session=session, actor=principal.actor, object_type="dashboard_chart",
                      object_id=f"{name}/{key}"[:64], how="csv")
    return Response(as_csv(chart), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _chart_data(board: Dashboard) -> dict[str, Any]:
    return {c["key"]: c for c in as_json(board)["charts"]}
