"""The audit log against the application's own database role (docs/deploy.md, "Database
roles"): it can add events, but cannot change or delete them, and cannot drop, disable or
bypass the triggers that keep `audit_event` append-only, nor truncate or drop the table.

PostgreSQL only, and not skipped on SQLite: SQLite has no roles, so these tests take the
PostgreSQL server directly. They run on a migrated database of their own, owned like
production by another role than the one under test; the role is created inside a
transaction that rolls back.
"""

import itertools
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from indusx import migrate
from indusx.db import make_engine
from tests.conftest import make_settings
from tests.support.postgres import separate_database

INSUFFICIENT_PRIVILEGE = "42501"
_ROLES = itertools.count(1)
INSERT = ("INSERT INTO audit_event (at, actor_email, action, object_type, object_id, summary, "
          "via, ip) VALUES (now(), 'cli', 'x.create', 'x', '1', '', 'cli', '')")


@pytest.fixture(scope="module")
def owner_engine(postgres_url: str) -> Iterator[Engine]:
    """Return an engine on a migrated database whose tables the connecting role owns."""
    with separate_database(postgres_url, "audit_protection") as url:
        engine = make_engine(make_settings(url))
        migrate.upgrade(engine)
        yield engine
        engine.dispose()


@pytest.fixture
def as_app_role(owner_engine: Engine) -> Iterator[Connection]:
    """Yield a connection acting as a role granted exactly what docs/deploy.md grants
    `indusx_app`; everything, the role included, is rolled back afterwards."""
    role = f"indusx_app_probe_{next(_ROLES)}"
    with owner_engine.connect() as connection:
        outer = connection.begin()
        for statement in (
            f"CREATE ROLE {role} NOLOGIN",
            f"GRANT USAGE ON SCHEMA public TO {role}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
            f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM {role}",
            f"SET ROLE {role}",
        ):
            connection.execute(text(statement))
        yield connection
        outer.rollback()


def _refused(connection: Connection, statement: str) -> str:
    """Run a statement in a savepoint; return the SQLSTATE it failed with."""
    savepoint = connection.begin_nested()
    with pytest.raises(DBAPIError) as failure:
        connection.execute(text(statement))
    savepoint.rollback()
    return str(getattr(failure.value.orig, "sqlstate", ""))


def test_the_app_role_adds_events_but_cannot_change_delete_or_truncate_them(
    as_app_role: Connection,
) -> None:
    event_id = as_app_role.execute(text(INSERT + " RETURNING id")).scalar_one()
    for statement in (
        f"UPDATE audit_event SET summary = 'tampered' WHERE id = {event_id}",
        f"DELETE FROM audit_event WHERE id = {event_id}",
        "TRUNCATE audit_event",
    ):
        assert _refused(as_app_role, statement) == INSUFFICIENT_PRIVILEGE, statement
    summary = as_app_role.execute(
        text(f"SELECT summary FROM audit_event WHERE id = {event_id}")).scalar_one()
    assert summary == ""


@pytest.mark.parametrize("statement", [
    "ALTER TABLE audit_event DISABLE TRIGGER ALL",
    "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only",
    "DROP TRIGGER audit_event_append_only ON audit_event",
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql "
    "AS $$ BEGIN RETURN OLD; END $$",
    "DROP FUNCTION audit_event_append_only() CASCADE",
    "SET session_replication_role = replica",
    "ALTER TABLE audit_event RENAME TO audit_event_old",
    "DROP TABLE audit_event",
])
def test_the_app_role_cannot_drop_disable_or_bypass_the_append_only_triggers(
    as_app_role: Connection, statement: str
) -> None:
    assert _refused(as_app_role, statement) == INSUFFICIENT_PRIVILEGE
    triggers = as_app_role.execute(text(
        "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass "
        "AND NOT tgisinternal")).all()
    assert [(name, enabled) for name, enabled in triggers] == [
        ("audit_event_append_only", "O")]
