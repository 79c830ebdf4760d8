"""Roadmap progress: each focus area's roll-up and its overdue milestones (from the roadmap's
own service, which decides what counts as progress and as overdue)."""

from collections import Counter
from datetime import date

from sqlalchemy.orm import Session

from indusx.dashboards.charts import Chart, ChartKind, Dashboard, Figure, Series, count, percent
from indusx.dashboards.period import Period
from indusx.db import utcnow
from indusx.roadmap import service as roadmap_service

NAME = "roadmap"
TITLE = "Roadmap progress"
# Upper bounds of how late overdue milestones are, in days (the last is open-ended).
LATENESS = ((30, "Up to 30 days"), (90, "31 to 90 days"), (None, "Over 90 days"))


def build(*, session: Session, period: Period, today: date | None = None) -> Dashboard:
    """Return roadmap progress as of the end of the range (or today, if that is sooner)."""
    on = min(period.end, today or utcnow().date())
    areas = [a for a in roadmap_service.progress_summary(session=session, on=on)
             if a.initiatives]
    overdue = roadmap_service.overdue_milestones(session=session, today=on)
    names = [a.name for a in areas]
    late = Counter(_lateness(m.days_overdue) for m in overdue)
    by_area = Counter(m.area for m in overdue)
    slug_names = {a.area: a.name for a in areas}
    milestones = sum(a.milestones for a in areas)
    done = sum(a.done for a in areas)
    mean = sum(a.progress for a in areas) / len(areas) if areas else 0.0
    ahead = max(areas, key=lambda a: a.progress, default=None)
    charts = [
        Chart(
            "progress", "Progress by focus area", ChartKind.BAR, "focus area",
            "percent complete", names,
            [Series("Progress (%)", [round(100 * a.progress, 1) for a in areas])],
            (f"Across {len(areas)} focus areas the roadmap is {100 * mean:.0f}% complete on "
             f"average; {ahead.name} is furthest along ({100 * ahead.progress:.0f}%)."
             if ahead else "No initiative is on the roadmap yet."),
        ),
        Chart(
            "milestones", "Milestones by focus area: done, overdue and the rest",
            ChartKind.STACKED, "focus area", "milestones", names,
            [Series("Done", [a.done for a in areas]),
             Series("Overdue", [a.overdue for a in areas]),
             Series("Other", [max(a.milestones - a.done - a.overdue, 0) for a in areas])],
            f"{count(done)} of {count(milestones)} milestones are done "
            f"({percent(done, milestones)}) and {count(len(overdue))} are overdue.",
        ),
        Chart(
            "overdue", "Overdue milestones by how late", ChartKind.BAR, "days overdue",
            "milestones", [label for _, label in LATENESS],
            [Series("Overdue milestones", [late.get(label, 0) for _, label in LATENESS])],
            (f"{count(len(overdue))} milestones are overdue on {on:%d %b %Y}; "
             f"{count(late.get(LATENESS[-1][1], 0))} by more than 90 days."
             if overdue else f"No milestone is overdue on {on:%d %b %Y}."),
        ),
        Chart(
            "overdue-areas", "Overdue milestones by focus area", ChartKind.BAR, "focus area",
            "milestones", [slug_names.get(slug, slug) for slug in sorted(by_area)],
            [Series("Overdue milestones", [by_area[slug] for slug in sorted(by_area)])],
            (f"Most overdue milestones are in {slug_names.get(by_area.most_common(1)[0][0])}."
             if by_area else "No focus area has an overdue milestone."),
        ),
    ]
    figures = [
        Figure("Initiatives", count(sum(a.initiatives for a in areas))),
        Figure("Milestones", count(milestones)),
        Figure("Done", count(done)),
        Figure("Overdue", count(len(overdue))),
        Figure("Average progress", f"{100 * mean:.0f}%"),
    ]
    notes = [f"Progress and overdue milestones as of {on:%d %b %Y}, with today's statuses; a "
             "milestone done counts 1, in progress 0.5, cancelled not at all."]
    return Dashboard(NAME, TITLE, period, figures, charts, notes)


def _lateness(days: int) -> str:
    return next(label for limit, label in LATENESS if limit is None or days <= limit)
