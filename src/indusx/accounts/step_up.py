"""Step-up re-authentication: sensitive web actions need the password proven recently.

A browser session records when its user last proved their password (and second factor, if
they have one): at sign-in, and on the "Confirm it's you" page (/account/confirm). Changing a
platform role, creating a personal token, deleting an organisation, importing screening
lists, resetting someone's second factor, turning one's own off and new recovery codes need
that proof within `Settings.step_up_minutes` (deps.StepUp). So a session left open on an
unlocked screen, or a stolen cookie, cannot do them.

Bearer-token calls are not asked: a token is the credential of a script, which cannot type a
password; a personal token is itself created behind a step-up, expires (90 days by default)
and is revocable, and an access token lives `access_token_minutes` after a password (and
second-factor) sign-in.
"""

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from indusx.accounts import totp
from indusx.accounts.models import User, WebSession
from indusx.accounts.secrets import token_hash, verify_password
from indusx.audit import service as audit
from indusx.audit.service import Actor
from indusx.config import Settings
from indusx.db import utcnow
from indusx.errors import Forbidden

CONFIRM_PATH = "/account/confirm"
CODE = "step_up_required"


class StepUpRequired(Forbidden):
    """The action needs the password proven again: web pages go to the confirm page."""

    def __init__(self, minutes: int) -> None:
        super().__init__(
            f"Confirm it's you: this action needs your password entered in the last {minutes} "
            f"minutes. Confirm at {CONFIRM_PATH}, then try again."
        )


def proven_at(*, session: Session, raw: str) -> datetime | None:
    """Return when the password was last proven in the browser session of a cookie."""
    row = session.get(WebSession, token_hash(raw)) if raw else None
    return row.authenticated_at if row is not None else None


def is_recent(*, session: Session, raw: str, minutes: int, now: datetime | None = None) -> bool:
    """Return whether the session's password proof is at most `minutes` old."""
    at = proven_at(session=session, raw=raw)
    return at is not None and (now or utcnow()) - at <= timedelta(minutes=minutes)


def confirm(
    *, session: Session, raw: str, user: User, settings: Settings, password: str, code: str,
    actor: Actor,
) -> bool:
    """Check the password (and second-factor code); on success renew the session's proof.

    Audited either way; the caller counts a failure towards the account's lockout.
    """
    ok = verify_password(user.password_hash, password)
    with_code = totp.is_enrolled(session=session, user_id=user.id)
    if ok and with_code:
        # The code is only spent once the password is right, as at sign-in.
        ok = totp.verify(session=session, user=user, settings=settings, code=code, actor=actor)
    row = session.get(WebSession, token_hash(raw))
    if ok and row is not None:
        row.authenticated_at = utcnow()
    audit.record(
        session=session, actor=actor,
        action="auth.step_up" if ok else "auth.step_up_failed", object_type="user",
        object_id=user.id,
        summary=("password and second factor" if with_code else "password") if ok else
        "wrong password or code",
    )
    return ok and row is not None
