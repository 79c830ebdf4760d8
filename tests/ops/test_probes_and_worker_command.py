from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from indusx import migrate
from indusx.db import make_engine, make_sessionmaker, session_scope
from indusx.health.routes import head_revisions
from indusx.main import create_app
from indusx.notifications import service as outbox
from indusx.notifications.models import DeliveryStatus, Notification
from indusx.ops.jobs.models import Job, JobStatus
from tests.conftest import make_settings


def test_readyz_names_the_migration_it_is_at(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["migration"] == ",".join(sorted(head_revisions()))


def test_readyz_is_503_until_the_database_is_upgraded(fresh_database_url: str) -> None:
    settings = make_settings(fresh_database_url)
    engine = make_engine(settings)
    try:
        migrate.upgrade(engine, "0012")
        with TestClient(create_app(settings, engine=engine)) as behind:
            response = behind.get("/readyz")
            assert response.status_code == 503
            assert "indusx db upgrade" in response.json()["detail"]
            migrate.upgrade(engine)
            assert behind.get("/readyz").status_code == 200
    finally:
        engine.dispose()


def test_the_worker_command_once_runs_the_due_jobs(cli_db: str) -> None:
    from indusx.cli import app as cli_app

    settings = make_settings(cli_db)
    engine = make_engine(settings)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            outbox.enqueue(session=session, to_email="ops@example.org", kind="test.cli",
                           subject="Hello", body="Body")
        result = CliRunner().invoke(cli_app, ["worker", "--once"])
        assert result.exit_code == 0, result.output
        with session_scope(make_sessionmaker(engine)) as session:
            note = session.scalars(select(Notification)).one()
            jobs = session.scalars(select(Job)).all()
        assert note.delivery_status is DeliveryStatus.LOGGED
        assert {j.kind for j in jobs} >= {"outbox.deliver", "matching.refresh"}
        assert {j.status for j in jobs} == {JobStatus.DONE}
    finally:
        engine.dispose()


def test_logs_are_json_outside_dev_and_text_in_dev_unless_set() -> None:
    assert make_settings("sqlite://").log_format_used == "json"
    assert make_settings("sqlite://", env="dev").log_format_used == "text"
    assert make_settings("sqlite://", env="dev", log_format="json").log_format_used == "json"
