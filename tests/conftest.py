"""Shared fixtures: every database test runs on SQLite and on a real PostgreSQL server.

Each test runs inside a transaction that is rolled back, so tests never see each other's
data; the app under test is bound to the same connection (commits become savepoints).
"""

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

from indusx import migrate
from indusx.accounts import service as account_service
from indusx.accounts.models import OrgRole, PlatformRole, User
from indusx.accounts.secrets import csrf_token_for
from indusx.audit.service import Actor
from indusx.config import Environment, Settings, get_settings
from indusx.db import make_engine, session_scope
from indusx.deps import CSRF_COOKIE, SESSION_COOKIE
from indusx.main import create_app
from indusx.orgs import service as org_service
from indusx.orgs.models import Organisation
from indusx.orgs.schemas import OrgCreate
from tests.support.postgres import PostgresUnavailable, throwaway_postgres

pytest_plugins = ["tests.support.strict"]

SECRET = "test-secret-key-that-is-long-enough-0123456789"
PASSWORD = "correct-horse-battery"
CSRF_COOKIE_VALUE = "test-csrf-cookie"
ACTOR = Actor.system("test")


def make_settings(database_url: str, **overrides: Any) -> Settings:
    """Return settings for tests: no background workers, a fixed secret."""
    values: dict[str, Any] = {
        "env": Environment.TEST,
        "database_url": database_url,
        "secret_key": SECRET,
        "outbox_worker": False,
        "match_indexer": False,
        "screening_warmer": False,
        # Sign-in security tests turn the second factor on for the roles they test.
        "require_2fa_roles": "",
        # One caller sends hundreds of requests a minute here (the permission matrix, fuzzing);
        # tests/ops/test_ratelimit.py turns the limit on where it is the subject.
        "api_rate_per_minute": 0,
        "form_min_seconds": 0,  # tests/test_pacing.py turns the human-pace check on
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """Start one throwaway PostgreSQL server for the whole run."""
    try:
        with throwaway_postgres() as url:
            yield url
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL is not available: {exc}")


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """Return the URL of a migrated test database, one per dialect."""
    if request.param == "postgresql":
        url: str = request.getfixturevalue("postgres_url")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    engine = make_engine(make_settings(url))
    migrate.upgrade(engine)
    with session_scope(sessionmaker(bind=engine)) as session:
        org_service.seed_focus_areas(session=session)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(make_settings(database_url))
    yield eng
    eng.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def session_factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions bound to one connection whose outer transaction is rolled back."""
    connection = engine.connect()
    outer = connection.begin()
    factory = sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    yield factory
    outer.rollback()
    connection.close()


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    db = session_factory()
    yield db
    db.close()


@pytest.fixture
def app(settings: Settings, engine: Engine, session_factory: sessionmaker[Session]) -> FastAPI:
    return create_app(settings, engine=engine, session_factory=session_factory)


@pytest.fixture
def csrf() -> str:
    """Return the CSRF token that matches the cookie every test client carries."""
    return csrf_token_for(SECRET, CSRF_COOKIE_VALUE)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as test_client:
        test_client.cookies.set(CSRF_COOKIE, CSRF_COOKIE_VALUE)
        yield test_client


_counter = itertools.count(1)


@pytest.fixture
def make_user(session: Session) -> Callable[..., User]:
    def _make(
        role: str = "member", email: str | None = None, password: str | None = PASSWORD,
        name: str | None = None,
    ) -> User:
        n = next(_counter)
        user = account_service.create_user(
            session=session, email=email or f"user{n}@example.org",
            full_name=name or f"User {n}", platform_role=PlatformRole(role),
            password=password, actor=ACTOR,
        )
        session.commit()
        return user

    return _make


@pytest.fixture
def make_org(session: Session) -> Callable[..., Organisation]:
    def _make(owner: User | None = None, **fields: Any) -> Organisation:
        n = next(_counter)
        data: dict[str, Any] = {
            "name": f"Test Organisation {n}",
            "country": "IN",
            "kind": "startup",
            "description": "Builds acoustic modems for undersea communications.",
            "capabilities": "Acoustic modems, underwater networking, signal processing.",
            "focus_areas": ["undersea"],
            "seeking": ["co_development"],
            "contact_email": f"contact{n}@example.org",
            "needs": "A US partner for sea trials.",
        }
        data.update(fields)
        org = org_service.create_org(
            session=session, org_in=OrgCreate.model_validate(data), actor=ACTOR, owner=owner
        )
        session.commit()
        return org_service.get_org(session=session, org_id=org.id)

    return _make


@pytest.fixture
def sign_in(session: Session, settings: Settings) -> Callable[[TestClient, User], TestClient]:
    """Give a test client a browser session cookie for a user."""

    def _sign_in(test_client: TestClient, user: User) -> TestClient:
        raw = account_service.start_web_session(session=session, user=user, settings=settings)
        session.commit()
        test_client.cookies.set(SESSION_COOKIE, raw)
        return test_client

    return _sign_in


@pytest.fixture
def bearer(session: Session, settings: Settings) -> Callable[[User], dict[str, str]]:
    """Return Authorization headers with a fresh access token of a user.

    An access token is what POST /api/v1/auth/login gives a script; a personal token (made
    with `account_service.create_api_token`) is refused on step-up routes (step_up.py).
    """

    def _bearer(user: User) -> dict[str, str]:
        _, raw = account_service.issue_access_token(session=session, user=user,
                                                    settings=settings, actor=ACTOR)
        session.commit()
        return {"Authorization": f"Bearer {raw}"}

    return _bearer


@pytest.fixture
def people(
    session: Session, make_user: Callable[..., User], make_org: Callable[..., Organisation]
) -> SimpleNamespace:
    """alice owns the organisation, bob is a viewer in it, charlie has no access.

    They sign in through `sign_in` or `bearer`; without passwords no argon2 hashing slows
    every permission test (password sign-in has tests of its own).
    """
    alice = make_user(name="Alice Owner", password=None)
    bob = make_user(name="Bob Viewer", password=None)
    charlie = make_user(name="Charlie Outsider", password=None)
    officer = make_user(role="officer", name="Olga Officer", password=None)
    admin = make_user(role="admin", name="Adam Admin", password=None)
    org = make_org(owner=alice, name="Alice Undersea Systems")
    account_service.add_member(session=session, org_id=org.id, user=bob, role=OrgRole.VIEWER,
                               actor=ACTOR)
    session.commit()
    return SimpleNamespace(alice=alice, bob=bob, charlie=charlie, officer=officer, admin=admin,
                           org=org)


@pytest.fixture
def fresh_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """Return the URL of an empty database of the same dialect (for migration tests)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"fresh_{next(_counter)}"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    base, _, _ = database_url.rpartition("/")
    yield f"{base}/{name}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


@pytest.fixture
def cli_db(fresh_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the `indusx` command line at a fresh, migrated database."""
    monkeypatch.setenv("INDUSX_DATABASE_URL", fresh_database_url)
    monkeypatch.setenv("INDUSX_ENV", "test")
    monkeypatch.setenv("INDUSX_SECRET_KEY", SECRET)
    get_settings.cache_clear()
    from typer.testing import CliRunner

    from indusx.cli import app as cli_app

    result = CliRunner().invoke(cli_app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "12 focus areas added" in result.output
    yield fresh_database_url
    get_settings.cache_clear()
