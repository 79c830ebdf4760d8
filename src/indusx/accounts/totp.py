"""Second factor: TOTP authenticator apps (RFC 6238, via pyotp) and single-use recovery codes.

The shared secret is never stored. Each enrolment stores a random salt, the derivation
version and the id of the app key it was made with, and the secret is derived (cut to 160
bits, RFC 4226's length):

- derivation 1 (enrolments from before versions): HMAC-SHA256(app key, "totp:<user>:<salt>");
- derivation 2: HMAC-SHA256(the app key's "totp/2" subkey, "<user>:<salt>").

A stolen copy of the database alone cannot produce codes, no encryption library or key store
is needed, and only the enrolment page ever shows the secret. An enrolment keeps working
after the app key is rotated for as long as its key stays among the previous keys
(`INDUSX_PREVIOUS_SECRET_KEYS`); a new derivation applies to new enrolments, and the old
ones keep theirs.
"""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from indusx.accounts import notices
from indusx.accounts.models import RecoveryCode, SecondFactor, User
from indusx.accounts.secrets import key_id, subkey
from indusx.audit import service as audit
from indusx.audit.service import Actor
from indusx.config import Settings
from indusx.db import utcnow
from indusx.errors import Conflict, Forbidden, Invalid

ISSUER = "INDUS-X"
# The derivation new enrolments get (see the module's docstring).
DERIVATION = 2
RECOVERY_CODE_COUNT = 10
# Codes of the step before and after the current one are accepted (clock drift, typing).
DRIFT_STEPS = 1
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
# Recovery codes are random (10 of 31 symbols: 49 bits), so argon2id needs far less work than
# for a password: a sign-in with a recovery code tries up to ten hashes, each ~2 ms instead
# of ~50 ms with the password parameters.
_recovery_hasher = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)


class SecondFactorRequired(Forbidden):
    """The caller's role must set up two-factor authentication before anything else."""


@dataclass(frozen=True, slots=True)
class Enrolment:
    """What the enrolment page shows: the secret for manual entry, its URI and QR code."""

    secret: str
    uri: str
    qr_svg: str


def _derive(secret_key: str, derivation: int, user_id: int, salt: str) -> str:
    if derivation == 1:
        key, message = secret_key.encode(), f"totp:{user_id}:{salt}"
    elif derivation == 2:
        key, message = subkey(secret_key, "totp/2"), f"{user_id}:{salt}"
    else:
        raise ValueError(f"unknown TOTP derivation {derivation}")
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()[:20]
    return base64.b32encode(digest).decode()


def _secret(settings: Settings, user_id: int, salt: str) -> str:
    """Return the secret of a new enrolment: the current derivation with the current key."""
    return _derive(settings.secret_key, DERIVATION, user_id, salt)


def _secrets_of(settings: Settings, factor: SecondFactor) -> list[tuple[str, str]]:
    """Return (key id, secret) for each key the factor's codes may come from.

    That is the key it was made with, while the app still has it; an enrolment from before
    key ids were kept may come from any of the app's keys (it is stamped at its next code).
    """
    keys = settings.secret_keys
    if factor.key_id is not None:
        keys = [k for k in keys if key_id(k) == factor.key_id]
    return [(key_id(k), _derive(k, factor.derivation, factor.user_id, factor.salt))
            for k in keys]


def factor_of(*, session: Session, user_id: int) -> SecondFactor | None:
    """Return the user's authenticator, confirmed or not."""
    return session.get(SecondFactor, user_id)


def is_enrolled(*, session: Session, user_id: int) -> bool:
    """Return whether the user signs in with a confirmed second factor."""
    factor = session.get(SecondFactor, user_id)
    return factor is not None and factor.confirmed_at is not None


def enrolled_among(*, session: Session, user_ids: list[int]) -> set[int]:
    """Return which of these users sign in with a confirmed second factor."""
    if not user_ids:
        return set()
    return set(session.scalars(
        select(SecondFactor.user_id).where(SecondFactor.user_id.in_(user_ids),
                                           SecondFactor.confirmed_at.is_not(None))
    ))


def is_required(*, settings: Settings, user: User) -> bool:
    """Return whether the user's platform role must use a second factor."""
    return user.platform_role.value in settings.second_factor_roles


def start_enrolment(
    *, session: Session, user: User, settings: Settings, actor: Actor
) -> Enrolment:
    """Return the secret to set up (a new one unless an unconfirmed one is waiting)."""
    factor = session.get(SecondFactor, user.id)
    if factor is not None and factor.confirmed_at is not None:
        raise Conflict("Two-factor authentication is already set up")
    current_key = key_id(settings.secret_key)
    if factor is None:
        factor = SecondFactor(user_id=user.id, salt=secrets.token_hex(16), created_at=utcnow(),
                              derivation=DERIVATION, key_id=current_key)
        session.add(factor)
        session.flush()
        audit.record(
            session=session, actor=actor, action="auth.2fa_enrol_started",
            object_type="user", object_id=user.id,
        )
    elif factor.derivation != DERIVATION or factor.key_id != current_key:
        # Not confirmed yet: it moves to the current derivation and key (a new secret).
        factor.derivation, factor.key_id = DERIVATION, current_key
    secret = _secret(settings, user.id, factor.salt)
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2, light="#fff")
    return Enrolment(secret=secret, uri=uri, qr_svg=svg)


def _clean(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _totp_step(settings: Settings, factor: SecondFactor, code: str, now: datetime) -> int | None:
    """Return the time step a code belongs to, if it is right and not used before.

    The factor is stamped with the id of the key that made the code, if it had none.
    """
    if not (code.isdigit() and len(code) == 6):
        return None
    for kid, secret in _secrets_of(settings, factor):
        totp = pyotp.TOTP(secret)
        current = totp.timecode(now)
        for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
            if factor.last_step is not None and step <= factor.last_step:
                continue
            if hmac.compare_digest(totp.generate_otp(step), code):
                factor.key_id = kid
                return step
    return None


def _new_recovery_codes(session: Session, user_id: int) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        session.add(RecoveryCode(user_id=user_id, code_hash=_recovery_hasher.hash(raw),
                                 created_at=utcnow()))
    session.flush()
    return codes


def confirm_enrolment(
    *, session: Session, user: User, settings: Settings, code: str, actor: Actor
) -> list[str]:
    """Confirm the authenticator with a code from it; return recovery codes, shown once."""
    factor = session.get(SecondFactor, user.id)
    if factor is None:
        raise Invalid.field("code", "start the set-up first")
    if factor.confirmed_at is not None:
        raise Conflict("Two-factor authentication is already set up")
    step = _totp_step(settings, factor, _clean(code), utcnow())
    if step is None:
        raise Invalid.field("code", "that code is not right; type the current one from the app")
    factor.last_step = step
    factor.confirmed_at = utcnow()
    codes = _new_recovery_codes(session, user.id)
    audit.record(
        session=session, actor=actor, action="auth.2fa_enabled", object_type="user",
        object_id=user.id, summary=f"authenticator app and {len(codes)} recovery codes",
    )
    notices.credential_changed(session=session, user=user, change=notices.Change.TWO_FACTOR_ON,
                               actor=actor)
    return codes


def regenerate_recovery_codes(*, session: Session, user: User, actor: Actor) -> list[str]:
    """Replace the user's recovery codes with new ones, shown once; the old ones stop working."""
    if not is_enrolled(session=session, user_id=user.id):
        raise Conflict("Set up two-factor authentication first")
    codes = _new_recovery_codes(session, user.id)
    audit.record(
        session=session, actor=actor, action="auth.recovery_codes_regenerated",
        object_type="user", object_id=user.id, summary=f"{len(codes)} new recovery codes",
    )
    notices.credential_changed(session=session, user=user, change=notices.Change.RECOVERY_CODES,
                               actor=actor)
    return codes


def verify(
    *, session: Session, user: User, settings: Settings, code: str, actor: Actor
) -> bool:
    """Return whether a code from the authenticator, or an unused recovery code, is right.

    Either works once: the authenticator's time step and the recovery code are spent. The
    factor's row is locked and read afresh (not from the session's identity map, which may
    hold it from an earlier check), so concurrent requests with one code take turns and the
    second sees the step the first spent.
    """
    factor = session.get(SecondFactor, user.id, with_for_update=True, populate_existing=True)
    if factor is None or factor.confirmed_at is None:
        return False
    cleaned = _clean(code)
    step = _totp_step(settings, factor, cleaned, utcnow())
    if step is not None:
        factor.last_step = step
        return True
    if len(cleaned) != 10:
        return False
    unused = session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                   RecoveryCode.used_at.is_(None))
    ).all()
    for row in unused:
        if _recovery_matches(row.code_hash, cleaned):
            spent = session.execute(
                update(RecoveryCode)
                .where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
                .values(used_at=utcnow())
                .execution_options(synchronize_session=False)
            )
            if int(getattr(spent, "rowcount", 0) or 0) != 1:
                return False  # spent by a concurrent request in the meantime
            left = len(unused) - 1
            audit.record(
                session=session, actor=actor, action="auth.recovery_code_used",
                object_type="user", object_id=user.id, summary=f"{left} recovery codes left",
            )
            return True
    return False


def _recovery_matches(code_hash: str, code: str) -> bool:
    try:
        return _recovery_hasher.verify(code_hash, code)
    except (VerificationError, InvalidHashError):
        return False


def recovery_codes_left(*, session: Session, user_id: int) -> int:
    """Return how many unused recovery codes the user has."""
    return len(session.scalars(
        select(RecoveryCode.id).where(RecoveryCode.user_id == user_id,
                                      RecoveryCode.used_at.is_(None))
    ).all())


def disable(
    *, session: Session, user: User, settings: Settings, code: str, actor: Actor
) -> None:
    """Remove the authenticator and recovery codes, proven with a current code."""
    if is_required(settings=settings, user=user):
        raise Forbidden("Your role must sign in with a second factor; it cannot be turned off")
    if not verify(session=session, user=user, settings=settings, code=code, actor=actor):
        raise Invalid.field("code", "that code is not right")
    remove(session=session, user_id=user.id)
    audit.record(
        session=session, actor=actor, action="auth.2fa_disabled", object_type="user",
        object_id=user.id,
    )
    notices.credential_changed(session=session, user=user, change=notices.Change.TWO_FACTOR_OFF,
                               actor=actor)


def remove(*, session: Session, user_id: int) -> bool:
    """Delete a user's authenticator and recovery codes; return whether there was one."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    result = session.execute(delete(SecondFactor).where(SecondFactor.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0) > 0
