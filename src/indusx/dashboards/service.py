"""The dashboards by name: build one for a date range, list them, find a chart."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from indusx.dashboards import challenges, ecosystem, matchmaking, pipeline, screening
from indusx.dashboards.charts import Chart, Dashboard
from indusx.dashboards.period import Period
from indusx.errors import NotFound

Builder = Callable[..., Dashboard]


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
              "Organisations by country, kind and focus area; growth by month.", ecosystem.build),
        Entry(matchmaking.NAME, matchmaking.TITLE,
              "Suggestions acted on, introductions requested and answered, acceptance rate.",
              matchmaking.build),
        Entry(challenges.NAME, challenges.TITLE,
              "Challenges run, applications and awards by lead country.", challenges.build),
        Entry(pipeline.NAME, pipeline.TITLE,
              "Partnerships by stage and type, time in stage, value by focus area.",
              pipeline.build),
        Entry(screening.NAME, screening.TITLE,
              "Restricted-party cases by status; the open backlog by age.", screening.build),
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


def dashboard(*, session: Session, name: str, period: Period) -> Dashboard:
    """Return one dashboard's figures and charts for a date range."""
    return entry(name).build(session=session, period=period)


def every_dashboard(*, session: Session, period: Period) -> list[Dashboard]:
    """Return every dashboard for a date range, in presentation order."""
    return [e.build(session=session, period=period) for e in entries()]


def chart(*, session: Session, name: str, key: str, period: Period) -> Chart:
    """Return one chart of a dashboard, or raise NotFound."""
    found = dashboard(session=session, name=name, period=period).chart(key)
    if found is None:
        raise NotFound(f"The {name} dashboard has no chart called {key!r}")
    return found
