"""Review of a challenge's proposals: the reviewer pool, assignments (by hand or balanced
automatically), conflict declarations, scores saved and submitted, and progress.

A reviewer is never assigned a proposal of an organisation they belong to, one they have a
standing conflict with (`ReviewerConflict`), or one they already declared a conflict on. An
assigned reviewer sees only a placeholder until they declare they have no conflict.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from indusx.accounts.models import Membership, PlatformRole, User
from indusx.accounts.permissions import Principal
from indusx.audit import service as audit
from indusx.challenges import access, assignment, scoring
from indusx.challenges.models import (
    Challenge,
    ChallengeMember,
    Criterion,
    Phase,
    Proposal,
    ProposalParty,
    ProposalStatus,
    Review,
    ReviewerConflict,
    ReviewScore,
    ReviewStatus,
)
from indusx.db import utcnow
from indusx.errors import Conflict, Forbidden, Invalid, NotFound
from indusx.notifications import service as outbox
from indusx.orgs.models import Organisation

# Reviewers are assigned once submissions close, and score until the shortlist phase.
REVIEW_PHASES = (Phase.SUBMISSIONS_CLOSED, Phase.REVIEW)
OFFICER_ROLES = (PlatformRole.OFFICER, PlatformRole.ADMIN)


# --- loading and notifying --------------------------------------------------------------------


def get_challenge(session: Session, challenge_id: int) -> Challenge:
    """Return a challenge or raise NotFound."""
    challenge = session.get(Challenge, challenge_id)
    if challenge is None:
        raise NotFound(f"No challenge with id {challenge_id}")
    return challenge


def challenge_by_slug(session: Session, slug: str) -> Challenge:
    """Return a challenge by its slug or raise NotFound."""
    challenge = session.scalar(select(Challenge).where(Challenge.slug == slug))
    if challenge is None:
        raise NotFound(f"No challenge at /challenges/{slug}")
    return challenge


def get_review(session: Session, review_id: int) -> Review:
    """Return a review assignment or raise NotFound."""
    review = session.get(Review, review_id)
    if review is None:
        raise NotFound(f"No review with id {review_id}")
    return review


def get_proposal(session: Session, proposal_id: int) -> Proposal:
    """Return a proposal or raise NotFound."""
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound(f"No proposal with id {proposal_id}")
    return proposal


def criteria_of(session: Session, challenge_id: int) -> list[Criterion]:
    """Return a challenge's rubric in order."""
    return list(
        session.scalars(
            select(Criterion)
            .where(Criterion.challenge_id == challenge_id)
            .order_by(Criterion.position, Criterion.id)
        )
    )


def require_manager(session: Session, principal: Principal, challenge: Challenge) -> None:
    """Raise Forbidden unless the principal runs the challenge."""
    if not access.can_manage(session, principal, challenge):
        raise Forbidden("Only the challenge's managers may do this")


def notify(
    session: Session, users: Iterable[User], *, kind: str, subject: str, body: str, link: str
) -> int:
    """Queue a message for each user (the outbox applies their notification settings)."""
    people = {u.id: u for u in users}
    for uid, user in sorted(people.items()):
        outbox.enqueue(session=session, to_email=user.email, user_id=uid, kind=kind,
                       subject=subject, body=body, link=link)
    return len(people)


def manager_users(session: Session, challenge: Challenge) -> list[User]:
    """Return the people who run a challenge: its managers, else the sponsor's officers."""
    added = select(ChallengeMember.user_id).where(
        ChallengeMember.challenge_id == challenge.id, ChallengeMember.role == access.MANAGER
    )
    sponsor = select(Membership.user_id).where(Membership.org_id == challenge.sponsor_org_id)
    users = list(
        session.scalars(
            select(User)
            .where(
                User.id.in_(added)
                | (
                    User.id.in_(sponsor)
                    & User.platform_role.in_((PlatformRole.OFFICER, PlatformRole.ADMIN))
                )
            )
            .order_by(User.id)
        )
    )
    if not users and challenge.created_by_id is not None:
        creator = session.get(User, challenge.created_by_id)
        users = [creator] if creator is not None else []
    return users


# --- the pool -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PoolMember:
    user: User
    counts: Mapping[ReviewStatus, int]

    @property
    def load(self) -> int:
        """Return the reviews that take work (all but conflicted ones)."""
        return sum(n for s, n in self.counts.items() if s is not ReviewStatus.CONFLICTED)


def _challenge_reviews(challenge_id: int) -> Select[Review]:
    return (
        select(Review)
        .join(Proposal, Proposal.id == Review.proposal_id)
        .where(Proposal.challenge_id == challenge_id)
    )


def pool(*, session: Session, challenge: Challenge) -> list[PoolMember]:
    """Return the challenge's reviewers with their reviews counted by status."""
    users = list(
        session.scalars(
            select(User)
            .join(ChallengeMember, ChallengeMember.user_id == User.id)
            .where(
                ChallengeMember.challenge_id == challenge.id,
                ChallengeMember.role == access.REVIEWER,
            )
            .order_by(User.full_name, User.id)
        )
    )
    counts: dict[int, Counter[ReviewStatus]] = defaultdict(Counter)
    for rid, status, n in session.execute(
        select(Review.reviewer_id, Review.status, func.count())
        .join(Proposal, Proposal.id == Review.proposal_id)
        .where(Proposal.challenge_id == challenge.id)
        .group_by(Review.reviewer_id, Review.status)
    ):
        counts[rid][status] = n
    return [PoolMember(u, dict(counts[u.id])) for u in users]


def add_reviewers(
    *,
    session: Session,
    principal: Principal,
    challenge: Challenge,
    emails: Sequence[str] = (),
    user_ids: Sequence[int] = (),
) -> list[User]:
    """Add users (by e-mail or id) to the challenge's reviewer pool; return those added."""
    require_manager(session, principal, challenge)
    wanted = {e.strip().lower() for e in emails if e.strip()}
    users = list(
        session.scalars(
            select(User).where(func.lower(User.email).in_(wanted) | User.id.in_(list(user_ids)))
        )
    )
    missing = wanted - {u.email.lower() for u in users}
    missing_ids = set(user_ids) - {u.id for u in users}
    if missing or missing_ids:
        unknown = ", ".join(sorted(missing) + [str(i) for i in sorted(missing_ids)])
        raise Invalid.field("emails", f"no account for {unknown}")
    if not users:
        raise Invalid.field("emails", "name at least one reviewer")
    present = set(
        session.scalars(
            select(ChallengeMember.user_id).where(
                ChallengeMember.challenge_id == challenge.id,
                ChallengeMember.role == access.REVIEWER,
            )
        )
    )
    added = [u for u in sorted(users, key=lambda u: u.id) if u.id not in present]
    for user in added:
        session.add(
            ChallengeMember(
                challenge_id=challenge.id,
                user_id=user.id,
                role=access.REVIEWER,
                added_by_id=principal.user.id,
            )
        )
        audit.record(
            session=session,
            actor=principal.actor,
            action="challenge.reviewer_added",
            object_type="challenge",
            object_id=challenge.id,
            summary=f"{user.email} joins the reviewers of {challenge.title}",
            after={"user_id": user.id},
        )
    session.flush()
    return added


def remove_reviewer(
    *, session: Session, principal: Principal, challenge: Challenge, user_id: int
) -> None:
    """Take a reviewer out of the pool with their unsubmitted assignments."""
    require_manager(session, principal, challenge)
    member = session.get(ChallengeMember, (challenge.id, user_id, access.REVIEWER))
    if member is None:
        raise NotFound("That user is not a reviewer of this challenge")
    reviews = list(
        session.scalars(_challenge_reviews(challenge.id).where(Review.reviewer_id == user_id))
    )
    if any(r.status is ReviewStatus.SUBMITTED for r in reviews):
        raise Conflict(
            "This reviewer has submitted reviews, which count in the ranking; they stay in the pool"
        )
    for review in reviews:
        session.delete(review)
    session.delete(member)
    audit.record(
        session=session,
        actor=principal.actor,
        action="challenge.reviewer_removed",
        object_type="challenge",
        object_id=challenge.id,
        summary=f"reviewer {user_id} removed with {len(reviews)} open assignments",
        before={"user_id": user_id},
    )
    session.flush()


# --- eligibility and assignment -----------------------------------------------------------------


def party_org_ids(session: Session, proposal_ids: Iterable[int]) -> dict[int, set[int]]:
    """Return each proposal's organisations (lead and co-applicants)."""
    ids = list(proposal_ids)
    out: dict[int, set[int]] = {pid: set() for pid in ids}
    for pid, lead in session.execute(
        select(Proposal.id, Proposal.lead_org_id).where(Proposal.id.in_(ids))
    ):
        out[pid].add(lead)
    for pid, org in session.execute(
        select(ProposalParty.proposal_id, ProposalParty.org_id).where(
            ProposalParty.proposal_id.in_(ids)
        )
    ):
        out[pid].add(org)
    return out


def blocked_pairs(
    session: Session, proposal_ids: Sequence[int], reviewer_ids: Sequence[int]
) -> dict[tuple[int, int], str]:
    """Return (proposal, reviewer) pairs that may not be assigned, with the reason."""
    parties = party_org_ids(session, proposal_ids)
    orgs = {o for s in parties.values() for o in s}
    member_of: dict[int, set[int]] = defaultdict(set)
    for uid, org in session.execute(
        select(Membership.user_id, Membership.org_id).where(
            Membership.user_id.in_(reviewer_ids), Membership.org_id.in_(orgs)
        )
    ):
        member_of[uid].add(org)
    conflicted: dict[int, set[int]] = defaultdict(set)
    for uid, org in session.execute(
        select(ReviewerConflict.user_id, ReviewerConflict.org_id).where(
            ReviewerConflict.user_id.in_(reviewer_ids), ReviewerConflict.org_id.in_(orgs)
        )
    ):
        conflicted[uid].add(org)
    out: dict[tuple[int, int], str] = {}
    for pid, org_ids in parties.items():
        for rid in reviewer_ids:
            if member_of[rid] & org_ids:
                out[(pid, rid)] = "member of an applicant organisation"
            elif conflicted[rid] & org_ids:
                out[(pid, rid)] = "declared a conflict with an applicant organisation"
    for pid, rid, status in session.execute(
        select(Review.proposal_id, Review.reviewer_id, Review.status).where(
            Review.proposal_id.in_(list(proposal_ids))
        )
    ):
        if status is ReviewStatus.CONFLICTED:
            out[(pid, rid)] = "declared a conflict on this proposal"
    return out


def check_phase(challenge: Challenge, doing: str) -> None:
    if challenge.phase not in REVIEW_PHASES:
        raise Conflict(
            f"{doing} is possible while submissions are closed or in review; "
            f"this challenge is in the {challenge.phase.value} phase"
        )


def _reviewer_ids(session: Session, challenge_id: int) -> list[int]:
    return list(
        session.scalars(
            select(ChallengeMember.user_id)
            .where(
                ChallengeMember.challenge_id == challenge_id,
                ChallengeMember.role == access.REVIEWER,
            )
            .order_by(ChallengeMember.user_id)
        )
    )


def _notify_assigned(session: Session, challenge: Challenge, counts: Mapping[int, int]) -> None:
    users = session.scalars(select(User).where(User.id.in_(list(counts))))
    for user in users:
        n = counts[user.id]
        notify(
            session,
            [user],
            kind="challenge_review_assigned",
            subject=f"{n} proposal{'s' if n != 1 else ''} to review: {challenge.title}",
            body=(
                f"You have been asked to review {n} proposal{'s' if n != 1 else ''} for "
                f'"{challenge.title}". Declare any conflict of interest first; the '
                "proposal is shown once you declare you have none."
            ),
            link="/reviews",
        )


def assign(
    *,
    session: Session,
    principal: Principal,
    challenge: Challenge,
    proposal: Proposal,
    reviewer_id: int,
) -> Review:
    """Assign one reviewer of the pool to one submitted proposal."""
    require_manager(session, principal, challenge)
    check_phase(challenge, "Assigning reviewers")
    if proposal.challenge_id != challenge.id:
        raise NotFound("That proposal belongs to another challenge")
    if proposal.status is not ProposalStatus.SUBMITTED:
        raise Conflict("Only submitted proposals are reviewed")
    if reviewer_id not in _reviewer_ids(session, challenge.id):
        raise Invalid.field("reviewer_id", "add the user to the reviewer pool first")
    blocked = blocked_pairs(session, [proposal.id], [reviewer_id]).get((proposal.id, reviewer_id))
    if blocked:
        raise Conflict(f"This reviewer may not review this proposal: {blocked}")
    if session.scalar(
        select(Review.id).where(
            Review.proposal_id == proposal.id, Review.reviewer_id == reviewer_id
        )
    ):
        raise Conflict("This reviewer is already assigned to this proposal")
    review = Review(
        proposal_id=proposal.id, reviewer_id=reviewer_id, assigned_by_id=principal.user.id
    )
    session.add(review)
    session.flush()
    audit.record(
        session=session,
        actor=principal.actor,
        action="review.assigned",
        object_type="review",
        object_id=review.id,
        summary=f"proposal {proposal.id} to reviewer {reviewer_id}",
        after={"proposal_id": proposal.id, "reviewer_id": reviewer_id},
    )
    _notify_assigned(session, challenge, {reviewer_id: 1})
    return review


def unassign(*, session: Session, principal: Principal, review: Review) -> None:
    """Withdraw an assignment that has not been submitted."""
    proposal = session.get_one(Proposal, review.proposal_id)
    challenge = session.get_one(Challenge, proposal.challenge_id)
    require_manager(session, principal, challenge)
    if review.status is ReviewStatus.SUBMITTED:
        raise Conflict("A submitted review counts in the ranking and is kept")
    audit.record(
        session=session,
        actor=principal.actor,
        action="review.unassigned",
        object_type="review",
        object_id=review.id,
        summary=f"proposal {review.proposal_id}, reviewer {review.reviewer_id}",
        before={"status": review.status.value},
    )
    session.delete(review)
    session.flush()


@dataclass(frozen=True, slots=True)
class AutoAssignResult:
    created: int
    max_load: int
    unstaffed: Mapping[int, int]  # proposal id -> reviewers still missing


def auto_assign(
    *, session: Session, principal: Principal, challenge: Challenge, seed: int = 0
) -> AutoAssignResult:
    """Staff every submitted proposal up to `reviews_per_proposal`, balancing the load."""
    require_manager(session, principal, challenge)
    check_phase(challenge, "Assigning reviewers")
    reviewers = _reviewer_ids(session, challenge.id)
    proposals = list(
        session.scalars(
            select(Proposal.id)
            .where(
                Proposal.challenge_id == challenge.id, Proposal.status == ProposalStatus.SUBMITTED
            )
            .order_by(Proposal.id)
        )
    )
    existing = session.execute(
        select(Review.proposal_id, Review.reviewer_id, Review.status).where(
            Review.proposal_id.in_(proposals)
        )
    ).all()
    staffed: Counter[int] = Counter()
    load: Counter[int] = Counter({r: 0 for r in reviewers})
    taken: set[tuple[int, int]] = set()
    for pid, rid, status in existing:
        taken.add((pid, rid))
        if status is not ReviewStatus.CONFLICTED:
            staffed[pid] += 1
            if rid in load:
                load[rid] += 1
    blocked = blocked_pairs(session, proposals, reviewers)
    needs = [
        assignment.Need(
            proposal_id=pid,
            missing=max(challenge.reviews_per_proposal - staffed[pid], 0),
            eligible=tuple(
                r for r in reviewers if (pid, r) not in blocked and (pid, r) not in taken
            ),
        )
        for pid in proposals
    ]
    plan = assignment.plan(needs, load, seed=seed)
    for pid, rid in plan.pairs:
        session.add(Review(proposal_id=pid, reviewer_id=rid, assigned_by_id=principal.user.id))
    session.flush()
    audit.record(
        session=session,
        actor=principal.actor,
        action="review.auto_assigned",
        object_type="challenge",
        object_id=challenge.id,
        summary=(
            f"{len(plan.pairs)} assignments, maximum load {plan.max_load}, "
            f"{len(plan.unstaffed)} proposals short"
        ),
        after={
            "seed": seed,
            "created": len(plan.pairs),
            "unstaffed": {str(k): v for k, v in plan.unstaffed.items()},
        },
    )
    _notify_assigned(session, challenge, Counter(rid for _, rid in plan.pairs))
    return AutoAssignResult(len(plan.pairs), plan.max_load, dict(plan.unstaffed))


def placeholder(proposal_id: int) -> str:
    """Return what a reviewer sees instead of a title before declaring."""
    return f"Proposal #{proposal_id}"


def add_standing_conflict(
    *,
    session: Session,
    principal: Principal,
    org_id: int,
    reason: str,
    user_id: int | None = None,
) -> ReviewerConflict:
    """Record that a user may never review an organisation's proposals (officers may record
    it for someone else); open assignments on its proposals become conflicted."""
    uid = user_id if user_id is not None else principal.user.id
    if uid != principal.user.id and not principal.is_officer:
        raise Forbidden("Only programme officers record conflicts for someone else")
    if session.get(Organisation, org_id) is None:
        raise Invalid.field("org_id", "no such organisation")
    if len(reason.strip()) < 5:
        raise Invalid.field("reason", "say what the conflict is (at least 5 characters)")
    row = session.get(ReviewerConflict, (uid, org_id))
    if row is None:
        row = ReviewerConflict(user_id=uid, org_id=org_id, reason=reason.strip())
        session.add(row)
    else:
        row.reason = reason.strip()
    open_reviews = session.scalars(
        select(Review)
        .join(ProposalParty, ProposalParty.proposal_id == Review.proposal_id, isouter=True)
        .join(Proposal, Proposal.id == Review.proposal_id)
        .where(
            Review.reviewer_id == uid,
            Review.status.in_((ReviewStatus.ASSIGNED, ReviewStatus.IN_PROGRESS)),
            (Proposal.lead_org_id == org_id) | (ProposalParty.org_id == org_id),
        )
    ).unique()
    for review in open_reviews:
        review.status = ReviewStatus.CONFLICTED
        review.conflict_reason = reason.strip()
        review.declared_at = review.updated_at = utcnow()
        session.execute(delete(ReviewScore).where(ReviewScore.review_id == review.id))
    audit.record(
        session=session,
        actor=principal.actor,
        action="review.conflict_recorded",
        object_type="reviewer_conflict",
        object_id=f"{uid}:{org_id}",
        summary=reason.strip()[:200],
        after={"user_id": uid, "org_id": org_id},
    )
    session.flush()
    return row


# --- progress ---------------------------------------------------------------------------------


@dataclass(slots=True)
class ProgressRow:
    key: int
    label: str
    counts: Counter[ReviewStatus] = field(default_factory=Counter)
    needed: int = 0

    @property
    def active(self) -> int:
        """Return the assignments that count towards staffing (all but conflicted)."""
        return sum(n for s, n in self.counts.items() if s is not ReviewStatus.CONFLICTED)

    @property
    def submitted(self) -> int:
        return self.counts[ReviewStatus.SUBMITTED]


@dataclass(frozen=True, slots=True)
class Progress:
    proposals: list[ProgressRow]
    reviewers: list[ProgressRow]
    totals: Mapping[ReviewStatus, int]


def progress(*, session: Session, challenge: Challenge) -> Progress:
    """Return review progress per submitted proposal and per reviewer."""
    proposals = {
        pid: ProgressRow(pid, title or placeholder(pid), needed=challenge.reviews_per_proposal)
        for pid, title in session.execute(
            select(Proposal.id, Proposal.title)
            .where(
                Proposal.challenge_id == challenge.id, Proposal.status == ProposalStatus.SUBMITTED
            )
            .order_by(Proposal.id)
        )
    }
    reviewers = {
        m.user.id: ProgressRow(m.user.id, m.user.full_name or m.user.email)
        for m in pool(session=session, challenge=challenge)
    }
    totals: Counter[ReviewStatus] = Counter()
    for pid, rid, status in session.execute(
        select(Review.proposal_id, Review.reviewer_id, Review.status)
        .join(Proposal, Proposal.id == Review.proposal_id)
        .where(Proposal.challenge_id == challenge.id)
    ):
        if pid in proposals:
            proposals[pid].counts[status] += 1
        if rid in reviewers:
            reviewers[rid].counts[status] += 1
        totals[status] += 1
    for row in reviewers.values():
        row.needed = row.active
    return Progress(
        list(proposals.values()), list(reviewers.values()), {s: totals[s] for s in ReviewStatus}
    )


# --- input to the aggregation -------------------------------------------------------------------


def scoring_input(
    session: Session, challenge_id: int
) -> tuple[list[scoring.CriterionSpec], list[scoring.SubmittedReview]]:
    """Return the rubric and every submitted review's scores, for `scoring.aggregate`."""
    criteria = [
        scoring.CriterionSpec(c.id, c.weight, c.scale_max)
        for c in criteria_of(session, challenge_id)
    ]
    scores: dict[int, dict[int, float]] = defaultdict(dict)
    owners: dict[int, tuple[int, int]] = {}
    for rid, pid, reviewer, cid, score in session.execute(
        select(
            Review.id,
            Review.proposal_id,
            Review.reviewer_id,
            ReviewScore.criterion_id,
            ReviewScore.score,
        )
        .join(Proposal, Proposal.id == Review.proposal_id)
        .join(ReviewScore, ReviewScore.review_id == Review.id)
        .where(
            Proposal.challenge_id == challenge_id,
            Proposal.status == ProposalStatus.SUBMITTED,
            Review.status == ReviewStatus.SUBMITTED,
        )
    ):
        scores[rid][cid] = score
        owners[rid] = (pid, reviewer)
    reviews = [
        scoring.SubmittedReview(owners[rid][0], owners[rid][1], s)
        for rid, s in sorted(scores.items())
    ]
    return criteria, reviews
