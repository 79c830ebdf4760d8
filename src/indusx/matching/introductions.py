"""Double opt-in introductions and the feedback that suggestions learn from.

A member of an organisation asks for an introduction to a suggested organisation (or to a
mentor); the other side accepts or declines. Only on acceptance does either side see the
other's contact details. Every step is audited, notified through the outbox, and stored as
feedback for ranking (see `matching.service.penalties_for`).
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from indusx.accounts.models import Membership, User
from indusx.accounts.permissions import EDIT_ROLES, Principal
from indusx.audit import service as audit
from indusx.db import utcnow
from indusx.errors import Conflict, Forbidden, Invalid, NotFound
from indusx.matching.models import (
    DismissReason,
    FeedbackAction,
    Introduction,
    IntroductionStatus,
    MatchFeedback,
    MatchMode,
)
from indusx.notifications import service as outbox
from indusx.orgs.models import Organisation
from indusx.screening import service as screening_service

NOTE_MAX = 2000


@dataclass(frozen=True, slots=True)
class Party:
    """One side of an introduction as a viewer may see it."""

    kind: str  # "org" or "mentor"
    id: int
    name: str
    slug: str | None = None
    country: str | None = None
    # Filled only when the viewer may see them: after acceptance, or for their own side.
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""


@dataclass(frozen=True, slots=True)
class IntroductionView:
    introduction: Introduction
    sender: Party
    recipient: Party
    direction: str  # "incoming", "outgoing" or "observer" (officers)
    can_respond: bool
    can_withdraw: bool


# --- who may do what ----------------------------------------------------------------------


def _acts_for(principal: Principal, org_id: int) -> bool:
    """Owners and editors act for their organisation (admins may act for any)."""
    return principal.can_edit_org(org_id)


def can_view(principal: Principal, intro: Introduction) -> bool:
    """Only the two sides (their members, or the mentor) and officers see an introduction."""
    return (
        principal.is_officer
        or intro.from_org_id in principal.org_roles
        or (intro.to_org_id is not None and intro.to_org_id in principal.org_roles)
        or (intro.to_user_id is not None and intro.to_user_id == principal.user.id)
    )


def _can_respond(principal: Principal, intro: Introduction) -> bool:
    if intro.status is not IntroductionStatus.PENDING:
        return False
    if intro.to_user_id is not None:
        return intro.to_user_id == principal.user.id
    return intro.to_org_id is not None and _acts_for(principal, intro.to_org_id)


def _can_withdraw(principal: Principal, intro: Introduction) -> bool:
    return intro.status is IntroductionStatus.PENDING and _acts_for(principal, intro.from_org_id)


# --- reading --------------------------------------------------------------------------------


def get(*, session: Session, principal: Principal, intro_id: int) -> Introduction:
    """Return an introduction the principal may see; others get 404, not a hint it exists."""
    intro = session.get(Introduction, intro_id)
    if intro is None or not can_view(principal, intro):
        raise NotFound(f"No introduction with id {intro_id}")
    return intro


def _org_party(org: Organisation, show_contact: bool) -> Party:
    return Party(
        kind="org",
        id=org.id,
        name=org.name,
        slug=org.slug,
        country=org.country.value,
        contact_name=org.contact_name if show_contact else "",
        contact_email=org.contact_email if show_contact else "",
        contact_phone=org.contact_phone if show_contact else "",
    )


def view(*, session: Session, principal: Principal, intro: Introduction) -> IntroductionView:
    """Return what this principal may see of an introduction (contacts after acceptance)."""
    accepted = intro.status is IntroductionStatus.ACCEPTED
    sender_org = session.get(Organisation, intro.from_org_id)
    assert sender_org is not None  # the foreign key cascades
    mine_from = intro.from_org_id in principal.org_roles
    mine_to = (
        (intro.to_org_id in principal.org_roles)
        if intro.to_org_id
        else (intro.to_user_id == principal.user.id)
    )
    sender = _org_party(sender_org, show_contact=accepted or mine_from)
    if intro.to_org_id is not None:
        to_org = session.get(Organisation, intro.to_org_id)
        assert to_org is not None
        recipient = _org_party(to_org, show_contact=accepted or mine_to)
    else:
        mentor = session.get(User, intro.to_user_id)
        assert mentor is not None
        show = accepted or mine_to
        recipient = Party(
            kind="mentor",
            id=mentor.id,
            name=mentor.full_name,
            contact_name=mentor.full_name if show else "",
            contact_email=mentor.email if show else "",
        )
    direction = "outgoing" if mine_from else "incoming" if mine_to else "observer"
    return IntroductionView(
        introduction=intro,
        sender=sender,
        recipient=recipient,
        direction=direction,
        can_respond=_can_respond(principal, intro),
        can_withdraw=_can_withdraw(principal, intro),
    )


def list_for(
    *,
    session: Session,
    principal: Principal,
    org_id: int | None = None,
    direction: str | None = None,
    status: IntroductionStatus | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Introduction], int]:
    """Return the introductions the principal may see, newest first, and their total."""
    from sqlalchemy import func

    stmt = select(Introduction)
    if org_id is not None:
        if not principal.can_view_private(org_id):
            raise Forbidden("Only the organisation's members and officers see its introductions")
        mine_in = [Introduction.to_org_id == org_id]
        mine_out = [Introduction.from_org_id == org_id]
    else:
        orgs = list(principal.org_roles)
        mine_in = [Introduction.to_org_id.in_(orgs), Introduction.to_user_id == principal.user.id]
        mine_out = [Introduction.from_org_id.in_(orgs)]
    if direction == "incoming":
        stmt = stmt.where(or_(*mine_in))
    elif direction == "outgoing":
        stmt = stmt.where(or_(*mine_out))
    elif org_id is not None or not principal.is_officer:
        stmt = stmt.where(or_(*mine_in, *mine_out))
    if status is not None:
        stmt = stmt.where(Introduction.status == status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(Introduction.created_at.desc(), Introduction.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), total


def pending_count(*, session: Session, principal: Principal) -> int:
    """Return how many introductions wait for this principal's answer."""
    from sqlalchemy import func

    acting = [org_id for org_id, role in principal.org_roles.items() if role in EDIT_ROLES]
    return (
        session.scalar(
            select(func.count())
            .select_from(Introduction)
            .where(
                Introduction.status == IntroductionStatus.PENDING,
                or_(
                    Introduction.to_org_id.in_(acting), Introduction.to_user_id == principal.user.id
                ),
            )
        )
        or 0
    )


# --- notifications ------------------------------------------------------------------------


def _org_deciders(session: Session, org_id: int) -> list[User]:
    """Return the active owners and editors of an organisation."""
    return list(
        session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.org_id == org_id, Membership.role.in_(EDIT_ROLES), User.is_active)
        )
    )


def _notify(
    session: Session, users: list[User], *, kind: str, subject: str, body: str, link: str
) -> None:
    for user in users:
        outbox.enqueue(
            session=session,
            to_email=user.email,
            user_id=user.id,
            kind=kind,
            subject=subject,
            body=f"Hello {user.full_name},\n\n{body}",
            link=link,
        )


# --- writing --------------------------------------------------------------------------------


def request(
    *,
    session: Session,
    principal: Principal,
    from_org_id: int,
    mode: MatchMode,
    to_org_id: int | None = None,
    to_user_id: int | None = None,
    note: str = "",
    score: float = 0.0,
    reason: str = "",
    components: dict[str, float] | None = None,
) -> Introduction:
    """Ask for an introduction on behalf of an organisation; the other side must accept."""
    if not _acts_for(principal, from_org_id):
        raise Forbidden("Only the organisation's owners and editors can request introductions")
    if (to_org_id is None) == (to_user_id is None):
        raise Invalid.field("to_org_id", "give exactly one of to_org_id and to_user_id")
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise Invalid.field("note", f"at most {NOTE_MAX} characters")
    sender = session.get(Organisation, from_org_id)
    if sender is None:
        raise NotFound(f"No organisation with id {from_org_id}")
    if to_org_id is not None:
        if to_org_id == from_org_id:
            raise Invalid.field("to_org_id", "an organisation cannot be introduced to itself")
        target = session.get(Organisation, to_org_id)
        if target is None:
            raise Invalid.field("to_org_id", f"no organisation with id {to_org_id}")
        target_name = target.name
        if mode is MatchMode.MENTORING:
            raise Invalid.field("to_org_id", "mentoring introductions go to a mentor (to_user_id)")
        same = Introduction.to_org_id == to_org_id
    else:
        mentor = session.get(User, to_user_id)
        if mentor is None or not mentor.is_mentor or not mentor.is_active:
            raise Invalid.field("to_user_id", f"no active mentor with id {to_user_id}")
        target_name = mentor.full_name
        same = Introduction.to_user_id == to_user_id
    pending = session.scalar(
        select(Introduction.id).where(
            Introduction.from_org_id == from_org_id,
            same,
            Introduction.status.in_([IntroductionStatus.PENDING, IntroductionStatus.ACCEPTED]),
        )
    )
    if pending is not None:
        raise Conflict(
            f"An introduction to {target_name} is already pending or accepted "
            f"(introduction {pending})"
        )
    screening_service.ensure_clear(session=session, org_ids=[from_org_id, to_org_id or 0],
                                   action="an introduction", actor=principal.actor)
    intro = Introduction(
        mode=mode,
        from_org_id=from_org_id,
        to_org_id=to_org_id,
        to_user_id=to_user_id,
        requested_by_id=principal.user.id,
        note=note,
        score=round(score, 4),
        reason=reason,
        components=components or {},
    )
    session.add(intro)
    session.flush()
    _feedback(
        session, principal, from_org_id, to_org_id, to_user_id, mode, FeedbackAction.REQUESTED
    )
    recipients = (
        _org_deciders(session, to_org_id)
        if to_org_id is not None
        else [m for m in [session.get(User, to_user_id)] if m is not None]
    )
    _notify(
        session,
        recipients,
        kind="introduction_request",
        subject=f"{sender.name} would like an introduction ({mode.value})",
        body=(
            f"{sender.name} ({sender.country.value}) asks to be introduced for "
            f"{mode.value}.\n\nTheir note: {note or '(none)'}\n\nAccept to share contact "
            f"details with each other, or decline."
        ),
        link=f"/introductions/{intro.id}",
    )
    audit.record(
        session=session,
        actor=principal.actor,
        action="introduction.request",
        object_type="introduction",
        object_id=intro.id,
        summary=f"{sender.name} -> {target_name} ({mode.value})",
        after=_snapshot(intro),
    )
    return intro


def respond(
    *, session: Session, principal: Principal, intro_id: int, accept: bool, note: str = ""
) -> Introduction:
    """Accept or decline a pending introduction addressed to the principal's side."""
    intro = get(session=session, principal=principal, intro_id=intro_id)
    if intro.status is not IntroductionStatus.PENDING:
        raise Conflict(f"This introduction is already {intro.status.value}")
    if not _can_respond(principal, intro):
        raise Forbidden("Only the recipient's owners and editors (or the mentor) can answer")
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise Invalid.field("note", f"at most {NOTE_MAX} characters")
    if accept:
        screening_service.ensure_clear(
            session=session, org_ids=[intro.from_org_id, intro.to_org_id or 0],
            action="accepting an introduction", actor=principal.actor)
    before = _snapshot(intro)
    intro.status = IntroductionStatus.ACCEPTED if accept else IntroductionStatus.DECLINED
    intro.responded_by_id = principal.user.id
    intro.responded_at = utcnow()
    intro.response_note = note
    _feedback(
        session,
        principal,
        intro.from_org_id,
        intro.to_org_id,
        intro.to_user_id,
        intro.mode,
        FeedbackAction.ACCEPTED if accept else FeedbackAction.DECLINED,
    )
    sender = session.get(Organisation, intro.from_org_id)
    assert sender is not None
    verb = "accepted" if accept else "declined"
    _notify(
        session,
        _org_deciders(session, intro.from_org_id),
        kind=f"introduction_{verb}",
        subject=f"Your introduction request was {verb}",
        body=(
            f"Your request for an introduction ({intro.mode.value}) was {verb}."
            + (" You can now see each other's contact details." if accept else "")
            + (f"\n\nTheir note: {note}" if note else "")
        ),
        link=f"/introductions/{intro.id}",
    )
    audit.record(
        session=session,
        actor=principal.actor,
        action=f"introduction.{'accept' if accept else 'decline'}",
        object_type="introduction",
        object_id=intro.id,
        summary=f"{verb}: {sender.name} ({intro.mode.value})",
        before=before,
        after=_snapshot(intro),
    )
    return intro


def withdraw(*, session: Session, principal: Principal, intro_id: int) -> Introduction:
    """Withdraw a pending request (its sender's owners and editors)."""
    intro = get(session=session, principal=principal, intro_id=intro_id)
    if intro.status is not IntroductionStatus.PENDING:
        raise Conflict(f"This introduction is already {intro.status.value}")
    if not _can_withdraw(principal, intro):
        raise Forbidden("Only the sender's owners and editors can withdraw the request")
    before = _snapshot(intro)
    intro.status = IntroductionStatus.WITHDRAWN
    intro.responded_at = utcnow()
    audit.record(
        session=session,
        actor=principal.actor,
        action="introduction.withdraw",
        object_type="introduction",
        object_id=intro.id,
        summary="withdrawn",
        before=before,
        after=_snapshot(intro),
    )
    return intro


def dismiss(
    *,
    session: Session,
    principal: Principal,
    org_id: int,
    mode: MatchMode,
    candidate_org_id: int | None = None,
    candidate_user_id: int | None = None,
    reason: DismissReason = DismissReason.NOT_RELEVANT,
    note: str = "",
) -> MatchFeedback:
    """Dismiss a suggestion for an organisation: it is never suggested to it again."""
    if not _acts_for(principal, org_id):
        raise Forbidden("Only the organisation's owners and editors can dismiss suggestions")
    if (candidate_org_id is None) == (candidate_user_id is None):
        raise Invalid.field(
            "candidate_org_id", "give exactly one of candidate_org_id and candidate_user_id"
        )
    if candidate_org_id is not None and session.get(Organisation, candidate_org_id) is None:
        raise Invalid.field("candidate_org_id", f"no organisation with id {candidate_org_id}")
    if candidate_user_id is not None and session.get(User, candidate_user_id) is None:
        raise Invalid.field("candidate_user_id", f"no user with id {candidate_user_id}")
    if len(note) > NOTE_MAX:
        raise Invalid.field("note", f"at most {NOTE_MAX} characters")
    feedback = _feedback(
        session,
        principal,
        org_id,
        candidate_org_id,
        candidate_user_id,
        mode,
        FeedbackAction.DISMISSED,
        reason=reason,
        note=note.strip(),
    )
    audit.record(
        session=session,
        actor=principal.actor,
        action="suggestion.dismiss",
        object_type="organisation",
        object_id=org_id,
        summary=f"dismissed {'org' if candidate_org_id else 'mentor'} "
        f"{candidate_org_id or candidate_user_id} ({mode.value}): {reason.value}",
        after={
            "candidate_org_id": candidate_org_id,
            "candidate_user_id": candidate_user_id,
            "mode": mode,
            "reason": reason,
            "note": note.strip(),
        },
    )
    return feedback


def _feedback(
    session: Session,
    principal: Principal,
    org_id: int,
    candidate_org_id: int | None,
    candidate_user_id: int | None,
    mode: MatchMode,
    action: FeedbackAction,
    reason: DismissReason | None = None,
    note: str = "",
) -> MatchFeedback:
    row = MatchFeedback(
        org_id=org_id,
        candidate_org_id=candidate_org_id,
        candidate_user_id=candidate_user_id,
        mode=mode,
        action=action,
        reason=reason,
        note=note,
        user_id=principal.user.id,
    )
    session.add(row)
    session.flush()
    return row


def _snapshot(intro: Introduction) -> dict[str, Any]:
    return {
        "mode": intro.mode,
        "from_org_id": intro.from_org_id,
        "to_org_id": intro.to_org_id,
        "to_user_id": intro.to_user_id,
        "status": intro.status,
        "note": intro.note,
        "response_note": intro.response_note,
    }
