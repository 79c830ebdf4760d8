"""Screening: restricted-party cases by status, the open backlog by age, cases by month."""

from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from indusx.dashboards.charts import Chart, ChartKind, Dashboard, Figure, Series, count
from indusx.dashboards.period import Period, month_of
from indusx.db import utcnow
from indusx.screening.models import CaseStatus, ScreeningCase

NAME = "screening"
TITLE = "Screening"
STATUS_LABELS = {
    CaseStatus.OPEN: "Open",
    CaseStatus.FALSE_POSITIVE: "False positive",
    CaseStatus.CONFIRMED: "Confirmed hit",
    CaseStatus.CLEARED: "Cleared",
    CaseStatus.WITHDRAWN: "Withdrawn",
}
# Upper bounds of the age buckets of open cases, in days (the last is open-ended).
AGE_BUCKETS = ((7, "Up to a week"), (30, "8 to 30 days"), (90, "31 to 90 days"),
               (None, "Over 90 days"))


def build(*, session: Session, period: Period, now: datetime | None = None) -> Dashboard:
    """Return the screening dashboard for a date range (the open backlog is as of now)."""
    now = now or utcnow()
    in_range = (ScreeningCase.created_at >= period.start_at,
                ScreeningCase.created_at < period.end_before)
    month = month_of(session, ScreeningCase.created_at)
    monthly: dict[tuple[str, CaseStatus], int] = {
        (m, status): n
        for m, status, n in session.execute(
            select(month, ScreeningCase.status, func.count())
            .where(*in_range).group_by(month, ScreeningCase.status)
        )
    }
    bucket = case(
        *[(ScreeningCase.created_at >= now - timedelta(days=days), label)
          for days, label in AGE_BUCKETS if days is not None],
        else_=AGE_BUCKETS[-1][1],
    )
    ages: dict[str, int] = {
        label: n
        for label, n in session.execute(
            select(bucket, func.count())
            .where(ScreeningCase.status == CaseStatus.OPEN)
            .group_by(bucket)
        )
    }
    decided = session.scalar(
        select(func.count()).where(ScreeningCase.decided_at >= period.start_at,
                                   ScreeningCase.decided_at < period.end_before)
    ) or 0
    months = period.months()
    statuses = list(CaseStatus)
    by_status = {s: sum(n for (_, st), n in monthly.items() if st is s) for s in statuses}
    opened = sum(by_status.values())
    open_now = sum(ages.values())
    oldest = next((label for _, label in reversed(AGE_BUCKETS) if ages.get(label)), "")
    charts = [
        Chart(
            "statuses", "Cases opened in the range, by status today", ChartKind.BAR, "status",
            "cases", [STATUS_LABELS[s] for s in statuses],
            [Series("Cases", [by_status[s] for s in statuses])],
            f"{count(opened)} cases were opened in the range; "
            f"{count(by_status[CaseStatus.OPEN])} of them still wait for a decision and "
            f"{count(by_status[CaseStatus.CONFIRMED])} were confirmed hits.",
        ),
        Chart(
            "backlog", "Open cases by age", ChartKind.BAR, "age", "cases",
            [label for _, label in AGE_BUCKETS],
            [Series("Open cases", [ages.get(label, 0) for _, label in AGE_BUCKETS])],
            (f"{count(open_now)} cases are open today; the oldest are {oldest.lower()}."
             if open_now else "No case is open today."),
        ),
        Chart(
            "monthly", "Cases opened each month, by status today", ChartKind.STACKED, "month",
            "cases", months,
            [Series(STATUS_LABELS[s], [monthly.get((m, s), 0) for m in months])
             for s in statuses],
            f"{count(opened)} cases opened in the range, counted in the month they opened.",
        ),
    ]
    figures = [
        Figure("Open today", count(open_now)),
        Figure("Opened in the range", count(opened)),
        Figure("Decided in the range", count(decided)),
        Figure("Confirmed hits (opened in the range)", count(by_status[CaseStatus.CONFIRMED])),
    ]
    notes = ["The open backlog and its ages are as of today, whatever the range."]
    return Dashboard(NAME, TITLE, period, figures, charts, notes)
