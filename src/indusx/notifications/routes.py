"""REST API for the caller's in-app notifications."""

from typing import Annotated, Any

from fastapi import APIRouter, Query

from indusx.deps import SessionDep, SignedIn
from indusx.notifications import service as outbox

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"])


@router.get("")
def list_notifications(
    principal: SignedIn, session: SessionDep,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    """Return the caller's notifications, newest first."""
    rows, total = outbox.list_for_user(
        session=session, user_id=principal.user.id, page=page, page_size=page_size
    )
    return {
        "items": [
            {"id": n.id, "kind": n.kind, "subject": n.subject, "body": n.body, "link": n.link,
             "created_at": n.created_at.isoformat(), "read": n.read_at is not None}
            for n in rows
        ],
        "total": total, "page": page, "page_size": page_size,
        "unread": outbox.unread_count(session=session, user_id=principal.user.id),
    }


@router.post("/read")
def mark_read(
    principal: SignedIn, session: SessionDep, notification_id: int | None = None
) -> dict[str, int]:
    """Mark one notification (or all) as read."""
    return {"marked": outbox.mark_read(session=session, user_id=principal.user.id,
                                      actor=principal.actor, notification_id=notification_id)}
