"""Migration 0016 makes a consent unique per user and notice version, keeping the first of any
duplicates that two acceptances at once had written."""

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from indusx import migrate
from indusx.accounts.models import PlatformRole, User
from indusx.db import make_engine, utcnow
from indusx.privacy.models import Consent
from tests.conftest import make_settings


def test_the_upgrade_keeps_the_first_of_duplicate_consents_and_then_refuses_more(
    fresh_database_url: str,
) -> None:
    engine = make_engine(make_settings(fresh_database_url))
    try:
        migrate.upgrade(engine, "0015")
        with Session(engine) as session:
            user = User(email="dup@example.org", full_name="Dup", is_active=True,
                        platform_role=PlatformRole.MEMBER, created_at=utcnow())
            session.add(user)
            session.flush()
            for version, via in (("v1", "web"), ("v1", "api"), ("v2", "web"), ("v1", "api")):
                session.execute(insert(Consent.__table__).values(
                    user_id=user.id, notice_version=version, via=via, accepted_at=utcnow()))
            session.commit()
            user_id = user.id
        migrate.upgrade(engine)
        with engine.connect() as connection:
            kept = connection.execute(
                select(Consent.notice_version, Consent.via).where(Consent.user_id == user_id)
                .order_by(Consent.id)).all()
            assert [tuple(row) for row in kept] == [("v1", "web"), ("v2", "web")]
        with engine.connect() as connection, pytest.raises(IntegrityError):
            connection.execute(insert(Consent.__table__).values(
                user_id=user_id, notice_version="v1", via="web", accepted_at=utcnow()))
    finally:
        engine.dispose()
