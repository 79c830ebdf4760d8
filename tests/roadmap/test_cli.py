"""`indusx roadmap show | remind` from the command line, and the demo roadmap."""

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from indusx.accounts import service as account_service
from indusx.accounts.models import PlatformRole
from indusx.cli import app
from indusx.db import make_engine, make_sessionmaker, session_scope
from indusx.notifications.models import Notification
from indusx.roadmap import demo, reminders, service
from indusx.roadmap.models import Initiative, Milestone
from indusx.roadmap.schemas import InitiativeCreate, MilestoneCreate
from tests.conftest import ACTOR, make_settings
from tests.roadmap.conftest import days, initiative_body

runner = CliRunner()


@pytest.fixture
def seeded(cli_db: str) -> str:
    """An initiative with an overdue milestone owned by an officer, in the CLI's database."""
    engine = make_engine(make_settings(cli_db))
    with session_scope(make_sessionmaker(engine)) as session:
        olga = account_service.create_user(
            session=session, email="olga@agency.example", full_name="Olga",
            platform_role=PlatformRole.OFFICER, password=None, actor=ACTOR,
        )
        initiative = service.create_initiative(
            session=session, initiative_in=InitiativeCreate.model_validate(initiative_body()),
            actor=ACTOR,
        )
        service.add_milestone(
            session=session, initiative=initiative,
            milestone_in=MilestoneCreate(title="Licence submitted", due_on=days(-2),
                                         owner_id=olga.id),
            actor=ACTOR,
        )
    engine.dispose()
    return cli_db


def test_show_prints_areas_initiatives_progress_and_overdue_counts(seeded: str) -> None:
    result = runner.invoke(app, ["roadmap", "show"])
    assert result.exit_code == 0, result.output
    assert "Jet propulsion  0%" in result.output
    assert "Jet engine co-production (0/1 done, 1 overdue)" in result.output


def test_show_json_is_the_api_shape(seeded: str) -> None:
    result = runner.invoke(app, ["roadmap", "show", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    engine = next(a for a in data["areas"] if a["area"] == "jet-propulsion")["initiatives"][0]
    assert engine["milestones"][0]["overdue"] is True


def test_remind_queues_each_overdue_notice_once(seeded: str) -> None:
    first = runner.invoke(app, ["roadmap", "remind"])
    assert first.exit_code == 0 and "1 overdue reminder queued" in first.output
    second = runner.invoke(app, ["roadmap", "remind"])
    assert "0 overdue reminders queued" in second.output
    engine = make_engine(make_settings(seeded))
    with session_scope(make_sessionmaker(engine)) as session:
        kinds = session.scalars(select(Notification.kind)).all()
    engine.dispose()
    assert kinds == [reminders.OVERDUE_KIND]


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_the_demo_roadmap_loads_once_with_done_and_overdue_milestones(session: Session) -> None:
    added = demo.load_demo_roadmap(session=session, actor=ACTOR)
    assert added == len(demo.INITIATIVES) >= 6
    initiatives, milestones = _count(session, Initiative), _count(session, Milestone)
    assert demo.load_demo_roadmap(session=session, actor=ACTOR) == 0
    assert (_count(session, Initiative), _count(session, Milestone)) == (initiatives, milestones)
    rows = session.scalars(select(Initiative)).all()
    assert all(i.is_demo for i in rows)
    assert any(not i.is_public for i in rows)
    for spec in demo.INITIATIVES:
        assert 3 <= len(spec.milestones) <= 6
    assert service.overdue_milestones(session=session, today=service.today())
    summary = service.progress_summary(session=session)
    assert sum(r.done for r in summary) >= 6
