"""Web pages for double opt-in introductions: the inbox, one introduction, the answers."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from indusx import templating
from indusx.accounts.models import User
from indusx.accounts.permissions import Principal
from indusx.deps import SessionDep, SignedIn
from indusx.errors import DomainError
from indusx.forms import field_errors
from indusx.matching import introductions as intro_service
from indusx.matching.models import Introduction, IntroductionStatus
from indusx.matching.pages import COMPONENT_LABELS, MODES

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 20
Tab = Literal["incoming", "outgoing", "all"]

# The matchmaking pages' words and icons for modes and score components, so both agree.
MODE_LABELS = {mode.value: info.label for mode, info in MODES.items()}
MODE_ICONS = {mode.value: info.icon for mode, info in MODES.items()}
STATUS_LABELS = {
    IntroductionStatus.PENDING.value: "Pending",
    IntroductionStatus.ACCEPTED.value: "Accepted",
    IntroductionStatus.DECLINED.value: "Declined",
    IntroductionStatus.WITHDRAWN.value: "Withdrawn",
}
CONTEXT = {
    "mode_labels": MODE_LABELS,
    "mode_icons": MODE_ICONS,
    "status_labels": STATUS_LABELS,
    "component_labels": COMPONENT_LABELS,
    "note_max": intro_service.NOTE_MAX,
}


def load_introduction(intro_id: int, principal: SignedIn, session: SessionDep) -> Introduction:
    """Return the introduction in the path if the caller may see it, else 404."""
    return intro_service.get(session=session, principal=principal, intro_id=intro_id)


IntroductionDep = Annotated[Introduction, Depends(load_introduction)]


# --- the list -----------------------------------------------------------------------------

@router.get("/introductions")
def introductions(
    request: Request, principal: SignedIn, session: SessionDep,
    tab: Tab | None = None,
    status: IntroductionStatus | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """List the introductions the user may see: incoming, outgoing, or all of them."""
    awaiting = intro_service.pending_count(session=session, principal=principal)
    chosen: Tab = tab or ("incoming" if awaiting else "all")
    rows, total = intro_service.list_for(
        session=session, principal=principal,
        direction=None if chosen == "all" else chosen, status=status,
        limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
    )
    first = (page - 1) * PAGE_SIZE + 1
    return templating.render(
        request, "matching/introductions.html",
        {
            **CONTEXT,
            "views": [intro_service.view(session=session, principal=principal, intro=r)
                      for r in rows],
            "tab": chosen,
            "status": status.value if status else "",
            "awaiting": awaiting,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "first": first,
            "last": min(first + len(rows) - 1, total),
        },
    )


# --- one introduction ---------------------------------------------------------------------

def _render_introduction(
    request: Request, session: Session, principal: Principal, intro: Introduction, *,
    note: str = "", errors: dict[str, str] | None = None, confirm_decline: bool = False,
    status_code: int = 200,
) -> HTMLResponse:
    view = intro_service.view(session=session, principal=principal, intro=intro)
    mentor = session.get(User, intro.to_user_id) if intro.to_user_id is not None else None
    context: dict[str, Any] = {
        **CONTEXT,
        "view": view,
        "intro": intro,
        "mentor_expertise": mentor.expertise if mentor is not None else "",
        "note": note,
        "errors": errors or {},
        "confirm_decline": confirm_decline and view.can_respond,
    }
    return templating.render(request, "matching/introduction.html", context,
                             status_code=status_code)


def _answer_failed(
    request: Request, session: Session, principal: Principal, intro_id: int,
    exc: DomainError, note: str = "",
) -> HTMLResponse:
    """Show the introduction again with what went wrong; a refusal gets the error page."""
    if exc.status in (401, 403, 404):
        raise exc
    session.rollback()
    intro = intro_service.get(session=session, principal=principal, intro_id=intro_id)
    return _render_introduction(request, session, principal, intro, note=note,
                                errors=field_errors(exc), status_code=exc.status)


@router.get("/introductions/{intro_id}")
def introduction(
    request: Request, principal: SignedIn, session: SessionDep, intro: IntroductionDep
) -> HTMLResponse:
    """Show one introduction; contact details only once it is accepted."""
    return _render_introduction(request, session, principal, intro)


@router.post("/introductions/{intro_id}/accept")
def accept(
    request: Request, intro_id: int, principal: SignedIn, session: SessionDep,
    note: Annotated[str, Form()] = "",
) -> Response:
    """Accept: both sides now see each other's contact details."""
    try:
        intro_service.respond(session=session, principal=principal, intro_id=intro_id,
                              accept=True, note=note)
    except DomainError as exc:
        return _answer_failed(request, session, principal, intro_id, exc, note)
    return templating.redirect(
        f"/introductions/{intro_id}",
        flash="Introduction accepted. You can now see each other's contact details.",
        request=request,
    )


@router.post("/introductions/{intro_id}/decline")
def decline(
    request: Request, intro_id: int, principal: SignedIn, session: SessionDep,
    note: Annotated[str, Form()] = "", confirm: Annotated[str, Form()] = "",
) -> Response:
    """Decline after confirmation: the first post asks, the confirmed one declines."""
    if confirm != "yes":
        intro = intro_service.get(session=session, principal=principal, intro_id=intro_id)
        view = intro_service.view(session=session, principal=principal, intro=intro)
        if view.can_respond and len(note.strip()) <= intro_service.NOTE_MAX:
            return _render_introduction(request, session, principal, intro, note=note,
                                        confirm_decline=True)
        # Otherwise the service says why not: already answered, not theirs, note too long.
    try:
        intro_service.respond(session=session, principal=principal, intro_id=intro_id,
                              accept=False, note=note)
    except DomainError as exc:
        return _answer_failed(request, session, principal, intro_id, exc, note)
    return templating.redirect(
        f"/introductions/{intro_id}",
        flash="Introduction declined. Nothing was shared.",
        request=request,
    )


@router.get("/introductions/{intro_id}/withdraw")
def withdraw_confirm(
    request: Request, principal: SignedIn, session: SessionDep, intro: IntroductionDep
) -> HTMLResponse:
    """Ask for confirmation before withdrawing a request."""
    view = intro_service.view(session=session, principal=principal, intro=intro)
    if intro.status is not IntroductionStatus.PENDING:
        return _render_introduction(
            request, session, principal, intro,
            errors={"__all__": f"This introduction is already {intro.status.value}"},
            status_code=409,
        )
    principal.require(view.can_withdraw,
                      "Only the sender's owners and editors can withdraw the request")
    return templating.render(
        request, "confirm.html",
        {
            "heading": f"Withdraw your request to {view.recipient.name}?",
            "body": f"{view.recipient.name} can no longer accept it, and nothing is shared. "
                    "You can ask again later.",
            "action": f"/introductions/{intro.id}/withdraw",
            "icon": "arrow-counterclockwise",
            "confirm_label": "Withdraw request",
            "confirm_icon": "x-lg",
            "cancel_url": f"/introductions/{intro.id}",
        },
    )


@router.post("/introductions/{intro_id}/withdraw")
def withdraw(
    request: Request, intro_id: int, principal: SignedIn, session: SessionDep
) -> Response:
    """Withdraw a pending request (the sender's owners and editors)."""
    try:
        intro_service.withdraw(session=session, principal=principal, intro_id=intro_id)
    except DomainError as exc:
        return _answer_failed(request, session, principal, intro_id, exc)
    return templating.redirect(f"/introductions/{intro_id}", flash="Request withdrawn.",
                               request=request)
