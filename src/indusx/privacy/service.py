"""Privacy: consent to the notice, a user's export of their data, and erasure of an account.

What erasure keeps, and why, is in docs/privacy.md.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import (
    ApiToken,
    Membership,
    OneTimeToken,
    OrgRole,
    PlatformRole,
    RecoveryCode,
    SecondFactor,
    User,
    WebSession,
)
from indusx.audit import service as audit
from indusx.audit.models import AuditEvent
from indusx.audit.service import Actor
from indusx.challenges.models import Proposal
from indusx.db import utcnow
from indusx.errors import Conflict, Invalid
from indusx.matching.models import Introduction
from indusx.notifications.models import Notification, NotificationPreference
from indusx.orgs.models import Organisation
from indusx.partnerships.dataroom_models import AccessLog
from indusx.partnerships.models import PartnershipComment
from indusx.privacy.models import Consent, Erasure

# The privacy notice's version: change it with the text of templates/privacy/notice.html,
# and every signed-in user is asked to accept the new one.
NOTICE_VERSION = "2026-11-23"
ERASED_NAME = "Erased user"
ERASED_DOMAIN = "erased.invalid"


# --- consent ------------------------------------------------------------------------------

def has_accepted(*, session: Session, user_id: int, version: str | None = None) -> bool:
    """Return whether the user accepted this version of the notice (default: the current)."""
    found = session.scalar(
        select(Consent.id).where(Consent.user_id == user_id,
                                 Consent.notice_version == (version or NOTICE_VERSION))
        .limit(1)
    )
    return found is not None


def _consent(session: Session, user_id: int) -> Consent | None:
    return session.scalar(
        select(Consent).where(Consent.user_id == user_id,
                              Consent.notice_version == NOTICE_VERSION)
    )


def record_consent(*, session: Session, user: User, actor: Actor, via: str = "web") -> Consent:
    """Record that the user accepted the current notice (once per version); audited."""
    existing = _consent(session, user.id)
    if existing is not None:
        return existing
    consent = Consent(user_id=user.id, notice_version=NOTICE_VERSION, accepted_at=utcnow(),
                      via=via)
    try:
        with session.begin_nested():
            session.add(consent)
    except IntegrityError:
        # Two tabs accepted at once: the unique (user, version) kept the other's row.
        winner = _consent(session, user.id)
        assert winner is not None
        return winner
    audit.record(
        session=session, actor=actor, action="privacy.consent", object_type="user",
        object_id=user.id, summary=f"accepted the privacy notice of {NOTICE_VERSION}",
        after={"notice_version": NOTICE_VERSION, "via": via},
    )
    return consent


def consents_of(*, session: Session, user_id: int) -> Sequence[Consent]:
    """Return a user's consents, oldest first."""
    return session.scalars(
        select(Consent).where(Consent.user_id == user_id).order_by(Consent.id)
    ).all()


# --- export -------------------------------------------------------------------------------

def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_data(*, session: Session, user: User) -> dict[str, Any]:
    """Return everything the platform holds about a user, as JSON-ready data.

    Secrets are left out (password hash, token hashes, session ids, second-factor salt), and
    so are the links of mailbox-only messages, which carried one-time secrets.
    """
    uid = user.id
    memberships = session.execute(
        select(Membership, Organisation.name)
        .join(Organisation, Organisation.id == Membership.org_id)
        .where(Membership.user_id == uid).order_by(Membership.id)
    ).all()
    factor = session.get(SecondFactor, uid)
    return {
        "exported_at": utcnow().isoformat(),
        "notice_version": NOTICE_VERSION,
        "profile": {
            "id": uid, "email": user.email, "full_name": user.full_name,
            "platform_role": user.platform_role.value, "is_active": user.is_active,
            "created_at": _iso(user.created_at), "last_login_at": _iso(user.last_login_at),
            "is_mentor": user.is_mentor, "expertise": user.expertise,
            "eligibility": user.eligibility.value if user.eligibility else None,
            "eligibility_declared_at": _iso(user.eligibility_declared_at),
        },
        "second_factor": {
            "enrolled": factor is not None and factor.confirmed_at is not None,
            "confirmed_at": _iso(factor.confirmed_at) if factor else None,
        },
        "memberships": [
            {"org_id": m.org_id, "organisation": name, "role": m.role.value,
             "since": _iso(m.created_at)}
            for m, name in memberships
        ],
        "sessions": [
            {"created_at": _iso(s.created_at), "expires_at": _iso(s.expires_at),
             "last_seen_at": _iso(s.last_seen_at)}
            for s in session.scalars(select(WebSession).where(WebSession.user_id == uid)
                                     .order_by(WebSession.created_at))
        ],
        "api_tokens": [
            {"name": t.name, "kind": t.kind.value, "prefix": t.prefix,
             "created_at": _iso(t.created_at), "expires_at": _iso(t.expires_at),
             "revoked_at": _iso(t.revoked_at), "last_used_at": _iso(t.last_used_at)}
            for t in session.scalars(select(ApiToken).where(ApiToken.user_id == uid)
                                     .order_by(ApiToken.id))
        ],
        "notifications": [
            {"kind": n.kind, "subject": n.subject, "body": n.body,
             "link": n.link if n.in_app else "", "created_at": _iso(n.created_at),
             "read_at": _iso(n.read_at), "delivery_status": n.delivery_status.value}
            for n in session.scalars(select(Notification).where(Notification.user_id == uid)
                                     .order_by(Notification.id))
        ],
        "notification_preferences": [
            {"topic": p.topic, "in_app": p.in_app, "email": p.email}
            for p in session.scalars(select(NotificationPreference)
                                     .where(NotificationPreference.user_id == uid)
                                     .order_by(NotificationPreference.topic))
        ],
        "consents": [
            {"notice_version": c.notice_version, "accepted_at": _iso(c.accepted_at),
             "via": c.via}
            for c in consents_of(session=session, user_id=uid)
        ],
        "audit_events": [
            {"at": _iso(e.at), "action": e.action, "object_type": e.object_type,
             "object_id": e.object_id, "summary": e.summary, "via": e.via, "ip": e.ip}
            for e in session.scalars(select(AuditEvent).where(AuditEvent.actor_id == uid)
                                     .order_by(AuditEvent.id))
        ],
        "proposals_created": [
            {"id": p.id, "challenge_id": p.challenge_id, "title": p.title,
             "status": p.status.value, "created_at": _iso(p.created_at)}
            for p in session.scalars(select(Proposal).where(Proposal.created_by_id == uid)
                                     .order_by(Proposal.id))
        ],
        "introductions_requested": [
            {"id": i.id, "mode": i.mode.value, "from_org_id": i.from_org_id,
             "to_org_id": i.to_org_id, "to_user_id": i.to_user_id, "note": i.note,
             "status": i.status.value, "created_at": _iso(i.created_at)}
            for i in session.scalars(select(Introduction)
                                     .where(Introduction.requested_by_id == uid)
                                     .order_by(Introduction.id))
        ],
        "partnership_comments": [
            {"id": c.id, "partnership_id": c.partnership_id,
             "body": "" if c.deleted_at else c.body, "created_at": _iso(c.created_at),
             "deleted_at": _iso(c.deleted_at)}
            for c in session.scalars(select(PartnershipComment)
                                     .where(PartnershipComment.author_id == uid)
                                     .order_by(PartnershipComment.id))
        ],
        "data_room_access": [
            {"at": _iso(a.at), "room_id": a.room_id, "document_id": a.document_id,
             "action": a.action.value, "outcome": a.outcome.value}
            for a in session.scalars(select(AccessLog).where(AccessLog.user_id == uid)
                                     .order_by(AccessLog.id))
        ],
    }


# --- erasure ------------------------------------------------------------------------------

def is_erased(*, session: Session, user_id: int) -> bool:
    """Return whether an account's personal data was erased."""
    return session.get(Erasure, user_id) is not None


def _lock_last_holders(session: Session, user: User) -> None:
    """Lock the rows erasure_blockers counts, until the transaction ends.

    Two co-owners (or the last two admins) erasing at once would each count the other and
    both go; with the rows locked the second waits, then counts what the first left. The
    order is fixed so that two erasures never hold each other's locks (a deadlock).
    """
    owned = select(Membership.org_id).where(Membership.user_id == user.id,
                                            Membership.role == OrgRole.OWNER)
    session.execute(
        select(Membership.id).where(Membership.org_id.in_(owned),
                                    Membership.role == OrgRole.OWNER)
        .order_by(Membership.id).with_for_update()
    )
    if user.platform_role is PlatformRole.ADMIN:
        session.execute(
            # FOR NO KEY UPDATE: two erasures still queue, but inserts that only reference
            # another admin (their sessions, notifications) are not held up.
            select(User.id).where(User.platform_role == PlatformRole.ADMIN, User.is_active)
            .order_by(User.id).with_for_update(key_share=True)
        )


def erasure_blockers(*, session: Session, user: User, lock: bool = False) -> list[str]:
    """Return why the account cannot be erased yet (empty when it can).

    With `lock`, the rows counted stay locked until the transaction ends, so that the
    answer still holds when the erasure is written.
    """
    if lock:
        _lock_last_holders(session, user)
    owners = (select(Membership.org_id, func.count().label("n"))
              .where(Membership.role == OrgRole.OWNER).group_by(Membership.org_id).subquery())
    sole = session.scalars(
        select(Organisation.name)
        .join(Membership, Membership.org_id == Organisation.id)
        .join(owners, owners.c.org_id == Organisation.id)
        .where(Membership.user_id == user.id, Membership.role == OrgRole.OWNER,
               owners.c.n == 1)
        .order_by(Organisation.name)
    ).all()
    problems = []
    if sole:
        problems.append(
            f"You are the last owner of {', '.join(sole)}: make another member owner, or "
            "delete the organisation, first."
        )
    if user.platform_role is PlatformRole.ADMIN and user.is_active:
        admins = session.scalar(
            select(func.count()).select_from(User)
            .where(User.platform_role == PlatformRole.ADMIN, User.is_active)
        ) or 0
        if admins <= 1:
            problems.append("You are the platform's last administrator: make someone else "
                            "an administrator first.")
    return problems


def erase_account(
    *, session: Session, user: User, confirm_email: str, actor: Actor
) -> None:
    """Erase the signed-in user's own account, once they typed its e-mail address.

    The password is checked by the caller, which counts failures towards lockout.
    """
    if account_service.normalise_email(confirm_email) != user.email:
        raise Invalid.field("email", "type the e-mail address of this account")
    problems = erasure_blockers(session=session, user=user, lock=True)
    if problems:
        raise Conflict(" ".join(problems))
    anonymise(session=session, user=user, reason="request", actor=actor)


def anonymise(*, session: Session, user: User, reason: str, actor: Actor) -> None:
    """Remove a user's personal data and access; the anonymised row and its id stay."""
    uid = user.id
    for membership in account_service.memberships_of(session=session, user_id=uid):
        audit.record(
            session=session, actor=actor, action="membership.delete", object_type="membership",
            object_id=membership.id, summary="account erased",
            before={"user_id": uid, "org_id": membership.org_id, "role": membership.role},
        )
        session.delete(membership)
    for model in (WebSession, ApiToken, OneTimeToken, RecoveryCode, SecondFactor,
                  NotificationPreference, Notification):
        session.execute(delete(model).where(model.user_id == uid))
    user.email = f"erased-{uid}@{ERASED_DOMAIN}"
    user.full_name = ERASED_NAME
    user.password_hash = None
    user.is_active = False
    # Nothing of the role survives either: a mistaken reactivation would grant nothing.
    user.platform_role = PlatformRole.MEMBER
    user.last_login_at = None
    user.is_mentor = False
    user.expertise = ""
    user.eligibility = None
    user.eligibility_declared_at = None
    session.add(Erasure(user_id=uid, erased_at=utcnow(), reason=reason))
    session.flush()
    # No personal values in the event: the point is that they are gone.
    audit.record(
        session=session, actor=actor, action="privacy.erase", object_type="user",
        object_id=uid, summary=f"personal data erased ({reason})",
        after={"is_active": False, "reason": reason},
    )
