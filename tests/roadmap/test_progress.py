"""The roll-up arithmetic and the overdue rule, by hand numbers (no database)."""

from datetime import date

import pytest

from indusx.roadmap.models import InitiativeStatus as I
from indusx.roadmap.models import MilestoneStatus as M
from indusx.roadmap.progress import (
    area_progress,
    counted,
    days_overdue,
    initiative_progress,
    is_overdue,
    percent,
)


def test_done_counts_one_in_progress_half_and_the_rest_nothing() -> None:
    # (1 + 0.5 + 0 + 0) / 4
    assert initiative_progress([M.DONE, M.IN_PROGRESS, M.PLANNED, M.AT_RISK]) == 0.375


def test_cancelled_milestones_do_not_count_at_all() -> None:
    assert initiative_progress([M.DONE, M.CANCELLED]) == 1.0
    assert initiative_progress([M.IN_PROGRESS, M.CANCELLED, M.PLANNED]) == 0.25
    assert counted([M.DONE, M.CANCELLED, M.PLANNED]) == 2


def test_an_initiative_without_milestones_is_at_zero() -> None:
    assert initiative_progress([]) == 0.0
    assert initiative_progress([M.CANCELLED]) == 0.0


def test_an_area_is_the_mean_of_its_initiatives_without_the_cancelled_ones() -> None:
    assert area_progress([(I.ACTIVE, 1.0), (I.ACTIVE, 0.5), (I.PROPOSED, 0.0)]) == 0.5
    assert area_progress([(I.ACTIVE, 0.25), (I.CANCELLED, 1.0)]) == 0.25
    assert area_progress([]) == 0.0


def test_percent_rounds_to_whole_numbers() -> None:
    assert percent(0.375) == 38
    assert percent(2 / 3) == 67


@pytest.mark.parametrize(
    ("status", "due", "overdue"),
    [
        (M.PLANNED, date(2026, 5, 31), True),
        (M.IN_PROGRESS, date(2026, 5, 31), True),
        (M.AT_RISK, date(2026, 1, 1), True),
        (M.PLANNED, date(2026, 6, 1), False),  # due today is not overdue yet
        (M.PLANNED, date(2026, 6, 2), False),
        (M.DONE, date(2026, 1, 1), False),
        (M.CANCELLED, date(2026, 1, 1), False),
    ],
)
def test_a_milestone_is_overdue_when_due_before_today_and_still_open(
    status: M, due: date, overdue: bool
) -> None:
    assert is_overdue(status, due, date(2026, 6, 1)) is overdue


def test_days_overdue_counts_whole_days_past_the_due_date() -> None:
    assert days_overdue(date(2026, 5, 29), date(2026, 6, 1)) == 3
    assert days_overdue(date(2026, 6, 5), date(2026, 6, 1)) == 0
