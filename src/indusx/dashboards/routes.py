"""REST API of the dashboards (officers and admins): their names, and each one's numbers."""

from typing import Annotated

from fastapi import APIRouter, Query

from indusx.dashboards import service
from indusx.dashboards.charts import as_json
from indusx.dashboards.period import parse_period
from indusx.dashboards.schemas import DashboardList, DashboardRead, DashboardRef
from indusx.deps import Officer, SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1/dashboards", tags=["dashboards"])

FromDate = Annotated[str | None, Query(alias="from", description="YYYY-MM-DD; default: the "
                                       "first of the month eleven months ago")]
ToDate = Annotated[str | None, Query(alias="to",
                                     description="YYYY-MM-DD, included; default: today")]


@router.get("", response_model=DashboardList)
def list_dashboards(principal: Officer) -> DashboardList:
    """The dashboards there are (officers and admins)."""
    return DashboardList(dashboards=[
        DashboardRef(name=e.name, title=e.title, description=e.blurb,
                     url=f"/api/v1/dashboards/{e.name}")
        for e in service.entries()
    ])


@router.get("/{name}", response_model=DashboardRead, response_model_by_alias=True)
def read_dashboard(
    name: str, principal: Officer, session: SessionDep, settings: SettingsDep,
    start: FromDate = None, end: ToDate = None,
) -> DashboardRead:
    """One dashboard's key figures and the numbers behind each of its charts, for a date
    range (default: the last twelve months)."""
    entry = service.entry(name)
    period = parse_period(start, end)
    board = entry.build(session=session, period=period, settings=settings)
    return DashboardRead.model_validate(as_json(board))
