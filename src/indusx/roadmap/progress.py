"""Roll-up of roadmap progress and the overdue rule: plain data in, numbers out.

A milestone that is done counts 1, one in progress 0.5, any other 0; cancelled milestones
do not count at all. An initiative's progress is the mean over its counted milestones (0
with none); a focus area's is the mean over its initiatives, cancelled initiatives left out.
"""

from collections.abc import Iterable
from datetime import date

from indusx.roadmap.models import InitiativeStatus, MilestoneStatus

MILESTONE_SCORES: dict[MilestoneStatus, float] = {
    MilestoneStatus.DONE: 1.0,
    MilestoneStatus.IN_PROGRESS: 0.5,
    MilestoneStatus.PLANNED: 0.0,
    MilestoneStatus.AT_RISK: 0.0,
}
# Finished one way or another: never overdue.
CLOSED_MILESTONES = frozenset({MilestoneStatus.DONE, MilestoneStatus.CANCELLED})


def milestone_score(status: MilestoneStatus) -> float | None:
    """Return what a milestone contributes to its initiative, or None if it does not count."""
    return MILESTONE_SCORES.get(status)


def counted(statuses: Iterable[MilestoneStatus]) -> int:
    """Return how many of the milestones count towards progress."""
    return sum(1 for s in statuses if s in MILESTONE_SCORES)


def initiative_progress(statuses: Iterable[MilestoneStatus]) -> float:
    """Return an initiative's progress (0..1) from its milestones' statuses."""
    scores = [MILESTONE_SCORES[s] for s in statuses if s in MILESTONE_SCORES]
    return sum(scores) / len(scores) if scores else 0.0


def area_progress(initiatives: Iterable[tuple[InitiativeStatus, float]]) -> float:
    """Return a focus area's progress (0..1) from its initiatives' (status, progress)."""
    values = [p for status, p in initiatives if status is not InitiativeStatus.CANCELLED]
    return sum(values) / len(values) if values else 0.0


def is_overdue(status: MilestoneStatus, due_on: date, today: date) -> bool:
    """Return whether a milestone is overdue: due before today and neither done nor cancelled."""
    return due_on < today and status not in CLOSED_MILESTONES


def days_overdue(due_on: date, today: date) -> int:
    """Return how many days a milestone is past its due date (0 when not past it)."""
    return max(0, (today - due_on).days)


def percent(progress: float) -> int:
    """Return progress as a whole percentage for display."""
    return round(progress * 100)
