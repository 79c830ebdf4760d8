"""Solver discovery: the organisations best able to solve a challenge, and invitations to apply.

The matching engine's solver search runs on the challenge's title, problem statement and
focus areas, kept to the countries and kinds the challenge admits; organisations already in
a proposal, already invited, the sponsor itself and those blocked by screening are left out.
Only the challenge's managers see the list and invite; an invitation notifies the invited
organisation's owners and editors and is audited.
"""

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import OrgRole, User
from indusx.accounts.permissions import Principal
from indusx.audit import service as audit
from indusx.challenges import access
from indusx.challenges import service as challenge_service
from indusx.challenges.models import (
    Challenge,
    ChallengeInvite,
    Phase,
    Proposal,
    ProposalParty,
    ProposalStatus,
)
from indusx.errors import Conflict, Forbidden, Invalid, NotFound
from indusx.matching import service as match_service
from indusx.matching.schemas import MatchRead
from indusx.notifications import service as outbox
from indusx.orgs.models import Organisation
from indusx.orgs.taxonomy import COUNTRY_LABELS, KIND_LABELS
from indusx.screening import service as screening_service

K_MAX = 50
MESSAGE_MAX = 2000
# Invitations make sense while proposals can still be started.
INVITE_PHASES = (Phase.DRAFT, Phase.OPEN)
_EDITORS = (OrgRole.OWNER, OrgRole.EDITOR)


class SolverList(BaseModel):
    challenge_id: int
    query: str = Field(description="the text the solver search ran on")
    items: list[MatchRead]
    index_pending: int = Field(
        default=0, description="profiles not yet embedded (results may improve)"
    )
    excluded: int = Field(
        default=0, description="organisations left out: already applied or invited"
    )


class InviteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    org_id: int
    message: str = Field(default="", max_length=MESSAGE_MAX)


class InviteRead(BaseModel):
    challenge_id: int
    org_id: int
    org_name: str
    org_slug: str
    country: str
    kind: str
    message: str
    invited_by: str | None
    created_at: datetime
    proposal_status: ProposalStatus | None = Field(
        None, description="the invited organisation's proposal, once it has started one"
    )


def require_manager(session: Session, principal: Principal, challenge: Challenge) -> None:
    """Raise NotFound for a draft the caller may not see, Forbidden for non-managers."""
    challenge_service.visible(session=session, principal=principal, challenge=challenge)
    if not access.can_manage(session, principal, challenge):
        raise Forbidden("Only the challenge's managers may look for solvers and invite them")


def query_text(session: Session, challenge: Challenge) -> str:
    """Return the text the solver search runs on: title, problem statement, focus areas."""
    areas = challenge_service.focus_areas_of(session, [challenge.id])[challenge.id]
    parts = [challenge.title, challenge.summary, challenge.problem_statement]
    if areas:
        parts.append("Focus areas: " + ", ".join(a.name for a in areas) + ".")
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def involved_org_ids(session: Session, challenge_id: int) -> set[int]:
    """Return the organisations already in a proposal of the challenge, or invited to it."""
    in_proposals = session.scalars(
        select(ProposalParty.org_id)
        .join(Proposal, Proposal.id == ProposalParty.proposal_id)
        .where(Proposal.challenge_id == challenge_id)
    ).all()
    leads = session.scalars(
        select(Proposal.lead_org_id).where(Proposal.challenge_id == challenge_id)
    ).all()
    invited = session.scalars(
        select(ChallengeInvite.org_id).where(ChallengeInvite.challenge_id == challenge_id)
    ).all()
    return {*in_proposals, *leads, *invited}


def solvers(
    *, session: Session, principal: Principal, challenge: Challenge, k: int = 20
) -> SolverList:
    """Return the organisations best able to solve the challenge that may still be invited."""
    require_manager(session, principal, challenge)
    text = query_text(session, challenge)
    if len(text) < 3:
        raise Conflict("Write the challenge's problem statement first: solvers are found from it")
    skip = involved_org_ids(session, challenge.id) | {challenge.sponsor_org_id}
    found = match_service.solvers(
        session=session,
        text=text,
        k=min(k, K_MAX) + len(skip),
        countries=challenge.eligible_countries,
        kinds=challenge.eligible_kinds,
    )
    items = [m for m in found.items if m.candidate.id not in skip]
    return SolverList(
        challenge_id=challenge.id,
        query=text,
        items=items[:k],
        index_pending=found.index_pending,
        excluded=len(found.items) - len(items),
    )


def _check_eligible(challenge: Challenge, org: Organisation) -> None:
    if challenge.eligible_countries and org.country.value not in challenge.eligible_countries:
        labels = {c.value: text for c, text in COUNTRY_LABELS.items()}
        allowed = ", ".join(labels.get(c, c) for c in challenge.eligible_countries)
        raise Invalid.field("org_id", f"{org.name} is not in an eligible country ({allowed})")
    if challenge.eligible_kinds and org.kind.value not in challenge.eligible_kinds:
        labels = {k.value: text for k, text in KIND_LABELS.items()}
        allowed = ", ".join(labels.get(k, k) for k in challenge.eligible_kinds)
        raise Invalid.field("org_id", f"{org.name} is not an eligible kind ({allowed})")


def invite(
    *,
    session: Session,
    principal: Principal,
    challenge: Challenge,
    invite_in: InviteCreate,
) -> ChallengeInvite:
    """Invite an organisation to apply; notify its owners and editors (audited)."""
    require_manager(session, principal, challenge)
    if challenge.phase not in INVITE_PHASES:
        raise Conflict(
            f"Invitations to apply are sent while a challenge is a draft or open; "
            f"'{challenge.title}' is in the {challenge.phase.value} phase"
        )
    if challenge.deadline_at is not None and challenge.deadline_at <= challenge_service.now():
        raise Conflict(f"The deadline of '{challenge.title}' has passed")
    org = session.get(Organisation, invite_in.org_id)
    if org is None:
        raise NotFound(f"No organisation with id {invite_in.org_id}")
    if org.id == challenge.sponsor_org_id:
        raise Invalid.field("org_id", "the sponsoring agency cannot apply to its own challenge")
    _check_eligible(challenge, org)
    if org.id in screening_service.blocked_org_ids(session=session):
        raise Conflict(f"{org.name} has a confirmed restricted-party match and cannot be invited")
    if session.get(ChallengeInvite, (challenge.id, org.id)) is not None:
        raise Conflict(f"{org.name} has already been invited to this challenge")
    if org.id in involved_org_ids(session, challenge.id):
        raise Conflict(f"{org.name} is already part of a proposal to this challenge")
    row = ChallengeInvite(
        challenge_id=challenge.id,
        org_id=org.id,
        invited_by_id=principal.user.id,
        message=invite_in.message.strip(),
    )
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:  # invited by someone else a moment ago
        raise Conflict(f"{org.name} has already been invited to this challenge") from exc
    notified = _notify(session, challenge, org, row.message, principal.user)
    audit.record(
        session=session,
        actor=principal.actor,
        action="challenge.invite",
        object_type="challenge",
        object_id=challenge.id,
        summary=f"invited {org.name} to apply ({notified} notified)",
        after={"org_id": org.id, "message": row.message},
    )
    return row


def _notify(
    session: Session, challenge: Challenge, org: Organisation, message: str, inviter: User
) -> int:
    deadline = challenge_service.local(challenge.deadline_at, challenge.timezone)
    body = (
        f"{inviter.full_name or inviter.email} invites {org.name} to apply to the challenge "
        f"'{challenge.title}'."
        + (f" Proposals are due {deadline}." if deadline else "")
        + (f"\n\nTheir message: {message}" if message else "")
    )
    sent = 0
    for membership, user in account_service.members_of(session=session, org_id=org.id):
        if membership.role not in _EDITORS or not user.is_active:
            continue
        outbox.enqueue(
            session=session,
            to_email=user.email,
            user_id=user.id,
            kind="challenge_invite",
            subject=f"Invitation to apply: {challenge.title}",
            body=f"Hello {user.full_name},\n\n{body}",
            link=f"/challenges/{challenge.slug}",
        )
        sent += 1
    return sent


def invites(*, session: Session, principal: Principal, challenge: Challenge) -> list[InviteRead]:
    """Return the challenge's invitations, newest first, with any proposal since started."""
    require_manager(session, principal, challenge)
    return invites_of(session, challenge.id)


def invites_of(session: Session, challenge_id: int) -> list[InviteRead]:
    """Return a challenge's invitations, newest first (no access check)."""
    rows: Sequence[tuple[ChallengeInvite, Organisation, User | None]] = [
        (i, o, u)
        for i, o, u in session.execute(
            select(ChallengeInvite, Organisation, User)
            .join(Organisation, Organisation.id == ChallengeInvite.org_id)
            .outerjoin(User, User.id == ChallengeInvite.invited_by_id)
            .where(ChallengeInvite.challenge_id == challenge_id)
            .order_by(ChallengeInvite.created_at.desc(), Organisation.name)
        ).all()
    ]
    status = dict(
        session.execute(
            select(Proposal.lead_org_id, Proposal.status).where(
                Proposal.challenge_id == challenge_id,
                Proposal.lead_org_id.in_([o.id for _, o, _ in rows]),
            )
        ).all()
    )
    return [
        InviteRead(
            challenge_id=i.challenge_id,
            org_id=o.id,
            org_name=o.name,
            org_slug=o.slug,
            country=o.country.value,
            kind=o.kind.value,
            message=i.message,
            invited_by=(u.full_name or u.email) if u is not None else None,
            created_at=i.created_at,
            proposal_status=status.get(o.id),
        )
        for i, o, u in rows
    ]
