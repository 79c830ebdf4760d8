import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import sessionmaker
from typer.testing import CliRunner

from indusx import migrate
from indusx.accounts import service as account_service
from indusx.accounts.models import PlatformRole
from indusx.accounts.permissions import Principal
from indusx.challenges import proposals
from indusx.challenges import service as challenge_service
from indusx.challenges.models import Phase
from indusx.challenges.schemas import ChallengeCreate
from indusx.config import Settings, get_settings
from indusx.db import make_engine, session_scope
from indusx.ops import backup as ops_backup
from indusx.orgs import service as org_service
from indusx.orgs.schemas import OrgCreate
from tests.challenges.conftest import challenge_body, pdf_bytes
from tests.conftest import ACTOR, SECRET, make_settings
from tests.support.postgres import find_pg_bindir

_names = itertools.count(1)


@pytest.fixture
def instance_urls(database_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Return the URLs of two new, empty databases of the dialect: a source and a target."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'source.db'}", f"sqlite:///{tmp_path / 'target.db'}"
        return
    base, _, _ = database_url.rpartition("/")
    names = [f"ops_{os.getpid()}_{next(_names)}" for _ in range(2)]
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in names:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
    yield f"{base}/{names[0]}", f"{base}/{names[1]}"
    with admin.connect() as connection:
        for name in names:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


@pytest.fixture(autouse=True)
def pg_tools_on_path(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    """Put pg_dump and pg_restore of the test server's installation first on PATH."""
    if database_url.startswith("postgresql"):
        monkeypatch.setenv("PATH", f"{find_pg_bindir()}{os.pathsep}{os.environ['PATH']}")


def _populate(settings: Settings, engine: Engine) -> None:
    """Fill an instance: users, organisations, a challenge with a proposal and a PDF."""
    migrate.upgrade(engine)
    with session_scope(sessionmaker(bind=engine, expire_on_commit=False)) as session:
        org_service.seed_focus_areas(session=session)
        officer = account_service.create_user(
            session=session, email="olga@example.org", full_name="Olga Officer",
            platform_role=PlatformRole.OFFICER, password=None, actor=ACTOR)
        alice = account_service.create_user(
            session=session, email="alice@example.org", full_name="Alice Owner",
            platform_role=PlatformRole.MEMBER, password=None, actor=ACTOR)
        agency = org_service.create_org(session=session, actor=ACTOR, owner=officer,
                                        org_in=OrgCreate.model_validate(
                                            _org("Agency", "US") | {"kind": "government"}))
        startup = org_service.create_org(session=session, actor=ACTOR, owner=alice,
                                         org_in=OrgCreate.model_validate(_org("Modems", "IN")))
        for n in range(5):
            org_service.create_org(session=session, actor=ACTOR,
                                   org_in=OrgCreate.model_validate(_org(f"Firm {n}", "IN")))
        session.flush()
        olga = Principal.load(session=session, user=officer, via="api")
        challenge = challenge_service.create_challenge(
            session=session, principal=olga,
            challenge_in=ChallengeCreate.model_validate(challenge_body(agency.id)))
        challenge_service.change_phase(session=session, challenge=challenge,
                                       to=Phase.OPEN,
                                       reason="Open for the backup test", principal=olga)
        owner = Principal.load(session=session, user=alice, via="api")
        proposal = proposals.start(session=session, principal=owner, challenge=challenge,
                                   lead_org_id=startup.id)
        loaded = proposals.load(session=session, principal=owner, proposal_id=proposal.id)
        proposals.attach(session=session, settings=settings, principal=owner, loaded=loaded,
                         filename="approach.pdf", data=pdf_bytes())


def _org(name: str, country: str) -> dict[str, object]:
    return {"name": name, "country": country, "kind": "startup",
            "description": "Builds acoustic modems.", "capabilities": "Acoustic modems.",
            "focus_areas": ["undersea"], "seeking": ["co_development"],
            "contact_email": f"{name.split()[0].lower()}@example.org"}


def test_a_populated_instance_survives_backup_and_restore(
    instance_urls: tuple[str, str], tmp_path: Path
) -> None:
    source_url, target_url = instance_urls
    source = make_settings(source_url, upload_dir=tmp_path / "source-uploads")
    target = make_settings(target_url, upload_dir=tmp_path / "target-uploads")
    source_engine, target_engine = make_engine(source), make_engine(target)
    try:
        _populate(source, source_engine)
        manifest = ops_backup.backup(settings=source, engine=source_engine,
                                     out=tmp_path / "backup")
        assert manifest["revision"] == "0013" or manifest["revision"] > "0013"
        assert manifest["tables"]["organisation"] == 7
        assert manifest["tables"]["proposal_attachment"] == 1
        assert len(manifest["files"]) == 1
        result = ops_backup.restore(settings=target, engine=target_engine,
                                    source=tmp_path / "backup")
        with target_engine.connect() as connection:
            assert ops_backup.table_counts(connection) == manifest["tables"]
        with source_engine.connect() as connection:
            assert ops_backup.table_counts(connection) == manifest["tables"]
        restored = {p.relative_to(target.upload_dir).as_posix(): ops_backup.sha256_of(p)
                    for p in target.upload_dir.rglob("*") if p.is_file()}
        assert restored == manifest["files"]
        assert result.files == 1 and result.rows == sum(manifest["tables"].values())
    finally:
        source_engine.dispose()
        target_engine.dispose()


def test_restore_refuses_a_target_that_holds_data_unless_told_to_replace_it(
    instance_urls: tuple[str, str], tmp_path: Path
) -> None:
    source_url, target_url = instance_urls
    source = make_settings(source_url, upload_dir=tmp_path / "source-uploads")
    target = make_settings(target_url, upload_dir=tmp_path / "target-uploads")
    source_engine, target_engine = make_engine(source), make_engine(target)
    try:
        _populate(source, source_engine)
        ops_backup.backup(settings=source, engine=source_engine, out=tmp_path / "backup")
        migrate.upgrade(target_engine)
        with session_scope(sessionmaker(bind=target_engine)) as session:
            org_service.create_org(session=session, actor=ACTOR,
                                   org_in=OrgCreate.model_validate(
                                       _org("Stray", "US") | {"focus_areas": []}))
        with pytest.raises(ops_backup.BackupError, match="not empty"):
            ops_backup.restore(settings=target, engine=target_engine, source=tmp_path / "backup")
        with target_engine.connect() as connection:
            assert ops_backup.table_counts(connection)["organisation"] == 1
        result = ops_backup.restore(settings=target, engine=target_engine,
                                    source=tmp_path / "backup", replace=True)
        with target_engine.connect() as connection:
            assert ops_backup.table_counts(connection)["organisation"] == 7
        assert result.files == 1
    finally:
        source_engine.dispose()
        target_engine.dispose()


def test_restore_refuses_a_damaged_backup_before_touching_the_target(
    instance_urls: tuple[str, str], tmp_path: Path
) -> None:
    source_url, target_url = instance_urls
    source = make_settings(source_url, upload_dir=tmp_path / "source-uploads")
    source_engine = make_engine(source)
    target_engine = make_engine(make_settings(target_url))
    try:
        _populate(source, source_engine)
        ops_backup.backup(settings=source, engine=source_engine, out=tmp_path / "backup")
        stored = next(p for p in (tmp_path / "backup" / "uploads").rglob("*") if p.is_file())
        stored.write_bytes(stored.read_bytes() + b"tampered")
        with pytest.raises(ops_backup.BackupError, match="does not match its checksum"):
            ops_backup.restore(settings=make_settings(target_url, upload_dir=tmp_path / "t"),
                               engine=target_engine, source=tmp_path / "backup")
        with target_engine.connect() as connection:
            assert "organisation" not in ops_backup.table_counts(connection)
    finally:
        source_engine.dispose()
        target_engine.dispose()


def test_the_backup_and_restore_commands_round_trip(
    instance_urls: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indusx.cli import app as cli_app

    source_url, target_url = instance_urls
    source = make_settings(source_url, upload_dir=tmp_path / "up")
    engine = make_engine(source)
    _populate(source, engine)
    engine.dispose()
    monkeypatch.setenv("INDUSX_ENV", "test")
    monkeypatch.setenv("INDUSX_SECRET_KEY", SECRET)
    monkeypatch.setenv("INDUSX_UPLOAD_DIR", str(tmp_path / "up"))
    runner = CliRunner()
    try:
        monkeypatch.setenv("INDUSX_DATABASE_URL", source_url)
        get_settings.cache_clear()
        made = runner.invoke(cli_app, ["backup", "--out", str(tmp_path / "b")])
        assert made.exit_code == 0, made.output
        assert "1 files" in made.output
        monkeypatch.setenv("INDUSX_DATABASE_URL", target_url)
        get_settings.cache_clear()
        refused = runner.invoke(cli_app, ["restore", str(tmp_path / "b")])
        assert refused.exit_code == 1 and "--yes" in refused.output  # the uploads are there
        done = runner.invoke(cli_app, ["restore", str(tmp_path / "b"), "--yes"])
        assert done.exit_code == 0, done.output
        assert "counts and checksums match" in done.output
    finally:
        get_settings.cache_clear()
