"""Who may do what with a challenge, its proposals and its reviews: the one place that says.

- **Managers** run a challenge: admins, and officers who are members of the sponsoring agency
  or were added as the challenge's managers. An officer of another agency is not a manager.
- **Reviewers** are users added to the challenge as reviewers; they see a proposal only once
  assigned to it and after declaring that they have no conflict with it.
- **Applicants** are the members of a proposal's organisations: the lead's owners and editors
  edit and submit; a co-applicant's owners and editors confirm or decline participation; every
  member of a party reads the proposal and its decisions.
- Everyone signed in reads challenges that are no longer drafts.
"""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from indusx.accounts.models import OrgRole
from indusx.accounts.permissions import Principal
from indusx.challenges.models import (
    Challenge,
    ChallengeMember,
    Phase,
    Proposal,
    ProposalParty,
    Review,
    ReviewStatus,
)

MANAGER = "manager"
REVIEWER = "reviewer"
_EDITORS = (OrgRole.OWNER, OrgRole.EDITOR)


def _member_role(session: Session, challenge_id: int, user_id: int, role: str) -> bool:
    return session.scalar(select(ChallengeMember.user_id).where(
        ChallengeMember.challenge_id == challenge_id, ChallengeMember.user_id == user_id,
        ChallengeMember.role == role)) is not None


def can_manage(session: Session, principal: Principal, challenge: Challenge) -> bool:
    """Return whether the principal runs this challenge."""
    if principal.is_admin:
        return True
    if not principal.is_officer:
        return False
    return (principal.role_in(challenge.sponsor_org_id) is not None
            or _member_role(session, challenge.id, principal.user.id, MANAGER))


def can_view_challenge(session: Session, principal: Principal, challenge: Challenge) -> bool:
    """Return whether the principal may read the challenge (drafts only its managers)."""
    return challenge.phase is not Phase.DRAFT or can_manage(session, principal, challenge)


def is_reviewer(session: Session, principal: Principal, challenge_id: int) -> bool:
    """Return whether the principal is in the challenge's reviewer pool."""
    return _member_role(session, challenge_id, principal.user.id, REVIEWER)


@dataclass(frozen=True, slots=True)
class ProposalAccess:
    """What the principal may do with one proposal."""

    read: bool  # the proposal's content (for a reviewer: only after declaring no conflict)
    edit: bool  # change the draft, attach files, invite co-applicants, submit, withdraw
    confirm_org_ids: tuple[int, ...]  # co-applicant organisations it may confirm for
    manage: bool  # the challenge's managers
    review: Review | None  # the principal's review assignment, if any
    see_identity: bool  # false for a reviewer in a blind review


def proposal_access(
    session: Session, principal: Principal, challenge: Challenge, proposal: Proposal
) -> ProposalAccess:
    """Return what the principal may do with a proposal."""
    parties = list(session.scalars(
        select(ProposalParty).where(ProposalParty.proposal_id == proposal.id)))
    manage = can_manage(session, principal, challenge)
    lead_role = principal.role_in(proposal.lead_org_id)
    party = any(principal.role_in(p.org_id) is not None for p in parties)
    confirm = tuple(p.org_id for p in parties
                    if p.org_id != proposal.lead_org_id and principal.role_in(p.org_id) in _EDITORS)
    review = session.scalar(select(Review).where(
        Review.proposal_id == proposal.id, Review.reviewer_id == principal.user.id))
    reviewing = review is not None and review.status in (ReviewStatus.IN_PROGRESS,
                                                         ReviewStatus.SUBMITTED)
    return ProposalAccess(
        read=party or manage or reviewing,
        edit=lead_role in _EDITORS,
        confirm_org_ids=confirm,
        manage=manage,
        review=review,
        see_identity=party or manage or not challenge.blind_review,
    )


def visible_challenges(principal: Principal | None) -> ColumnElement[bool]:
    """Return the condition on Challenge that keeps what the principal may list."""
    if principal is not None and principal.is_admin:
        return true()
    published = Challenge.phase != Phase.DRAFT
    if principal is None or not principal.is_officer:
        return published
    managed = select(ChallengeMember.challenge_id).where(
        ChallengeMember.user_id == principal.user.id, ChallengeMember.role == MANAGER
    )
    return or_(
        published,
        Challenge.sponsor_org_id.in_(list(principal.org_roles) or [-1]),
        Challenge.id.in_(managed),
    )


def editable_org_ids(principal: Principal) -> list[int]:
    """Return the organisations in which the principal may act for the organisation."""
    return [org_id for org_id, role in principal.org_roles.items() if role in _EDITORS]


def can_see_decisions(
    session: Session, principal: Principal, challenge: Challenge, proposal: Proposal
) -> bool:
    """Return whether the principal may read a proposal's decisions: its parties and managers
    (reviewers score; they do not learn the outcome through the proposal)."""
    return sees_decisions(proposal_access(session, principal, challenge, proposal))


def sees_decisions(rights: ProposalAccess) -> bool:
    """Return whether these rights include reading the proposal's decisions."""
    return rights.manage or (rights.read and rights.review is None)
