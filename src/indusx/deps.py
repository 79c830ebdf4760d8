"""Request dependencies: the unit-of-work session, who is calling, and what they may do.

Every route names one of the access aliases below (Anyone, SignedIn, Officer, Admin) so that
who may call it is visible in its signature; tests check that no route forgets.
"""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts import step_up, throttle, totp
from indusx.accounts.permissions import Principal
from indusx.accounts.secrets import csrf_valid
from indusx.audit.service import Actor
from indusx.config import Settings
from indusx.errors import Forbidden, NotAuthenticated
from indusx.notifications import service as notification_service
from indusx.ops import security_events

SESSION_COOKIE = "indusx_session"
CSRF_COOKIE = "indusx_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Where a role that must use a second factor may go before it has set one up.
SECOND_FACTOR_SET_UP = ("/account/2fa", "/logout")


def get_settings(request: Request) -> Settings:
    """Return the app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """Yield the request's one session; commit when the route succeeds, else roll back."""
    session: Session = request.app.state.sessionmaker()
    try:
        yield session
        session.commit()
    except BaseException as exc:
        # Detach what was loaded (the signed-in user among it) before rolling back, so that
        # the error page can still show it instead of failing on expired objects.
        session.expunge_all()
        session.rollback()
        security_events.note_refusal(request, exc)  # after the rollback: its own transaction
        raise
    finally:
        session.close()


SettingsDep = Annotated[Settings, Depends(get_settings)]
# scope="function": commit when the route returns, before the response is sent. The default
# ("request") commits after sending, so a crash in between loses an acknowledged write.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def client_ip(request: Request) -> str:
    """Return the caller's address as seen by the server."""
    return request.client.host if request.client else ""


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _check_csrf(request: Request, settings: Settings, form_token: str | None) -> None:
    submitted = form_token or request.headers.get(CSRF_HEADER)
    if not csrf_valid(settings.secret_key, request.cookies.get(CSRF_COOKIE), submitted):
        raise Forbidden("The form has expired or did not come from this site; reload and retry")


async def _form_csrf(request: Request) -> str | None:
    content_type = request.headers.get("content-type", "")
    if "form" not in content_type:
        return None
    form = await request.form()
    value = form.get("csrf_token")
    return value if isinstance(value, str) else None


# Declares the bearer scheme in the OpenAPI document (so /docs offers "Authorize");
# the header itself is read by get_principal_optional.
bearer_scheme = HTTPBearer(auto_error=False, description="A personal or access token")


def get_principal_optional(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    form_token: Annotated[str | None, Depends(_form_csrf)],
    _bearer_doc: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal | None:
    """Return who is calling, from a bearer token or the session cookie, checking CSRF."""
    ip = client_ip(request)
    raw_bearer = _bearer(request)
    if raw_bearer is not None:
        wait = throttle.bad_tokens_wait(session=session, settings=settings, ip=ip)
        if wait:
            raise throttle.TooManyAttempts(wait)
        user = account_service.user_for_bearer(session=session, raw=raw_bearer, actor_ip=ip)
        if user is None:
            throttle.record_bad_token(session=session, settings=settings, ip=ip)
            session.commit()  # the count must outlive the refusal
            raise NotAuthenticated("The bearer token is invalid, revoked or expired")
        principal = Principal.load(session=session, user=user, via="api", ip=ip)
    else:
        raw_cookie = request.cookies.get(SESSION_COOKIE)
        # Cookies ride along with cross-site requests, so cookie-borne writes need CSRF proof.
        if raw_cookie and request.method not in SAFE_METHODS:
            _check_csrf(request, settings, form_token)
        user = (
            account_service.user_for_web_session(
                session=session, raw=raw_cookie, idle_minutes=settings.session_idle_minutes
            )
            if raw_cookie
            else None
        )
        if user is None:
            return None
        via = "api" if request.url.path.startswith("/api/") else "web"
        principal = Principal.load(session=session, user=user, via=via, ip=ip)
        if via == "web":
            request.state.unread_notifications = notification_service.unread_count(
                session=session, user_id=user.id
            )
    request.state.principal = principal
    if (
        totp.is_required(settings=settings, user=user)
        and not request.url.path.startswith(SECOND_FACTOR_SET_UP)
        and not totp.is_enrolled(session=session, user_id=user.id)
    ):
        raise totp.SecondFactorRequired(
            f"Your role ({user.platform_role.value}) must sign in with two-factor "
            f"authentication: set it up in the web app at {SECOND_FACTOR_SET_UP[0]} first"
        )
    return principal


def get_principal(
    principal: Annotated[Principal | None, Depends(get_principal_optional)],
) -> Principal:
    """Return the signed-in caller or raise 401."""
    if principal is None:
        raise NotAuthenticated("Sign in to continue")
    return principal


def require_officer(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
    """Return the caller if a programme officer or admin, else raise 403."""
    if not principal.is_officer:
        raise Forbidden("Only programme officers and admins may do this")
    return principal


def require_admin(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
    """Return the caller if a platform admin, else raise 403."""
    if not principal.is_admin:
        raise Forbidden("Only platform administrators may do this")
    return principal


def check_step_up(
    *, request: Request, session: Session, settings: Settings, principal: Principal | None,
) -> None:
    """Refuse a caller whose password is not proven recently (step_up.py).

    A browser session needs its proof within `step_up_minutes`; a bearer caller needs an
    access token issued by a password sign-in that recently, and a personal token is
    refused. Anonymous callers pass, so that the route's own access rule answers them.
    Routes whose refusal depends on the object call this after their authorisation check.
    """
    if principal is None:
        return
    raw_bearer = _bearer(request)
    if raw_bearer is not None:
        step_up.check_token(session=session, raw=raw_bearer, minutes=settings.step_up_minutes)
        return
    raw = request.cookies.get(SESSION_COOKIE) or ""
    if not step_up.is_recent(session=session, raw=raw, minutes=settings.step_up_minutes):
        raise step_up.StepUpRequired(settings.step_up_minutes)


def require_step_up(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Annotated[Principal | None, Depends(get_principal_optional)],
) -> None:
    """Refuse a caller whose password is not proven recently (see check_step_up)."""
    check_step_up(request=request, session=session, settings=settings, principal=principal)


def anonymous_actor(request: Request) -> Actor:
    """Return the actor for a request from someone not signed in."""
    return Actor(user_id=None, email="anonymous", via="web", ip=client_ip(request))


def check_csrf_anonymous(
    request: Request,
    settings: SettingsDep,
    form_token: Annotated[str | None, Depends(_form_csrf)],
) -> None:
    """Check CSRF on forms that anyone may post (sign in, sign up, password reset)."""
    is_form = "form" in request.headers.get("content-type", "")
    if request.method not in SAFE_METHODS and is_form:
        _check_csrf(request, settings, form_token)


# Access declarations: exactly one of these appears on every route.
Anyone = Annotated[None, Depends(check_csrf_anonymous)]
MaybeSignedIn = Annotated[Principal | None, Depends(get_principal_optional)]
SignedIn = Annotated[Principal, Depends(get_principal)]
Officer = Annotated[Principal, Depends(require_officer)]
Admin = Annotated[Principal, Depends(require_admin)]
# Added next to the access alias of a sensitive route: the password proven recently.
StepUp = Annotated[None, Depends(require_step_up)]
