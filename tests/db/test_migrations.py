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
