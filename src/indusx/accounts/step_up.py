"""Step-up re-authentication: sensitive web actions need the password proven recently.

A browser session records when its user last proved their password (and second factor, if
they have one): at sign-in, and on the "Confirm it's you" page (/account/confirm). Changing a
platform role, creating a personal token, deleting an organisation, importing screening
lists, resetting someone's second factor, turning one's own off and new recovery codes need
that proof within `Settings.step_up_minutes` (deps.StepUp). So a session left open on an
unlocked screen, or a stolen cookie, cannot do them.

A bearer token proves a password only as recently as it was issued: an access token from
POST /api/v1/auth/login (password and second factor) counts as the proof for
`step_up_minutes` after its issue, and a caller with an older one signs in again. A personal
token never counts: it lives for months and a leaked one must not mint more tokens, change
roles or reset second factors, so those routes refuse it (403 `personal_token_not_allowed`).

Every re-check of a signed-in user's password (this confirm page, and erasing one's account
on the web or the API) goes through `recheck_password`, counted like a sign-in.
"""

from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts import throttle, totp
from indusx.accounts.models import ApiToken, TokenKind, User, WebSession
from indusx.accounts.secrets import token_hashes, verify_password
from indusx.audit import service as audit
from indusx.audit.service import Actor
from indusx.config import Settings
from indusx.db import utcnow
from indusx.errors import Forbidden

CONFIRM_PATH = "/account/confirm"
LOGIN_PATH = "/api/v1/auth/login"
CODE = "step_up_required"
PERSONAL_TOKEN_CODE = "personal_token_not_allowed"


class StepUpRequired(Forbidden):
    """The action needs the password proven again: web pages go to the confirm page."""

    code = CODE

    def __init__(self, minutes: int, *, bearer: bool = False) -> None:
        # A token's caller cannot confirm in a browser: it signs in again for a fresh token.
        self.bearer = bearer
        self.confirm_url = LOGIN_PATH if bearer else CONFIRM_PATH
        super().__init__(
            f"This action needs a password sign-in in the last {minutes} minutes: sign in "
            f"again at {LOGIN_PATH} and call with the new access token."
            if bearer else
            f"Confirm it's you: this action needs your password entered in the last {minutes} "
            f"minutes. Confirm at {CONFIRM_PATH}, then try again."
        )


class PersonalTokenRefused(Forbidden):
    """A personal API token was used on a route that needs a recent password proof."""

    code = PERSONAL_TOKEN_CODE
    confirm_url = LOGIN_PATH

    def __init__(self) -> None:
        super().__init__(
            "Personal API tokens may not do this: sign in with your password at "
            f"{LOGIN_PATH} and call with the access token it returns."
        )


class Recheck(NamedTuple):
    """The outcome of re-checking a password: proven, or refused (`wait` set: 429)."""

    proven: bool
    wait: int | None = None
    # False when the address or account was held, so the password was not even looked at.
    checked: bool = True


def _web_session(session: Session, raw: str) -> WebSession | None:
    # Under every hash version: sessions stored before the current one keep their proof.
    return session.scalars(
        select(WebSession).where(WebSession.id.in_(token_hashes(raw)))
    ).first() if raw else None


def proven_at(*, session: Session, raw: str) -> datetime | None:
    """Return when the password was last proven in the browser session of a cookie."""
    row = _web_session(session, raw)
    return row.authenticated_at if row is not None else None


def is_recent(*, session: Session, raw: str, minutes: int, now: datetime | None = None) -> bool:
    """Return whether the session's password proof is at most `minutes` old."""
    at = proven_at(session=session, raw=raw)
    return at is not None and (now or utcnow()) - at <= timedelta(minutes=minutes)


def check_token(*, session: Session, raw: str, minutes: int, now: datetime | None = None) -> None:
    """Raise unless a bearer token is an access token issued in the last `minutes`.

    Only a password (and second-factor) sign-in issues access tokens, so their age is the
    age of the proof; a personal token is refused whatever its age.
    """
    token = session.scalars(
        select(ApiToken).where(ApiToken.token_hash.in_(token_hashes(raw)))
    ).first()
    if token is None or token.kind is TokenKind.PERSONAL:
        raise PersonalTokenRefused()
    if (now or utcnow()) - token.created_at > timedelta(minutes=minutes):
        raise StepUpRequired(minutes, bearer=True)


def recheck_password(
    *, session: Session, settings: Settings, user: User, password: str, actor: Actor,
    code: str | None = None,
) -> Recheck:
    """Check a signed-in user's password again, counted like a sign-in attempt.

    With `code` given, an enrolled second factor is checked too. Refused outright while the
    address or account is held; a failure counts towards the account's lockout, a success
    clears its count.
    """
    # The same counters as signing in: guessing here locks the account like guessing there.
    wait = throttle.guard_sign_in(session=session, settings=settings, ip=actor.ip,
                                  email=user.email)
    if wait:
        return Recheck(proven=False, wait=wait, checked=False)
    ok = verify_password(user.password_hash, password)
    if ok and code is not None and totp.is_enrolled(session=session, user_id=user.id):
        # The code is only spent once the password is right, as at sign-in.
        ok = totp.verify(session=session, user=user, settings=settings, code=code, actor=actor)
    if not ok:
        wait = throttle.record_failure(session=session, settings=settings, email=user.email,
                                       actor=actor)
        return Recheck(proven=False, wait=wait)
    throttle.record_success(session=session, email=user.email)
    return Recheck(proven=True)


def confirm(
    *, session: Session, raw: str, user: User, settings: Settings, password: str, code: str,
    actor: Actor,
) -> Recheck:
    """Check the password (and second-factor code); on success renew the session's proof.

    Audited either way, and counted towards the account's lockout (`recheck_password`).
    """
    with_code = totp.is_enrolled(session=session, user_id=user.id)
    result = recheck_password(session=session, settings=settings, user=user,
                              password=password, actor=actor, code=code)
    if not result.checked:
        return result
    row = _web_session(session, raw)
    ok = result.proven and row is not None
    if ok:
        assert row is not None
        row.authenticated_at = utcnow()
    audit.record(
        session=session, actor=actor,
        action="auth.step_up" if ok else "auth.step_up_failed", object_type="user",
        object_id=user.id,
        summary=("password and second factor" if with_code else "password") if ok else
        "wrong password or code",
    )
    return result if ok else Recheck(proven=False, wait=result.wait)
