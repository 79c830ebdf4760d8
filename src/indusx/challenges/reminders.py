"""Deadline reminders: to applicants with drafts before the deadline, to reviewers before the
shortlist.

Each round (the outbox worker's, or `indusx challenges remind`) works out what is due at
`now` and queues what was not queued before. A reminder is identified by its recipient,
`kind` and `link` (`challenge_deadline_72h` + `/proposals/7`) and looked up in the outbox,
so it is never sent twice however often the round runs (the outbox keeps even the messages
a user's settings silence). A proposal whose deadline is already inside 24 hours when first
seen gets only the 24-hour reminder.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import Membership, OrgRole, User
from indusx.challenges import service as challenge_service
from indusx.challenges.models import (
    Challenge,
    Phase,
    Proposal,
    ProposalStatus,
    Review,
    ReviewStatus,
)
from indusx.db import utcnow
from indusx.notifications import service as outbox
from indusx.notifications.models import Notification

DEADLINE_THRESHOLDS_HOURS = (24, 72)  # tightest first
SHORTLIST_WINDOW = timedelta(hours=48)
REVIEW_REMINDER_KIND = "challenge_review_reminder"
# Reviews are still open to work on in these phases (see challenges.review).
REVIEW_PHASES = (Phase.SUBMISSIONS_CLOSED, Phase.REVIEW)
_EDITORS = (OrgRole.OWNER, OrgRole.EDITOR)


@dataclass(frozen=True, slots=True)
class Reminder:
    """One message to send."""

    user_id: int
    email: str
    kind: str
    subject: str
    body: str
    link: str


def deadline_kind(hours: int) -> str:
    """Return the notification kind of the deadline reminder for a threshold."""
    return f"challenge_deadline_{hours}h"


def deadline_threshold(deadline_at: datetime, now: datetime) -> int | None:
    """Return the tightest threshold (hours) the deadline is within, or None."""
    left = deadline_at - now
    if left <= timedelta(0):
        return None
    for hours in DEADLINE_THRESHOLDS_HOURS:
        if left <= timedelta(hours=hours):
            return hours
    return None


def shortlist_at(challenge: Challenge) -> datetime | None:
    """Return the planned start of the shortlist phase (UTC), if the schedule gives one."""
    raw = (challenge.schedule or {}).get("shortlist")
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def shortlist_due(shortlist: datetime, now: datetime) -> bool:
    """Return whether reviewers should be reminded: the shortlist is within 48 hours."""
    return timedelta(0) < shortlist - now <= SHORTLIST_WINDOW


def _hours_left(moment: datetime, now: datetime) -> str:
    hours = max(1, round((moment - now).total_seconds() / 3600))
    return f"{hours} hour{'' if hours == 1 else 's'}"


def _deadline_reminders(session: Session, now: datetime) -> list[Reminder]:
    horizon = now + timedelta(hours=max(DEADLINE_THRESHOLDS_HOURS))
    rows = session.execute(
        select(Proposal, Challenge)
        .join(Challenge, Challenge.id == Proposal.challenge_id)
        .where(
            Challenge.phase == Phase.OPEN,
            Challenge.deadline_at > now,
            Challenge.deadline_at <= horizon,
            Proposal.status == ProposalStatus.DRAFT,
        )
        .order_by(Proposal.id)
    ).all()
    if not rows:
        return []
    editors: dict[int, list[User]] = defaultdict(list)
    for membership, user in session.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.org_id.in_({p.lead_org_id for p, _ in rows}),
            Membership.role.in_(_EDITORS),
            User.is_active.is_(True),
        )
        .order_by(User.id)
    ).all():
        editors[membership.org_id].append(user)
    out = []
    for proposal, challenge in rows:
        assert challenge.deadline_at is not None
        hours = deadline_threshold(challenge.deadline_at, now)
        if hours is None:
            continue
        when = challenge_service.local(challenge.deadline_at, challenge.timezone)
        name = proposal.title or "Your draft proposal"
        for user in editors[proposal.lead_org_id]:
            out.append(
                Reminder(
                    user_id=user.id,
                    email=user.email,
                    kind=deadline_kind(hours),
                    subject=f"{_hours_left(challenge.deadline_at, now)} left: {challenge.title}",
                    body=(
                        f"Hello {user.full_name},\n\n{name} for '{challenge.title}' is still "
                        f"a draft. Submissions close {when}; a proposal submitted even a second "
                        "later is refused. Complete it and submit before then."
                    ),
                    link=f"/proposals/{proposal.id}",
                )
            )
    return out


def _review_reminders(session: Session, now: datetime) -> list[Reminder]:
    challenges = [
        c
        for c in session.scalars(
            select(Challenge).where(Challenge.phase.in_(REVIEW_PHASES)).order_by(Challenge.id)
        )
        if (when := shortlist_at(c)) is not None and shortlist_due(when, now)
    ]
    if not challenges:
        return []
    by_id = {c.id: c for c in challenges}
    open_reviews: dict[tuple[int, int], int] = defaultdict(int)  # (challenge, reviewer) -> n
    reviewers: dict[int, User] = {}
    for challenge_id, user in session.execute(
        select(Proposal.challenge_id, User)
        .join(Review, Review.proposal_id == Proposal.id)
        .join(User, User.id == Review.reviewer_id)
        .where(
            Proposal.challenge_id.in_(by_id),
            Proposal.status == ProposalStatus.SUBMITTED,
            Review.status.in_([ReviewStatus.ASSIGNED, ReviewStatus.IN_PROGRESS]),
            User.is_active.is_(True),
        )
    ).all():
        open_reviews[(challenge_id, user.id)] += 1
        reviewers[user.id] = user
    out = []
    for (challenge_id, user_id), count in sorted(open_reviews.items()):
        challenge, user = by_id[challenge_id], reviewers[user_id]
        shortlist = shortlist_at(challenge)
        assert shortlist is not None
        reviews = f"{count} review{'' if count == 1 else 's'}"
        out.append(
            Reminder(
                user_id=user.id,
                email=user.email,
                kind=REVIEW_REMINDER_KIND,
                subject=f"{reviews} due: {challenge.title}",
                body=(
                    f"Hello {user.full_name},\n\nYou have {reviews} to finish for "
                    f"'{challenge.title}'. The shortlist is drawn up "
                    f"{challenge_service.local(shortlist, challenge.timezone)}, in "
                    f"{_hours_left(shortlist, now)}; reviews not submitted by then may not "
                    "count."
                ),
                link=f"/reviews?challenge={challenge.id}",
            )
        )
    return out


def _already_sent(session: Session, reminders: list[Reminder]) -> set[tuple[int, str, str]]:
    if not reminders:
        return set()
    rows = session.execute(
        select(Notification.user_id, Notification.kind, Notification.link).where(
            Notification.user_id.in_({r.user_id for r in reminders}),
            Notification.kind.in_({r.kind for r in reminders}),
            Notification.link.in_({r.link for r in reminders}),
        )
    ).all()
    return {(user_id, kind, link) for user_id, kind, link in rows if user_id is not None}


def due_reminders(*, session: Session, now: datetime) -> list[Reminder]:
    """Return the reminders due at `now` that were not sent before."""
    candidates = _deadline_reminders(session, now) + _review_reminders(session, now)
    sent = _already_sent(session, candidates)
    return [r for r in candidates if (r.user_id, r.kind, r.link) not in sent]


def send_reminders(*, session: Session, now: datetime | None = None) -> int:
    """Queue the reminders due now (each once); return how many were queued."""
    due = due_reminders(session=session, now=now or utcnow())
    for r in due:
        outbox.enqueue(
            session=session,
            to_email=r.email,
            user_id=r.user_id,
            kind=r.kind,
            subject=r.subject,
            body=r.body,
            link=r.link,
        )
    return len(due)
