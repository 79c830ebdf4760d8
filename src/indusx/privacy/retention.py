"""Retention: delete or anonymise what has been kept for as long as its purpose needs.

The periods are settings (INDUSX_RETENTION_*; docs/privacy.md). Audit events are kept: the
log is append-only by design, and outlives the accounts it names.
"""

import dataclasses
import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, delete, func, or_, select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.audit.models import AuditEvent
from indusx.audit.service import Actor
from indusx.config import Settings
from indusx.db import utcnow
from indusx.notifications.models import DeliveryStatus, Notification
from indusx.ops.jobs import queue
from indusx.partnerships.dataroom_models import AccessLog
from indusx.privacy import service as privacy_service
from indusx.privacy.models import Erasure

log = logging.getLogger(__name__)
RETENTION_ACTOR = Actor.system("retention")
# How often the background work applies the periods (a day's lateness is immaterial).
PURGE_EVERY = timedelta(hours=1)
DELIVERED = (DeliveryStatus.SENT, DeliveryStatus.LOGGED, DeliveryStatus.SKIPPED)
# What restarts a deactivated account's retention clock: the account being used or changed
# by a person. Not what others' requests leave behind (access.denied naming /users/{id}).
ACTIVITY_ACTIONS = ("auth.sign_in", "user.create", "user.signup", "user.invite",
                    "user.invitation_accepted", "user.update", "user.role_change")


@dataclass(frozen=True, slots=True)
class PurgeCounts:
    """How many rows a purge removed (or, in a dry run, would remove)."""

    notifications: int = 0
    data_room_access: int = 0
    finished_jobs: int = 0
    users_anonymised: int = 0
    # Deactivated past the period but kept: the last owner of an organisation, or admin.
    users_kept: int = 0

    def as_dict(self) -> dict[str, int]:
        """Return the counts by name."""
        return asdict(self)


def _count(session: Session, query: Select[Any]) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _due_users(session: Session, cutoff: datetime) -> list[User]:
    """Return deactivated, not yet erased users with no activity or change since `cutoff`.

    Activity is the latest of creation, last sign-in and the last audited sign-in or change
    to the account (ACTIVITY_ACTIONS; a deactivation is a user.update), so the period runs
    from the deactivation at the latest.
    """
    candidates = session.scalars(
        select(User)
        .outerjoin(Erasure, Erasure.user_id == User.id)
        .where(User.is_active.is_(False), Erasure.user_id.is_(None), User.created_at < cutoff,
               or_(User.last_login_at.is_(None), User.last_login_at < cutoff))
        .order_by(User.id)
    ).all()
    if not candidates:
        return []
    rows = session.execute(
        select(AuditEvent.object_id, func.max(AuditEvent.at))
        .where(AuditEvent.object_type == "user", AuditEvent.action.in_(ACTIVITY_ACTIONS),
               AuditEvent.object_id.in_([str(u.id) for u in candidates]))
        .group_by(AuditEvent.object_id)
    )
    changed = {object_id: at for object_id, at in rows}
    return [u for u in candidates if (at := changed.get(str(u.id))) is None or at < cutoff]


def purge(
    *, session: Session, settings: Settings, now: datetime | None = None, dry_run: bool = False
) -> PurgeCounts:
    """Apply the retention periods; with dry_run, only count what would go."""
    now = now or utcnow()
    read_cutoff = now - timedelta(days=settings.retention_read_notification_days)
    old_notifications = or_(
        Notification.read_at < read_cutoff,
        # Mailbox-only messages (reset and invitation links) are never read in the app.
        and_(Notification.in_app.is_(False), Notification.delivery_status.in_(DELIVERED),
             Notification.created_at < read_cutoff),
    )
    old_access = AccessLog.at < now - timedelta(days=settings.retention_data_room_access_days)
    due = _due_users(session, now - timedelta(days=settings.retention_deactivated_user_days))
    erasable = [u for u in due if not privacy_service.erasure_blockers(session=session, user=u)]
    counts = PurgeCounts(
        notifications=_count(session, select(Notification.id).where(old_notifications)),
        data_room_access=_count(session, select(AccessLog.id).where(old_access)),
        finished_jobs=queue.purge_finished(session=session, settings=settings, now=now,
                                           dry_run=True),
        users_anonymised=len(erasable),
        users_kept=len(due) - len(erasable),
    )
    if dry_run:
        return counts
    session.execute(delete(Notification).where(old_notifications))
    session.execute(delete(AccessLog).where(old_access))
    queue.purge_finished(session=session, settings=settings, now=now)
    gone = 0
    for user in sorted(erasable, key=lambda u: u.id):
        # Counted again with the rows locked, in id order: an owner erasing their own account
        # meanwhile must not leave an organisation without an owner (nor deadlock with us).
        if privacy_service.erasure_blockers(session=session, user=user, lock=True):
            continue
        privacy_service.anonymise(session=session, user=user, reason="retention",
                                  actor=RETENTION_ACTOR)
        gone += 1
    counts = dataclasses.replace(counts, users_anonymised=gone,
                                 users_kept=counts.users_kept + len(erasable) - gone)
    if any(counts.as_dict().values()):
        log.info("retention purge: %s", counts.as_dict())
    return counts
