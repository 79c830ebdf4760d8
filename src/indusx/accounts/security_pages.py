"""Web pages for sign-in security: the second sign-in step, 2FA set-up, password change.

Also the responses for a rate limit (429 with Retry-After) and for a role that must set up
two-factor authentication first (browsers go to the set-up page; the API gets 403).
"""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from indusx import templating
from indusx.accounts import service as account_service
from indusx.accounts import throttle, totp
from indusx.accounts.pages import safe_next, set_session_cookie, throttled
from indusx.accounts.permissions import Principal
from indusx.deps import (
    SESSION_COOKIE,
    Anyone,
    SessionDep,
    SettingsDep,
    SignedIn,
    anonymous_actor,
)
from indusx.errors import DomainError, problem, wants_json
from indusx.forms import field_errors

router = APIRouter(include_in_schema=False)

SECOND_STEP = "accounts/second_factor.html"
SET_UP = "/account/2fa"


# --- the second step of signing in -----------------------------------------------------

@router.get("/login/2fa")
def second_factor_form(
    request: Request, _: Anyone, session: SessionDep,
    next: Annotated[str, Query(max_length=500)] = "/orgs",
) -> Response:
    """Ask for the code from the authenticator app (or a recovery code)."""
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw or account_service.user_awaiting_second_factor(session=session, raw=raw) is None:
        return templating.redirect("/login")
    return templating.render(request, SECOND_STEP, {"errors": {}, "next": safe_next(next)})


@router.post("/login/2fa")
def second_factor(
    request: Request, _: Anyone, session: SessionDep, settings: SettingsDep,
    code: Annotated[str, Form(max_length=40)] = "", next: Annotated[str, Form()] = "/orgs",
) -> Response:
    """Check the code; only then does the browser get a signed-in session (with a new id)."""
    context: dict[str, Any] = {"next": safe_next(next)}
    raw = request.cookies.get(SESSION_COOKIE)
    user = account_service.user_awaiting_second_factor(session=session, raw=raw) if raw else None
    if user is None:
        return templating.redirect("/login", flash="Sign in again: the sign-in took too long.",
                                   request=request)
    actor = anonymous_actor(request)
    wait = throttle.guard_sign_in(session=session, settings=settings, ip=actor.ip,
                                  email=user.email)
    if wait:
        return throttled(request, SECOND_STEP, context, wait)
    if not account_service.second_factor(session=session, user=user, settings=settings,
                                         code=code, actor=actor):
        wait = throttle.record_failure(session=session, settings=settings, email=user.email,
                                       actor=actor)
        if wait:
            return throttled(request, SECOND_STEP, context, wait)
        context["errors"] = {"code": "That code is not right. Type the current code from the "
                                     "app, or one of your recovery codes."}
        return templating.render(request, SECOND_STEP, context, status_code=400)
    new_raw = account_service.start_web_session(session=session, user=user, settings=settings,
                                                replaces=raw)
    response = templating.redirect(safe_next(next))
    set_session_cookie(response, new_raw, settings)
    return response


# --- setting up and turning off two-factor authentication ---------------------------------

def _two_factor_page(
    request: Request, session: SessionDep, settings: SettingsDep, principal: Principal, *,
    errors: dict[str, str] | None = None, status_code: int = 200,
    recovery_codes: list[str] | None = None,
) -> HTMLResponse:
    user = principal.user
    enrolled = totp.is_enrolled(session=session, user_id=user.id)
    context: dict[str, Any] = {
        "enrolled": enrolled,
        "required": totp.is_required(settings=settings, user=user),
        "errors": errors or {},
        "recovery_codes": recovery_codes,
    }
    if enrolled:
        context["codes_left"] = totp.recovery_codes_left(session=session, user_id=user.id)
    else:
        context["enrolment"] = totp.start_enrolment(
            session=session, user=user, settings=settings, actor=principal.actor
        )
    return templating.render(request, "accounts/two_factor.html", context,
                             status_code=status_code)


@router.get("/account/2fa")
def two_factor(
    request: Request, principal: SignedIn, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    """Show two-factor authentication: the QR code to set it up, or that it is on."""
    return _two_factor_page(request, session, settings, principal)


@router.post("/account/2fa/confirm")
def confirm_two_factor(
    request: Request, principal: SignedIn, session: SessionDep, settings: SettingsDep,
    code: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Turn two-factor authentication on with a code from the app; show recovery codes once."""
    try:
        codes = totp.confirm_enrolment(session=session, user=principal.user, settings=settings,
                                       code=code, actor=principal.actor)
    except DomainError as exc:
        return _two_factor_page(request, session, settings, principal,
                                errors=field_errors(exc), status_code=422)
    # More privilege, new session id.
    raw = account_service.start_web_session(
        session=session, user=principal.user, settings=settings,
        replaces=request.cookies.get(SESSION_COOKIE),
    )
    response = _two_factor_page(request, session, settings, principal, recovery_codes=codes)
    response.headers["Cache-Control"] = "no-store"
    set_session_cookie(response, raw, settings)
    return response


@router.post("/account/2fa/disable")
def disable_two_factor(
    request: Request, principal: SignedIn, session: SessionDep, settings: SettingsDep,
    code: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Turn two-factor authentication off, proven with a current code or a recovery code."""
    try:
        totp.disable(session=session, user=principal.user, settings=settings, code=code,
                     actor=principal.actor)
    except DomainError as exc:
        if exc.status != 422:
            raise
        return _two_factor_page(request, session, settings, principal,
                                errors=field_errors(exc), status_code=422)
    return templating.redirect(SET_UP, flash="Two-factor authentication is off.",
                               request=request)


# --- changing the password --------------------------------------------------------------

@router.get("/account/password")
def password_form(request: Request, principal: SignedIn) -> HTMLResponse:
    """Show the form for changing one's password."""
    return templating.render(request, "accounts/password.html", {"errors": {}})


@router.post("/account/password")
def change_password(
    request: Request, principal: SignedIn, session: SessionDep, settings: SettingsDep,
    current_password: Annotated[str, Form(max_length=256)] = "",
    new_password: Annotated[str, Form(max_length=256)] = "",
) -> Response:
    """Change the password; every other session ends and this one gets a new id."""
    try:
        account_service.change_password(
            session=session, user=principal.user, current=current_password, new=new_password,
            actor=principal.actor, min_length=settings.password_min_length,
        )
    except DomainError as exc:
        return templating.render(request, "accounts/password.html",
                                 {"errors": field_errors(exc)}, status_code=422)
    raw = account_service.start_web_session(session=session, user=principal.user,
                                            settings=settings)
    response = templating.redirect("/account/password", flash="Your password is changed.",
                                   request=request)
    set_session_cookie(response, raw, settings)
    return response


# --- responses for the error handlers --------------------------------------------------

async def too_many_attempts(request: Request, exc: Exception) -> Response:
    """Answer a rate limit: HTTP 429 with Retry-After, as problem+json or a page."""
    assert isinstance(exc, throttle.TooManyAttempts)
    headers = {"Retry-After": str(exc.retry_after)}
    if wants_json(request):
        response: Response = problem(429, exc.message, retry_after=exc.retry_after)
    else:
        response = templating.render(
            request, "error.html", {"status": 429, "title": "Too many attempts",
                                    "detail": exc.message}, status_code=429,
        )
    response.headers.update(headers)
    return response


async def second_factor_required(request: Request, exc: Exception) -> Response:
    """Send a browser to the set-up page; answer the API with 403 and what to do."""
    assert isinstance(exc, totp.SecondFactorRequired)
    if wants_json(request):
        return problem(403, exc.message)
    return RedirectResponse(SET_UP, status_code=303)
