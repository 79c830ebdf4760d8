"""The dashboards by name: build one for a date range, list them, find a chart."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from indusx.config import Settings
from indusx.dashboards import (
    challenges,
    ecosystem,
    matchmaking,
    pipeline,
    roadmap,
    screening,
    supply,
)
from indusx.dashboards.charts import Chart, Dashboard
from indusx.dashboards.period import Period
from indusx.errors import NotFound

Builder = Callable[..., Dashboard]


def _plain(build: Callable[..., Dashboard]) -> Builder:
    """Adapt a dashboard that needs no settings to the registry's call."""

    def run(*, session: Session, period: Period, settings: Settings) -> Dashboard:
        return build(session=session, period=period)

    return run


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    title: str
    blurb: str
    build: Builder


# The order in which pages, the API and the PDF report present them.
DASHBOARDS: dict[str, Entry] = {
    e.name: e
    for e in (
        Entry(ecosystem.NAME, ecosystem.TITLE,
              "Organisations by country, kind and focus area; growth by month.",
              _plain(ecosystem.build)),
        Entry(matchmaking.NAME, matchmaking.TITLE,
              "Suggestions acted on, introductions requested and answered, acceptance rate.",
              _plain(matchmaking.build)),
        Entry(challenges.NAME, challenges.TITLE,
              "Challenges run, applications and awards by lead country.",
              _plain(challenges.build)),
        Entry(pipeline.NAME, pipeline.TITLE,
              "Partnerships by stage and type, time in stage, value by focus area; data rooms.",
              _plain(pipeline.build)),
        Entry(roadmap.NAME, roadmap.TITLE,
              "Progress by focus area; overdue milestones.", _plain(roadmap.build)),
        Entry(supply.NAME, supply.TITLE,
              "Systems' criticality, single-source parts, flagged suppliers; Security of "
              "Supply requests open and overdue.", supply.build),
        Entry(screening.NAME, screening.TITLE,
              "Restricted-party cases by status; the open backlog by age.",
              _plain(screening.build)),
    )
}


def entries() -> list[Entry]:
    """Return every dashboard, in presentation order."""
    return list(DASHBOARDS.values())


def entry(name: str) -> Entry:
    """Return the dashboard registered under a name, or raise NotFound."""
    found = DASHBOARDS.get(name)
    if found is None:
        raise NotFound(f"There is no dashboard called {name!r}")
    return found


def dashboard(*, session: Session, name: str, period: Period, settings: Settings) -> Dashboard:
    """Return one dashboard's figures and charts for a date range."""
    return entry(name).build(session=session, period=period, settings=settings)


def every_dashboard(*, session: Session, period: Period, settings: Settings) -> list[Dashboard]:
    """Return every dashboard for a date range, in presentation order."""
    return [e.build(session=session, period=period, settings=settings) for e in entries()]


def chart(
    *, session: Session, name: str, key: str, period: Period, settings: Settings
) -> Chart:
    """Return one chart of a dashboard, or raise NotFound."""
    found = dashboard(session=session, name=name, period=period, settings=settings).chart(key)
    if found is None:
        raise NotFound(f"The {name} dashboard has no chart called {key!r}")
    return found
