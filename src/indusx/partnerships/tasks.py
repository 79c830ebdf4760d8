"""Tasks on a partnership: a title, an assignee who may see it, a due date, done or not."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.accounts.permissions import Principal
from indusx.audit import service as audit
from indusx.db import utcnow
from indusx.errors import Forbidden, Invalid, NotFound
from indusx.notifications import service as notifications
from indusx.partnerships import access
from indusx.partnerships.models import PartnershipTask
from indusx.partnerships.service import link


@dataclass(frozen=True, slots=True)
class TaskView:
    id: int
    title: str
    assignee_id: int | None
    assignee: str | None
    due_on: date | None
    done: bool
    overdue: bool
    created_at: datetime
    done_at: datetime | None


def is_overdue(task: PartnershipTask, today: date) -> bool:
    """Return whether an open task is past its due date."""
    return task.done_at is None and task.due_on is not None and task.due_on < today


def create(*, session: Session, principal: Principal, partnership_id: int, title: str,
           assignee_email: str | None = None, due_on: date | None = None) -> PartnershipTask:
    """Add a task; the assignee must be able to see the partnership and is notified."""
    partnership = access.editable(session, principal, partnership_id)
    title = title.strip()
    if not title:
        raise Invalid.field("title", "Name the task")
    assignee = None
    if assignee_email and assignee_email.strip():
        assignee = session.scalar(select(User).where(
            func.lower(User.email) == assignee_email.strip().lower()))
        if assignee is None:
            raise Invalid.field("assignee_email", f"No user {assignee_email}")
        if not access.user_can_view(session, assignee, partnership):
            raise Invalid.field("assignee_email", f"{assignee.email} cannot see this "
                                "partnership; assign a member of a party or an officer")
    task = PartnershipTask(partnership_id=partnership.id, title=title,
                           assignee_id=assignee.id if assignee else None, due_on=due_on,
                           created_by_id=principal.user.id)
    session.add(task)
    session.flush()
    audit.record(session=session, actor=principal.actor, action="partnership.task.create",
                 object_type="partnership_task", object_id=task.id,
                 summary=f"added task '{title}' to '{partnership.title}'",
                 after={"partnership_id": partnership.id, "title": title,
                        "assignee": assignee.email if assignee else None, "due_on": due_on})
    if assignee is not None and assignee.id != principal.user.id:
        due = f", due {due_on.isoformat()}" if due_on else ""
        notifications.enqueue(
            session=session, to_email=assignee.email, kind="partnership_task",
            subject=f"Task for you on {partnership.title}: {title}",
            body=f"{principal.user.email} assigned you the task '{title}'{due}.",
            user_id=assignee.id, link=link(partnership.id))
    return task


def set_done(*, session: Session, principal: Principal, partnership_id: int, task_id: int,
             done: bool) -> PartnershipTask:
    """Mark a task done or not done (editors of the partnership and the assignee)."""
    partnership = access.viewable(session, principal, partnership_id)
    task = session.get(PartnershipTask, task_id)
    if task is None or task.partnership_id != partnership.id:
        raise NotFound("No such task")
    if task.assignee_id != principal.user.id and not access.can_edit(session, principal,
                                                                     partnership):
        raise Forbidden("Only the assignee and the partnership's editors may do this")
    before = task.done_at is not None
    task.done_at, task.done_by_id = (utcnow(), principal.user.id) if done else (None, None)
    session.flush()
    audit.record(session=session, actor=principal.actor,
                 action="partnership.task.done" if done else "partnership.task.undone",
                 object_type="partnership_task", object_id=task.id,
                 summary=f"marked '{task.title}' {'done' if done else 'not done'}",
                 before={"done": before}, after={"done": done})
    return task


def list_for(*, session: Session, partnership_id: int,
             today: date | None = None) -> list[TaskView]:
    """Return the partnership's tasks: open ones first by due date, then done ones."""
    today = today or utcnow().date()
    rows = list(session.scalars(select(PartnershipTask)
                                .where(PartnershipTask.partnership_id == partnership_id)))
    emails = dict(session.execute(select(User.id, User.email).where(
        User.id.in_([r.assignee_id for r in rows if r.assignee_id] or [-1]))).all())
    rows.sort(key=lambda t: (t.done_at is not None, t.due_on or date.max, t.id))
    return [TaskView(t.id, t.title, t.assignee_id, emails.get(t.assignee_id or 0), t.due_on,
                     t.done_at is not None, is_overdue(t, today), t.created_at, t.done_at)
            for t in rows]
