"""Single-use secrets under concurrent requests (ASVS 11.1.6): a reset token, a TOTP time step
and a recovery code each work exactly once when several requests present them at once; and
concurrent failed sign-ins are all counted (ASVS 1.11.2).

Threads with their own connections race on a database of their own (committed data, kept
apart from the rolled-back test transactions). On PostgreSQL they run truly at once; SQLite
has one writer at a time, so there they take turns (the same code, serialised).
"""

import threading
from collections.abc import Callable, Iterator

import pyotp
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from indusx import migrate
from indusx.accounts import service as account_service
from indusx.accounts import throttle, totp
from indusx.accounts.models import (
    PlatformRole,
    RecoveryCode,
    SecondFactor,
    SignInThrottle,
    User,
)
from indusx.accounts.secrets import hash_password
from indusx.audit.service import Actor
from indusx.config import Settings
from indusx.db import make_engine, session_scope, utcnow
from indusx.errors import DomainError
from indusx.notifications.models import Notification
from tests.conftest import PASSWORD, make_settings
from tests.support.postgres import separate_database

THREADS = 8


@pytest.fixture(scope="module")
def race_settings(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    """Return settings for a migrated database of the test's dialect, only for this module."""
    if database_url.startswith("sqlite"):
        yield make_settings(f"sqlite:///{tmp_path_factory.mktemp('races') / 'races.db'}")
        return
    with separate_database(database_url, "account_races") as url:
        yield make_settings(url)


@pytest.fixture(scope="module")
def race_engine(race_settings: Settings) -> Iterator[Engine]:
    engine = make_engine(race_settings)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def factory(race_engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=race_engine, expire_on_commit=False)


def _race(settings: Settings, attempt: Callable[[], bool]) -> list[bool]:
    """Run `attempt` in THREADS threads released together; return each one's result."""
    serialise = settings.database_url.startswith("sqlite")
    start = threading.Barrier(THREADS)
    turn = threading.Lock()
    results: list[bool] = []
    errors: list[BaseException] = []

    def run() -> None:
        start.wait()
        try:
            if serialise:
                with turn:
                    ok = attempt()
            else:
                ok = attempt()
        except BaseException as exc:  # a crash is a failure of the test, not a lost race
            errors.append(exc)
            return
        results.append(ok)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def _user(factory: sessionmaker[Session], name: str) -> User:
    with session_scope(factory) as session:
        user = User(email=f"{name}@races.example", full_name=name.title(),
                    password_hash=hash_password(PASSWORD), platform_role=PlatformRole.MEMBER,
                    is_active=True, created_at=utcnow())
        session.add(user)
        session.flush()
        session.expunge(user)
    return user


def _enrol(factory: sessionmaker[Session], settings: Settings, user: User) -> tuple[
    pyotp.TOTP, list[str]
]:
    actor = Actor(user_id=user.id, email=user.email, via="web")
    with session_scope(factory) as session:
        live = session.get(User, user.id)
        assert live is not None
        totp.start_enrolment(session=session, user=live, settings=settings, actor=actor)
        factor = session.get(SecondFactor, user.id)
        assert factor is not None
        app_code = pyotp.TOTP(totp._secret(settings, user.id, factor.salt))
        # Confirmed with the previous step's code, so that the current one is still unused.
        codes = totp.confirm_enrolment(
            session=session, user=live, settings=settings,
            code=app_code.at(utcnow(), counter_offset=-1), actor=actor)
    return app_code, codes


def _verify(factory: sessionmaker[Session], settings: Settings, user_id: int, code: str) -> bool:
    with session_scope(factory) as session:
        user = session.get(User, user_id)
        assert user is not None
        # As the sign-in does: the factor is looked at before the code is checked.
        assert totp.is_enrolled(session=session, user_id=user_id)
        return totp.verify(session=session, user=user, settings=settings, code=code,
                           actor=Actor(user_id=user_id, email=user.email, via="web"))


def test_a_reset_token_resets_the_password_once_under_concurrent_use(
    factory: sessionmaker[Session], race_settings: Settings,
) -> None:
    user = _user(factory, "rita")
    with session_scope(factory) as session:
        account_service.request_password_reset(
            session=session, email=user.email, settings=race_settings,
            actor=Actor.system("test"))
        raw = session.scalars(select(Notification.mail_secret).where(
            Notification.user_id == user.id)).one()
    assert raw is not None

    def attempt() -> bool:
        try:
            with session_scope(factory) as session:
                account_service.reset_password(session=session, raw_token=raw,
                                               password="fresh-staple-horse-2027")
        except DomainError:
            return False
        return True

    assert sorted(_race(race_settings, attempt)) == [False] * (THREADS - 1) + [True]


def test_a_totp_code_works_once_under_concurrent_use(
    factory: sessionmaker[Session], race_settings: Settings,
) -> None:
    user = _user(factory, "tariq")
    app_code, _ = _enrol(factory, race_settings, user)
    code = app_code.now()
    results = _race(race_settings, lambda: _verify(factory, race_settings, user.id, code))
    assert results.count(True) == 1, results


def test_a_recovery_code_works_once_under_concurrent_use(
    factory: sessionmaker[Session], race_settings: Settings,
) -> None:
    user = _user(factory, "rosa")
    _, codes = _enrol(factory, race_settings, user)
    results = _race(race_settings, lambda: _verify(factory, race_settings, user.id, codes[0]))
    assert results.count(True) == 1, results
    with session_scope(factory) as session:
        used = session.scalars(select(RecoveryCode.id).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_not(None))).all()
    assert len(used) == 1



def test_concurrent_failed_sign_ins_are_all_counted_and_lock_once(
    factory: sessionmaker[Session], race_settings: Settings,
) -> None:
    email = "tomas@races.example"
    actor = Actor(user_id=None, email=email, via="web")

    def attempt() -> bool:
        with session_scope(factory) as session:
            wait = throttle.record_failure(session=session, settings=race_settings,
                                           email=email, actor=actor)
        return wait is not None

    results = _race(race_settings, attempt)
    assert race_settings.signin_max_failures < THREADS
    # Exactly one failure is the one that locks; none is lost, so the rest count on.
    assert results.count(True) == 1
    with session_scope(factory) as session:
        row = session.get(SignInThrottle, f"account:{email}")
        assert row is not None
        assert (row.lockouts, row.count) == (1, THREADS - race_settings.signin_max_failures)
