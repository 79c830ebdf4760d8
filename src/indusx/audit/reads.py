"""Reads of sensitive data as audit events (`data.read`), at most one per caller, object and
window, so that browsing does not flood the log (ASVS 8.3.5).

What counts as sensitive, and whose reads are audited, is the callers' to say (a proposal read
by someone outside its organisations, a screening case, an organisation's private details
read by an officer who is not a member, a chart's numbers). The event names the object and
how it was read, never what it holds.

The event is written in the request's transaction, like the data room's access log: a read
that fails later rolls its event back. The window is checked against the audit log itself, so
it holds across server processes; two simultaneous first reads by the same caller, in two
processes, may both be written (a duplicate, never a gap).
"""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.audit import service as audit
from indusx.audit.models import AuditEvent
from indusx.audit.service import Actor
from indusx.db import utcnow

ACTION = "data.read"
WINDOW = timedelta(minutes=15)


def record_read(
    *, session: Session, actor: Actor, object_type: str, object_id: str | int, how: str,
    summary: str = "",
) -> bool:
    """Audit one read unless this caller's read of this object was audited within WINDOW.

    `how` says what was read ("view", "download", "csv"); a view and a download of one
    object share the window. Return whether an event was written.
    """
    object_id = str(object_id)
    same_caller = (AuditEvent.actor_id == actor.user_id if actor.user_id is not None
                   else AuditEvent.actor_email == actor.email)
    recent = session.scalar(
        select(AuditEvent.id).where(
            # The (object_type, object_id) index finds the few events of one object.
            AuditEvent.object_type == object_type,
            AuditEvent.object_id == object_id,
            AuditEvent.action == ACTION,
            same_caller,
            AuditEvent.at >= utcnow() - WINDOW,
        ).limit(1)
    )
    if recent is not None:
        return False
    audit.record(session=session, actor=actor, action=ACTION, object_type=object_type,
                 object_id=object_id, summary=summary or f"{how} of {object_type} {object_id}",
                 after={"read": how})
    return True
