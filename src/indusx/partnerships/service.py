"""Partnerships: creation (by hand, from an introduction, from an award), details, gated stage
moves with their history, officer assignment, and the funnel the pipeline dashboard reads (its
other figures are computed in dashboards/pipeline.py)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.accounts.permissions import Principal
from indusx.audit import service as audit
from indusx.challenges import access as challenge_access
from indusx.challenges.models import (
    Challenge,
    Decision,
    Outcome,
    Proposal,
    ProposalParty,
    challenge_focus_area,
)
from indusx.db import utcnow
from indusx.errors import Conflict, Forbidden, Invalid, NotFound
from indusx.matching import introductions
from indusx.matching.models import IntroductionStatus, MatchMode
from indusx.notifications import service as notifications
from indusx.orgs.models import FocusArea, Organisation
from indusx.orgs.taxonomy import Country
from indusx.partnerships import access, gates
from indusx.partnerships.models import (
    STAGE_ORDER,
    Origin,
    Partnership,
    PartnershipOfficer,
    PartnershipParty,
    PartnershipType,
    PartyRole,
    Stage,
    StageChange,
)
from indusx.partnerships.schemas import PartnershipCreate, PartnershipUpdate
from indusx.pathway.models import Assessment
from indusx.screening import service as screening

STAGE_LABELS = {
    Stage.IDENTIFIED: "Identified",
    Stage.INTRODUCED: "Introduced",
    Stage.NDA: "NDA",
    Stage.PROPOSAL: "Proposal",
    Stage.REGULATORY_REVIEW: "Regulatory review",
    Stage.AGREEMENT: "Agreement",
    Stage.EXECUTION: "Execution",
    Stage.DELIVERED: "Delivered",
    Stage.CLOSED: "Closed",
    Stage.STOPPED: "Stopped",
}
TYPE_LABELS = {
    PartnershipType.CO_DEVELOPMENT: "Co-development",
    PartnershipType.CO_PRODUCTION: "Co-production",
    PartnershipType.TECHNOLOGY_TRANSFER: "Technology transfer",
    PartnershipType.INVESTMENT: "Investment",
    PartnershipType.RESEARCH: "Research",
}
_MODE_TYPES = {
    MatchMode.CO_DEVELOPMENT: PartnershipType.CO_DEVELOPMENT,
    MatchMode.CO_PRODUCTION: PartnershipType.CO_PRODUCTION,
    MatchMode.INVESTMENT: PartnershipType.INVESTMENT,
    MatchMode.RESEARCH: PartnershipType.RESEARCH,
}
SORTS: dict[str, Any] = {
    "updated": Partnership.updated_at.desc(),
    "created": Partnership.created_at.desc(),
    "title": Partnership.title.asc(),
    "value": Partnership.value_usd.desc().nulls_last(),
    "stage": Partnership.stage_changed_at.asc(),
}


class GateRefused(Conflict):
    """A stage move refused by the gates; `missing` names each requirement it lacks."""

    def __init__(self, message: str, missing: Sequence[gates.Missing], partnership_id: int,
                 target: Stage) -> None:
        super().__init__(message)
        self.missing = list(missing)
        self.partnership_id = partnership_id
        self.target = target


def link(partnership_id: int) -> str:
    """Return the web address of a partnership."""
    return f"/partnerships/{partnership_id}"


def _snapshot(p: Partnership) -> dict[str, Any]:
    return {"title": p.title, "summary": p.summary, "type": p.type, "stage": p.stage,
            "items": p.items, "value_usd": p.value_usd, "focus_area_id": p.focus_area_id}


def notify(session: Session, partnership: Partnership, *, kind: str, subject: str, body: str,
           actor_id: int | None, user_ids: Sequence[int] | None = None) -> None:
    """Tell the stakeholders (or the given users), except the actor, about a change."""
    ids = access.stakeholder_user_ids(session, partnership.id) if user_ids is None else user_ids
    targets = [i for i in dict.fromkeys(ids) if i != actor_id]
    if not targets:
        return
    for user in session.scalars(select(User).where(User.id.in_(targets), User.is_active)):
        notifications.enqueue(session=session, to_email=user.email, kind=kind, subject=subject,
                              body=body, user_id=user.id, link=link(partnership.id))


# --- creation ---------------------------------------------------------------------------------


def _check_parties(session: Session, org_ids: Sequence[int]) -> list[Organisation]:
    ids = list(dict.fromkeys(org_ids))
    orgs = {o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}
    unknown = [i for i in ids if i not in orgs]
    if unknown:
        raise Invalid.field("org_ids", f"No organisation with id {unknown[0]}")
    if len(ids) < 2:
        raise Invalid.field("org_ids", "A partnership needs two or more organisations")
    countries = {orgs[i].country for i in ids}
    if not {Country.US, Country.IN} <= countries:
        raise Invalid.field("org_ids", "A partnership needs at least one US and one Indian "
                                       "organisation among its parties")
    return [orgs[i] for i in ids]


def _create(session: Session, principal: Principal, *, orgs: Sequence[Organisation], title: str,
            summary: str, type_: PartnershipType, items: str, value_usd: int | None,
            focus_area_id: int | None, origin: Origin, stage: Stage,
            introduction_id: int | None = None, decision_id: int | None = None,
            is_demo: bool = False) -> Partnership:
    screening.ensure_clear(session=session, org_ids=[o.id for o in orgs],
                           action="a partnership", actor=principal.actor)
    if focus_area_id is not None and session.get(FocusArea, focus_area_id) is None:
        raise Invalid.field("focus_area_id", f"No focus area with id {focus_area_id}")
    now = utcnow()
    partnership = Partnership(
        title=title, summary=summary, type=type_, items=items, value_usd=value_usd,
        focus_area_id=focus_area_id, origin=origin, stage=stage,
        introduction_id=introduction_id, decision_id=decision_id, is_demo=is_demo,
        created_by_id=principal.user.id, created_at=now, updated_at=now, stage_changed_at=now)
    session.add(partnership)
    session.flush()
    for n, org in enumerate(orgs):
        session.add(PartnershipParty(partnership_id=partnership.id, org_id=org.id,
                                     role=PartyRole.LEAD if n == 0 else PartyRole.PARTNER))
    session.add(StageChange(partnership_id=partnership.id, from_stage=None, to_stage=stage,
                            reason=f"created ({origin.value})", actor_id=principal.user.id,
                            changed_at=now))
    session.flush()
    audit.record(session=session, actor=principal.actor, action="partnership.create",
                 object_type="partnership", object_id=partnership.id,
                 summary=f"created partnership '{title}' ({origin.value})",
                 after={**_snapshot(partnership), "origin": origin,
                        "parties": [o.name for o in orgs]})
    notify(session, partnership, kind="partnership_created",
           subject=f"New partnership: {title}",
           body=f"{principal.user.email} recorded a partnership between "
                f"{', '.join(o.name for o in orgs)}.", actor_id=principal.user.id)
    return partnership


def create(*, session: Session, principal: Principal, partnership_in: PartnershipCreate,
           is_demo: bool = False) -> Partnership:
    """Record a partnership by hand; the caller must act for a party or be an officer."""
    orgs = _check_parties(session, partnership_in.org_ids)
    if not principal.is_officer and not any(principal.can_edit_org(o.id) for o in orgs):
        raise Forbidden("Record partnerships of an organisation you own or edit")
    return _create(session, principal, orgs=orgs, title=partnership_in.title,
                   summary=partnership_in.summary, type_=partnership_in.type,
                   items=partnership_in.items, value_usd=partnership_in.value_usd,
                   focus_area_id=partnership_in.focus_area_id, origin=Origin.MANUAL,
                   stage=Stage.IDENTIFIED, is_demo=is_demo)


def _existing(session: Session, **where: int) -> None:
    column, value = next(iter(where.items()))
    found = session.scalar(select(Partnership.id).where(getattr(Partnership, column) == value))
    if found is not None:
        raise Conflict(f"A partnership already exists for it: {link(found)}",
                       errors=[{"field": column, "message": link(found)}])


def from_introduction(*, session: Session, principal: Principal, intro_id: int) -> Partnership:
    """Turn an accepted introduction into a partnership between its two organisations."""
    intro = introductions.get(session=session, principal=principal, intro_id=intro_id)
    if intro.status is not IntroductionStatus.ACCEPTED:
        raise Conflict(f"Only an accepted introduction becomes a partnership; this one is "
                       f"{intro.status.value}")
    if intro.to_org_id is None:
        raise Conflict("A mentoring introduction to a person cannot become a partnership")
    if not (principal.is_officer or principal.can_edit_org(intro.from_org_id)
            or principal.can_edit_org(intro.to_org_id)):
        raise Forbidden("Only the owners and editors of either side may do this")
    _existing(session, introduction_id=intro.id)
    orgs = _check_parties(session, [intro.from_org_id, intro.to_org_id])
    return _create(session, principal, orgs=orgs, title=f"{orgs[0].name} and {orgs[1].name}",
                   summary=intro.note, type_=_MODE_TYPES.get(intro.mode,
                                                             PartnershipType.CO_DEVELOPMENT),
                   items="", value_usd=None, focus_area_id=None, origin=Origin.INTRODUCTION,
                   stage=Stage.INTRODUCED, introduction_id=intro.id)


def awarded_decision(session: Session, decision_id: int) -> tuple[Decision, Proposal, Challenge]:
    """Return an award decision with its proposal and challenge, or raise."""
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound(f"No decision {decision_id}")
    proposal = session.get(Proposal, decision.proposal_id)
    assert proposal is not None  # the foreign key cascades
    challenge = session.get(Challenge, proposal.challenge_id)
    assert challenge is not None
    return decision, proposal, challenge


def from_decision(*, session: Session, principal: Principal, decision_id: int) -> Partnership:
    """Turn a challenge award into a partnership between the awarded proposal's parties."""
    decision, proposal, challenge = awarded_decision(session, decision_id)
    manage = challenge_access.can_manage(session, principal, challenge)
    parties = list(session.scalars(select(ProposalParty).where(
        ProposalParty.proposal_id == proposal.id, ProposalParty.declined_at.is_(None))
        .order_by(ProposalParty.invited_at)))
    org_ids = [proposal.lead_org_id, *(p.org_id for p in parties
                                       if p.org_id != proposal.lead_org_id)]
    if not manage and not any(principal.role_in(o) is not None for o in org_ids):
        raise NotFound(f"No decision {decision_id}")
    if decision.outcome is not Outcome.AWARDED:
        raise Conflict("Only an award becomes a partnership")
    if not manage and not any(principal.can_edit_org(o) for o in org_ids):
        raise Forbidden("Only the challenge's managers and the parties' owners and editors "
                        "may do this")
    _existing(session, decision_id=decision.id)
    orgs = _check_parties(session, org_ids)
    focus = session.scalar(select(challenge_focus_area.c.focus_area_id).where(
        challenge_focus_area.c.challenge_id == challenge.id).limit(1))
    return _create(session, principal, orgs=orgs,
                   title=proposal.title or f"Award: {challenge.title}",
                   summary=f"Awarded in the challenge '{challenge.title}'. {proposal.summary}",
                   type_=PartnershipType.CO_DEVELOPMENT, items="",
                   value_usd=decision.award_usd, focus_area_id=focus,
                   origin=Origin.CHALLENGE_AWARD, stage=Stage.INTRODUCED,
                   decision_id=decision.id)


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PartyView:
    org_id: int
    name: str
    slug: str
    country: str
    role: PartyRole
    screening: screening.PartyScreening


def parties(session: Session, partnership_id: int) -> list[PartyView]:
    """Return the parties with their screening standing, the lead first."""
    rows = session.execute(
        select(PartnershipParty.role, Organisation)
        .join(Organisation, Organisation.id == PartnershipParty.org_id)
        .where(PartnershipParty.partnership_id == partnership_id)
        .order_by(PartnershipParty.role, PartnershipParty.id)).all()
    standing = screening.org_statuses(session=session, org_ids=[o.id for _, o in rows])
    return [PartyView(o.id, o.name, o.slug, o.country.value, role, standing[o.id])
            for role, o in rows]


def latest_assessment(session: Session, partnership_id: int) -> Assessment | None:
    """Return the newest assessment saved for the partnership."""
    return session.scalar(select(Assessment).where(Assessment.partnership_id == partnership_id)
                          .order_by(Assessment.created_at.desc(), Assessment.id.desc()).limit(1))


def assessments(session: Session, partnership_id: int) -> list[Assessment]:
    """Return the assessments saved for the partnership, newest first."""
    return list(session.scalars(select(Assessment)
                                .where(Assessment.partnership_id == partnership_id)
                                .order_by(Assessment.created_at.desc(), Assessment.id.desc())))


def gate_facts(session: Session, partnership_id: int) -> gates.GateFacts:
    """Return what the gates look at for a partnership, read from the database."""
    latest = latest_assessment(session, partnership_id)
    return gates.GateFacts(
        latest_verdict=latest.verdict.value if latest is not None else None,
        parties=tuple(gates.PartyFact(p.org_id, p.name, p.screening.status.value,
                                      p.screening.case_ids)
                      for p in parties(session, partnership_id)))


def missing_for(*, session: Session, partnership_id: int, target: Stage) -> list[gates.Missing]:
    """Return what entering the target stage lacks for the partnership."""
    if not gates.is_gated(target):
        return []
    return gates.missing(gate_facts(session, partnership_id))


def get(*, session: Session, principal: Principal, partnership_id: int) -> Partnership:
    """Return a partnership the principal may see, else raise 404."""
    return access.viewable(session, principal, partnership_id)


def list_partnerships(
    *, session: Session, principal: Principal, stage: Stage | None = None,
    type_: PartnershipType | None = None, focus_area_id: int | None = None,
    org_id: int | None = None, q: str = "", sort: str = "updated", page: int = 1,
    page_size: int = 20,
) -> tuple[list[Partnership], int]:
    """Return one page of the partnerships the principal may see, and how many match."""
    stmt = select(Partnership).where(access.visible(principal))
    if stage is not None:
        stmt = stmt.where(Partnership.stage == stage)
    if type_ is not None:
        stmt = stmt.where(Partnership.type == type_)
    if focus_area_id is not None:
        stmt = stmt.where(Partnership.focus_area_id == focus_area_id)
    if org_id is not None:
        stmt = stmt.where(Partnership.id.in_(select(PartnershipParty.partnership_id)
                                             .where(PartnershipParty.org_id == org_id)))
    if q.strip():
        stmt = stmt.where(Partnership.title.ilike(f"%{q.strip()}%"))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(SORTS.get(sort, SORTS["updated"]), Partnership.id.desc())
                           .offset((page - 1) * page_size).limit(page_size))
    return list(rows), total


def parties_by_partnership(session: Session, ids: Sequence[int]) -> dict[int, list[PartyView]]:
    """Return the parties of many partnerships at once (for lists)."""
    rows = session.execute(
        select(PartnershipParty.partnership_id, PartnershipParty.role, Organisation)
        .join(Organisation, Organisation.id == PartnershipParty.org_id)
        .where(PartnershipParty.partnership_id.in_(list(ids) or [-1]))
        .order_by(PartnershipParty.role, PartnershipParty.id)).all()
    standing = screening.org_statuses(session=session, org_ids={o.id for _, _, o in rows})
    out: dict[int, list[PartyView]] = {}
    for pid, role, o in rows:
        out.setdefault(pid, []).append(
            PartyView(o.id, o.name, o.slug, o.country.value, role, standing[o.id]))
    return out


def history(*, session: Session, partnership_id: int) -> list[tuple[StageChange, str | None]]:
    """Return every stage change of the partnership with its actor's e-mail, oldest first."""
    rows = session.execute(
        select(StageChange, User.email).outerjoin(User, User.id == StageChange.actor_id)
        .where(StageChange.partnership_id == partnership_id)
        .order_by(StageChange.changed_at, StageChange.id)).all()
    return [(change, email) for change, email in rows]


# --- changes ----------------------------------------------------------------------------------


def update(*, session: Session, principal: Principal, partnership_id: int,
           partnership_in: PartnershipUpdate) -> Partnership:
    """Change a partnership's details (not its stage or parties)."""
    partnership = access.editable(session, principal, partnership_id)
    before = _snapshot(partnership)
    changes = partnership_in.model_dump(exclude_unset=True)
    if "focus_area_id" in changes and changes["focus_area_id"] is not None \
            and session.get(FocusArea, changes["focus_area_id"]) is None:
        raise Invalid.field("focus_area_id", f"No focus area with id {changes['focus_area_id']}")
    for name in ("title", "type"):
        if name in changes and changes[name] is None:
            raise Invalid.field(name, "may not be empty")
    for name, value in changes.items():
        setattr(partnership, name, value)
    partnership.updated_at = utcnow()
    session.flush()
    audit.record(session=session, actor=principal.actor, action="partnership.update",
                 object_type="partnership", object_id=partnership.id,
                 summary=f"updated partnership '{partnership.title}'", before=before,
                 after=_snapshot(partnership))
    return partnership


def stopped_from(session: Session, partnership_id: int) -> Stage | None:
    """Return the stage a stopped partnership was stopped in."""
    return session.scalar(select(StageChange.from_stage).where(
        StageChange.partnership_id == partnership_id, StageChange.to_stage == Stage.STOPPED)
        .order_by(StageChange.changed_at.desc(), StageChange.id.desc()).limit(1))


def allowed_moves(session: Session, partnership: Partnership) -> list[Stage]:
    """Return the stages the partnership may be moved to (gates aside)."""
    if partnership.stage is Stage.STOPPED:
        back = stopped_from(session, partnership.id)
        return [back] if back is not None else []
    moves = [s for s in STAGE_ORDER if s is not partnership.stage]
    if partnership.stage is not Stage.CLOSED:
        moves.append(Stage.STOPPED)
    return moves


def _check_move(session: Session, partnership: Partnership, target: Stage, reason: str) -> str:
    """Return the kind of move (forward, back, stop, reopen) or raise why it is not allowed."""
    current = partnership.stage
    if target is current:
        raise Conflict(f"The partnership is already at {STAGE_LABELS[current]}")
    if current is Stage.STOPPED:
        back = stopped_from(session, partnership.id)
        if target is not back:
            where = STAGE_LABELS[back] if back is not None else "its earlier stage"
            raise Conflict(f"A stopped partnership reopens to the stage it was stopped in "
                           f"({where})")
        return "reopen"
    if target is Stage.STOPPED:
        if current is Stage.CLOSED:
            raise Conflict("A closed partnership cannot be stopped")
        if not reason:
            raise Invalid.field("reason", "Say why the partnership is stopped")
        return "stop"
    if STAGE_ORDER.index(target) < STAGE_ORDER.index(current):
        if not reason:
            raise Invalid.field("reason", "Say why the partnership moves back")
        return "back"
    return "forward"


def move_stage(*, session: Session, principal: Principal, partnership_id: int, target: Stage,
               reason: str = "") -> Partnership:
    """Move a partnership to a stage, enforcing the gates; every move is kept as history."""
    partnership = access.editable(session, principal, partnership_id)
    reason = reason.strip()
    kind = _check_move(session, partnership, target, reason)
    lacking = missing_for(session=session, partnership_id=partnership.id, target=target)
    if lacking:
        raise GateRefused(f"{STAGE_LABELS[target]} cannot be entered yet: "
                          + "; ".join(m.message for m in lacking), lacking, partnership.id, target)
    now = utcnow()
    before = partnership.stage
    session.add(StageChange(partnership_id=partnership.id, from_stage=before, to_stage=target,
                            reason=reason, actor_id=principal.user.id, changed_at=now))
    partnership.stage = target
    partnership.stop_reason = reason if target is Stage.STOPPED else ""
    partnership.stage_changed_at = partnership.updated_at = now
    session.flush()
    verb = {"forward": "moved", "back": "moved back", "stop": "stopped",
            "reopen": "reopened"}[kind]
    audit.record(session=session, actor=principal.actor, action=f"partnership.stage.{kind}",
                 object_type="partnership", object_id=partnership.id,
                 summary=f"{verb} '{partnership.title}' from {STAGE_LABELS[before]} to "
                         f"{STAGE_LABELS[target]}",
                 before={"stage": before}, after={"stage": target, "reason": reason})
    body = f"{principal.user.email} {verb} it from {STAGE_LABELS[before]} to " \
           f"{STAGE_LABELS[target]}." + (f" Reason: {reason}" if reason else "")
    notify(session, partnership, kind="partnership_stage",
           subject=f"{partnership.title}: {STAGE_LABELS[target]}", body=body,
           actor_id=principal.user.id)
    return partnership


def assign_officer(*, session: Session, principal: Principal, partnership_id: int,
                   email: str) -> PartnershipOfficer:
    """Assign a programme officer to follow the partnership (officers and admins only)."""
    if not access.can_assign_officers(principal):
        raise Forbidden("Only programme officers and admins assign officers")
    partnership = access.viewable(session, principal, partnership_id)
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.is_active:
        raise Invalid.field("email", f"No active user {email}")
    if not user.is_officer:
        raise Invalid.field("email", f"{user.email} is not a programme officer")
    if access.is_assigned_officer(session, partnership.id, user.id):
        raise Conflict(f"{user.email} is already assigned")
    row = PartnershipOfficer(partnership_id=partnership.id, user_id=user.id,
                             assigned_by_id=principal.user.id)
    session.add(row)
    session.flush()
    audit.record(session=session, actor=principal.actor, action="partnership.officer.assign",
                 object_type="partnership", object_id=partnership.id,
                 summary=f"assigned {user.email} to '{partnership.title}'",
                 after={"officer": user.email})
    notify(session, partnership, kind="partnership_officer",
           subject=f"You follow the partnership {partnership.title}",
           body=f"{principal.user.email} assigned you to this partnership.",
           actor_id=principal.user.id, user_ids=[user.id])
    return row


def unassign_officer(*, session: Session, principal: Principal, partnership_id: int,
                     user_id: int) -> None:
    """Remove an assigned officer from the partnership."""
    if not access.can_assign_officers(principal):
        raise Forbidden("Only programme officers and admins assign officers")
    partnership = access.viewable(session, principal, partnership_id)
    row = session.scalar(select(PartnershipOfficer).where(
        PartnershipOfficer.partnership_id == partnership.id,
        PartnershipOfficer.user_id == user_id))
    if row is None:
        raise NotFound("That officer is not assigned to this partnership")
    email = session.scalar(select(User.email).where(User.id == user_id))
    session.delete(row)
    session.flush()
    audit.record(session=session, actor=principal.actor, action="partnership.officer.remove",
                 object_type="partnership", object_id=partnership.id,
                 summary=f"removed {email} from '{partnership.title}'",
                 before={"officer": email})


def officers(session: Session, partnership_id: int) -> list[User]:
    """Return the officers assigned to the partnership."""
    return list(session.scalars(
        select(User).join(PartnershipOfficer, PartnershipOfficer.user_id == User.id)
        .where(PartnershipOfficer.partnership_id == partnership_id)
        .order_by(PartnershipOfficer.id)))


# --- the funnel the pipeline dashboard shows ---------------------------------------------------


def funnel(*, session: Session, date_from: datetime | None = None,
           date_to: datetime | None = None) -> dict[str, dict[str, int]]:
    """Return how many partnerships are at each stage, by type ({stage: {type: n}}).

    With dates, only partnerships created in [date_from, date_to) count.
    """
    stmt = select(Partnership.stage, Partnership.type, func.count()).group_by(
        Partnership.stage, Partnership.type)
    if date_from is not None:
        stmt = stmt.where(Partnership.created_at >= date_from)
    if date_to is not None:
        stmt = stmt.where(Partnership.created_at < date_to)
    out: dict[str, dict[str, int]] = {s.value: {} for s in Stage}
    for stage, type_, n in session.execute(stmt):
        out[stage.value][type_.value] = n
    return out
