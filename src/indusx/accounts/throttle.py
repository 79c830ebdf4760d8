"""Rate limits and lockout for sign-in, second factors, password resets and tokens.

Counters live in the database (`sign_in_throttle`) so that every worker process sees the
same ones. Keys say what is counted:

- `account:<e-mail>`: failed sign-ins (password or second factor). After
  `signin_max_failures` within `signin_failure_window_minutes` the address is locked for
  `signin_lockout_minutes`, twice as long on each lockout in a row, up to the cap. Unknown
  addresses are counted and locked exactly like real ones, so a lockout tells nobody
  whether an account exists.
- `ip:<address>`: every sign-in, second-factor, reset-request and reset attempt from one
  client address, `ip_attempts_per_minute` per minute.
- `reset:<e-mail>`: reset e-mails sent to one address, `reset_requests_per_hour`; beyond it
  the request is answered as usual and nothing is sent.
- `token:<address>`: bad bearer, reset and invitation tokens from one address,
  `bad_tokens_per_window` per 15 minutes.

Routes commit before they refuse, so that the counts survive the refusal.
"""

import math
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from indusx.accounts.models import SignInThrottle, User
from indusx.audit import service as audit
from indusx.audit.service import Actor
from indusx.config import Settings
from indusx.db import utcnow
from indusx.errors import DomainError
from indusx.ops import metrics

TOKEN_WINDOW = timedelta(minutes=15)
# Rows untouched this long are pruned; a lockout's doubling is forgotten with its row.
KEEP = timedelta(days=1)


class TooManyAttempts(DomainError):
    """Refused for now: HTTP 429, with how many seconds to wait (the Retry-After header)."""

    status = 429

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            message or f"Too many attempts. Try again in {minutes} minute"
            f"{'' if minutes == 1 else 's'}."
        )
        self.retry_after = max(1, retry_after)


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


def _row(session: Session, key: str, now: datetime) -> SignInThrottle:
    """Return the counter for a key, creating it; locks the row where the database can."""
    row = session.get(SignInThrottle, key, with_for_update=True)
    if row is not None:
        return row
    row = SignInThrottle(key=key, count=0, window_started_at=now, lockouts=0, updated_at=now)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another worker created it first: count in theirs
        existing = session.get(SignInThrottle, key, with_for_update=True, populate_existing=True)
        assert existing is not None
        return existing
    return row


def _hit(session: Session, key: str, limit: int, window: timedelta) -> int | None:
    """Count one attempt under a fixed window; return seconds to wait when over the limit."""
    now = utcnow()
    row = _row(session, key, now)
    if now - row.window_started_at >= window:
        row.count, row.window_started_at = 0, now
    if row.count >= limit:
        metrics.RATE_LIMITED.labels(key.partition(":")[0]).inc()
        return _seconds_until(row.window_started_at + window, now)
    row.count += 1
    row.updated_at = now
    session.flush()
    return None


def _account_key(email: str) -> str:
    return f"account:{email.strip().lower()[:254]}"


def hit_ip(*, session: Session, settings: Settings, ip: str) -> int | None:
    """Count an attempt from a client address; return seconds to wait when over the limit."""
    return _hit(session, f"ip:{ip}", settings.ip_attempts_per_minute, timedelta(minutes=1))


def account_locked_for(*, session: Session, email: str) -> int | None:
    """Return the seconds an e-mail address stays locked, or None when it is not locked."""
    row = session.get(SignInThrottle, _account_key(email))
    now = utcnow()
    if row is None or row.locked_until is None or row.locked_until <= now:
        return None
    return _seconds_until(row.locked_until, now)


def guard_sign_in(*, session: Session, settings: Settings, ip: str, email: str) -> int | None:
    """Count a sign-in attempt; return seconds to wait if the address or account is held."""
    return hit_ip(session=session, settings=settings, ip=ip) or account_locked_for(
        session=session, email=email
    )


def record_failure(
    *, session: Session, settings: Settings, email: str, actor: Actor
) -> int | None:
    """Count a failed sign-in; when it locks the account, audit that and return its seconds."""
    now = utcnow()
    row = _row(session, _account_key(email), now)
    window = timedelta(minutes=settings.signin_failure_window_minutes)
    if now - row.window_started_at >= window:
        row.count, row.window_started_at = 0, now
    row.count += 1
    row.updated_at = now
    metrics.SIGNIN_FAILURES.inc()
    if row.count < settings.signin_max_failures:
        session.flush()
        return None
    row.lockouts += 1
    metrics.LOCKOUTS.inc()
    minutes = min(
        settings.signin_lockout_minutes * 2 ** min(row.lockouts - 1, 20),
        settings.signin_lockout_max_minutes,
    )
    row.locked_until = now + timedelta(minutes=minutes)
    row.count, row.window_started_at = 0, now
    session.flush()
    user_id = session.scalar(select(User.id).where(User.email == email.strip().lower()))
    audit.record(
        session=session, actor=actor, action="auth.lockout", object_type="user",
        object_id=user_id or "",
        summary=f"{settings.signin_max_failures} failed sign-ins: locked for {minutes} minutes"
                f" (lockout {row.lockouts} in a row)",
    )
    return _seconds_until(row.locked_until, now)


def record_success(*, session: Session, email: str) -> None:
    """Forget an account's failed sign-ins once it signed in."""
    session.execute(delete(SignInThrottle).where(SignInThrottle.key == _account_key(email)))


def reset_mail_allowed(*, session: Session, settings: Settings, email: str) -> bool:
    """Count a reset e-mail to an address; return False when it has had its share this hour."""
    key = f"reset:{email.strip().lower()[:254]}"
    return _hit(session, key, settings.reset_requests_per_hour, timedelta(hours=1)) is None


def bad_tokens_wait(*, session: Session, settings: Settings, ip: str) -> int | None:
    """Return seconds to wait when an address has sent too many bad tokens, else None."""
    row = session.get(SignInThrottle, f"token:{ip}")
    now = utcnow()
    if row is None or now - row.window_started_at >= TOKEN_WINDOW:
        return None
    if row.count < settings.bad_tokens_per_window:
        return None
    metrics.RATE_LIMITED.labels("token").inc()
    return _seconds_until(row.window_started_at + TOKEN_WINDOW, now)


def record_bad_token(*, session: Session, settings: Settings, ip: str) -> None:
    """Count a bad bearer, reset or invitation token from an address."""
    _hit(session, f"token:{ip}", settings.bad_tokens_per_window + 1, TOKEN_WINDOW)


def prune(*, session: Session, now: datetime | None = None) -> int:
    """Delete counters untouched for a day and not holding a lockout; return how many."""
    now = now or utcnow()
    result = session.execute(
        delete(SignInThrottle).where(
            SignInThrottle.updated_at < now - KEEP,
            (SignInThrottle.locked_until.is_(None)) | (SignInThrottle.locked_until < now),
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
