"""Web pages for accounts: sign in and out, sign-up, resets, invitations, tokens, users."""

import re
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from indusx import pacing, templating
from indusx.accounts import passwords, throttle, totp
from indusx.accounts import service as account_service
from indusx.accounts.models import ApiToken, OneTimeKind, PlatformRole, User
from indusx.accounts.permissions import Principal
from indusx.accounts.schemas import (
    LoginIn,
    PasswordResetRequest,
    SignupIn,
    TokenCreate,
    UserCreate,
)
from indusx.audit.service import Actor
from indusx.config import Settings
from indusx.db import utcnow
from indusx.deps import (
    SESSION_COOKIE,
    Admin,
    Anyone,
    MaybeSignedIn,
    SessionDep,
    SettingsDep,
    SignedIn,
    StepUp,
    anonymous_actor,
    check_step_up,
    client_ip,
)
from indusx.errors import DomainError, Invalid, NotFound
from indusx.forms import field_errors

router = APIRouter(include_in_schema=False)

USERS_PAGE_SIZE = 25
PLATFORM_ROLE_LABELS = {
    PlatformRole.MEMBER.value: "Member",
    PlatformRole.OFFICER.value: "Programme officer",
    PlatformRole.ADMIN.value: "Administrator",
}
# Roles above member: granting one needs a recent password proof (step_up.py).

# Friendlier words for pydantic's error types; the rest keep pydantic's own message.
def safe_next(target: str | None, default: str = "/orgs") -> str:
    """Return a local path to go to after signing in; anything else becomes the default."""
    if (target and target.startswith("/") and not target.startswith("//")
            and "\\" not in target and target.isprintable() and " " not in target):
        # isprintable: no control characters or line separators. Browsers drop tabs and line
        # breaks from a URL, so "/\t/evil.example" would otherwise lead to another site.
        return target
    return default


def set_session_cookie(response: Response, raw: str, settings: Settings) -> None:
    """Give the browser its (new) session cookie."""
    response.set_cookie(
        SESSION_COOKIE, raw, httponly=True, samesite="lax", secure=settings.cookie_secure,
        max_age=settings.session_days * 24 * 60 * 60,
    )


def _signed_in_redirect(
    request: Request, session: SessionDep, settings: Settings, user: User, target: str,
    flash: str | None = None,
) -> Response:
    raw = account_service.start_web_session(
        session=session, user=user, settings=settings,
        replaces=request.cookies.get(SESSION_COOKIE),
    )
    response = templating.redirect(target, flash=flash, request=request)
    set_session_cookie(response, raw, settings)
    return response


def throttled(
    request: Request, template: str, context: dict[str, Any], retry_after: int
) -> HTMLResponse:
    """Show a form again with the rate limit's message, as HTTP 429 with Retry-After."""
    context["errors"] = {"__all__": throttle.TooManyAttempts(retry_after).message}
    response = templating.render(request, template, context, status_code=429)
    response.headers["Retry-After"] = str(retry_after)
    return response


def after_password(
    request: Request, session: SessionDep, settings: Settings, user: User, target: str
) -> Response:
    """Sign in, or ask for the second factor first when the user has one."""
    if not totp.is_enrolled(session=session, user_id=user.id):
        throttle.record_success(session=session, email=user.email)
        if totp.is_required(settings=settings, user=user):
            target = "/account/2fa"
        return _signed_in_redirect(request, session, settings, user, target)
    raw = account_service.start_web_session(
        session=session, user=user, settings=settings, pending_second_factor=True,
        replaces=request.cookies.get(SESSION_COOKIE),
    )
    response = templating.redirect(f"/login/2fa?{urlencode({'next': target})}")
    set_session_cookie(response, raw, settings)
    return response


# --- signing in and out -----------------------------------------------------------------

@router.get("/")
def home(principal: MaybeSignedIn) -> Response:
    """Send signed-in users to the directory and everyone else to the sign-in page."""
    return templating.redirect("/orgs" if principal is not None else "/login")


@router.get("/login")
def login_form(
    request: Request, _: Anyone, next: Annotated[str, Query(max_length=500)] = "/orgs"
) -> HTMLResponse:
    """Show the sign-in form."""
    return templating.render(
        request, "accounts/login.html", {"values": {"email": ""}, "errors": {},
                                         "next": safe_next(next)},
    )


@router.post("/login")
def login(
    request: Request, _: Anyone, session: SessionDep, settings: SettingsDep,
    email: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/orgs",
) -> Response:
    """Check the password, start a browser session and go where the user was heading."""
    context: dict[str, Any] = {"values": {"email": email}, "next": safe_next(next)}
    try:
        LoginIn(email=email, password=password)
    except ValidationError as exc:
        context["errors"] = field_errors(exc)
        return templating.render(request, "accounts/login.html", context, status_code=422)
    actor = anonymous_actor(request)
    # Returning normally (not raising) lets the session commit the counts and the audit.
    wait = throttle.guard_sign_in(session=session, settings=settings, ip=actor.ip, email=email)
    if wait:
        return throttled(request, "accounts/login.html", context, wait)
    user = account_service.authenticate(
        session=session, email=email, password=password, actor=actor
    )
    if user is None:
        wait = throttle.record_failure(session=session, settings=settings, email=email,
                                       actor=actor)
        if wait:
            return throttled(request, "accounts/login.html", context, wait)
        context["errors"] = {"__all__": "Wrong e-mail address or password."}
        return templating.render(request, "accounts/login.html", context, status_code=400)
    return after_password(request, session, settings, user, safe_next(next))


@router.post("/logout")
def logout(request: Request, principal: SignedIn, session: SessionDep) -> Response:
    """End the browser session and return to the sign-in page."""
    raw = request.cookies.get(SESSION_COOKIE)
    if raw:
        account_service.end_web_session(session=session, raw=raw, actor=principal.actor)
    response = templating.redirect("/login", flash="You are signed out.", request=request)
    response.delete_cookie(SESSION_COOKIE)
    # The browser drops its cached pages and stored data; not "cookies", which would take the
    # CSRF cookie the sign-in form needs (the session cookie is deleted above).
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@router.get("/signup")
def signup_form(request: Request, _: Anyone) -> HTMLResponse:
    """Show the registration form."""
    return templating.render(request, "accounts/signup.html", {"values": {}, "errors": {}})


@router.post("/signup")
def signup(
    request: Request, _: Anyone, session: SessionDep, settings: SettingsDep,
    email: Annotated[str, Form()] = "", full_name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "", privacy_consent: Annotated[str, Form()] = "",
    form_stamp: Annotated[str, Form()] = "",
) -> Response:
    """Create a member account, record its consent to the privacy notice and sign it in."""
    from indusx.privacy import service as privacy_service

    values = {"email": email, "full_name": full_name, "privacy_consent": privacy_consent}
    # Accounts made in bulk from one address are stopped like password guessing is.
    wait = throttle.hit_ip(session=session, settings=settings, ip=client_ip(request))
    if wait:
        return throttled(request, "accounts/signup.html", {"values": values}, wait)
    try:
        pacing.check(request, pacing.Flow.SIGNUP, form_stamp)
        body = SignupIn(email=email, full_name=full_name, password=password)
        if not privacy_consent:
            raise Invalid.field("privacy_consent", "accept the privacy notice to sign up")
        user = account_service.signup(
            session=session, email=body.email, full_name=body.full_name,
            password=body.password, ip=client_ip(request),
            min_length=settings.password_min_length,
        )
        privacy_service.record_consent(
            session=session, user=user, via="signup",
            actor=Actor(user_id=user.id, email=user.email, via="web", ip=client_ip(request)),
        )
    except (ValidationError, DomainError) as exc:
        errors = field_errors(exc)
        if not privacy_consent:
            errors.setdefault("privacy_consent", "Accept the privacy notice to sign up")
        # Name every problem at once, the password's too when another field stopped it.
        problem = passwords.password_problem(
            password, min_length=settings.password_min_length, email=email, full_name=full_name
        )
        if problem:
            errors.setdefault("password", problem[:1].upper() + problem[1:])
        return templating.render(
            request, "accounts/signup.html", {"values": values, "errors": errors},
            status_code=422,
        )
    return _signed_in_redirect(
        request, session, settings, user, "/my-org",
        flash=f"Welcome to INDUS-X, {user.full_name}. Add your organisation to the directory.",
    )


# --- password reset -----------------------------------------------------------------------

@router.get("/password/forgot")
def forgot_form(request: Request, _: Anyone) -> HTMLResponse:
    """Show the form that asks for a reset link."""
    return templating.render(
        request, "accounts/forgot.html", {"values": {}, "errors": {}, "sent": False}
    )


@router.post("/password/forgot")
def forgot(
    request: Request, _: Anyone, session: SessionDep, settings: SettingsDep,
    email: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Send a reset link if the account exists; the answer is the same either way."""
    try:
        body = PasswordResetRequest(email=email)
    except ValidationError as exc:
        return templating.render(
            request, "accounts/forgot.html",
            {"values": {"email": email}, "errors": field_errors(exc), "sent": False},
            status_code=422,
        )
    wait = throttle.hit_ip(session=session, settings=settings, ip=client_ip(request))
    if wait:
        return throttled(request, "accounts/forgot.html",
                         {"values": {"email": email}, "sent": False}, wait)
    account_service.request_password_reset(
        session=session, email=body.email, settings=settings, actor=anonymous_actor(request)
    )
    return templating.render(
        request, "accounts/forgot.html", {"values": {}, "errors": {}, "sent": True}
    )


def token_problem(
    session: SessionDep, settings: Settings, ip: str, raw: str, kind: OneTimeKind
) -> int | DomainError | None:
    """Return seconds to wait, the error of a bad one-time token (counted), or None if good."""
    wait = throttle.bad_tokens_wait(session=session, settings=settings, ip=ip)
    if wait:
        return wait
    try:
        account_service.peek_one_time(session=session, raw=raw, kind=kind)
    except DomainError as exc:
        throttle.record_bad_token(session=session, settings=settings, ip=ip)
        return exc
    return None


# The shape of a token from new_token(): URL-safe base64, no prefix for one-time links.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,200}")


def to_fragment(
    request: Request, path: str, token: str, template: str, context: dict[str, Any]
) -> Response:
    """Answer a link of the old `?token=` form with the same page, the token after the '#'."""
    # Links mailed before tokens moved to the fragment still work for their lifetime; this
    # answer keeps the query-string URL to one request and out of any Referer or cache.
    response: Response
    if TOKEN_SHAPE.fullmatch(token) is None:
        # Not a token we made: a control character or a backslash would not even make a
        # redirect (templating.redirect refuses them), and no such token is in the database.
        problem = Invalid.field("token",
                                "this link is invalid, used or expired; ask for a new one")
        response = templating.render(
            request, template, {**context, "token": "", "errors": field_errors(problem)},
            status_code=400,
        )
    else:
        response = templating.redirect(account_service.one_time_link(path, token))
        response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@router.get("/password/reset")
def reset_form(
    request: Request, _: Anyone, session: SessionDep, settings: SettingsDep,
    token: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """Show the form for choosing a new password (the token comes in the link's fragment)."""
    if not token:
        return templating.render(request, "accounts/reset.html", {"token": "", "errors": {}})
    # An old-form link: say at once if it is spent, as such links always did.
    problem = token_problem(session, settings, client_ip(request), token,
                            OneTimeKind.PASSWORD_RESET)
    if isinstance(problem, int):
        response = throttled(request, "accounts/reset.html", {"token": ""}, problem)
    elif problem is not None:
        response = templating.render(request, "accounts/reset.html",
                                     {"token": "", "errors": field_errors(problem)},
                                     status_code=400)
    else:
        return to_fragment(request, "/password/reset", token, "accounts/reset.html", {})
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@router.post("/password/reset")
def reset(
    request: Request, _: Anyone, session: SessionDep, settings: SettingsDep,
    token: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
) -> Response:
    """Set the new password, then ask the user to sign in with it."""
    ip = client_ip(request)
    wait = throttle.hit_ip(session=session, settings=settings, ip=ip)
    problem = wait or token_problem(session, settings, ip, token, OneTimeKind.PASSWORD_RESET)
    if isinstance(problem, int):
        return throttled(request, "accounts/reset.html", {"token": token}, problem)
    if problem is not None:
        return templating.render(
            request, "accounts/reset.html", {"token": token, "errors": field_errors(problem)},
            status_code=422,
        )
    try:
        account_service.reset_password(
            session=session, raw_token=token, password=password, ip=ip,
            min_length=settings.password_min_length,
        )
    except DomainError as exc:
        return templating.render(
            request, "accounts/reset.html", {"token": token, "errors": field_errors(exc)},
            status_code=422,
        )
    return templating.redirect(
        "/login", flash="Your password is changed. Sign in with the new password.",
        request=request,
    )


# --- invitations --------------------------------------------------------------------------

@router.get("/invite/accept")
def invitation_form(
    request: Request, _: Anyone, token: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    """Show the form where an invited person chooses a name and password."""
    if token:
        return to_fragment(request, "/invite/accept", token, "accounts/invite_accept.html",
                           {"values": {}})
    return templating.render(
        request, "accounts/invite_accept.html", {"token": "", "values": {}, "errors": {}}
    )


@router.post("/invite/accept")
def accept_invitation(
    request: Request, _: Anyone, session: SessionDep, settings: SettingsDep,
    token: Annotated[str, Form()] = "", full_name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    """Activate the invited account and sign it in."""
    context: dict[str, Any] = {"token": token, "values": {"full_name": full_name}}
    problem = token_problem(session, settings, client_ip(request), token,
                            OneTimeKind.INVITATION)
    if isinstance(problem, int):
        return throttled(request, "accounts/invite_accept.html", context, problem)
    if problem is not None:
        return templating.render(request, "accounts/invite_accept.html",
                                 {**context, "errors": field_errors(problem)}, status_code=422)
    try:
        user = account_service.accept_invitation(
            session=session, raw_token=token, full_name=full_name, password=password,
            ip=client_ip(request), min_length=settings.password_min_length,
        )
    except DomainError as exc:
        return templating.render(
            request, "accounts/invite_accept.html",
            {"token": token, "values": {"full_name": full_name}, "errors": field_errors(exc)},
            status_code=422,
        )
    return _signed_in_redirect(
        request, session, settings, user, "/my-org", flash=f"Welcome, {user.full_name}."
    )


@router.get("/invite/join")
def join_form(
    request: Request, principal: MaybeSignedIn, token: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """Ask for the invitation's code (the link's fragment fills it in); signed out, to sign in."""
    # Open to anyone: the sign-in redirect would keep the fragment on the sign-in page, whose
    # address bar nothing clears; here the script takes it off and the page says what to do.
    if token:
        return to_fragment(request, "/invite/join", token, "accounts/invite_join.html",
                           {"signed_in": principal is not None})
    return templating.render(
        request, "accounts/invite_join.html",
        {"signed_in": principal is not None, "token": "", "errors": {}},
    )


@router.post("/invite/join")
def join(
    request: Request, principal: SignedIn, session: SessionDep, settings: SettingsDep,
    token: Annotated[str, Form()] = "", show: Annotated[str, Form()] = "",
) -> Response:
    """Show whom an invitation is from (`show`), or accept it and join the organisation."""
    if show:
        return _join_confirmation(request, principal, session, settings, token)
    membership = account_service.join_organisation(
        session=session, raw_token=token, user=principal.user, actor=principal.actor
    )
    return templating.redirect(f"/orgs/{membership.org_id}", flash="You joined the organisation.",
                               request=request)


def _join_confirmation(
    request: Request, principal: Principal, session: SessionDep, settings: Settings, token: str
) -> Response:
    from indusx.orgs import service as org_service

    problem = token_problem(session, settings, client_ip(request), token,
                            OneTimeKind.INVITATION)
    if isinstance(problem, int):
        return throttled(request, "accounts/invite_join.html",
                         {"signed_in": True, "token": token}, problem)
    if problem is not None:
        return templating.render(
            request, "accounts/invite_join.html",
            {"signed_in": True, "token": token, "errors": field_errors(problem)},
            status_code=422,
        )
    row = account_service.peek_one_time(session=session, raw=token,
                                        kind=OneTimeKind.INVITATION)
    principal.require(row.user_id == principal.user.id and row.org_id is not None,
                      "This invitation was sent to another account")
    assert row.org_id is not None and row.org_role is not None
    org = org_service.get_org(session=session, org_id=row.org_id)
    return templating.render(
        request, "confirm.html",
        {
            "heading": f"Join {org.name}?",
            "body": f"You were invited as {row.org_role.value}. Members see the "
                    "organisation's contact details, needs and notes; owners and editors "
                    "can change its profile.",
            "action": "/invite/join", "token": token, "icon": "people",
            "confirm_label": "Accept and join", "confirm_class": "btn-primary",
            "confirm_icon": "check-lg", "cancel_url": "/notifications",
        },
    )


# --- personal API tokens ------------------------------------------------------------------

def _token_status(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= utcnow():
        return "expired"
    return "active"


def _tokens_page(
    request: Request, session: SessionDep, principal: SignedIn, *,
    values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
    new_token: str | None = None, status_code: int = 200,
) -> HTMLResponse:
    tokens = account_service.list_api_tokens(session=session, user_id=principal.user.id)
    return templating.render(
        request, "accounts/tokens.html",
        {
            "tokens": [(t, _token_status(t)) for t in tokens],
            "values": values or {"name": "", "expires_days": "90"},
            "errors": errors or {},
            "new_token": new_token,
        },
        status_code=status_code,
    )


def _own_token(session: SessionDep, principal: SignedIn, token_id: int) -> ApiToken:
    for token in account_service.list_api_tokens(session=session, user_id=principal.user.id):
        if token.id == token_id:
            return token
    raise NotFound(f"No token with id {token_id}")


# The new secret travels to the page that shows it once in a short-lived HttpOnly cookie,
# so that the form post can redirect (a reload then cannot create a second token).
NEW_TOKEN_COOKIE = "indusx_new_token"
TOKENS_PATH = "/account/tokens"


@router.get("/account/tokens")
def tokens(request: Request, principal: SignedIn, session: SessionDep) -> HTMLResponse:
    """List the user's personal API tokens (and a just-created one's secret, once)."""
    new_token = request.cookies.get(NEW_TOKEN_COOKIE)
    response = _tokens_page(request, session, principal, new_token=new_token)
    if new_token:
        response.delete_cookie(NEW_TOKEN_COOKIE, path=TOKENS_PATH)
    return response


@router.post("/account/tokens")
def create_token(
    request: Request, principal: SignedIn, _step_up: StepUp, session: SessionDep,
    settings: SettingsDep, name: Annotated[str, Form()] = "",
    expires_days: Annotated[str, Form()] = "",
) -> Response:
    """Create a personal token, then show its secret on the tokens page, this once."""
    values = {"name": name, "expires_days": expires_days}
    try:
        body = TokenCreate.model_validate({"name": name, "expires_days": expires_days})
    except ValidationError as exc:
        return _tokens_page(request, session, principal, values=values,
                            errors=field_errors(exc), status_code=422)
    _, raw = account_service.create_api_token(
        session=session, user=principal.user, actor=principal.actor, name=body.name,
        expires_days=body.expires_days,
    )
    response = templating.redirect(TOKENS_PATH, flash=f"Token '{body.name}' created.")
    response.set_cookie(NEW_TOKEN_COOKIE, raw, max_age=120, path=TOKENS_PATH, httponly=True,
                        samesite="strict", secure=settings.cookie_secure)
    return response


@router.get("/account/tokens/{token_id}/revoke")
def revoke_token_confirm(
    request: Request, token_id: int, principal: SignedIn, session: SessionDep
) -> HTMLResponse:
    """Ask for confirmation before revoking a token."""
    token = _own_token(session, principal, token_id)
    return templating.render(
        request, "confirm.html",
        {
            "heading": "Revoke this API token?",
            "body": f"Scripts that use the token '{token.name}' ({token.prefix}…) will stop "
                    "working at once. This cannot be undone.",
            "action": f"/account/tokens/{token.id}/revoke",
            "confirm_label": "Revoke token",
            "cancel_url": "/account/tokens",
        },
    )


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(
    request: Request, token_id: int, principal: SignedIn, session: SessionDep
) -> Response:
    """Revoke one of the user's tokens."""
    token = _own_token(session, principal, token_id)
    account_service.revoke_api_token(
        session=session, token_id=token.id, user=principal.user, actor=principal.actor
    )
    return templating.redirect(
        "/account/tokens", flash=f"Token '{token.name}' revoked.", request=request
    )


# --- mentoring ----------------------------------------------------------------------------

def _mentor_page(
    request: Request, principal: Principal, *, values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None, status_code: int = 200,
) -> HTMLResponse:
    user = principal.user
    return templating.render(
        request, "accounts/mentor.html",
        {
            "values": values or {"is_mentor": user.is_mentor, "expertise": user.expertise},
            "errors": errors or {},
            "expertise_max": account_service.EXPERTISE_MAX,
        },
        status_code=status_code,
    )


@router.get("/account/mentor")
def mentor_profile(request: Request, principal: SignedIn) -> HTMLResponse:
    """Show the user's mentoring offer: whether they mentor start-ups, and in what."""
    return _mentor_page(request, principal)


@router.post("/account/mentor")
def save_mentor_profile(
    request: Request, principal: SignedIn, session: SessionDep,
    is_mentor: Annotated[str, Form()] = "", expertise: Annotated[str, Form()] = "",
) -> Response:
    """Save the mentoring offer; ticking the box needs a description of the expertise."""
    values = {"is_mentor": bool(is_mentor), "expertise": expertise}
    try:
        account_service.update_mentor_profile(
            session=session, user=principal.user, is_mentor=bool(is_mentor),
            expertise=expertise, actor=principal.actor,
        )
    except DomainError as exc:
        session.rollback()
        return _mentor_page(request, principal, values=values, errors=field_errors(exc),
                            status_code=422)
    flash = ("You are listed as a mentor. Start-ups can ask you for an introduction."
             if is_mentor else "You are not listed as a mentor.")
    return templating.redirect("/account/mentor", flash=flash, request=request)


# --- user administration ------------------------------------------------------------------

def _users_page(
    request: Request, session: SessionDep, q: str, page: int, *,
    invite_values: dict[str, str] | None = None, invite_errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    users, total = account_service.list_users(
        session=session, q=q, page=page, page_size=USERS_PAGE_SIZE
    )
    context = {
        "users": users, "total": total, "q": q, "page": page, "page_size": USERS_PAGE_SIZE,
        "roles": PLATFORM_ROLE_LABELS,
        "two_factor_ids": totp.enrolled_among(session=session, user_ids=[u.id for u in users]),
        "invite_values": invite_values or {"role": PlatformRole.MEMBER.value},
        "invite_errors": invite_errors or {},
    }
    hx_partial = templating.wants_partial(request)
    name = "accounts/_users_partial.html" if hx_partial else "accounts/users.html"
    return templating.render(request, name, context, status_code=status_code)


@router.get("/admin/users")
def users(
    request: Request, principal: Admin, session: SessionDep,
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """List and search users (admins)."""
    return _users_page(request, session, q, page)


@router.post("/admin/users/invite")
def invite_user(
    request: Request, principal: Admin, session: SessionDep, settings: SettingsDep,
    email: Annotated[str, Form()] = "", full_name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = PlatformRole.MEMBER.value,
) -> Response:
    """Invite someone to the platform by e-mail (admins).

    Granting a role above member needs a recent password proof, as changing one does.
    """
    # Decided on the role the validation below grants (the enum's own parsing), not on the
    # raw text; outside the try, so the step-up redirect is not drawn as a form error.
    granted = next((r for r in PlatformRole if r.value == role), None)
    if granted is not None and granted is not PlatformRole.MEMBER:
        check_step_up(request=request, session=session, settings=settings, principal=principal)
    values = {"email": email, "full_name": full_name, "role": role}
    try:
        body = UserCreate.model_validate(
            {"email": email, "full_name": full_name or email.split("@")[0] or "",
             "platform_role": role}
        )
        user = account_service.invite_user(
            session=session, email=body.email, settings=settings, actor=principal.actor,
            full_name=body.full_name, platform_role=body.platform_role,
        )
    except (ValidationError, DomainError) as exc:
        errors = field_errors(exc)
        if "platform_role" in errors:
            errors["role"] = errors.pop("platform_role")
        return _users_page(request, session, "", 1, invite_values=values,
                           invite_errors=errors, status_code=422)
    return templating.redirect(
        "/admin/users", flash=f"Invitation sent to {user.email}.", request=request
    )


@router.post("/admin/users/{user_id}")
def update_user(
    request: Request, user_id: int, principal: Admin, _step_up: StepUp, session: SessionDep,
    role: Annotated[str, Form()] = "", is_active: Annotated[str, Form()] = "",
    q: Annotated[str, Form()] = "", page: Annotated[int, Form(ge=1)] = 1,
) -> Response:
    """Change a user's platform role and active flag (admins)."""
    user = account_service.get_user(session=session, user_id=user_id)
    try:
        new_role = PlatformRole(role) if role else None
    except ValueError:
        new_role = None
    account_service.update_user(
        session=session, user=user, actor=principal.actor, platform_role=new_role,
        is_active=bool(is_active),
    )
    params = {k: v for k, v in (("q", q), ("page", page if page > 1 else "")) if v}
    back = "/admin/users" + (f"?{urlencode(params)}" if params else "")
    return templating.redirect(back, flash=f"Saved {user.email}.", request=request)
