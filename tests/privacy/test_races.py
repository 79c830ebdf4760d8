"""Erasure under concurrent requests: two co-owners, or the last two admins, erasing at once
leave one of them behind (the second waits for the first, then is refused).

The first erasure is written but not committed; the second runs in a thread on its own
connection. It must wait on the rows the first holds, not decide from what it saw before
the first committed. PostgreSQL only: SQLite has one writer at a time, so there the second
could not even start writing before the first commits.
"""

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from indusx import migrate
from indusx.accounts import service as account_service
from indusx.accounts.models import OrgRole, PlatformRole, User
from indusx.audit.service import Actor
from indusx.config import Settings
from indusx.db import make_engine, session_scope, utcnow
from indusx.errors import Conflict
from indusx.orgs import service as org_service
from indusx.orgs.schemas import OrgCreate
from indusx.privacy import service as privacy_service
from tests.conftest import make_settings
from tests.support.postgres import separate_database

# How long to wait for the second erasure to block or finish before giving up on it.
PATIENCE_SECONDS = 30


@pytest.fixture(scope="module")
def race_settings(postgres_url: str) -> Iterator[Settings]:
    """Return settings for a migrated PostgreSQL database of this module's own (these tests
    run on PostgreSQL only, not skipped on SQLite: see the module's docstring)."""
    with separate_database(postgres_url, "privacy_races") as url:
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


def _user(session: Session, name: str, role: PlatformRole = PlatformRole.MEMBER) -> User:
    user = User(email=f"{name}-{utcnow().timestamp()}@races.example", full_name=name,
                platform_role=role, is_active=True, created_at=utcnow())
    session.add(user)
    session.flush()
    return user


def _erase(factory: sessionmaker[Session], user_id: int) -> None:
    with session_scope(factory) as session:
        user = session.get(User, user_id)
        assert user is not None
        privacy_service.erase_account(session=session, user=user, confirm_email=user.email,
                                      actor=Actor(user_id=user.id, email=user.email, via="api"))


def _waiting_on_a_lock(engine: Engine) -> bool:
    with engine.connect() as connection:
        return bool(connection.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'")).scalar())


def _second_erasure_while_the_first_is_open(
    factory: sessionmaker[Session], race_engine: Engine, first: int, second: int
) -> list[BaseException | None]:
    """Erase `first` up to its commit, erase `second` meanwhile; return how `second` ended."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            _erase(factory, second)
        except BaseException as exc:  # reported to the test, which fails on it
            outcome.append(exc)
        else:
            outcome.append(None)

    with session_scope(factory) as session:
        user = session.get(User, first)
        assert user is not None
        privacy_service.erase_account(session=session, user=user, confirm_email=user.email,
                                      actor=Actor(user_id=user.id, email=user.email, via="api"))
        thread = threading.Thread(target=run)
        thread.start()
        # Commit only once the second has either finished or is waiting for this one.
        patience = threading.Event()
        for _ in range(PATIENCE_SECONDS * 20):
            if not thread.is_alive() or _waiting_on_a_lock(race_engine):
                break
            patience.wait(0.05)
    thread.join()
    return outcome


def test_two_co_owners_erasing_at_once_leave_one_owner(
    factory: sessionmaker[Session], race_engine: Engine,
) -> None:
    with session_scope(factory) as session:
        anna, ben = _user(session, "anna"), _user(session, "ben")
        org = org_service.create_org(
            session=session, actor=Actor.system("test"), owner=anna,
            org_in=OrgCreate.model_validate({"name": f"Co-owned {utcnow().timestamp()}",
                                             "country": "US", "kind": "startup"}))
        account_service.add_member(session=session, org_id=org.id, user=ben,
                                   role=OrgRole.OWNER, actor=Actor.system("test"))
        ids = (anna.id, ben.id)
    outcome = _second_erasure_while_the_first_is_open(factory, race_engine, *ids)
    assert len(outcome) == 1 and isinstance(outcome[0], Conflict), outcome
    assert "last owner" in str(outcome[0])
    with session_scope(factory) as session:
        assert not privacy_service.is_erased(session=session, user_id=ids[1])


def test_the_last_two_admins_erasing_at_once_leave_one_admin(
    factory: sessionmaker[Session], race_engine: Engine,
) -> None:
    with session_scope(factory) as session:
        session.execute(update(User).where(User.platform_role == PlatformRole.ADMIN)
                        .values(is_active=False))
        ids = tuple(_user(session, name, PlatformRole.ADMIN).id for name in ("ada", "abe"))
    outcome = _second_erasure_while_the_first_is_open(factory, race_engine, *ids)
    assert len(outcome) == 1 and isinstance(outcome[0], Conflict), outcome
    assert "last administrator" in str(outcome[0])
    with session_scope(factory) as session:
        admins = session.scalar(select(func.count()).select_from(User).where(
            User.platform_role == PlatformRole.ADMIN, User.is_active))
    assert admins == 1
