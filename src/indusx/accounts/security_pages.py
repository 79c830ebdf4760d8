"""Web pages for sign-in security: the second sign-in step, 2FA set-up, password change,
"Confirm it's you" (step-up) and an administrator's reset of someone's lost second factor.

Also the responses for a rate limit (429 with Retry-After), for a role that must set up
two-factor authentication first (browsers go to the set-up page; the API gets 403), and for
an action that needs the password again (browsers go to the confirm page; the API gets 403
with the code `step_up_required`).
"""

from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from indusx import templating
from indusx.accounts import service as account_service
from indusx.accounts import step_up, throttle, totp
from indusx.accounts.pages import safe_next, set_session_cookie, throttled
from indusx.accounts.permissions import Principal
from indusx.deps import (
    SESSION_COOKIE,
    Admin,
    Anyone,
    SessionDep,
    SettingsDep,
    SignedIn,
    StepUp,
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
    # More privilege, new session id (but no new proof of the password: see step_up.py).
    raw = account_service.start_web_session(
        session=session, user=principal.user, settings=settings,
        replaces=request.cookies.get(SESSION_COOKIE), keep_proof=True,
    )
    response = _two_factor_page(request, session, settings, principal, recovery_codes=codes)
    response.headers["Cache-Control"] = "no-store"
    set_session_cookie(response, raw, settings)
    return response


@router.post("/account/2fa/recovery-codes")
def regenerate_recovery_codes(
    request: Request, principal: SignedIn, _step_up: StepUp, session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """Replace the recovery codes with new ones, shown this once."""
    codes = totp.regenerate_recovery_codes(session=session, user=principal.user,
                                           actor=principal.actor)
    response = _two_factor_page(request, session, settings, principal, recovery_codes=codes)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/account/2fa/disable")
def disable_two_factor(
    request: Request, principal: SignedIn, _step_up: StepUp, session: SessionDep,
    settings: SettingsDep, code: Annotated[str, Form(max_length=40)] = "",
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


# --- step-up: "Confirm it's you" -------------------------------------------------------

CONFIRM_PAGE = "accounts/confirm_identity.html"


def _confirm_context(
    session: SessionDep, settings: SettingsDep, principal: Principal, next: str, back: str,
) -> dict[str, Any]:
    return {
        "next": safe_next(next, "/"), "errors": {}, "minutes": settings.step_up_minutes,
        "with_code": totp.is_enrolled(session=session, user_id=principal.user.id),
        # Cancel goes back to the page the person came from, not to the home page.
        "back": templating.safe_back(back, "/"),
    }


@router.get(step_up.CONFIRM_PATH)
def confirm_identity_form(
    request: Request, principal: SignedIn, session: SessionDep, settings: SettingsDep,
    next: Annotated[str, Query(max_length=500)] = "/",
    back: Annotated[str, Query(max_length=500)] = "",
) -> HTMLResponse:
    """Ask for the password (and second-factor code) again before a sensitive action."""
    return templating.render(request, CONFIRM_PAGE,
                             _confirm_context(session, settings, principal, next, back))


@router.post(step_up.CONFIRM_PATH)
def confirm_identity(
    request: Request, principal: SignedIn, session: SessionDep, settings: SettingsDep,
    password: Annotated[str, Form(max_length=256)] = "",
    code: Annotated[str, Form(max_length=40)] = "", next: Annotated[str, Form()] = "/",
    back: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Check the password (and code); then go on to the page that asked for it."""
    context = _confirm_context(session, settings, principal, next, back)
    result = step_up.confirm(session=session, raw=request.cookies.get(SESSION_COOKIE) or "",
                             user=principal.user, settings=settings, password=password,
                             code=code, actor=principal.actor)
    if result.wait:
        return throttled(request, CONFIRM_PAGE, context, result.wait)
    if not result.proven:
        context["errors"] = {"password": "That password"
                             + (" or code" if context["with_code"] else "") + " is not right."}
        return templating.render(request, CONFIRM_PAGE, context, status_code=400)
    return templating.redirect(context["next"], request=request)


def _referring_page(request: Request) -> str | None:
    """Return the page of this site the request came from (its Referer), if it says."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc == request.url.netloc and referer.path:
        return templating.local_path(referer.path + (f"?{referer.query}" if referer.query
                                                     else ""))
    return None


def _return_to(request: Request) -> str:
    """Return where to go after confirming: this page, or for a form post the form's page."""
    if request.method in ("GET", "HEAD"):
        query = f"?{request.url.query}" if request.url.query else ""
        return request.url.path + query
    # A post is not replayed (its body is gone and it may be stale): back to the page the
    # form was on, when that was one of ours.
    return _referring_page(request) or "/"


# --- an administrator resets someone's lost second factor --------------------------------

USERS_PATH = "/admin/users"


@router.get("/admin/users/{user_id}/2fa-reset")
def reset_two_factor_confirm(
    request: Request, user_id: int, principal: Admin, _step_up: StepUp, session: SessionDep,
    next: Annotated[str, Query(max_length=500)] = USERS_PATH,
) -> HTMLResponse:
    """Ask for confirmation before removing a user's second factor (admins).

    `next` is the user list as the admin left it (its search and page): Cancel, and the
    reset, go back there.
    """
    user = account_service.get_user(session=session, user_id=user_id)
    back = templating.safe_back(next, USERS_PATH)
    return templating.render(
        request, "confirm.html",
        {
            "heading": f"Reset two-factor authentication of {user.email}?",
            "body": "Their authenticator and recovery codes are removed and they are signed "
                    "out everywhere. Do this only after checking who is asking (a call to a "
                    "number on record, not one they give now). They are told by e-mail; if "
                    "their role must use a second factor they set it up again at next sign-in.",
            "action": f"/admin/users/{user.id}/2fa-reset", "icon": "shield-exclamation",
            "confirm_label": "Reset two-factor", "confirm_icon": "arrow-counterclockwise",
            "cancel_url": back, "next": back,
        },
    )


@router.post("/admin/users/{user_id}/2fa-reset")
def reset_two_factor(
    request: Request, user_id: int, principal: Admin, _step_up: StepUp, session: SessionDep,
    next: Annotated[str, Form(max_length=500)] = USERS_PATH,
) -> Response:
    """Remove a user's second factor and sign them out (admins; not their own)."""
    user = account_service.get_user(session=session, user_id=user_id)
    account_service.reset_second_factor(session=session, user=user, actor=principal.actor)
    return templating.redirect(
        templating.safe_back(next, USERS_PATH),
        flash=f"Two-factor authentication of {user.email} is reset.", request=request,
    )


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


async def step_up_required(request: Request, exc: Exception) -> Response:
    """Send a browser to "Confirm it's you"; answer the API (and any token) with 403 and a code.

    The code is `step_up_required`, or `personal_token_not_allowed` for a personal token.
    """
    assert isinstance(exc, step_up.StepUpRequired | step_up.PersonalTokenRefused)
    if wants_json(request) or not isinstance(exc, step_up.StepUpRequired) or exc.bearer:
        return problem(403, exc.message, code=exc.code, confirm_url=exc.confirm_url)
    params = {"next": _return_to(request)}
    came_from = _referring_page(request)
    if came_from:
        params["back"] = came_from  # where the confirm page's Cancel goes
    return templating.redirect(f"{step_up.CONFIRM_PATH}?{urlencode(params)}", request=request)


async def second_factor_required(request: Request, exc: Exception) -> Response:
    """Send a browser to the set-up page; answer the API with 403 and what to do."""
    assert isinstance(exc, totp.SecondFactorRequired)
    if wants_json(request):
        return problem(403, exc.message)
    return RedirectResponse(SET_UP, status_code=303)
