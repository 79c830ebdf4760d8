"""REST API for the caller's in-app notifications and notification settings."""

from typing import Annotated, Any

from fastapi import APIRouter, Query

from indusx.deps import SessionDep, SignedIn
from indusx.notifications import preferences
from indusx.notifications import service as outbox
from indusx.notifications.schemas import PreferenceRead, PreferencesUpdate

router = APIRouter(tags=["notifications"])


@router.get("/api/v1/notifications")
def list_notifications(
    principal: SignedIn,
    session: SessionDep,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    """Return the caller's notifications, newest first."""
    rows, total = outbox.list_for_user(
        session=session, user_id=principal.user.id, page=page, page_size=page_size
    )
    return {
        "items": [
            {
                "id": n.id,
                "kind": n.kind,
                "subject": n.subject,
                "body": n.body,
                "link": n.link,
                "created_at": n.created_at.isoformat(),
                "read": n.read_at is not None,
            }
            for n in rows
        ],
        "total": total,
        "page": page,
        "page_size": page_size,
        "unread": outbox.unread_count(session=session, user_id=principal.user.id),
    }


@router.post("/api/v1/notifications/read")
def mark_read(
    principal: SignedIn, session: SessionDep, notification_id: int | None = None
) -> dict[str, int]:
    """Mark one notification (or all) as read."""
    return {
        "marked": outbox.mark_read(
            session=session,
            user_id=principal.user.id,
            actor=principal.actor,
            notification_id=notification_id,
        )
    }


def _read(prefs: dict[str, preferences.Channels]) -> list[PreferenceRead]:
    return [
        PreferenceRead(
            topic=t.key,
            label=t.label,
            description=t.description,
            in_app=prefs[t.key].in_app,
            email=prefs[t.key].email,
        )
        for t in preferences.TOPICS
    ]


@router.get("/api/v1/notification-preferences")
def get_preferences(principal: SignedIn, session: SessionDep) -> list[PreferenceRead]:
    """Return the caller's settings per topic (security messages cannot be turned off)."""
    return _read(preferences.preferences_for(session=session, user_id=principal.user.id))


@router.put("/api/v1/notification-preferences")
def put_preferences(
    body: PreferencesUpdate, principal: SignedIn, session: SessionDep
) -> list[PreferenceRead]:
    """Change the caller's settings for the topics given; return all of them."""
    changes = {
        p.topic: preferences.Channels(in_app=p.in_app, email=p.email) for p in body.preferences
    }
    return _read(
        preferences.update_preferences(
            session=session, user=principal.user, changes=changes, actor=principal.actor
        )
    )
