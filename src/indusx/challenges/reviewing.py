"""The reviewer's side of a challenge's review: the queue, the conflict declaration that
comes before any content, the proposal as the reviewer may see it (blind rules applied), and
scores saved as a draft or submitted.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from indusx.accounts.permissions import Principal
from indusx.audit import service as audit
from indusx.challenges import access, reads
from indusx.challenges import proposals as proposal_service
from indusx.challenges.models import (
    Attachment,
    Challenge,
    Criterion,
    Phase,
    Proposal,
    ProposalParty,
    Question,
    Review,
    ReviewScore,
    ReviewStatus,
)
from indusx.challenges.review import (
    check_phase,
    criteria_of,
    manager_users,
    notify,
    placeholder,
)
from indusx.db import utcnow
from indusx.errors import Conflict, Forbidden, Invalid
from indusx.orgs.models import Organisation

# --- the reviewer's side ------------------------------------------------------------------------


def _own(principal: Principal, review: Review) -> None:
    if review.reviewer_id != principal.user.id:
        raise Forbidden("This review is assigned to someone else")


def declare(
    *, session: Session, principal: Principal, review: Review, conflict: bool, reason: str = ""
) -> Review:
    """Record the reviewer's conflict declaration: none (start scoring) or a conflict."""
    _own(principal, review)
    proposal = session.get_one(Proposal, review.proposal_id)
    challenge = session.get_one(Challenge, proposal.challenge_id)
    reason = reason.strip()
    if not conflict:
        if review.status is not ReviewStatus.ASSIGNED:
            raise Conflict(f"This review is already {review.status.value}")
        check_phase(challenge, "Reviewing")
        review.status = ReviewStatus.IN_PROGRESS
    else:
        if review.status not in (ReviewStatus.ASSIGNED, ReviewStatus.IN_PROGRESS):
            raise Conflict(f"A review that is {review.status.value} cannot be declared conflicted")
        if len(reason) < 5:
            raise Invalid.field("reason", "say what the conflict is (at least 5 characters)")
        review.status = ReviewStatus.CONFLICTED
        review.conflict_reason = reason
        # What was scored before the conflict came to light must not count.
        session.execute(delete(ReviewScore).where(ReviewScore.review_id == review.id))
        notify(
            session,
            manager_users(session, challenge),
            kind="challenge_review_conflict",
            subject=f"Reviewer conflict on proposal {proposal.id}: {challenge.title}",
            body=(
                f"{principal.user.full_name or principal.user.email} declared a conflict "
                f"on proposal {proposal.id} and will not review it: {reason}. "
                "Assign another reviewer."
            ),
            link=f"/challenges/{challenge.slug}/review",
        )
    review.declared_at = review.updated_at = utcnow()
    audit.record(
        session=session,
        actor=principal.actor,
        action="review.declared",
        object_type="review",
        object_id=review.id,
        summary=("conflict: " + reason) if conflict else "no conflict",
        after={"status": review.status.value},
    )
    session.flush()
    return review


@dataclass(frozen=True, slots=True)
class ScoreIn:
    criterion_id: int
    score: float | None
    comment: str = ""


def save_scores(
    *,
    session: Session,
    principal: Principal,
    review: Review,
    scores: Sequence[ScoreIn],
    comment: str | None = None,
    submit: bool = False,
) -> Review:
    """Save the reviewer's scores and comments; with submit, finish the review."""
    _own(principal, review)
    if review.status is not ReviewStatus.IN_PROGRESS:
        raise Conflict(
            {
                ReviewStatus.ASSIGNED: "Declare whether you have a conflict before scoring",
                ReviewStatus.CONFLICTED: "You declared a conflict on this proposal",
                ReviewStatus.SUBMITTED: "This review has been submitted and can no longer change",
            }[review.status]
        )
    proposal = session.get_one(Proposal, review.proposal_id)
    challenge = session.get_one(Challenge, proposal.challenge_id)
    check_phase(challenge, "Scoring")
    rubric = {c.id: c for c in criteria_of(session, challenge.id)}
    errors = []
    for item in scores:
        criterion = rubric.get(item.criterion_id)
        if criterion is None:
            errors.append(
                {
                    "field": f"scores.{item.criterion_id}",
                    "message": "not a criterion of this challenge",
                }
            )
        elif item.score is not None and not 0 <= item.score <= criterion.scale_max:
            errors.append(
                {
                    "field": f"scores.{item.criterion_id}",
                    "message": f"score {criterion.name} from 0 to {criterion.scale_max}",
                }
            )
    if errors:
        raise Invalid("; ".join(e["message"] for e in errors), errors=errors)
    existing = {
        s.criterion_id: s
        for s in session.scalars(select(ReviewScore).where(ReviewScore.review_id == review.id))
    }
    for item in scores:
        row = existing.get(item.criterion_id)
        if item.score is None:
            if row is not None:
                session.delete(row)
                del existing[item.criterion_id]
            continue
        if row is None:
            row = ReviewScore(
                review_id=review.id,
                criterion_id=item.criterion_id,
                score=item.score,
                comment=item.comment.strip(),
            )
            session.add(row)
            existing[item.criterion_id] = row
        else:
            row.score, row.comment = item.score, item.comment.strip()
    if comment is not None:
        review.comment = comment.strip()
    review.updated_at = utcnow()
    if submit:
        unscored = [c.name for cid, c in rubric.items() if cid not in existing]
        if unscored:
            raise Invalid(
                "Score every criterion before submitting: " + ", ".join(unscored),
                errors=[
                    {"field": f"scores.{cid}", "message": "score this criterion"}
                    for cid in rubric
                    if cid not in existing
                ],
            )
        review.status = ReviewStatus.SUBMITTED
        review.submitted_at = review.updated_at
    session.flush()
    audit.record(
        session=session,
        actor=principal.actor,
        action="review.submitted" if submit else "review.saved",
        object_type="review",
        object_id=review.id,
        summary=f"{len(existing)} of {len(rubric)} criteria scored",
        after={str(cid): s.score for cid, s in sorted(existing.items())},
    )
    return review


def scores_of(session: Session, review_id: int) -> dict[int, ReviewScore]:
    """Return a review's scores by criterion id."""
    return {
        s.criterion_id: s
        for s in session.scalars(select(ReviewScore).where(ReviewScore.review_id == review_id))
    }


# --- queue and progress -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueRow:
    review: Review
    challenge: Challenge
    title: str  # the proposal's title once the reviewer may read it, else a placeholder
    scored: int
    criteria: int
    deadline: datetime | None


def review_deadline(challenge: Challenge) -> datetime | None:
    """Return when review ends: the planned start of the shortlist phase, if scheduled."""
    value = (challenge.schedule or {}).get(Phase.SHORTLIST.value)
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def queue_counts(*, session: Session, user_id: int) -> dict[ReviewStatus, int]:
    """Return how many of the user's reviews are in each status."""
    counts = dict(
        session.execute(
            select(Review.status, func.count())
            .where(Review.reviewer_id == user_id)
            .group_by(Review.status)
        ).all()
    )
    return {s: int(counts.get(s, 0)) for s in ReviewStatus}


def queue(
    *,
    session: Session,
    principal: Principal,
    status: ReviewStatus | None = None,
    page: int = 1,
    page_size: int = 25,
) -> tuple[list[QueueRow], int]:
    """Return one page of the caller's review assignments, those needing work first."""
    where = [Review.reviewer_id == principal.user.id]
    if status is not None:
        where.append(Review.status == status)
    total = session.scalar(select(func.count()).select_from(Review).where(*where)) or 0
    order = {
        ReviewStatus.ASSIGNED: 0,
        ReviewStatus.IN_PROGRESS: 1,
        ReviewStatus.SUBMITTED: 2,
        ReviewStatus.CONFLICTED: 3,
    }
    rows = session.execute(
        select(Review, Proposal.title, Challenge)
        .join(Proposal, Proposal.id == Review.proposal_id)
        .join(Challenge, Challenge.id == Proposal.challenge_id)
        .where(*where)
        .order_by(case(order, value=Review.status), Review.assigned_at.desc(), Review.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    review_ids = [r.id for r, _, _ in rows]
    scored = dict(
        session.execute(
            select(ReviewScore.review_id, func.count())
            .where(ReviewScore.review_id.in_(review_ids))
            .group_by(ReviewScore.review_id)
        ).all()
    )
    challenge_ids = {c.id for _, _, c in rows}
    sizes = dict(
        session.execute(
            select(Criterion.challenge_id, func.count())
            .where(Criterion.challenge_id.in_(challenge_ids))
            .group_by(Criterion.challenge_id)
        ).all()
    )
    out = []
    for review, title, challenge in rows:
        readable = review.status in (ReviewStatus.IN_PROGRESS, ReviewStatus.SUBMITTED)
        out.append(
            QueueRow(
                review=review,
                challenge=challenge,
                title=(title or placeholder(review.proposal_id))
                if readable
                else placeholder(review.proposal_id),
                scored=int(scored.get(review.id, 0)),
                criteria=int(sizes.get(challenge.id, 0)),
                deadline=review_deadline(challenge),
            )
        )
    return out, int(total)


def has_assignments(session: Session, user_id: int) -> bool:
    """Return whether the user has ever been assigned a review (for the navigation)."""
    return (
        session.scalar(select(Review.id).where(Review.reviewer_id == user_id).limit(1)) is not None
    )


# --- what a reviewer sees -----------------------------------------------------------------------

BLIND_NAME = "Identity hidden (blind review)"


@dataclass(frozen=True, slots=True)
class PartyView:
    label: str  # the organisation's name, or "Lead applicant" / "Co-applicant 2" when blind
    role: str
    country: str
    kind: str
    slug: str | None  # None when the identity is hidden


@dataclass(frozen=True, slots=True)
class AttachmentView:
    id: int
    label: str  # the file name, or "Attachment 2" when blind
    content_type: str
    size_bytes: int


@dataclass(frozen=True, slots=True)
class ReviewView:
    review: Review
    challenge: Challenge
    proposal_id: int
    title: str
    criteria: list[Criterion]
    scores: dict[int, ReviewScore]
    readable: bool  # the proposal's content is shown
    see_identity: bool
    proposal: Proposal | None = None
    parties: list[PartyView] = field(default_factory=list)
    answers: list[tuple[str, str]] = field(default_factory=list)  # (question, answer)
    attachments: list[AttachmentView] = field(default_factory=list)


def reviewer_view(*, session: Session, principal: Principal, review: Review) -> ReviewView:
    """Return a review as its reviewer (or a manager) may see it, blind rules applied."""
    proposal = session.get_one(Proposal, review.proposal_id)
    challenge = session.get_one(Challenge, proposal.challenge_id)
    rights = access.proposal_access(session, principal, challenge, proposal)
    if review.reviewer_id != principal.user.id and not rights.manage:
        raise Forbidden("This review is assigned to someone else")
    readable = rights.read
    view = ReviewView(
        review=review,
        challenge=challenge,
        proposal_id=proposal.id,
        title=(proposal.title or placeholder(proposal.id))
        if readable
        else placeholder(proposal.id),
        criteria=criteria_of(session, challenge.id),
        scores=scores_of(session, review.id),
        readable=readable,
        see_identity=rights.see_identity and readable,
    )
    if not readable:
        return view
    # Every page and answer that shows a reviewer (or a manager) the proposal comes here.
    reads.record_proposal_read(session=session, principal=principal, proposal_id=proposal.id)
    rows = session.execute(
        select(ProposalParty.role, Organisation)
        .join(Organisation, Organisation.id == ProposalParty.org_id)
        .where(ProposalParty.proposal_id == proposal.id, ProposalParty.declined_at.is_(None))
        .order_by((ProposalParty.org_id != proposal.lead_org_id), ProposalParty.org_id)
    ).all()
    parties = [(role.value, org) for role, org in rows]
    if not parties:  # a proposal made before its parties were recorded: the lead alone
        parties = [("lead", session.get_one(Organisation, proposal.lead_org_id))]
    number = 0
    for role_value, org in parties:
        if view.see_identity:
            label, slug = org.name, org.slug
        elif role_value == "lead":
            label, slug = "Lead applicant", None
        else:
            number += 1
            label, slug = f"Co-applicant {number}", None
        view.parties.append(PartyView(label, role_value, org.country.value, org.kind.value, slug))
    questions = session.scalars(
        select(Question)
        .where(Question.challenge_id == challenge.id)
        .order_by(Question.position, Question.id)
    )
    answers = proposal.answers or {}
    view.answers.extend((q.prompt, answers.get(str(q.id), "")) for q in questions)
    files = session.scalars(
        select(Attachment).where(Attachment.proposal_id == proposal.id).order_by(Attachment.id)
    )
    view.attachments.extend(
        AttachmentView(
            a.id,
            a.filename if view.see_identity else proposal_service.blind_filename(a, i),
            a.content_type,
            a.size_bytes,
        )
        for i, a in enumerate(files, start=1)
    )
    return replace(view, proposal=proposal)
