"""The demo pipeline: partnerships across stages, two held by the gates, one stopped."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.demo import loader
from indusx.partnerships import service
from indusx.partnerships.models import Partnership, Stage


def test_the_demo_fills_the_pipeline_and_the_gates_hold_two(session: Session) -> None:
    loader.load_demo(session=session, orgs=80, seed=3)
    loader.load_demo(session=session, orgs=80, seed=3)  # loading again adds nothing

    rows = list(session.scalars(select(Partnership).where(Partnership.is_demo.is_(True))))
    stages = [p.stage for p in rows]

    assert 6 <= len(rows) <= 8
    assert stages.count(Stage.STOPPED) == 1
    held = [p for p in rows if p.stage is Stage.REGULATORY_REVIEW]
    assert len(held) >= 2
    for p in held:
        assert service.missing_for(session=session, partnership_id=p.id, target=Stage.AGREEMENT)
    assert session.scalar(select(func.count()).select_from(Partnership)) == len(rows)
