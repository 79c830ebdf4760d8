"""The ecosystem: organisations by country, kind and focus area, and how the directory grew."""

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.dashboards.charts import Chart, ChartKind, Dashboard, Figure, Series, count
from indusx.dashboards.period import Period, month_of
from indusx.orgs.models import FocusArea, Organisation, org_focus_area
from indusx.orgs.taxonomy import COUNTRY_LABELS, KIND_LABELS, Country, OrgKind

NAME = "ecosystem"
TITLE = "Ecosystem"
COUNTRIES = (Country.US, Country.IN)


def build(*, session: Session, period: Period) -> Dashboard:
    """Return the ecosystem dashboard for a date range."""
    listed = Organisation.created_at < period.end_before
    by_kind: dict[tuple[OrgKind, Country], int] = {
        (kind, country): n
        for kind, country, n in session.execute(
            select(Organisation.kind, Organisation.country, func.count())
            .where(listed)
            .group_by(Organisation.kind, Organisation.country)
        )
    }
    by_area: dict[tuple[str, Country], int] = {
        (name, country): n
        for name, country, n in session.execute(
            select(FocusArea.name, Organisation.country, func.count())
            .join(org_focus_area, org_focus_area.c.focus_area_id == FocusArea.id)
            .join(Organisation, Organisation.id == org_focus_area.c.org_id)
            .where(listed)
            .group_by(FocusArea.name, Organisation.country)
        )
    }
    areas = list(session.scalars(select(FocusArea.name).order_by(FocusArea.name)))
    month = month_of(session, Organisation.created_at)
    joined: dict[tuple[str, Country], int] = {
        (m, country): n
        for m, country, n in session.execute(
            select(month, Organisation.country, func.count())
            .where(Organisation.created_at >= period.start_at, listed)
            .group_by(month, Organisation.country)
        )
    }
    before = session.scalar(
        select(func.count()).where(Organisation.created_at < period.start_at)
    ) or 0
    months = period.months()
    totals: dict[Country, int] = defaultdict(int)
    for (_, country), n in by_kind.items():
        totals[country] += n
    new_total = sum(joined.values())
    running, size = before, []
    for m in months:
        running += sum(joined.get((m, c), 0) for c in COUNTRIES)
        size.append(running)
    total = sum(totals.values())
    kinds = [k for k in OrgKind if any(by_kind.get((k, c)) for c in COUNTRIES)]
    busiest = max(areas, key=lambda a: sum(by_area.get((a, c), 0) for c in COUNTRIES),
                  default="")
    charts = [
        Chart(
            "kinds", "Organisations by kind and country", ChartKind.STACKED, "kind",
            "organisations", [KIND_LABELS[k] for k in kinds],
            [Series(COUNTRY_LABELS[c], [by_kind.get((k, c), 0) for k in kinds])
             for c in COUNTRIES],
            f"{count(total)} organisations at the end of the range: "
            f"{count(totals[Country.US])} in the United States and "
            f"{count(totals[Country.IN])} in India, across {len(kinds)} kinds.",
        ),
        Chart(
            "focus-areas", "Organisations by focus area and country", ChartKind.STACKED,
            "focus area", "organisations", areas,
            [Series(COUNTRY_LABELS[c], [by_area.get((a, c), 0) for a in areas])
             for c in COUNTRIES],
            (f"The busiest focus area is {busiest}, with "
             f"{count(sum(by_area.get((busiest, c), 0) for c in COUNTRIES))} organisations; "
             "an organisation may work in several areas." if busiest and by_area
             else "No organisation names a focus area yet."),
        ),
        Chart(
            "joined", "Organisations joining each month", ChartKind.STACKED, "month",
            "organisations", months,
            [Series(COUNTRY_LABELS[c], [joined.get((m, c), 0) for m in months])
             for c in COUNTRIES],
            f"{count(new_total)} organisations joined in the range.",
        ),
        Chart(
            "growth", "Directory size at the end of each month", ChartKind.LINE, "month",
            "organisations", months, [Series("Organisations", [float(n) for n in size])],
            f"The directory grew from {count(before)} to {count(running)} organisations.",
        ),
    ]
    figures = [
        Figure("Organisations", count(total)),
        Figure("In the United States", count(totals[Country.US])),
        Figure("In India", count(totals[Country.IN])),
        Figure("Joined in the range", count(new_total)),
    ]
    return Dashboard(NAME, TITLE, period, figures, charts,
                     ["Counts include every organisation listed by the end of the range."])
