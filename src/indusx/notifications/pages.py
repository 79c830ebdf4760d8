"""Web pages for the user's in-app notifications and notification settings."""

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from indusx import templating
from indusx.deps import SessionDep, SignedIn
from indusx.notifications import preferences
from indusx.notifications import service as outbox

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 20


@router.get("/notifications")
def notifications(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """List the user's notifications, newest first, unread ones highlighted."""
    rows, total = outbox.list_for_user(
        session=session, user_id=principal.user.id, page=page, page_size=PAGE_SIZE
    )
    first = (page - 1) * PAGE_SIZE + 1
    return templating.render(
        request,
        "notifications/list.html",
        {
            "notifications": rows,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "first": first,
            "last": min(first + len(rows) - 1, total),
        },
    )


@router.post("/notifications/read")
def mark_all_read(request: Request, principal: SignedIn, session: SessionDep) -> Response:
    """Mark every notification of the user as read."""
    count = outbox.mark_read(session=session, user_id=principal.user.id, actor=principal.actor)
    flash = f"Marked {count} notification{'' if count == 1 else 's'} as read."
    return templating.redirect("/notifications", flash=flash if count else None, request=request)


@router.post("/notifications/{notification_id}/read")
def mark_one_read(
    request: Request, notification_id: int, principal: SignedIn, session: SessionDep
) -> Response:
    """Mark one notification as read."""
    outbox.mark_read(
        session=session,
        user_id=principal.user.id,
        actor=principal.actor,
        notification_id=notification_id,
    )
    return templating.redirect("/notifications", request=request)


@router.get("/account/notifications")
def notification_settings(
    request: Request, principal: SignedIn, session: SessionDep
) -> HTMLResponse:
    """Show which topics reach the user in the app and by e-mail."""
    return templating.render(
        request,
        "notifications/settings.html",
        {
            "topics": preferences.TOPICS,
            "prefs": preferences.preferences_for(session=session, user_id=principal.user.id),
        },
    )


@router.post("/account/notifications")
def save_notification_settings(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    in_app: Annotated[list[str], Form()] = [],  # noqa: B006  (FastAPI copies defaults)
    email: Annotated[list[str], Form()] = [],  # noqa: B006
) -> Response:
    """Save the settings; a ticked box sends its topic, so every topic left out is off."""
    changes = {
        key: preferences.Channels(in_app=key in in_app, email=key in email)
        for key in preferences.TOPIC_KEYS
    }
    preferences.update_preferences(
        session=session, user=principal.user, changes=changes, actor=principal.actor
    )
    return templating.redirect(
        "/account/notifications", flash="Notification settings saved.", request=request
    )
