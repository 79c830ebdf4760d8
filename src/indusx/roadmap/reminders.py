"""Overdue reminders: a milestone's owner is told once per overdue episode.

An episode starts when a milestone's due date passes while it is neither done nor cancelled,
and ends when it stops being overdue (done, cancelled, or given a later due date) or gets a
new owner; the service then clears `overdue_notified_on`. Each round (the outbox worker's, or
`indusx roadmap remind`) claims a milestone by setting that date in a conditional UPDATE
before queueing the message, so two rounds running at once cannot both send it.
"""

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.notifications import service as outbox
from indusx.roadmap.models import Initiative, Milestone
from indusx.roadmap.progress import CLOSED_MILESTONES, days_overdue
from indusx.roadmap.service import today as utc_today

OVERDUE_KIND = "roadmap_milestone_overdue"


def due_reminders(*, session: Session, on: date) -> list[tuple[Milestone, Initiative, User]]:
    """Return the overdue milestones whose (active) owner has not been told in this episode."""
    rows = session.execute(
        select(Milestone, Initiative, User)
        .join(Initiative, Initiative.id == Milestone.initiative_id)
        .join(User, User.id == Milestone.owner_id)
        .where(
            Milestone.due_on < on,
            Milestone.status.not_in(CLOSED_MILESTONES),
            Milestone.overdue_notified_on.is_(None),
            User.is_active.is_(True),
        )
        .order_by(Milestone.id)
    ).all()
    return [(m, i, u) for m, i, u in rows]


def send_reminders(*, session: Session, on: date | None = None) -> int:
    """Queue a notice to the owner of each newly overdue milestone; return how many."""
    on = on or utc_today()
    sent = 0
    for milestone, initiative, user in due_reminders(session=session, on=on):
        claimed = session.execute(
            update(Milestone)
            .where(Milestone.id == milestone.id, Milestone.overdue_notified_on.is_(None))
            .values(overdue_notified_on=on)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue
        days = days_overdue(milestone.due_on, on)
        outbox.enqueue(
            session=session,
            to_email=user.email,
            user_id=user.id,
            kind=OVERDUE_KIND,
            subject=f"Overdue: {milestone.title}",
            body=(
                f"Hello {user.full_name},\n\nThe milestone '{milestone.title}' of the roadmap "
                f"initiative '{initiative.title}' was due on {milestone.due_on.isoformat()} "
                f"({days} day{'' if days == 1 else 's'} ago) and is not done. Update its "
                "status, or agree a new due date with the programme officers."
            ),
            link=f"/roadmap/initiatives/{initiative.id}#milestone-{milestone.id}",
        )
        sent += 1
    return sent
