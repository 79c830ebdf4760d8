"""Deadline reminders: who gets one, at which threshold, and never twice."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from indusx.accounts import service as account_service
from indusx.accounts.models import OrgRole, User
from indusx.challenges import reminders
from indusx.challenges.models import (
    Challenge,
    Phase,
    Proposal,
    ProposalStatus,
    Review,
    ReviewStatus,
)
from indusx.notifications import preferences
from indusx.notifications.models import DeliveryStatus, Notification
from indusx.orgs.models import Organisation
from tests.conftest import ACTOR

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _challenge(session: Session, sponsor: Organisation, **fields: object) -> Challenge:
    n = session.query(Challenge).count() + 1
    values: dict[str, object] = {
        "slug": f"reminder-challenge-{n}-{sponsor.id}",
        "title": f"Maritime ISR {n}",
        "sponsor_org_id": sponsor.id,
        "phase": Phase.OPEN,
        "timezone": "Asia/Kolkata",
        "deadline_at": NOW + timedelta(hours=60),
    }
    values.update(fields)
    challenge = Challenge(**values)
    session.add(challenge)
    session.flush()
    return challenge


def _proposal(
    session: Session, challenge: Challenge, org: Organisation, status: ProposalStatus
) -> Proposal:
    proposal = Proposal(
        challenge_id=challenge.id, lead_org_id=org.id, title="Acoustic mesh", status=status
    )
    session.add(proposal)
    session.flush()
    return proposal


@pytest.fixture
def cast(
    session: Session,
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
) -> SimpleNamespace:
    """An agency; a start-up owned by alice with erin (editor) and bob (viewer); a US firm."""
    olga = make_user(role="officer", name="Olga Officer", password=None)
    alice = make_user(name="Alice Owner", password=None)
    erin = make_user(name="Erin Editor", password=None)
    bob = make_user(name="Bob Viewer", password=None)
    dave = make_user(name="Dave US Owner", password=None)
    agency = make_org(owner=olga, name="Navy Innovation Cell", kind="government")
    india = make_org(owner=alice, name="Alice Undersea Systems")
    us = make_org(owner=dave, name="Dave Maritime Robotics", country="US", kind="msme")
    for user, role in ((erin, OrgRole.EDITOR), (bob, OrgRole.VIEWER)):
        account_service.add_member(
            session=session, org_id=india.id, user=user, role=role, actor=ACTOR
        )
    session.commit()
    return SimpleNamespace(
        olga=olga, alice=alice, erin=erin, bob=bob, dave=dave, agency=agency, india=india, us=us
    )


def _sent(session: Session, kind_prefix: str = "challenge_") -> list[tuple[int | None, str]]:
    rows = session.execute(
        select(Notification.user_id, Notification.kind)
        .where(Notification.kind.startswith(kind_prefix))
        .order_by(Notification.user_id, Notification.kind)
    ).all()
    return [(user_id, kind) for user_id, kind in rows]


@pytest.mark.parametrize(
    ("hours_left", "expected"),
    [(100, None), (72, 72), (71.9, 72), (24.01, 72), (24, 24), (0.01, 24), (0, None), (-1, None)],
)
def test_the_tightest_threshold_the_deadline_is_within_is_chosen(
    hours_left: float, expected: int | None
) -> None:
    deadline = NOW + timedelta(hours=hours_left)
    assert reminders.deadline_threshold(deadline, NOW) == expected


def test_the_shortlist_is_due_within_48_hours_and_not_after_it_passed() -> None:
    assert reminders.shortlist_due(NOW + timedelta(hours=48), NOW)
    assert reminders.shortlist_due(NOW + timedelta(minutes=1), NOW)
    assert not reminders.shortlist_due(NOW + timedelta(hours=48, seconds=1), NOW)
    assert not reminders.shortlist_due(NOW, NOW)


def test_a_schedule_without_a_readable_shortlist_gives_none(
    session: Session, cast: SimpleNamespace
) -> None:
    challenge = _challenge(session, cast.agency, schedule={"shortlist": "next Tuesday"})
    assert reminders.shortlist_at(challenge) is None
    challenge.schedule = {"shortlist": "2026-12-02T10:00:00"}  # no offset: read as UTC
    assert reminders.shortlist_at(challenge) == datetime(2026, 12, 2, 10, tzinfo=UTC)


def test_owners_and_editors_of_a_draft_lead_are_reminded_but_not_viewers(
    session: Session, cast: SimpleNamespace
) -> None:
    challenge = _challenge(session, cast.agency)
    draft = _proposal(session, challenge, cast.india, ProposalStatus.DRAFT)
    due = reminders.due_reminders(session=session, now=NOW)
    assert {r.user_id for r in due} == {cast.alice.id, cast.erin.id}
    assert {(r.kind, r.link) for r in due} == {("challenge_deadline_72h", f"/proposals/{draft.id}")}
    first = next(r for r in due if r.user_id == cast.alice.id)
    assert first.subject == f"60 hours left: {challenge.title}"
    assert "IST" in first.body  # the deadline in the challenge's time zone


def test_submitted_withdrawn_and_far_or_past_deadlines_get_no_reminder(
    session: Session, cast: SimpleNamespace
) -> None:
    soon = _challenge(session, cast.agency)
    _proposal(session, soon, cast.india, ProposalStatus.SUBMITTED)
    _proposal(session, soon, cast.us, ProposalStatus.WITHDRAWN)
    far = _challenge(session, cast.agency, deadline_at=NOW + timedelta(days=5))
    _proposal(session, far, cast.india, ProposalStatus.DRAFT)
    past = _challenge(session, cast.agency, deadline_at=NOW - timedelta(minutes=1))
    _proposal(session, past, cast.india, ProposalStatus.DRAFT)
    closed = _challenge(session, cast.agency, phase=Phase.SUBMISSIONS_CLOSED)
    _proposal(session, closed, cast.india, ProposalStatus.DRAFT)
    assert reminders.due_reminders(session=session, now=NOW) == []


def test_each_threshold_is_sent_once_however_often_the_round_runs(
    session: Session, cast: SimpleNamespace
) -> None:
    challenge = _challenge(session, cast.agency)
    _proposal(session, challenge, cast.us, ProposalStatus.DRAFT)
    assert reminders.send_reminders(session=session, now=NOW) == 1
    assert reminders.send_reminders(session=session, now=NOW + timedelta(hours=1)) == 0
    assert _sent(session) == [(cast.dave.id, "challenge_deadline_72h")]

    later = NOW + timedelta(hours=40)  # 20 hours left: the 24-hour reminder, once
    assert reminders.send_reminders(session=session, now=later) == 1
    assert reminders.send_reminders(session=session, now=later + timedelta(hours=2)) == 0
    assert _sent(session) == [
        (cast.dave.id, "challenge_deadline_24h"),
        (cast.dave.id, "challenge_deadline_72h"),
    ]


def test_a_draft_first_seen_inside_24_hours_gets_only_the_24_hour_reminder(
    session: Session, cast: SimpleNamespace
) -> None:
    challenge = _challenge(session, cast.agency, deadline_at=NOW + timedelta(hours=5))
    _proposal(session, challenge, cast.us, ProposalStatus.DRAFT)
    reminders.send_reminders(session=session, now=NOW)
    reminders.send_reminders(session=session, now=NOW + timedelta(hours=1))
    assert _sent(session) == [(cast.dave.id, "challenge_deadline_24h")]


def test_a_silenced_reminder_still_counts_as_sent(session: Session, cast: SimpleNamespace) -> None:
    off = preferences.Channels(in_app=False, email=False)
    preferences.update_preferences(
        session=session, user=cast.dave, changes={"challenges": off}, actor=ACTOR
    )
    challenge = _challenge(session, cast.agency)
    _proposal(session, challenge, cast.us, ProposalStatus.DRAFT)
    assert reminders.send_reminders(session=session, now=NOW) == 1
    note = session.scalars(select(Notification).where(Notification.user_id == cast.dave.id)).one()
    assert not note.in_app and note.delivery_status is DeliveryStatus.SKIPPED
    assert reminders.send_reminders(session=session, now=NOW) == 0


def _in_review(session: Session, cast: SimpleNamespace, shortlist: datetime) -> SimpleNamespace:
    challenge = _challenge(
        session,
        cast.agency,
        phase=Phase.REVIEW,
        deadline_at=NOW - timedelta(days=3),
        schedule={"shortlist": shortlist.isoformat()},
    )
    one = _proposal(session, challenge, cast.india, ProposalStatus.SUBMITTED)
    two = _proposal(session, challenge, cast.us, ProposalStatus.SUBMITTED)
    return SimpleNamespace(challenge=challenge, one=one, two=two)


def _review(session: Session, proposal: Proposal, reviewer: User, status: ReviewStatus) -> None:
    session.add(Review(proposal_id=proposal.id, reviewer_id=reviewer.id, status=status))
    session.flush()


def test_reviewers_with_unsubmitted_reviews_are_reminded_once_before_the_shortlist(
    session: Session, cast: SimpleNamespace, make_user: Callable[..., User]
) -> None:
    rita, sam, carl = (make_user(name=n, password=None) for n in ("Rita", "Sam", "Carl"))
    review = _in_review(session, cast, NOW + timedelta(hours=30))
    _review(session, review.one, rita, ReviewStatus.ASSIGNED)
    _review(session, review.two, rita, ReviewStatus.IN_PROGRESS)
    _review(session, review.one, sam, ReviewStatus.SUBMITTED)
    _review(session, review.two, carl, ReviewStatus.CONFLICTED)

    due = reminders.due_reminders(session=session, now=NOW)
    assert [(r.user_id, r.kind) for r in due] == [(rita.id, "challenge_review_reminder")]
    assert due[0].subject == f"2 reviews due: {review.challenge.title}"
    assert due[0].link == f"/reviews?challenge={review.challenge.id}"
    assert reminders.send_reminders(session=session, now=NOW) == 1
    assert reminders.send_reminders(session=session, now=NOW + timedelta(hours=12)) == 0


def test_reviewers_are_not_reminded_far_from_the_shortlist_or_after_review(
    session: Session, cast: SimpleNamespace, make_user: Callable[..., User]
) -> None:
    rita = make_user(name="Rita", password=None)
    far = _in_review(session, cast, NOW + timedelta(hours=49))
    _review(session, far.one, rita, ReviewStatus.ASSIGNED)
    assert reminders.due_reminders(session=session, now=NOW) == []
    far.challenge.phase = Phase.SHORTLIST
    session.flush()
    assert reminders.due_reminders(session=session, now=NOW + timedelta(hours=10)) == []


def test_the_cli_sends_what_is_due(cli_db: str, session: Session, cast: SimpleNamespace) -> None:
    from indusx.cli import app as cli_app

    result = CliRunner().invoke(cli_app, ["challenges", "remind"])
    assert result.exit_code == 0, result.output
    assert "0 reminders queued" in result.output
