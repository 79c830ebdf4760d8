"""Matchmaking: what organisations did with suggestions, and how introductions fared."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.dashboards.charts import Chart, ChartKind, Dashboard, Figure, Series, count, percent
from indusx.dashboards.period import Period, month_of
from indusx.matching.models import (
    FeedbackAction,
    Introduction,
    IntroductionStatus,
    MatchFeedback,
    MatchMode,
)

NAME = "matchmaking"
TITLE = "Matchmaking"
STATUS_LABELS = {
    IntroductionStatus.PENDING: "Awaiting an answer",
    IntroductionStatus.ACCEPTED: "Accepted",
    IntroductionStatus.DECLINED: "Declined",
    IntroductionStatus.WITHDRAWN: "Withdrawn",
}
# The values are the words, hyphens included ("co-development"): only the first letter changes.
MODE_LABELS = {m: m.value.capitalize() for m in MatchMode}
ACTION_LABELS = {
    FeedbackAction.REQUESTED: "Introduction requested",
    FeedbackAction.DISMISSED: "Dismissed",
    FeedbackAction.ACCEPTED: "Accepted",
    FeedbackAction.DECLINED: "Declined",
}


def build(*, session: Session, period: Period) -> Dashboard:
    """Return the matchmaking dashboard for a date range."""
    in_range = (Introduction.created_at >= period.start_at,
                Introduction.created_at < period.end_before)
    month = month_of(session, Introduction.created_at)
    monthly: dict[tuple[str, IntroductionStatus], int] = {
        (m, status): n
        for m, status, n in session.execute(
            select(month, Introduction.status, func.count())
            .where(*in_range).group_by(month, Introduction.status)
        )
    }
    by_mode: dict[tuple[MatchMode, IntroductionStatus], int] = {
        (mode, status): n
        for mode, status, n in session.execute(
            select(Introduction.mode, Introduction.status, func.count())
            .where(*in_range).group_by(Introduction.mode, Introduction.status)
        )
    }
    feedback: dict[FeedbackAction, int] = {
        action: n
        for action, n in session.execute(
            select(MatchFeedback.action, func.count())
            .where(MatchFeedback.created_at >= period.start_at,
                   MatchFeedback.created_at < period.end_before)
            .group_by(MatchFeedback.action)
        )
    }
    months = period.months()
    statuses = list(IntroductionStatus)
    total = {s: sum(n for (_, st), n in monthly.items() if st is s) for s in statuses}
    requested = sum(total.values())
    accepted, declined = total[IntroductionStatus.ACCEPTED], total[IntroductionStatus.DECLINED]
    rate = [
        _rate(monthly.get((m, IntroductionStatus.ACCEPTED), 0),
              monthly.get((m, IntroductionStatus.DECLINED), 0))
        for m in months
    ]
    modes = list(MatchMode)
    charts = [
        Chart(
            "introductions", "Introductions requested each month, by outcome",
            ChartKind.STACKED, "month", "introductions", months,
            [Series(STATUS_LABELS[s], [monthly.get((m, s), 0) for m in months])
             for s in statuses],
            f"{count(requested)} introductions were requested in the range; "
            f"{count(accepted)} were accepted and {count(declined)} declined.",
        ),
        Chart(
            "acceptance", "Acceptance rate of answered introductions by month", ChartKind.LINE,
            "month", "percent accepted", months, [Series("Accepted (%)", rate)],
            f"Of the introductions answered, {percent(accepted, accepted + declined)} were "
            "accepted; months with no answers show 0.",
        ),
        Chart(
            "modes", "Introductions by kind of partnership sought", ChartKind.STACKED, "mode",
            "introductions", [MODE_LABELS[m] for m in modes],
            [Series(STATUS_LABELS[s], [by_mode.get((m, s), 0) for m in modes])
             for s in statuses],
            _busiest_mode(by_mode),
        ),
        Chart(
            "suggestions", "What organisations did with suggestions", ChartKind.BAR, "action",
            "suggestions", [ACTION_LABELS[a] for a in FeedbackAction],
            [Series("Suggestions", [feedback.get(a, 0) for a in FeedbackAction])],
            f"{count(sum(feedback.values()))} suggestions were acted on: "
            f"{count(feedback.get(FeedbackAction.REQUESTED, 0))} led to a request and "
            f"{count(feedback.get(FeedbackAction.DISMISSED, 0))} were dismissed.",
        ),
    ]
    figures = [
        Figure("Introductions requested", count(requested)),
        Figure("Accepted", count(accepted)),
        Figure("Declined", count(declined)),
        Figure("Acceptance rate", percent(accepted, accepted + declined)),
        Figure("Awaiting an answer", count(total[IntroductionStatus.PENDING])),
    ]
    notes = [
        "Introductions are counted in the month they were requested, with their status today.",
        "Suggestions are computed on demand and not stored; the platform records what "
        "organisations did with them (requested, dismissed).",
    ]
    return Dashboard(NAME, TITLE, period, figures, charts, notes)


def _rate(accepted: int, declined: int) -> float:
    answered = accepted + declined
    return round(100 * accepted / answered, 1) if answered else 0.0


def _busiest_mode(by_mode: dict[tuple[MatchMode, IntroductionStatus], int]) -> str:
    totals = {m: sum(n for (mode, _), n in by_mode.items() if mode is m) for m in MatchMode}
    best = max(totals, key=lambda m: totals[m])
    if not totals[best]:
        return "No introductions were requested in the range."
    return f"Most introductions sought {best.value} ({count(totals[best])})."
