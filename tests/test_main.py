"""The application's background work: the matchmaking indexer embeds what changed."""

import time

from fastapi.testclient import TestClient

from indusx import migrate
from indusx.db import make_engine, make_sessionmaker, session_scope
from indusx.main import create_app
from indusx.matching import vectors
from indusx.orgs import service as org_service
from indusx.orgs.schemas import OrgCreate
from tests.conftest import ACTOR, make_settings


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
