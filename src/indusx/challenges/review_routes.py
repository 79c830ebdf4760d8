"""REST API for review: the reviewer's queue, conflict declarations, scores, the pool,
assignments, progress, the ranking, decisions and the CSV export."""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from indusx.challenges import access, decisions, export, review
from indusx.challenges import reviewing as desk
from indusx.challenges.models import (
    Challenge,
    Outcome,
    Proposal,
    ProposalStatus,
    Review,
    ReviewStatus,
)
from indusx.deps import SessionDep, SignedIn
from indusx.errors import Forbidden
from indusx.ops import quotas
from indusx.schemas import Email, RequestModel

router = APIRouter(prefix="/api/v1", tags=["review"])


def load_challenge(challenge_id: int, session: SessionDep) -> Challenge:
    """Return the challenge named in the path, or 404."""
    return review.get_challenge(session, challenge_id)


def load_review(review_id: int, session: SessionDep) -> Review:
    """Return the review named in the path, or 404."""
    return review.get_review(session, review_id)


def load_proposal(proposal_id: int, session: SessionDep) -> Proposal:
    """Return the proposal named in the path, or 404."""
    return review.get_proposal(session, proposal_id)


ChallengeById = Annotated[Challenge, Depends(load_challenge)]
ReviewById = Annotated[Review, Depends(load_review)]
ProposalById = Annotated[Proposal, Depends(load_proposal)]


# --- schemas --------------------------------------------------------------------------------------


class ReviewSummary(BaseModel):
    id: int
    status: ReviewStatus
    challenge_id: int
    challenge_slug: str
    challenge_title: str
    proposal_id: int
    title: str = Field(description="the proposal's title, or a placeholder before declaring")
    scored: int
    criteria: int
    deadline: datetime | None = Field(description="end of review: the shortlist phase's start")
    assigned_at: datetime


class ReviewQueue(BaseModel):
    items: list[ReviewSummary]
    total: int
    page: int
    page_size: int
    counts: dict[ReviewStatus, int]


class CriterionRead(BaseModel):
    id: int
    name: str
    description: str
    weight: float
    scale_max: int


class ScoreRead(BaseModel):
    criterion_id: int
    score: float
    comment: str


class PartyView(BaseModel):
    label: str = Field(description="the organisation's name, or a role label in blind review")
    role: str
    country: str
    kind: str


class AttachmentView(BaseModel):
    id: int
    label: str = Field(description="the file name, or 'Attachment N' in blind review")
    content_type: str
    size_bytes: int


class ProposalView(BaseModel):
    summary: str
    trl: int | None
    requested_usd: int | None
    parties: list[PartyView]
    answers: list[tuple[str, str]]
    attachments: list[AttachmentView]


class ReviewRead(ReviewSummary):
    blind_review: bool
    readable: bool = Field(description="false until the reviewer declares no conflict")
    proposal: ProposalView | None
    rubric: list[CriterionRead]
    scores: list[ScoreRead]
    comment: str
    conflict_reason: str
    declared_at: datetime | None
    submitted_at: datetime | None


class DeclareIn(RequestModel):
    conflict: bool
    reason: str = Field("", max_length=2000)


class ScoreIn(RequestModel):
    criterion_id: int
    score: float | None = Field(description="0..the criterion's scale_max; null clears it")
    comment: str = Field("", max_length=5000)


class ReviewUpdate(RequestModel):
    scores: list[ScoreIn] = Field([], max_length=100)  # a rubric has at most 30 criteria
    comment: str | None = Field(None, max_length=10_000)
    submit: bool = Field(False, description="finish the review (every criterion scored)")


class PoolIn(RequestModel):
    emails: list[Email] = Field([], max_length=200)
    user_ids: list[int] = Field([], max_length=200)


class PoolMemberRead(BaseModel):
    user_id: int
    name: str
    email: str
    load: int
    counts: dict[ReviewStatus, int]


class AssignmentIn(RequestModel):
    proposal_id: int
    reviewer_id: int


class AutoAssignIn(RequestModel):
    seed: int = Field(0, description="the same seed and data give the same assignments")


class Shortfall(BaseModel):
    proposal_id: int
    missing: int


class AutoAssignRead(BaseModel):
    created: int
    max_load: int
    unstaffed: list[Shortfall] = Field(description="proposals that could not be fully staffed")


class ProgressRow(BaseModel):
    id: int
    label: str
    needed: int
    active: int
    counts: dict[ReviewStatus, int]


class ProgressRead(BaseModel):
    proposals: list[ProgressRow]
    reviewers: list[ProgressRow]
    totals: dict[ReviewStatus, int]


class RankingRowRead(BaseModel):
    rank: int
    proposal_id: int
    title: str
    lead: str
    lead_country: str
    lead_kind: str
    co_applicants: list[str]
    status: ProposalStatus
    reviews: int
    assigned: int
    raw_score_pct: float | None
    normalised_score: float | None
    criteria: dict[int, float]
    shortlist: Outcome | None
    award: Outcome | None
    award_usd: int | None


class RankingRead(BaseModel):
    items: list[RankingRowRead]
    total: int = Field(description="proposals before filtering")
    criteria: list[CriterionRead]
    see_identity: bool


class DecisionIn(RequestModel):
    outcome: Outcome
    reason: str = Field(max_length=5000)
    award_usd: int | None = Field(None, ge=0)


class DecisionRead(BaseModel):
    id: int
    proposal_id: int
    stage: str
    outcome: Outcome
    reason: str
    award_usd: int | None
    decided_at: datetime


class ConflictIn(RequestModel):
    org_id: int
    reason: str = Field(max_length=2000)
    user_id: int | None = Field(None, description="officers may record it for someone else")


class ConflictRead(BaseModel):
    user_id: int
    org_id: int
    reason: str


# --- helpers --------------------------------------------------------------------------------------


def _criteria(session: Session, challenge_id: int) -> list[CriterionRead]:
    return [
        CriterionRead.model_validate(c, from_attributes=True)
        for c in review.criteria_of(session, challenge_id)
    ]


def _summary(row: desk.QueueRow) -> ReviewSummary:
    return ReviewSummary(
        id=row.review.id,
        status=row.review.status,
        challenge_id=row.challenge.id,
        challenge_slug=row.challenge.slug,
        challenge_title=row.challenge.title,
        proposal_id=row.review.proposal_id,
        title=row.title,
        scored=row.scored,
        criteria=row.criteria,
        deadline=row.deadline,
        assigned_at=row.review.assigned_at,
    )


def review_read(view: desk.ReviewView) -> ReviewRead:
    """Return a review as the API shows it, blind rules already applied by the view."""
    r = view.review
    proposal = None
    if view.proposal is not None:
        proposal = ProposalView(
            summary=view.proposal.summary,
            trl=view.proposal.trl,
            requested_usd=view.proposal.requested_usd,
            parties=[
                PartyView(label=p.label, role=p.role, country=p.country, kind=p.kind)
                for p in view.parties
            ],
            answers=view.answers,
            attachments=[
                AttachmentView(
                    id=a.id, label=a.label, content_type=a.content_type, size_bytes=a.size_bytes
                )
                for a in view.attachments
            ],
        )
    return ReviewRead(
        id=r.id,
        status=r.status,
        challenge_id=view.challenge.id,
        challenge_slug=view.challenge.slug,
        challenge_title=view.challenge.title,
        proposal_id=view.proposal_id,
        title=view.title,
        scored=len(view.scores),
        criteria=len(view.criteria),
        deadline=desk.review_deadline(view.challenge),
        assigned_at=r.assigned_at,
        blind_review=view.challenge.blind_review,
        readable=view.readable,
        proposal=proposal,
        rubric=[CriterionRead.model_validate(c, from_attributes=True) for c in view.criteria],
        scores=[
            ScoreRead(criterion_id=s.criterion_id, score=s.score, comment=s.comment)
            for s in view.scores.values()
        ],
        comment=r.comment if view.readable else "",
        conflict_reason=r.conflict_reason,
        declared_at=r.declared_at,
        submitted_at=r.submitted_at,
    )


def ranking_filter(
    status_: Annotated[
        Literal["submitted", "withdrawn", "all"], Query(alias="status")
    ] = "submitted",
    country: Annotated[list[str], Query(description="the lead's country (ISO)")] = [],  # noqa: B006
    kind: Annotated[list[str], Query(description="the lead's organisation kind")] = [],  # noqa: B006
    outcome: Annotated[
        Literal["", "undecided", "shortlisted", "not-shortlisted", "awarded", "not-awarded"],
        Query(),
    ] = "",
    score_min: Annotated[float | None, Query(ge=0, le=100, description="raw score, %")] = None,
    score_max: Annotated[float | None, Query(ge=0, le=100)] = None,
    q: Annotated[str, Query(max_length=200)] = "",
) -> export.RankingFilter:
    """Return the ranking filter from the query string (shared by pages, API and export)."""
    return export.RankingFilter(
        status=None if status_ == "all" else ProposalStatus(status_),
        country=tuple(c.upper() for c in country if c),
        kind=tuple(k for k in kind if k),
        outcome=outcome,
        score_min=score_min,
        score_max=score_max,
        q=q.strip(),
    )


FilterDep = Annotated[export.RankingFilter, Depends(ranking_filter)]


def _ranking_read(result: export.Ranking, session: Session) -> RankingRead:
    return RankingRead(
        items=[
            RankingRowRead(
                rank=r.rank,
                proposal_id=r.proposal_id,
                title=r.title,
                lead=r.lead,
                lead_country=r.lead_country,
                lead_kind=r.lead_kind,
                co_applicants=r.co_applicants,
                status=r.status,
                reviews=r.reviews,
                assigned=r.assigned,
                raw_score_pct=r.raw,
                normalised_score=r.normalised,
                criteria=r.criteria,
                shortlist=r.shortlist,
                award=r.award,
                award_usd=r.award_usd,
            )
            for r in result.rows
        ],
        total=result.total,
        criteria=_criteria(session, result.challenge.id),
        see_identity=result.see_identity,
    )


def export_response(result: export.Ranking) -> StreamingResponse:
    """Return the ranking as a CSV download."""
    name = f"{result.challenge.slug}-ranking.csv"
    return StreamingResponse(
        export.csv_lines(result),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- the reviewer ---------------------------------------------------------------------------------


@router.get("/reviews", response_model=ReviewQueue, summary="My review queue")
def my_reviews(
    principal: SignedIn,
    session: SessionDep,
    status_: Annotated[ReviewStatus | None, Query(alias="status")] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 25,
) -> ReviewQueue:
    """The caller's review assignments, those needing work first; before the conflict
    declaration a proposal shows only as a placeholder."""
    rows, total = desk.queue(
        session=session, principal=principal, status=status_, page=page, page_size=page_size
    )
    return ReviewQueue(
        items=[_summary(r) for r in rows],
        total=total,
        page=page,
        page_size=page_size,
        counts=desk.queue_counts(session=session, user_id=principal.user.id),
    )


@router.get("/reviews/{review_id}", response_model=ReviewRead, summary="Read a review")
def get_review(principal: SignedIn, item: ReviewById, session: SessionDep) -> ReviewRead:
    """One review with the proposal as the reviewer may see it (nothing before declaring;
    no applicant identity under blind review), the rubric and the scores so far."""
    return review_read(desk.reviewer_view(session=session, principal=principal, review=item))


@router.post(
    "/reviews/{review_id}/declare",
    response_model=ReviewRead,
    summary="Declare a conflict of interest, or none",
)
def declare(
    principal: SignedIn, item: ReviewById, body: DeclareIn, session: SessionDep
) -> ReviewRead:
    """`conflict: false` opens the proposal for scoring; `conflict: true` with a reason hands
    it back (the managers are told to reassign it) and the proposal stays hidden."""
    desk.declare(
        session=session,
        principal=principal,
        review=item,
        conflict=body.conflict,
        reason=body.reason,
    )
    return review_read(desk.reviewer_view(session=session, principal=principal, review=item))


@router.put("/reviews/{review_id}", response_model=ReviewRead, summary="Save or submit scores")
def save_review(
    principal: SignedIn, item: ReviewById, body: ReviewUpdate, session: SessionDep
) -> ReviewRead:
    """Save scores and comments (a draft to come back to); with `submit: true` the review is
    finished, which needs every criterion scored."""
    desk.save_scores(
        session=session,
        principal=principal,
        review=item,
        scores=[desk.ScoreIn(s.criterion_id, s.score, s.comment) for s in body.scores],
        comment=body.comment,
        submit=body.submit,
    )
    return review_read(desk.reviewer_view(session=session, principal=principal, review=item))


@router.delete(
    "/reviews/{review_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Withdraw an assignment"
)
def unassign(principal: SignedIn, item: ReviewById, session: SessionDep) -> Response:
    """Withdraw an assignment that is not submitted (the challenge's managers)."""
    review.unassign(session=session, principal=principal, review=item)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/reviewer-conflicts",
    response_model=ConflictRead,
    status_code=status.HTTP_201_CREATED,
    summary="Declare a standing conflict",
)
def add_conflict(principal: SignedIn, body: ConflictIn, session: SessionDep) -> ConflictRead:
    """Never be assigned an organisation's proposals; open assignments on them become
    conflicted. Officers may record a conflict for another user."""
    row = review.add_standing_conflict(
        session=session,
        principal=principal,
        org_id=body.org_id,
        reason=body.reason,
        user_id=body.user_id,
    )
    return ConflictRead(user_id=row.user_id, org_id=row.org_id, reason=row.reason)


# --- the managers ---------------------------------------------------------------------------------


def _pool(session: Session, challenge: Challenge) -> list[PoolMemberRead]:
    return [
        PoolMemberRead(
            user_id=m.user.id,
            name=m.user.full_name,
            email=m.user.email,
            load=m.load,
            counts=dict(m.counts),
        )
        for m in review.pool(session=session, challenge=challenge)
    ]


@router.get(
    "/challenges/{challenge_id}/reviewers",
    response_model=list[PoolMemberRead],
    summary="List the reviewer pool",
)
def list_pool(
    principal: SignedIn, challenge: ChallengeById, session: SessionDep
) -> list[PoolMemberRead]:
    """The challenge's reviewers with their assignments by status (managers)."""
    review.require_manager(session, principal, challenge)
    return _pool(session, challenge)


@router.post(
    "/challenges/{challenge_id}/reviewers",
    response_model=list[PoolMemberRead],
    summary="Add reviewers to the pool",
)
def add_to_pool(
    principal: SignedIn, challenge: ChallengeById, body: PoolIn, session: SessionDep
) -> list[PoolMemberRead]:
    """Add users by e-mail or id to the challenge's reviewer pool (managers); returns the pool."""
    review.add_reviewers(
        session=session,
        principal=principal,
        challenge=challenge,
        emails=[str(e) for e in body.emails],
        user_ids=body.user_ids,
    )
    return _pool(session, challenge)


@router.delete(
    "/challenges/{challenge_id}/reviewers/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a reviewer",
)
def remove_from_pool(
    principal: SignedIn, challenge: ChallengeById, user_id: int, session: SessionDep
) -> Response:
    """Take a reviewer out of the pool with their unsubmitted assignments (managers)."""
    review.remove_reviewer(
        session=session, principal=principal, challenge=challenge, user_id=user_id
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/challenges/{challenge_id}/assignments",
    response_model=ReviewSummary,
    status_code=status.HTTP_201_CREATED,
    summary="Assign a reviewer",
)
def assign(
    principal: SignedIn, challenge: ChallengeById, body: AssignmentIn, session: SessionDep
) -> ReviewSummary:
    """Assign a reviewer of the pool to a submitted proposal (managers; never a member of an
    applicant organisation or someone with a declared conflict)."""
    made = review.assign(
        session=session,
        principal=principal,
        challenge=challenge,
        proposal=review.get_proposal(session, body.proposal_id),
        reviewer_id=body.reviewer_id,
    )
    return ReviewSummary(
        id=made.id,
        status=made.status,
        challenge_id=challenge.id,
        challenge_slug=challenge.slug,
        challenge_title=challenge.title,
        proposal_id=made.proposal_id,
        title=review.placeholder(made.proposal_id),
        scored=0,
        criteria=len(review.criteria_of(session, challenge.id)),
        deadline=desk.review_deadline(challenge),
        assigned_at=made.assigned_at,
    )


@router.post(
    "/challenges/{challenge_id}/auto-assign",
    response_model=AutoAssignRead,
    summary="Assign reviewers automatically",
)
def auto_assign(
    principal: SignedIn, challenge: ChallengeById, body: AutoAssignIn, session: SessionDep
) -> AutoAssignRead:
    """Give every submitted proposal `reviews_per_proposal` reviewers with the smallest
    possible maximum load; reports proposals that could not be fully staffed (managers)."""
    result = review.auto_assign(
        session=session, principal=principal, challenge=challenge, seed=body.seed
    )
    return AutoAssignRead(
        created=result.created,
        max_load=result.max_load,
        unstaffed=[Shortfall(proposal_id=p, missing=m) for p, m in result.unstaffed.items()],
    )


@router.get(
    "/challenges/{challenge_id}/progress", response_model=ProgressRead, summary="Review progress"
)
def progress(principal: SignedIn, challenge: ChallengeById, session: SessionDep) -> ProgressRead:
    """Assignments by status per submitted proposal and per reviewer (managers)."""
    review.require_manager(session, principal, challenge)
    result = review.progress(session=session, challenge=challenge)

    def rows(items: list[review.ProgressRow]) -> list[ProgressRow]:
        return [
            ProgressRow(
                id=r.key,
                label=r.label,
                needed=r.needed,
                active=r.active,
                counts={s: r.counts[s] for s in ReviewStatus},
            )
            for r in items
        ]

    return ProgressRead(
        proposals=rows(result.proposals),
        reviewers=rows(result.reviewers),
        totals=dict(result.totals),
    )


@router.get(
    "/challenges/{challenge_id}/ranking", response_model=RankingRead, summary="Rank the proposals"
)
def ranking(
    principal: SignedIn, challenge: ChallengeById, flt: FilterDep, session: SessionDep
) -> RankingRead:
    """Proposals by normalised score (raw score, then id, break ties), with each criterion's
    mean and the decisions in force, filtered. Managers see all; a reviewer sees only their
    own reviews, without names under blind review."""
    result = export.ranking(session=session, principal=principal, challenge=challenge, flt=flt)
    return _ranking_read(result, session)


@router.get(
    "/challenges/{challenge_id}/export.csv",
    summary="Export the ranking as CSV",
    response_class=StreamingResponse,
)
def export_csv(
    principal: SignedIn, challenge: ChallengeById, flt: FilterDep, session: SessionDep,
    _export: Annotated[None, Depends(quotas.Exporting("challenge_ranking"))],
) -> StreamingResponse:
    """The ranking with the same filters and blind rules, one line per proposal."""
    result = export.ranking(session=session, principal=principal, challenge=challenge, flt=flt)
    return export_response(result)


@router.post(
    "/proposals/{proposal_id}/decisions",
    response_model=DecisionRead,
    status_code=status.HTTP_201_CREATED,
    summary="Decide on a proposal",
)
def decide(
    principal: SignedIn, proposal: ProposalById, body: DecisionIn, session: SessionDep
) -> DecisionRead:
    """Shortlist (in the shortlist phase) or award (pitch or awarded phase; shortlisted
    proposals, with an amount in USD within the challenge's funding) with a reason. A
    confirmed restricted-party match on any party blocks an award (409)."""
    made = decisions.decide(
        session=session,
        principal=principal,
        proposal=proposal,
        outcome=body.outcome,
        reason=body.reason,
        award_usd=body.award_usd,
    )
    return DecisionRead.model_validate(made, from_attributes=True)


@router.get(
    "/proposals/{proposal_id}/decisions",
    response_model=list[DecisionRead],
    summary="A proposal's decisions",
)
def list_decisions(
    principal: SignedIn, proposal: ProposalById, session: SessionDep
) -> list[DecisionRead]:
    """Every decision on the proposal, oldest first (its parties and the managers)."""
    challenge = session.get_one(Challenge, proposal.challenge_id)
    if not access.can_see_decisions(session, principal, challenge, proposal):
        raise Forbidden("Only the proposal's parties and the challenge's managers see this")
    return [
        DecisionRead.model_validate(d, from_attributes=True)
        for d in decisions.history(session=session, proposal_id=proposal.id)
    ]
