"""Web pages for privacy: the notice and its acceptance, "My data" (export and erasure)."""

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import object_session

from indusx import templating
from indusx.accounts import service as account_service
from indusx.accounts import step_up
from indusx.accounts.pages import safe_next, throttled
from indusx.deps import SESSION_COOKIE, MaybeSignedIn, SessionDep, SettingsDep, SignedIn
from indusx.errors import DomainError
from indusx.forms import field_errors
from indusx.privacy import service as privacy_service

router = APIRouter(include_in_schema=False)

MY_DATA = "privacy/my_data.html"


def notice_pending(request: Request) -> bool:
    """Return whether the signed-in browser user has yet to accept the current notice."""
    cached = getattr(request.state, "privacy_notice_pending", None)
    if cached is not None:
        return bool(cached)
    principal = getattr(request.state, "principal", None)
    if principal is None or principal.via != "web":
        return False
    # Error pages roll the session back and detach the user: no banner there.
    session = object_session(principal.user)
    if session is None or not session.is_active:
        return False
    pending = not privacy_service.has_accepted(session=session, user_id=principal.user.id)
    request.state.privacy_notice_pending = pending
    return pending


templating.templates.env.globals["privacy_notice_pending"] = notice_pending
templating.templates.env.globals["PRIVACY_NOTICE_VERSION"] = privacy_service.NOTICE_VERSION


@router.get("/privacy")
def notice(request: Request, principal: MaybeSignedIn, session: SessionDep) -> HTMLResponse:
    """Show the privacy notice; a signed-in user who has not accepted it may do so here."""
    accepted = principal is not None and privacy_service.has_accepted(
        session=session, user_id=principal.user.id)
    return templating.render(request, "privacy/notice.html", {
        "accepted": accepted, "notice_version": privacy_service.NOTICE_VERSION,
        "next": safe_next(request.query_params.get("next"), "/privacy"),
    })


@router.post("/privacy/accept")
def accept(
    request: Request, principal: SignedIn, session: SessionDep,
    next: Annotated[str, Form(max_length=500)] = "/privacy",
) -> Response:
    """Record the signed-in user's acceptance of the current notice."""
    privacy_service.record_consent(session=session, user=principal.user, actor=principal.actor)
    request.state.privacy_notice_pending = False
    return templating.redirect(safe_next(next, "/privacy"),
                               flash="Thank you: you accepted the privacy notice.",
                               request=request)


def _context(principal: SignedIn, session: SessionDep) -> dict[str, Any]:
    data = privacy_service.export_data(session=session, user=principal.user)
    return {
        "counts": {key: len(value) for key, value in data.items() if isinstance(value, list)},
        "consents": data["consents"],
        "blockers": privacy_service.erasure_blockers(session=session, user=principal.user),
    }


def _my_data_page(
    request: Request, principal: SignedIn, session: SessionDep, *,
    values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = _context(principal, session) | {"values": values or {}, "errors": errors or {}}
    return templating.render(request, MY_DATA, context, status_code=status_code)


@router.get("/account/data")
def my_data(request: Request, principal: SignedIn, session: SessionDep) -> HTMLResponse:
    """Show what the platform holds about the user, the export and "Delete my account"."""
    return _my_data_page(request, principal, session)


@router.get("/account/data/export.json")
def export(principal: SignedIn, session: SessionDep) -> Response:
    """Download everything the platform holds about the user as one JSON file."""
    data = privacy_service.export_data(session=session, user=principal.user)
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False), media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="indusx-my-data.json"',
                 "Cache-Control": "no-store"},
    )


@router.post("/account/data/delete")
def delete_account(
    request: Request, principal: SignedIn, session: SessionDep, settings: SettingsDep,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    """Erase the account once the user typed its e-mail address and password."""
    user = principal.user
    values = {"email": email}
    result = step_up.recheck_password(session=session, settings=settings, user=user,
                                      password=password, actor=principal.actor)
    if result.wait:
        return throttled(request, MY_DATA, _context(principal, session) | {"values": values},
                         result.wait)
    if not result.proven:
        errors = {"password": "That is not your password."}
        if account_service.normalise_email(email) != user.email:
            errors["email"] = "Type the e-mail address of this account."
        return _my_data_page(request, principal, session, values=values, errors=errors,
                             status_code=422)
    try:
        privacy_service.erase_account(session=session, user=user, confirm_email=email,
                                      actor=principal.actor)
    except DomainError as exc:
        return _my_data_page(request, principal, session, values=values,
                             errors=field_errors(exc), status_code=exc.status)
    response = templating.redirect(
        "/login", flash="Your account and personal data are erased. Goodbye.", request=request)
    response.delete_cookie(SESSION_COOKIE)
    return response

