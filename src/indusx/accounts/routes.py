"""REST API for accounts: password sign-in, sign-up, resets, users and personal tokens."""

from typing import Annotated, NoReturn

from fastapi import APIRouter, Depends, Query, Request, Response, status

from indusx.accounts import service as account_service
from indusx.accounts import throttle, totp
from indusx.accounts.models import OneTimeKind, PlatformRole, User
from indusx.accounts.schemas import (
    AccessTokenOut,
    LoginIn,
    MembershipRead,
    PasswordResetIn,
    PasswordResetRequest,
    SignupIn,
    TokenCreate,
    TokenCreated,
    TokenRead,
    UserCreate,
    UserPage,
    UserRead,
    UserUpdate,
)
from indusx.audit.service import Actor
from indusx.deps import (
    Admin,
    Anyone,
    SessionDep,
    SettingsDep,
    SignedIn,
    StepUp,
    anonymous_actor,
    check_step_up,
)
from indusx.errors import DomainError, Forbidden, NotAuthenticated

router = APIRouter(prefix="/api/v1", tags=["accounts"])


@router.post("/auth/login", response_model=AccessTokenOut)
def login(
    body: LoginIn, request: Request, _: Anyone, session: SessionDep, settings: SettingsDep
) -> AccessTokenOut:
    """Exchange e-mail and password (and the second factor, if any) for an access token.

    Too many attempts from one address, or failures for one account, answer 429 with
    Retry-After; the answer for an unknown address is the same as for a known one.
    """
    actor = Actor(user_id=None, email="anonymous", via="api", ip=anonymous_actor(request).ip)
    wait = throttle.guard_sign_in(session=session, settings=settings, ip=actor.ip,
                                  email=body.email)
    if wait:
        refuse(session, throttle.TooManyAttempts(wait))
    user = account_service.authenticate(
        session=session, email=body.email, password=body.password, actor=actor
    )
    if user is None:
        _failed(session, settings, body.email, actor, "Wrong e-mail or password")
    assert user is not None
    if totp.is_enrolled(session=session, user_id=user.id):
        if not body.totp:
            refuse(session, NotAuthenticated(
                "This account signs in with a second factor: send the current code from the "
                "authenticator app (or a recovery code) in the 'totp' field",
                errors=[{"field": "totp", "message": "required for this account"}],
            ))
        if not account_service.second_factor(session=session, user=user, settings=settings,
                                             code=body.totp or "", actor=actor):
            _failed(session, settings, body.email, actor, "Wrong second-factor code")
    else:
        throttle.record_success(session=session, email=user.email)
        if totp.is_required(settings=settings, user=user):
            refuse(session, Forbidden(
                f"Your role ({user.platform_role.value}) must sign in with two-factor "
                "authentication: set it up in the web app at /account/2fa first"
            ))
    token, raw = account_service.issue_access_token(
        session=session, user=user, settings=settings, actor=actor
    )
    assert token.expires_at is not None
    return AccessTokenOut(access_token=raw, expires_at=token.expires_at)


def refuse(session: SessionDep, error: DomainError) -> NoReturn:
    """Keep what the request wrote (counts, audit records), then raise the error."""
    session.commit()
    raise error


def _failed(
    session: SessionDep, settings: SettingsDep, email: str, actor: Actor, message: str
) -> NoReturn:
    wait = throttle.record_failure(session=session, settings=settings, email=email, actor=actor)
    refuse(session, throttle.TooManyAttempts(wait) if wait else NotAuthenticated(message))


def _one_time_token(
    session: SessionDep, settings: SettingsDep, ip: str, raw: str, kind: OneTimeKind
) -> None:
    wait = throttle.bad_tokens_wait(session=session, settings=settings, ip=ip)
    if wait:
        raise throttle.TooManyAttempts(wait)
    try:
        account_service.peek_one_time(session=session, raw=raw, kind=kind)
    except DomainError as exc:
        throttle.record_bad_token(session=session, settings=settings, ip=ip)
        refuse(session, exc)


@router.post("/auth/signup", response_model=UserRead, status_code=status.HTTP_201_CREATED)
def signup(
    body: SignupIn, request: Request, _: Anyone, session: SessionDep, settings: SettingsDep
) -> User:
    """Register a member account."""
    ip = anonymous_actor(request).ip
    # Accounts made in bulk from one address are stopped like password guessing is.
    wait = throttle.hit_ip(session=session, settings=settings, ip=ip)
    if wait:
        refuse(session, throttle.TooManyAttempts(wait))
    try:
        return account_service.signup(
            session=session, email=body.email, full_name=body.full_name, password=body.password,
            ip=ip, min_length=settings.password_min_length,
        )
    except DomainError as exc:  # a refused attempt counts too: probing for taken addresses
        refuse(session, exc)


@router.post("/auth/password-reset", status_code=status.HTTP_202_ACCEPTED)
def request_reset(
    body: PasswordResetRequest, request: Request, _: Anyone, session: SessionDep,
    settings: SettingsDep,
) -> dict[str, str]:
    """Send a one-time reset link if the account exists (the answer is the same either way)."""
    wait = throttle.hit_ip(session=session, settings=settings, ip=anonymous_actor(request).ip)
    if wait:
        refuse(session, throttle.TooManyAttempts(wait))
    account_service.request_password_reset(
        session=session, email=body.email, settings=settings, actor=anonymous_actor(request)
    )
    return {"detail": "If the address has an account, a reset link is on its way."}


@router.post("/auth/password-reset/confirm")
def confirm_reset(
    body: PasswordResetIn, request: Request, _: Anyone, session: SessionDep,
    settings: SettingsDep,
) -> dict[str, str]:
    """Set a new password with a reset token."""
    ip = anonymous_actor(request).ip
    wait = throttle.hit_ip(session=session, settings=settings, ip=ip)
    if wait:
        refuse(session, throttle.TooManyAttempts(wait))
    _one_time_token(session, settings, ip, body.token, OneTimeKind.PASSWORD_RESET)
    account_service.reset_password(
        session=session, raw_token=body.token, password=body.password, ip=ip,
        min_length=settings.password_min_length,
    )
    return {"detail": "Password changed. Sign in with the new password."}


@router.get("/users/me")
def me(principal: SignedIn, session: SessionDep) -> dict[str, object]:
    """Return the caller's account and organisation roles."""
    return {
        **UserRead.model_validate(principal.user).model_dump(mode="json"),
        "memberships": [
            MembershipRead.model_validate(m).model_dump(mode="json")
            for m in account_service.memberships_of(session=session, user_id=principal.user.id)
        ],
    }


@router.get("/users", response_model=UserPage)
def list_users(
    principal: Admin, session: SessionDep,
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> UserPage:
    """List users (admins)."""
    rows, total = account_service.list_users(session=session, q=q, page=page, page_size=page_size)
    return UserPage(items=[UserRead.model_validate(u) for u in rows], total=total, page=page,
                    page_size=page_size)


@router.post("/users", response_model=UserRead, status_code=status.HTTP_201_CREATED)
def create_user(
    body: UserCreate, request: Request, principal: Admin, session: SessionDep,
    settings: SettingsDep,
) -> User:
    """Create a user with a password, or invite them by e-mail when none is given (admins).

    Granting a role above member needs a recent password proof, as changing one does.
    """
    if body.platform_role is not PlatformRole.MEMBER:
        check_step_up(request=request, session=session, settings=settings, principal=principal)
    if body.password is None:
        return account_service.invite_user(
            session=session, email=body.email, settings=settings, actor=principal.actor,
            full_name=body.full_name, platform_role=body.platform_role,
        )
    return account_service.create_user(
        session=session, email=body.email, full_name=body.full_name,
        platform_role=body.platform_role, password=body.password, actor=principal.actor,
        min_length=settings.password_min_length,
    )


def load_user(user_id: int, session: SessionDep, _: Admin) -> User:
    """Return the user named in the path, or 404 (admins only)."""
    return account_service.get_user(session=session, user_id=user_id)


@router.patch("/users/{user_id}", response_model=UserRead)
def update_user(
    body: UserUpdate, user: Annotated[User, Depends(load_user)], principal: Admin,
    _step_up: StepUp, session: SessionDep,
) -> User:
    """Change a user's name, platform role or active flag (admins)."""
    return account_service.update_user(
        session=session, user=user, actor=principal.actor, full_name=body.full_name,
        platform_role=body.platform_role, is_active=body.is_active,
    )


@router.post("/users/{user_id}/2fa-reset", status_code=status.HTTP_204_NO_CONTENT)
def reset_second_factor(
    user: Annotated[User, Depends(load_user)], principal: Admin, _step_up: StepUp,
    session: SessionDep,
) -> Response:
    """Remove a user's lost second factor and end their sessions (admins; not their own)."""
    account_service.reset_second_factor(session=session, user=user, actor=principal.actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/tokens", response_model=list[TokenRead])
def list_tokens(principal: SignedIn, session: SessionDep) -> list[TokenRead]:
    """List the caller's personal API tokens (never their secrets)."""
    return [
        TokenRead.model_validate(t)
        for t in account_service.list_api_tokens(session=session, user_id=principal.user.id)
    ]


@router.post("/tokens", response_model=TokenCreated, status_code=status.HTTP_201_CREATED)
def create_token(
    body: TokenCreate, principal: SignedIn, _step_up: StepUp, session: SessionDep
) -> TokenCreated:
    """Create a personal API token; its secret is in this response only."""
    token, raw = account_service.create_api_token(
        session=session, user=principal.user, actor=principal.actor, name=body.name,
        expires_days=body.expires_days,
    )
    return TokenCreated.model_validate({**TokenRead.model_validate(token).model_dump(),
                                        "token": raw})


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_token(token_id: int, principal: SignedIn, session: SessionDep) -> Response:
    """Revoke one of the caller's tokens (admins: anyone's)."""
    account_service.revoke_api_token(
        session=session, token_id=token_id, user=principal.user, actor=principal.actor
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
