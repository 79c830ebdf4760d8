"""Database engine, declarative Base and the unit-of-work session scope."""

import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    JSON,
    Connection,
    DateTime,
    Engine,
    MetaData,
    TypeDecorator,
    create_engine,
    event,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from indusx.config import Settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# A failed statement's error (logged by errors.py's handlers) names its SQL, never the
# values bound to it: those can be passwords' hashes, tokens' hashes or personal data.
HIDE_PARAMETERS = True


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use indusx.db.utcnow()")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(settings: Settings) -> Engine:
    """Return an engine for the configured database; SQLite gets WAL and foreign keys."""
    url = settings.database_url
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, echo=settings.db_echo, hide_parameters=HIDE_PARAMETERS,
            connect_args={"check_same_thread": False, "timeout": 30},
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy, not pysqlite, decide when transactions begin, so that
            # SAVEPOINTs and transactional DDL behave as on PostgreSQL.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN")

        return engine
    # Storage is assumed to be SSD: with the default random_page_cost of 4 the planner
    # prefers to scan every row's (compressed) tsvector over the text index once a word
    # matches a fifth of the directory, which is ten times slower. The directory search has
    # one statement shape whose filters are switched on and off by parameters: custom plans
    # fold the switched-off ones away, where a cached generic plan would evaluate them all.
    options = "-c random_page_cost=1.1 -c plan_cache_mode=force_custom_plan"
    return create_engine(
        url, echo=settings.db_echo, hide_parameters=HIDE_PARAMETERS, pool_pre_ping=True,
        pool_size=10,
        connect_args={"options": options},
    )


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Return the session factory used by requests and CLI commands."""
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Yield one session as a unit of work: commit on success, roll back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


T = TypeVar("T")


class PerEngine(Generic[T]):
    """State a process keeps per database (tests and tools may open several in one process)."""

    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._states: weakref.WeakKeyDictionary[Engine, T] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def get(self, session: Session) -> T:
        """Return the state for the database behind a session, made on first use."""
        bind = session.get_bind()
        engine = bind.engine if isinstance(bind, Connection) else bind
        with self._lock:
            state = self._states.get(engine)
            if state is None:
                state = self._states[engine] = self._factory()
            return state
