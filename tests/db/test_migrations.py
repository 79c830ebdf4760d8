"""Migrations build the schema from an empty database, and tear it down again."""

from sqlalchemy import inspect, text

from indusx import migrate
from indusx.db import Base, make_engine
from indusx.models import accounts_models  # noqa: F401  (registers the tables)
from tests.conftest import make_settings


def test_migrations_run_up_from_empty_down_to_base_and_up_again(fresh_database_url: str) -> None:
    engine = make_engine(make_settings(fresh_database_url))
    try:
        assert migrate.current_tables(engine) == set()
        migrate.upgrade(engine)
        tables = migrate.current_tables(engine)
        assert set(Base.metadata.tables) <= tables
        migrate.downgrade(engine, "base")
        assert migrate.current_tables(engine) <= {"alembic_version"}
        migrate.upgrade(engine)
        with engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version is not None
    finally:
        engine.dispose()


def test_the_migrated_schema_matches_the_models(fresh_database_url: str) -> None:
    """Alembic's autogenerate finds nothing to add: models and migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = make_engine(make_settings(fresh_database_url))
    try:
        migrate.upgrade(engine)
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        ignorable = {"organisation_fts", "organisation_fts_config", "organisation_fts_data",
                     "organisation_fts_docsize", "organisation_fts_idx"}
        diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name in ignorable)]
        diff = [d for d in diff if not (
            d[0] == "remove_column" and getattr(d[3], "name", "") == "search_vector")]
        diff = [d for d in diff if not (
            d[0] == "remove_index" and d[1].name == "ix_organisation_search_vector")]
        assert diff == []
        assert "organisation" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_migration_0018_takes_one_time_tokens_out_of_stored_links(
    fresh_database_url: str,
) -> None:
    """Unsent messages keep their token apart for the e-mail; sent ones lose it."""
    engine = make_engine(make_settings(fresh_database_url))
    insert = text(
        "INSERT INTO notification (to_email, kind, subject, body, link, in_app, created_at,"
        " delivery_status, attempts, last_error) VALUES ('pat@example.org', :kind, 'S', 'B',"
        " :link, false, CURRENT_TIMESTAMP, :status, 0, '')"
    )
    old = [
        ("password_reset", "/password/reset#token=tok-pending-fragment", "pending"),
        ("invitation", "/invite/accept?token=tok-pending-query", "pending"),
        ("password_reset", "/password/reset#token=tok-sent-fragment", "sent"),
        ("membership_invitation", "/invite/join?token=tok-failed-query", "failed"),
        ("challenge", "/challenges/undersea-links", "pending"),
    ]
    try:
        migrate.upgrade(engine, "0017")
        with engine.begin() as connection:
            for kind, link, status in old:
                connection.execute(insert, {"kind": kind, "link": link, "status": status})
        migrate.upgrade(engine, "0018")
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT link, mail_secret FROM notification ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [
            ("/password/reset", "tok-pending-fragment"),
            ("/invite/accept", "tok-pending-query"),
            ("/password/reset", None),
            ("/invite/join", None),
            ("/challenges/undersea-links", None),
        ]
        migrate.downgrade(engine, "0017")
        with engine.connect() as connection:
            links = connection.execute(
                text("SELECT link FROM notification ORDER BY id")).scalars().all()
        assert links[:3] == ["/password/reset#token=tok-pending-fragment",
                             "/invite/accept#token=tok-pending-query", "/password/reset"]
    finally:
        engine.dispose()
