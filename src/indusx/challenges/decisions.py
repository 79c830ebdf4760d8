"""Shortlist and award decisions on proposals, with reasons, amounts and their history.

Rules:
- Only the challenge's managers decide, and only in the matching phase: shortlist decisions
  in the `shortlist` phase; award decisions in `pitch` (the usual time) or `awarded` (to
  correct or complete the awards before the challenge closes).
- Only submitted proposals are decided; an award decision needs a current shortlist
  decision of "shortlisted".
- Every decision is a new `Decision` row: the latest of each stage is the current one, the
  earlier ones are the history.
- "Awarded" carries an amount in USD; the awards in force (the latest award decision of each
  proposal) may not add up to more than the challenge's `funding_usd` when it is set.
- Awarding screens every party (`screening.service.ensure_clear`): a confirmed
  restricted-party match blocks the award.
- Every member of every party is notified of each decision.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import Membership, User
from indusx.accounts.permissions import Principal
from indusx.audit import service as audit
from indusx.challenges import review
from indusx.challenges.models import (
    Challenge,
    Decision,
    DecisionStage,
    Outcome,
    Phase,
    Proposal,
    ProposalStatus,
)
from indusx.errors import Conflict, Invalid
from indusx.screening import service as screening_service

STAGE_OUTCOMES = {
    DecisionStage.SHORTLIST: (Outcome.SHORTLISTED, Outcome.NOT_SHORTLISTED),
    DecisionStage.AWARD: (Outcome.AWARDED, Outcome.NOT_AWARDED),
}
STAGE_PHASES = {
    DecisionStage.SHORTLIST: (Phase.SHORTLIST,),
    DecisionStage.AWARD: (Phase.PITCH, Phase.AWARDED),
}
OUTCOME_LABELS = {
    Outcome.SHORTLISTED: "Shortlisted",
    Outcome.NOT_SHORTLISTED: "Not shortlisted",
    Outcome.AWARDED: "Awarded",
    Outcome.NOT_AWARDED: "Not awarded",
}
MIN_REASON = 5


def stage_of(outcome: Outcome) -> DecisionStage:
    """Return the stage an outcome belongs to."""
    return next(s for s, outcomes in STAGE_OUTCOMES.items() if outcome in outcomes)


def history(*, session: Session, proposal_id: int) -> list[Decision]:
    """Return a proposal's decisions, oldest first."""
    return list(
        session.scalars(
            select(Decision).where(Decision.proposal_id == proposal_id).order_by(Decision.id)
        )
    )


@dataclass(frozen=True, slots=True)
class Current:
    shortlist: Decision | None = None
    award: Decision | None = None

    @property
    def outcome(self) -> Outcome | None:
        """Return the furthest decision's outcome (award over shortlist)."""
        latest = self.award or self.shortlist
        return latest.outcome if latest else None


def current(*, session: Session, proposal_ids: Iterable[int]) -> dict[int, Current]:
    """Return each proposal's decisions in force (the latest of each stage)."""
    ids = list(proposal_ids)
    latest: dict[tuple[int, DecisionStage], Decision] = {}
    for row in session.scalars(
        select(Decision).where(Decision.proposal_id.in_(ids)).order_by(Decision.id)
    ):
        latest[(row.proposal_id, row.stage)] = row
    return {
        pid: Current(
            shortlist=latest.get((pid, DecisionStage.SHORTLIST)),
            award=latest.get((pid, DecisionStage.AWARD)),
        )
        for pid in ids
    }


def awarded_total(*, session: Session, challenge_id: int, excluding: int | None = None) -> int:
    """Return the sum of the awards in force in a challenge (optionally without a proposal)."""
    ids = list(session.scalars(select(Proposal.id).where(Proposal.challenge_id == challenge_id)))
    total = 0
    for pid, state in current(session=session, proposal_ids=ids).items():
        if pid != excluding and state.award and state.award.outcome is Outcome.AWARDED:
            total += state.award.award_usd or 0
    return total


def party_members(session: Session, proposal: Proposal) -> list[User]:
    """Return every member of every organisation in the proposal."""
    orgs = review.party_org_ids(session, [proposal.id])[proposal.id]
    return list(
        session.scalars(
            select(User)
            .where(User.id.in_(select(Membership.user_id).where(Membership.org_id.in_(orgs))))
            .order_by(User.id)
        )
    )


def decide(
    *,
    session: Session,
    principal: Principal,
    proposal: Proposal,
    outcome: Outcome,
    reason: str,
    award_usd: int | None = None,
) -> Decision:
    """Record a shortlist or award decision on a proposal and tell its parties."""
    challenge = session.get_one(Challenge, proposal.challenge_id)
    review.require_manager(session, principal, challenge)
    stage = stage_of(outcome)
    if challenge.phase not in STAGE_PHASES[stage]:
        allowed = " or ".join(p.value for p in STAGE_PHASES[stage])
        raise Conflict(
            f"{stage.value.capitalize()} decisions are taken in the {allowed} phase; "
            f"this challenge is in the {challenge.phase.value} phase"
        )
    if proposal.status is not ProposalStatus.SUBMITTED:
        raise Conflict("Only submitted proposals are decided")
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise Invalid.field("reason", f"give the reason (at least {MIN_REASON} characters)")
    if outcome is Outcome.AWARDED:
        if award_usd is None or award_usd <= 0:
            raise Invalid.field("award_usd", "state the award in US dollars (more than 0)")
    elif award_usd is not None:
        raise Invalid.field("award_usd", "only an award carries an amount")
    state = current(session=session, proposal_ids=[proposal.id])[proposal.id]
    shortlisted = state.shortlist is not None and state.shortlist.outcome is Outcome.SHORTLISTED
    if stage is DecisionStage.AWARD and not shortlisted:
        raise Conflict("Only shortlisted proposals are decided at the award stage")
    if outcome is Outcome.AWARDED:
        assert award_usd is not None
        if challenge.funding_usd is not None:
            others = awarded_total(
                session=session, challenge_id=challenge.id, excluding=proposal.id
            )
            if others + award_usd > challenge.funding_usd:
                left = max(challenge.funding_usd - others, 0)
                raise Invalid.field(
                    "award_usd",
                    f"the awards would total ${others + award_usd:,}, more than the "
                    f"challenge's ${challenge.funding_usd:,}; at most ${left:,} is left",
                )
        orgs = sorted(review.party_org_ids(session, [proposal.id])[proposal.id])
        screening_service.ensure_clear(
            session=session, org_ids=orgs, action="an award", actor=principal.actor
        )
    decision = Decision(
        proposal_id=proposal.id,
        stage=stage,
        outcome=outcome,
        reason=reason,
        award_usd=award_usd,
        decided_by_id=principal.user.id,
    )
    session.add(decision)
    session.flush()
    audit.record(
        session=session,
        actor=principal.actor,
        action=f"proposal.{stage.value}_decided",
        object_type="proposal",
        object_id=proposal.id,
        summary=f"{OUTCOME_LABELS[outcome]}: {reason[:150]}",
        before={
            "outcome": (
                getattr(state, stage.value).outcome.value if getattr(state, stage.value) else None
            )
        },
        after={"outcome": outcome.value, "reason": reason, "award_usd": award_usd},
    )
    amount = f" of ${award_usd:,}" if award_usd else ""
    review.notify(
        session,
        party_members(session, proposal),
        kind=f"challenge_{stage.value}_decision",
        subject=f"{challenge.title}: {OUTCOME_LABELS[outcome].lower()}{amount}",
        body=(
            f'Your proposal "{proposal.title or proposal.id}" to "{challenge.title}" was '
            f"{OUTCOME_LABELS[outcome].lower()}{amount}. Reason: {reason}"
        ),
        link=f"/proposals/{proposal.id}",
    )
    return decision


def counts(*, session: Session, challenge_id: int) -> dict[Outcome | None, int]:
    """Return how many submitted proposals stand at each outcome (None: undecided)."""
    ids = list(
        session.scalars(
            select(Proposal.id).where(
                Proposal.challenge_id == challenge_id, Proposal.status == ProposalStatus.SUBMITTED
            )
        )
    )
    out: dict[Outcome | None, int] = {}
    for state in current(session=session, proposal_ids=ids).values():
        out[state.outcome] = out.get(state.outcome, 0) + 1
    return out
