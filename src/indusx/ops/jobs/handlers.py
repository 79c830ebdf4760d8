"""What each kind of job does. Every handler is idempotent: a job may run twice (a worker
that dies after the work but before marking it done), so each re-reads what is due."""

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from indusx.audit.service import Actor
from indusx.config import Settings

Handler = Callable[[Session, Settings, dict[str, Any]], None]
WORKER_ACTOR = Actor.system("worker")
# A matching refresh stops after this long and leaves the rest to the next run, so that a job
# never outlives its lease.
REFRESH_BUDGET_SECONDS = 60.0


def deliver_outbox(session: Session, settings: Settings, payload: dict[str, Any]) -> None:
    """Send the notifications that are due and drop expired sign-in sessions."""
    from indusx.accounts import service as account_service
    from indusx.notifications import service as outbox

    outbox.deliver_due(session=session, settings=settings)
    account_service.purge_expired(session=session)


def challenge_reminders(session: Session, settings: Settings, payload: dict[str, Any]) -> None:
    """Queue the challenge deadline and review reminders that are due (each once)."""
    from indusx.challenges import reminders

    reminders.send_reminders(session=session)


def roadmap_reminders(session: Session, settings: Settings, payload: dict[str, Any]) -> None:
    """Queue notices for newly overdue roadmap milestones."""
    from indusx.roadmap import reminders

    reminders.send_reminders(session=session)


def supply_reminders(session: Session, settings: Settings, payload: dict[str, Any]) -> None:
    """Queue reminders for overdue Security of Supply requests."""
    from indusx.supply.sos import reminders

    reminders.send_reminders(session=session, response_days=settings.supply_response_days)


def refresh_matching(session: Session, settings: Settings, payload: dict[str, Any]) -> None:
    """Embed new and edited profiles, committing a batch at a time."""
    from indusx.matching import vectors

    deadline = time.monotonic() + REFRESH_BUDGET_SECONDS
    while time.monotonic() < deadline:
        stale = vectors.stale_org_ids(session, limit=64)
        if not stale:
            return
        vectors.sync(session, stale)
        # Each batch stands on its own (stale rows are found again), so keep it even if a
        # later batch fails.
        session.commit()


def rescreen(session: Session, settings: Settings, payload: dict[str, Any]) -> None:
    """Screen parties against the restricted-party lists: every party, or the unscreened."""
    from indusx.screening import index as name_index
    from indusx.screening import service as screening_service

    if not name_index.has_lists(session):
        return
    if payload.get("scope") == "all":
        screening_service.rescreen_all(session=session, actor=WORKER_ACTOR)
    else:
        screening_service.screen_unscreened(session=session, actor=WORKER_ACTOR)


def privacy_purge(session: Session, settings: Settings, payload: dict[str, Any]) -> None:
    """Apply the retention periods (docs/privacy.md)."""
    from indusx.privacy import retention

    retention.purge(session=session, settings=settings)


HANDLERS: dict[str, Handler] = {
    "outbox.deliver": deliver_outbox,
    "challenges.remind": challenge_reminders,
    "roadmap.remind": roadmap_reminders,
    "supply.remind": supply_reminders,
    "matching.refresh": refresh_matching,
    "screening.rescreen": rescreen,
    "privacy.purge": privacy_purge,
}
