"""Account services that no route exercises directly."""

from collections.abc import Callable
from datetime import timedelta

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import ApiToken, TokenKind, User, WebSession
from indusx.accounts.secrets import (
    csrf_token_for,
    csrf_valid,
    hash_password,
    needs_rehash,
    verify_password,
)
from indusx.audit.models import AuditEvent
from indusx.config import Settings
from indusx.db import utcnow
from tests.conftest import ACTOR


def test_expired_sessions_and_access_tokens_are_purged_but_personal_tokens_stay(
    session: Session, settings: Settings, make_user: Callable[..., User]
) -> None:
    user = make_user(password=None)
    account_service.start_web_session(session=session, user=user, settings=settings)
    account_service.issue_access_token(session=session, user=user, settings=settings,
                                       actor=ACTOR)
    account_service.create_api_token(session=session, user=user, actor=ACTOR, expires_days=1)
    later = utcnow() + timedelta(days=settings.session_days + 2)
    assert account_service.purge_expired(session=session, now=later) == 2
    assert session.scalars(select(WebSession)).all() == []
    kinds = [t.kind for t in session.scalars(select(ApiToken))]
    assert kinds == [TokenKind.PERSONAL]


def test_passwords_are_argon2id_hashes_that_verify_only_the_right_password() -> None:
    stored = hash_password("correct-horse-battery")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "correct-horse-battery")
    assert not verify_password(stored, "correct-horse-batterY")
    assert not verify_password(None, "anything")


def test_a_csrf_token_is_bound_to_its_cookie_and_secret() -> None:
    token = csrf_token_for("k" * 40, "cookie-a")
    assert csrf_valid("k" * 40, "cookie-a", token)
    assert not csrf_valid("k" * 40, "cookie-b", token)
    assert not csrf_valid("j" * 40, "cookie-a", token)
    assert not csrf_valid("k" * 40, None, token)


def test_a_mentor_profile_change_is_audited_once_and_an_unchanged_save_not_at_all(
    session: Session, make_user: Callable[..., User]
) -> None:
    user = make_user(password=None)
    for _ in range(2):
        account_service.update_mentor_profile(session=session, user=user, is_mentor=True,
                                              expertise="Hypersonics test ranges", actor=ACTOR)
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.mentor_profile")).all()
    assert len(events) == 1 and events[0].after == {
        "is_mentor": True, "expertise": "Hypersonics test ranges"}


def test_an_older_argon2_hash_is_replaced_at_the_next_right_password_and_not_at_a_wrong_one(
    session: Session, make_user: Callable[..., User]
) -> None:
    # The web and the API sign-in both go through authenticate().
    user = make_user(password=None)
    weaker = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    user.password_hash = old = weaker.hash("correct-horse-battery")
    session.commit()
    assert needs_rehash(old)
    assert account_service.authenticate(session=session, email=user.email,
                                        password="correct-horse-batterY", actor=ACTOR) is None
    assert user.password_hash == old
    assert account_service.authenticate(session=session, email=user.email,
                                        password="correct-horse-battery", actor=ACTOR) == user
    session.commit()
    assert user.password_hash != old and not needs_rehash(user.password_hash)
    assert verify_password(user.password_hash, "correct-horse-battery")
