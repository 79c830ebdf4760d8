"""Replaceable algorithms (ASVS 6.2.4): versioned token hashes, labelled subkeys, CSRF tokens."""

import base64
import hashlib
import hmac
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts import secrets, step_up, totp
from indusx.accounts import service as account_service
from indusx.accounts.models import (
    ApiToken,
    OneTimeKind,
    OneTimeToken,
    TokenKind,
    User,
    WebSession,
)
from indusx.accounts.secrets import csrf_token_for, csrf_valid, key_id, subkey, token_hash
from indusx.config import Settings
from indusx.db import utcnow

KEY = "k" * 40


def _sha256(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _old_style_rows(session: Session, user: User) -> dict[str, str]:
    """Store a session, an API token, a reset and an invitation the way they were stored
    before hashes had versions (bare SHA-256 hex), and return their raw secrets."""
    now = utcnow()
    raws = {name: f"{name}-{'x' * 40}" for name in ("session", "api", "reset", "invite")}
    session.add(WebSession(id=_sha256(raws["session"]), user_id=user.id, created_at=now,
                           expires_at=now + timedelta(days=1), last_seen_at=now))
    session.add(ApiToken(user_id=user.id, name="old", kind=TokenKind.PERSONAL,
                         token_hash=_sha256(raws["api"]), prefix="ixp_old", created_at=now))
    for kind, name in ((OneTimeKind.PASSWORD_RESET, "reset"), (OneTimeKind.INVITATION, "invite")):
        session.add(OneTimeToken(kind=kind, token_hash=_sha256(raws[name]), user_id=user.id,
                                 created_at=now, expires_at=now + timedelta(hours=1)))
    session.commit()
    return raws


def _still_work(session: Session, user: User, raws: dict[str, str]) -> None:
    assert account_service.user_for_web_session(session=session, raw=raws["session"]) == user
    assert account_service.user_for_bearer(session=session, raw=raws["api"]) == user
    for kind, name in ((OneTimeKind.PASSWORD_RESET, "reset"), (OneTimeKind.INVITATION, "invite")):
        row = account_service.peek_one_time(session=session, raw=raws[name], kind=kind)
        assert row.user_id == user.id


def test_sessions_and_tokens_stored_before_hash_versions_keep_working(
    session: Session, make_user: Callable[..., User]
) -> None:
    user = make_user(password=None)
    raws = _old_style_rows(session, user)
    _still_work(session, user, raws)
    # Version 1 is that very form: nothing had to be rewritten.
    assert token_hash(raws["api"]) == _sha256(raws["api"])


def test_a_new_token_hash_version_keeps_older_secrets_working_and_moves_api_tokens_on_use(
    session: Session, settings: Settings, make_user: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = make_user(password=None)
    raws = _old_style_rows(session, user)
    # A hypothetical version 2 (a different hash, short enough for today's columns).
    monkeypatch.setitem(secrets.TOKEN_HASHES, 2,
                        lambda raw: hashlib.blake2b(raw.encode(), digest_size=31).hexdigest())
    monkeypatch.setattr(secrets, "TOKEN_HASH_VERSION", 2)
    _still_work(session, user, raws)
    session.commit()
    api = session.scalars(select(ApiToken).where(ApiToken.name == "old")).one()
    assert api.token_hash == token_hash(raws["api"])
    assert api.token_hash.startswith("2$")
    # New secrets are stored under version 2, and found again.
    raw = account_service.start_web_session(session=session, user=user, settings=settings)
    assert session.get(WebSession, token_hash(raw)) is not None
    assert session.get(WebSession, _sha256(raw)) is None
    assert account_service.user_for_web_session(session=session, raw=raw) == user
    # The moved token still works, and a wrong one still does not.
    assert account_service.user_for_bearer(session=session, raw=raws["api"]) == user
    assert account_service.user_for_bearer(session=session, raw=raws["api"] + "x") is None


def test_a_session_and_an_access_token_from_before_a_new_version_keep_their_step_up_proof(
    session: Session, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = make_user(password=None)
    raws = _old_style_rows(session, user)
    now = utcnow()
    session.get(WebSession, _sha256(raws["session"])).authenticated_at = now  # type: ignore[union-attr]
    access = f"ixa_{'y' * 40}"
    session.add(ApiToken(user_id=user.id, name="access", kind=TokenKind.ACCESS,
                         token_hash=_sha256(access), prefix="ixa_yyy", created_at=now))
    session.commit()
    monkeypatch.setitem(secrets.TOKEN_HASHES, 2,
                        lambda raw: hashlib.blake2b(raw.encode(), digest_size=31).hexdigest())
    monkeypatch.setattr(secrets, "TOKEN_HASH_VERSION", 2)

    assert step_up.is_recent(session=session, raw=raws["session"], minutes=10)
    step_up.check_token(session=session, raw=access, minutes=10)  # raises if not found
    with pytest.raises(step_up.PersonalTokenRefused):
        step_up.check_token(session=session, raw=raws["api"], minutes=10)


def test_csrf_tokens_carry_their_version_and_use_their_own_subkey() -> None:
    token = csrf_token_for(KEY, "cookie-a")
    assert token.startswith(f"{secrets.CSRF_VERSION}.")
    assert csrf_valid(KEY, "cookie-a", token)
    # Not an HMAC with the app key itself (version 1), which other uses shared.
    legacy = hmac.new(KEY.encode(), b"cookie-a", hashlib.sha256).hexdigest()
    assert legacy not in token and not csrf_valid(KEY, "cookie-a", legacy)


def test_a_chosen_csrf_cookie_does_not_reveal_a_totp_secret() -> None:
    # The browser chooses its CSRF cookie and the page shows the token made from it: were
    # both an HMAC under one key, the cookie "totp:<user>:<salt>" would show that user's
    # authenticator secret to anyone holding the salt from a copy of the database.
    for derivation, cookie in ((1, "totp:7:abcd"), (2, "7:abcd")):
        secret = base64.b32decode(totp._derive(KEY, derivation, 7, "abcd")).hex()
        assert secret not in csrf_token_for(KEY, cookie)


def test_subkeys_differ_by_purpose_and_key_ids_name_keys_without_revealing_them() -> None:
    assert subkey(KEY, "csrf/2") != subkey(KEY, "totp/2")
    assert subkey(KEY, "csrf/2") != subkey("j" * 40, "csrf/2")
    assert key_id(KEY) == key_id(KEY) != key_id("j" * 40)
    assert len(key_id(KEY)) == 12
