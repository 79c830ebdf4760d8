"""The application's background work: the matchmaking indexer and the screening warmer."""

import time
from pathlib import Path

from fastapi.testclient import TestClient

from indusx import migrate
from indusx.db import make_engine, make_sessionmaker, session_scope
from indusx.main import create_app
from indusx.matching import vectors
from indusx.orgs import service as org_service
from indusx.orgs.schemas import OrgCreate
from indusx.screening import imports
from indusx.screening import index as name_index
from indusx.screening.lists import ListFormat
from tests.conftest import ACTOR, make_settings
from tests.screening.support import write_ofac


def test_the_background_indexer_embeds_new_profiles_while_the_app_runs(
    fresh_database_url: str,
) -> None:
    settings = make_settings(fresh_database_url, match_indexer=True,
                             match_indexer_interval_seconds=0.05)
    engine = make_engine(settings)
    migrate.upgrade(engine)
    factory = make_sessionmaker(engine)
    with session_scope(factory) as session:
        org_service.seed_focus_areas(session=session)
        org_service.create_org(session=session, actor=ACTOR, org_in=OrgCreate(
            name="Bay Sonics", country="IN", kind="startup",
            description="Acoustic modems for undersea networks.", focus_areas=["undersea"]))

    with TestClient(create_app(settings, engine=engine)):  # runs the lifespan's workers
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with session_scope(factory) as session:
                if vectors.stale_count(session)[0] == 0:
                    break
            time.sleep(0.1)

    with session_scope(factory) as session:
        assert vectors.stale_count(session) == (0, 1)
    engine.dispose()


def test_the_screening_warmer_builds_the_name_index_when_the_app_starts(
    fresh_database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(fresh_database_url, screening_warmer=True,
                             match_indexer_interval_seconds=0.05)
    engine = make_engine(settings)
    migrate.upgrade(engine)
    factory = make_sessionmaker(engine)
    with session_scope(factory) as session:
        imports.import_list(session=session, fmt=ListFormat.OFAC, paths=write_ofac(tmp_path),
                            actor=ACTOR)
    with factory() as session:
        state = name_index.state(session)
    assert state.index is None

    with TestClient(create_app(settings, engine=engine)):
        deadline = time.monotonic() + 30
        while state.index is None and time.monotonic() < deadline:
            time.sleep(0.05)

    assert state.index is not None and len(state.index) == 3
    engine.dispose()
