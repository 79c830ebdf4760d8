"""Accounts: sign-up, sign-in, sessions, API tokens, resets, invitations and memberships."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from indusx.accounts import notices, passwords, throttle, totp
from indusx.accounts.models import (
    ApiToken,
    Membership,
    OneTimeKind,
    OneTimeToken,
    OrgRole,
    PlatformRole,
    TokenKind,
    User,
    WebSession,
)
from indusx.accounts.secrets import (
    hash_password,
    needs_rehash,
    new_token,
    token_hash,
    token_hashes,
    verify_password,
)
from indusx.audit import service as audit
from indusx.audit.service import Actor
from indusx.config import Settings
from indusx.db import utcnow
from indusx.errors import Conflict, Forbidden, Invalid, NotFound
from indusx.notifications import service as outbox
from indusx.privacy.models import Erasure
from indusx.screening import service as screening_service

PERSONAL_PREFIX = "ixp_"
ACCESS_PREFIX = "ixa_"
# Token use is audited once per token per window, not on every request.
TOKEN_USE_AUDIT_WINDOW = timedelta(minutes=15)
# A session's last-seen time is written at most this often (idle expiry needs no more).
SEEN_RESOLUTION = timedelta(minutes=1)
# Between the password and the second factor.
SECOND_FACTOR_MINUTES = 5


def normalise_email(email: str) -> str:
    """Return the canonical (trimmed, lower-case) form of an e-mail address."""
    return email.strip().lower()


def user_snapshot(user: User) -> dict[str, object]:
    """Return the audited fields of a user (never the password hash)."""
    return {
        "email": user.email,
        "full_name": user.full_name,
        "platform_role": user.platform_role,
        "is_active": user.is_active,
    }


def get_user(*, session: Session, user_id: int) -> User:
    """Return a user or raise NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user with id {user_id}")
    return user


def find_user_by_email(*, session: Session, email: str) -> User | None:
    """Return the user with this e-mail address, if any."""
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def require_password(
    password: str, *, email: str, full_name: str, min_length: int = passwords.DEFAULT_MIN_LENGTH,
    field: str = "password",
) -> None:
    """Raise Invalid on the field unless the password meets the rules (accounts/passwords.py)."""
    problem = passwords.password_problem(
        password, min_length=min_length, email=email, full_name=full_name
    )
    if problem:
        raise Invalid.field(field, problem)


def create_user(
    *,
    session: Session,
    email: str,
    full_name: str,
    actor: Actor,
    platform_role: PlatformRole = PlatformRole.MEMBER,
    password: str | None = None,
    action: str = "user.create",
    min_length: int = passwords.DEFAULT_MIN_LENGTH,
) -> User:
    """Create a user; without a password the account waits for an invitation to be accepted."""
    email = normalise_email(email)
    if find_user_by_email(session=session, email=email) is not None:
        raise Conflict(
            f"A user with e-mail {email} already exists",
            errors=[{"field": "email", "message": "already registered"}],
        )
    if password is not None:
        require_password(password, email=email, full_name=full_name, min_length=min_length)
    user = User(
        email=email,
        full_name=full_name.strip(),
        platform_role=platform_role,
        password_hash=hash_password(password) if password is not None else None,
        is_active=True,
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    audit.record(
        session=session, actor=actor, action=action, object_type="user", object_id=user.id,
        summary=f"{action.split('.')[-1]} {email} as {platform_role.value}",
        after=user_snapshot(user),
    )
    screening_service.screen_user(session=session, user=user, actor=actor)
    return user


def signup(
    *, session: Session, email: str, full_name: str, password: str, ip: str = "",
    min_length: int = passwords.DEFAULT_MIN_LENGTH,
) -> User:
    """Register a new member who chose their own password."""
    actor = Actor(user_id=None, email=normalise_email(email), via="web", ip=ip)
    return create_user(
        session=session, email=email, full_name=full_name, password=password, actor=actor,
        action="user.signup", min_length=min_length,
    )


def authenticate(*, session: Session, email: str, password: str, actor: Actor) -> User | None:
    """Return the user if the password is right; audit the attempt either way."""
    user = find_user_by_email(session=session, email=email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        audit.record(
            session=session,
            actor=Actor(user_id=user.id if user else None, email=normalise_email(email),
                        via=actor.via, ip=actor.ip),
            action="auth.sign_in_failed", object_type="user",
            object_id=user.id if user else "",
            summary="inactive account" if user and ok else "wrong e-mail or password",
        )
        return None
    assert user.password_hash is not None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    pending = totp.is_enrolled(session=session, user_id=user.id)
    if not pending:
        user.last_login_at = utcnow()
    audit.record(
        session=session,
        actor=Actor(user_id=user.id, email=user.email, via=actor.via, ip=actor.ip),
        action="auth.password_ok" if pending else "auth.sign_in", object_type="user",
        object_id=user.id, summary="second factor next" if pending else "",
    )
    return user


def second_factor(
    *, session: Session, user: User, settings: Settings, code: str, actor: Actor
) -> bool:
    """Check the second step of a sign-in; audit it and count a failure towards lockout."""
    who = Actor(user_id=user.id, email=user.email, via=actor.via, ip=actor.ip)
    if totp.verify(session=session, user=user, settings=settings, code=code, actor=who):
        user.last_login_at = utcnow()
        throttle.record_success(session=session, email=user.email)
        audit.record(session=session, actor=who, action="auth.sign_in", object_type="user",
                     object_id=user.id, summary="with a second factor")
        return True
    audit.record(session=session, actor=who, action="auth.second_factor_failed",
                 object_type="user", object_id=user.id)
    return False


def change_password(
    *, session: Session, user: User, current: str, new: str, actor: Actor,
    min_length: int = passwords.DEFAULT_MIN_LENGTH,
) -> None:
    """Change a signed-in user's password (proving the current one); other sessions end."""
    if not verify_password(user.password_hash, current):
        raise Invalid.field("current_password", "that is not your current password")
    require_password(new, email=user.email, full_name=user.full_name, min_length=min_length,
                     field="new_password")
    user.password_hash = hash_password(new)
    end_all_web_sessions(session=session, user_id=user.id)
    audit.record(session=session, actor=actor, action="auth.password_change",
                 object_type="user", object_id=user.id)
    notices.credential_changed(session=session, user=user, change=notices.Change.PASSWORD_CHANGED,
                               actor=actor)


# --- browser sessions -------------------------------------------------------------------

def start_web_session(
    *, session: Session, user: User, settings: Settings, replaces: str | None = None,
    pending_second_factor: bool = False, keep_proof: bool = False,
) -> str:
    """Create a server-side session with a new id and return the secret for its cookie.

    The session the browser had before (`replaces`, its cookie) is deleted: an id is never
    carried across signing in or the second factor (no session fixation). The new session
    counts as just signed in (step_up.py), unless `keep_proof` carries over the replaced
    session's proof time: a new id for more privilege is no new proof of the password.
    """
    now = utcnow()
    proven_at: datetime | None = now
    if replaces:
        if keep_proof:
            old = _web_session_row(session, replaces)
            proven_at = old.authenticated_at if old is not None else None
        session.execute(delete(WebSession).where(WebSession.id.in_(token_hashes(replaces))))
    raw = new_token()
    lifetime = (timedelta(minutes=SECOND_FACTOR_MINUTES) if pending_second_factor
                else timedelta(days=settings.session_days))
    session.add(
        WebSession(
            id=token_hash(raw), user_id=user.id, created_at=now, expires_at=now + lifetime,
            last_seen_at=now, pending_second_factor=pending_second_factor,
            authenticated_at=proven_at,
        )
    )
    session.flush()
    return raw


def _web_session_row(session: Session, raw: str) -> WebSession | None:
    # Under every known token-hash version (secrets.py): a session made before the version
    # changed keeps working until it expires.
    return session.scalars(
        select(WebSession).where(WebSession.id.in_(token_hashes(raw)))
    ).first()


def _live_session(session: Session, raw: str, idle_minutes: int | None) -> WebSession | None:
    row = _web_session_row(session, raw)
    now = utcnow()
    if row is None or row.expires_at <= now:
        return None
    seen = row.last_seen_at or row.created_at
    if idle_minutes is not None and now - seen > timedelta(minutes=idle_minutes):
        session.delete(row)
        return None
    return row


def user_for_web_session(
    *, session: Session, raw: str, idle_minutes: int | None = None
) -> User | None:
    """Return the signed-in user of a session cookie, or None if unknown, expired or idle."""
    row = _live_session(session, raw, idle_minutes)
    if row is None or row.pending_second_factor:
        return None
    now = utcnow()
    if row.last_seen_at is None or now - row.last_seen_at >= SEEN_RESOLUTION:
        row.last_seen_at = now
    user = session.get(User, row.user_id)
    return user if user is not None and user.is_active else None


def user_awaiting_second_factor(*, session: Session, raw: str) -> User | None:
    """Return the user of a session that has passed the password and awaits the second factor."""
    row = _live_session(session, raw, None)
    if row is None or not row.pending_second_factor:
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.is_active else None


def end_web_session(*, session: Session, raw: str, actor: Actor) -> None:
    """Sign out: delete the server-side session."""
    session.execute(delete(WebSession).where(WebSession.id.in_(token_hashes(raw))))
    audit.record(
        session=session, actor=actor, action="auth.sign_out", object_type="user",
        object_id=actor.user_id or "",
    )


def end_all_web_sessions(*, session: Session, user_id: int) -> None:
    """Sign a user out everywhere (after a password change or deactivation)."""
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))


# --- API tokens -------------------------------------------------------------------------

def create_api_token(
    *,
    session: Session,
    user: User,
    actor: Actor,
    name: str = "API token",
    expires_days: int | None = 90,
    kind: TokenKind = TokenKind.PERSONAL,
    expires_in: timedelta | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is shown only this once."""
    prefix = PERSONAL_PREFIX if kind is TokenKind.PERSONAL else ACCESS_PREFIX
    raw = new_token(prefix)
    if expires_in is None and expires_days is not None:
        expires_in = timedelta(days=expires_days)
    token = ApiToken(
        user_id=user.id,
        name=name,
        kind=kind,
        token_hash=token_hash(raw),
        prefix=raw[: len(prefix) + 6],
        created_at=utcnow(),
        expires_at=utcnow() + expires_in if expires_in is not None else None,
    )
    session.add(token)
    session.flush()
    if kind is TokenKind.PERSONAL:
        audit.record(
            session=session, actor=actor, action="token.create", object_type="api_token",
            object_id=token.id, summary=f"personal token '{name}' for {user.email}",
            after={"name": name, "user_id": user.id, "expires_at": token.expires_at},
        )
        # Tokens an operator makes on the command line (or a test fixture) are not the
        # account's own doing through a browser or the API; those the owner is told about.
        if actor.user_id is not None:
            notices.credential_changed(
                session=session, user=user, change=notices.Change.TOKEN_CREATED, actor=actor,
                detail=f"named '{name}'",
            )
    return token, raw


def issue_access_token(
    *, session: Session, user: User, settings: Settings, actor: Actor
) -> tuple[ApiToken, str]:
    """Return a short-lived access token for a client that signed in with a password."""
    return create_api_token(
        session=session, user=user, actor=actor, name="password sign-in",
        kind=TokenKind.ACCESS, expires_in=timedelta(minutes=settings.access_token_minutes),
    )


def user_for_bearer(*, session: Session, raw: str, actor_ip: str = "") -> User | None:
    """Return the user a bearer token belongs to, if it is valid; note and audit its use."""
    token = session.scalars(
        select(ApiToken).where(ApiToken.token_hash.in_(token_hashes(raw)))
    ).first()
    now = utcnow()
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    user = session.get(User, token.user_id)
    if user is None or not user.is_active:
        return None
    if token.token_hash != token_hash(raw):
        # Stored under an older version: moved to the current one (personal tokens may live
        # for years, so waiting for them to expire is no plan).
        token.token_hash = token_hash(raw)
    if token.last_used_at is None or now - token.last_used_at > TOKEN_USE_AUDIT_WINDOW:
        audit.record(
            session=session,
            actor=Actor(user_id=user.id, email=user.email, via="api", ip=actor_ip),
            action="token.use", object_type="api_token", object_id=token.id,
            summary=f"{token.kind.value} token {token.prefix}…",
        )
        token.last_used_at = now
    return user


def list_api_tokens(*, session: Session, user_id: int) -> Sequence[ApiToken]:
    """Return a user's personal tokens, newest first."""
    return session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.kind == TokenKind.PERSONAL)
        .order_by(ApiToken.id.desc())
    ).all()


def revoke_api_token(*, session: Session, token_id: int, user: User, actor: Actor) -> ApiToken:
    """Revoke one of the user's tokens (admins may revoke anyone's)."""
    token = session.get(ApiToken, token_id)
    if token is None or (token.user_id != user.id and not user.is_admin):
        raise NotFound(f"No token with id {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(
            session=session, actor=actor, action="token.revoke", object_type="api_token",
            object_id=token.id, summary=f"revoked '{token.name}' ({token.prefix}…)",
            before={"revoked_at": None}, after={"revoked_at": token.revoked_at},
        )
    return token


# --- one-time tokens: password reset and invitations -----------------------------------

def _issue_one_time(
    *, session: Session, user: User, kind: OneTimeKind, lifetime: timedelta,
    org_id: int | None = None, org_role: OrgRole | None = None,
) -> str:
    raw = new_token()
    session.add(
        OneTimeToken(
            kind=kind, token_hash=token_hash(raw), user_id=user.id, org_id=org_id,
            org_role=org_role, created_at=utcnow(), expires_at=utcnow() + lifetime,
        )
    )
    session.flush()
    return raw


def get_membership(*, session: Session, org_id: int, user_id: int) -> Membership:
    """Return a user's membership of an organisation, or raise NotFound."""
    membership = session.scalar(
        select(Membership).where(Membership.org_id == org_id, Membership.user_id == user_id)
    )
    if membership is None:
        raise NotFound(f"User {user_id} is not a member of organisation {org_id}")
    return membership


def spend_one_time(*, session: Session, row: OneTimeToken) -> None:
    """Mark a one-time token used, exactly once: of concurrent uses only the first wins.

    A conditional UPDATE (not the row read earlier) decides, so two requests that both
    peeked at the unused token cannot both spend it: on PostgreSQL the second waits for the
    first's row lock and then matches no row.
    """
    now = utcnow()
    result = session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.id == row.id, OneTimeToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if int(getattr(result, "rowcount", 0) or 0) != 1:
        raise Invalid.field("token", "this link is invalid, used or expired; ask for a new one")
    session.refresh(row, ["used_at"])


def peek_one_time(*, session: Session, raw: str, kind: OneTimeKind) -> OneTimeToken:
    """Return a usable one-time token without using it, or raise Invalid."""
    row = session.scalar(
        select(OneTimeToken).where(
            OneTimeToken.token_hash.in_(token_hashes(raw)), OneTimeToken.kind == kind
        )
    )
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        raise Invalid.field("token", "this link is invalid, used or expired; ask for a new one")
    return row


def one_time_link(path: str, raw: str) -> str:
    """Return the e-mailed link to a page with its one-time token after the '#'."""
    # Browsers never send a URL's fragment, so the token is in no request line, server or
    # proxy log, Referer or history entry (ASVS 8.3.1); the page's script moves it into the
    # form (static/one-time-link.js), and the POST carries it in the body. The outbox stores
    # only the path and keeps the token apart until the mail is sent
    # (notifications.service.mailed_link, which also shows it as a code to paste).
    return f"{path}#token={raw}"


def request_password_reset(
    *, session: Session, email: str, settings: Settings, actor: Actor
) -> None:
    """Send a one-time reset link if the account exists; say nothing either way."""
    user = find_user_by_email(session=session, email=email)
    if user is None or not user.is_active:
        return
    if not throttle.reset_mail_allowed(session=session, settings=settings, email=user.email):
        return  # enough links are on their way; the answer stays the same
    raw = _issue_one_time(
        session=session, user=user, kind=OneTimeKind.PASSWORD_RESET,
        lifetime=timedelta(minutes=settings.password_reset_minutes),
    )
    outbox.enqueue(
        session=session, to_email=user.email, user_id=user.id, kind="password_reset",
        subject="Reset your INDUS-X password",
        body=(
            f"Hello {user.full_name},\n\nSomeone (hopefully you) asked to reset the password "
            f"of your INDUS-X account. The link works once, for "
            f"{settings.password_reset_minutes} minutes. If it was not you, ignore this message."
        ),
        link="/password/reset", mail_secret=raw,
        in_app=False,
    )
    audit.record(
        session=session, actor=actor, action="auth.password_reset_requested",
        object_type="user", object_id=user.id,
    )


def reset_password(
    *, session: Session, raw_token: str, password: str, ip: str = "",
    min_length: int = passwords.DEFAULT_MIN_LENGTH,
) -> User:
    """Set a new password with a reset token; every session of the user ends."""
    row = peek_one_time(session=session, raw=raw_token, kind=OneTimeKind.PASSWORD_RESET)
    user = get_user(session=session, user_id=row.user_id)
    require_password(password, email=user.email, full_name=user.full_name,
                     min_length=min_length)
    spend_one_time(session=session, row=row)
    user.password_hash = hash_password(password)
    end_all_web_sessions(session=session, user_id=user.id)
    actor = Actor(user_id=user.id, email=user.email, via="web", ip=ip)
    audit.record(session=session, actor=actor, action="auth.password_reset",
                 object_type="user", object_id=user.id)
    notices.credential_changed(session=session, user=user, change=notices.Change.PASSWORD_RESET,
                               actor=actor)
    return user


def invite_user(
    *,
    session: Session,
    email: str,
    settings: Settings,
    actor: Actor,
    full_name: str = "",
    platform_role: PlatformRole = PlatformRole.MEMBER,
    org_id: int | None = None,
    org_name: str = "",
    org_role: OrgRole | None = None,
) -> User:
    """Invite someone by e-mail, optionally into an organisation; creates the account."""
    email = normalise_email(email)
    user = find_user_by_email(session=session, email=email)
    if user is None:
        user = create_user(
            session=session, email=email, full_name=full_name or email.split("@")[0],
            platform_role=platform_role, actor=actor, action="user.invite",
        )
    joining = user.password_hash is not None
    if joining and (org_id is None or org_role is None):
        raise Conflict(
            f"{email} already has an account",
            errors=[{"field": "email", "message": "already registered"}],
        )
    # Either way the person must act on the link: a new account chooses its password, and an
    # existing one accepts, so nobody is tied to an organisation (or shown its private
    # details) without agreeing.
    raw = _issue_one_time(
        session=session, user=user, kind=OneTimeKind.INVITATION,
        lifetime=timedelta(days=settings.invitation_days), org_id=org_id, org_role=org_role,
    )
    where = f" to join {org_name}" if org_name else ""
    if joining:
        assert org_role is not None
        subject = f"Invitation to join {org_name or 'an organisation'} on INDUS-X"
        body = (f"{actor.email} invites you to join {org_name} as {org_role.value}. "
                "Open the link to accept; ignore this message to decline.")
        link = "/invite/join"
    else:
        subject = f"You are invited to INDUS-X{where}"
        body = (f"{actor.email} invited you to INDUS-X, the India-US defence innovation "
                f"platform{where}. Choose your password with the link below; it works once, "
                f"for {settings.invitation_days} days.")
        link = "/invite/accept"
    outbox.enqueue(
        session=session, to_email=user.email, user_id=user.id,
        kind="membership_invitation" if joining else "invitation",
        subject=subject, body=body, link=link, mail_secret=raw,
        # The password link is for the mailbox only. A join link is shown in-app without its
        # token: the page asks for the code, which is in the e-mail.
        in_app=joining,
    )
    audit.record(
        session=session, actor=actor, action="invitation.send", object_type="user",
        object_id=user.id, summary=f"{user.email}{where}",
        after={"org_id": org_id, "role": org_role},
    )
    return user


def accept_invitation(
    *, session: Session, raw_token: str, full_name: str, password: str, ip: str = "",
    min_length: int = passwords.DEFAULT_MIN_LENGTH,
) -> User:
    """Set the invitee's name and password and activate any organisation membership."""
    row = peek_one_time(session=session, raw=raw_token, kind=OneTimeKind.INVITATION)
    user = get_user(session=session, user_id=row.user_id)
    require_password(password, email=user.email, full_name=full_name.strip() or user.full_name,
                     min_length=min_length)
    spend_one_time(session=session, row=row)
    actor = Actor(user_id=user.id, email=user.email, via="web", ip=ip)
    before = user_snapshot(user)
    if full_name.strip():
        user.full_name = full_name.strip()
    user.password_hash = hash_password(password)
    audit.record(
        session=session, actor=actor, action="user.invitation_accepted", object_type="user",
        object_id=user.id, before=before, after=user_snapshot(user),
    )
    if row.org_id is not None and row.org_role is not None:
        add_member(session=session, org_id=row.org_id, user=user, role=row.org_role, actor=actor)
    return user


def join_organisation(*, session: Session, raw_token: str, user: User, actor: Actor) -> Membership:
    """Accept an invitation into an organisation, as the signed-in account it was sent to."""
    row = peek_one_time(session=session, raw=raw_token, kind=OneTimeKind.INVITATION)
    if row.user_id != user.id or row.org_id is None or row.org_role is None:
        raise Forbidden("This invitation was sent to another account")
    spend_one_time(session=session, row=row)
    return add_member(session=session, org_id=row.org_id, user=user, role=row.org_role,
                      actor=actor)


# --- user administration ----------------------------------------------------------------

def list_users(
    *, session: Session, q: str = "", page: int = 1, page_size: int = 50
) -> tuple[Sequence[User], int]:
    """Return one page of users matching a name or e-mail fragment, and the total."""
    query = select(User)
    if q.strip():
        like = f"%{q.strip().lower()}%"
        query = query.where(or_(User.email.like(like), func.lower(User.full_name).like(like)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(User.email).offset((page - 1) * page_size).limit(page_size)
    ).all()
    return rows, total


def update_user(
    *,
    session: Session,
    user: User,
    actor: Actor,
    full_name: str | None = None,
    platform_role: PlatformRole | None = None,
    is_active: bool | None = None,
) -> User:
    """Change a user's name, platform role or active flag; role changes are audited as such."""
    before = user_snapshot(user)
    if actor.user_id == user.id and (
        (platform_role is not None and platform_role is not user.platform_role)
        or is_active is False
    ):
        raise Forbidden("You cannot change your own role or deactivate yourself")
    if is_active and not user.is_active and session.get(Erasure, user.id) is not None:
        raise Conflict(
            f"Account {user.id} was erased: its personal data is gone and it cannot be "
            "reactivated. The person can sign up again.",
            errors=[{"field": "is_active", "message": "the account was erased"}],
        )
    renamed = full_name is not None and full_name.strip() != user.full_name
    if full_name is not None:
        user.full_name = full_name.strip()
    if platform_role is not None:
        user.platform_role = platform_role
    if is_active is not None:
        user.is_active = is_active
        if not is_active:
            end_all_web_sessions(session=session, user_id=user.id)
    after = user_snapshot(user)
    if before != after:
        action = "user.role_change" if before["platform_role"] != after["platform_role"] else (
            "user.update"
        )
        audit.record(
            session=session, actor=actor, action=action, object_type="user",
            object_id=user.id, summary=user.email, before=before, after=after,
        )
    if renamed:
        screening_service.screen_user(session=session, user=user, actor=actor)
    return user


def reset_second_factor(*, session: Session, user: User, actor: Actor) -> None:
    """Remove a user's lost second factor (admins; never their own) and sign them out.

    The authenticator and recovery codes go, every browser session and access token ends,
    and the user is told. A role that must use a second factor enrols again at next sign-in.
    """
    if actor.user_id == user.id:
        raise Forbidden("Another administrator must reset your own second factor")
    if not totp.remove(session=session, user_id=user.id):
        raise Conflict(f"{user.email} has no second factor to reset")
    end_all_web_sessions(session=session, user_id=user.id)
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.kind == TokenKind.ACCESS,
               ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    audit.record(
        session=session, actor=actor, action="auth.2fa_reset", object_type="user",
        object_id=user.id,
        summary=f"{user.email}: authenticator and recovery codes removed, signed out",
    )
    notices.credential_changed(session=session, user=user, change=notices.Change.TWO_FACTOR_RESET,
                               actor=actor)


# --- mentoring ----------------------------------------------------------------------------

EXPERTISE_MAX = 2000


def update_mentor_profile(
    *, session: Session, user: User, is_mentor: bool, expertise: str, actor: Actor
) -> User:
    """Offer (or stop offering) mentoring to start-ups, with the expertise mentees see."""
    expertise = expertise.strip()
    if is_mentor and not expertise:
        raise Invalid.field("expertise", "describe your expertise to offer mentoring")
    if len(expertise) > EXPERTISE_MAX:
        raise Invalid.field("expertise", f"use at most {EXPERTISE_MAX:,} characters")
    before = {"is_mentor": user.is_mentor, "expertise": user.expertise}
    user.is_mentor, user.expertise = is_mentor, expertise
    after = {"is_mentor": user.is_mentor, "expertise": user.expertise}
    if before != after:
        audit.record(
            session=session, actor=actor, action="user.mentor_profile", object_type="user",
            object_id=user.id,
            summary=f"{user.email} {'offers' if is_mentor else 'does not offer'} mentoring",
            before=before, after=after,
        )
    return user


# --- organisation memberships -----------------------------------------------------------

def role_in_org(*, session: Session, user_id: int, org_id: int) -> OrgRole | None:
    """Return the user's role in an organisation, or None."""
    return session.scalar(
        select(Membership.role).where(Membership.user_id == user_id, Membership.org_id == org_id)
    )


def memberships_of(*, session: Session, user_id: int) -> Sequence[Membership]:
    """Return the user's memberships, owners first."""
    return session.scalars(
        select(Membership).where(Membership.user_id == user_id).order_by(Membership.id)
    ).all()


def members_of(*, session: Session, org_id: int) -> Sequence[tuple[Membership, User]]:
    """Return an organisation's memberships with their users."""
    rows = session.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.org_id == org_id)
        .order_by(Membership.role, User.email)
    ).all()
    return [(m, u) for m, u in rows]


def add_member(
    *, session: Session, org_id: int, user: User, role: OrgRole, actor: Actor
) -> Membership:
    """Give a user a role in an organisation (or change the role they have)."""
    existing = session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.org_id == org_id)
    )
    if existing is not None:
        return change_member_role(session=session, membership=existing, role=role, actor=actor)
    membership = Membership(user_id=user.id, org_id=org_id, role=role, created_at=utcnow())
    session.add(membership)
    session.flush()
    audit.record(
        session=session, actor=actor, action="membership.create", object_type="membership",
        object_id=membership.id, summary=f"{user.email} as {role.value} of org {org_id}",
        after={"user_id": user.id, "org_id": org_id, "role": role},
    )
    return membership


def _owner_count(session: Session, org_id: int) -> int:
    return session.scalar(
        select(func.count()).select_from(Membership).where(
            Membership.org_id == org_id, Membership.role == OrgRole.OWNER
        )
    ) or 0


def change_member_role(
    *, session: Session, membership: Membership, role: OrgRole, actor: Actor
) -> Membership:
    """Change a member's role; an organisation always keeps at least one owner."""
    if membership.role is role:
        return membership
    if membership.role is OrgRole.OWNER and _owner_count(session, membership.org_id) <= 1:
        raise Conflict("An organisation must keep at least one owner")
    before = {"role": membership.role}
    membership.role = role
    audit.record(
        session=session, actor=actor, action="membership.role_change",
        object_type="membership", object_id=membership.id,
        summary=f"user {membership.user_id} in org {membership.org_id}",
        before=before, after={"role": role},
    )
    return membership


def remove_member(*, session: Session, membership: Membership, actor: Actor) -> None:
    """Remove a member; the last owner cannot be removed."""
    if membership.role is OrgRole.OWNER and _owner_count(session, membership.org_id) <= 1:
        raise Conflict("An organisation must keep at least one owner")
    audit.record(
        session=session, actor=actor, action="membership.delete", object_type="membership",
        object_id=membership.id,
        before={"user_id": membership.user_id, "org_id": membership.org_id,
                "role": membership.role},
    )
    session.delete(membership)
    session.flush()


def purge_expired(
    *, session: Session, now: datetime | None = None, idle_minutes: int | None = None
) -> int:
    """Delete expired (or idle) sessions, access tokens and old sign-in counters; count them."""
    now = now or utcnow()
    gone = WebSession.expires_at <= now
    if idle_minutes is not None:
        gone = gone | (WebSession.last_seen_at < now - timedelta(minutes=idle_minutes))
    a = session.execute(delete(WebSession).where(gone))
    b = session.execute(
        delete(ApiToken).where(ApiToken.kind == TokenKind.ACCESS, ApiToken.expires_at <= now)
    )
    c = throttle.prune(session=session, now=now)
    return int(getattr(a, "rowcount", 0) or 0) + int(getattr(b, "rowcount", 0) or 0) + c
