"""Fixtures of the roadmap tests: a public and a non-public initiative with milestones."""

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.orm import Session

from indusx.roadmap import service
from indusx.roadmap.models import MilestoneStatus
from indusx.roadmap.schemas import InitiativeCreate, MilestoneCreate
from tests.conftest import ACTOR

TODAY = service.today()


def days(n: int) -> date:
    """Return the date n days from today (UTC)."""
    return TODAY + timedelta(days=n)


def initiative_body(**fields: Any) -> dict[str, Any]:
    """Return a valid JSON body for a new initiative."""
    body: dict[str, Any] = {
        "title": "Jet engine co-production",
        "summary": "Co-production of a turbofan in India.",
        "focus_area": "jet-propulsion",
        "lead_agency": "MoD (DDP) and DoD OUSD(A&S)",
        "status": "active",
        "is_public": True,
        "starts_on": days(-100).isoformat(),
        "target_on": days(500).isoformat(),
    }
    body.update(fields)
    return body


@pytest.fixture
def plan(session: Session, people: SimpleNamespace) -> SimpleNamespace:
    """A public engine initiative (done, in progress, overdue and cancelled milestones, bob
    owning the overdue one) and a non-public autonomy initiative."""
    engine = service.create_initiative(
        session=session, initiative_in=InitiativeCreate.model_validate(initiative_body()),
        actor=ACTOR,
    )
    done = service.add_milestone(
        session=session, initiative=engine,
        milestone_in=MilestoneCreate(title="Framework signed", due_on=days(-60),
                                     status=MilestoneStatus.DONE, owner_label="MoD (DDP)"),
        actor=ACTOR,
    )
    working = service.add_milestone(
        session=session, initiative=engine,
        milestone_in=MilestoneCreate(title="Licence submitted", due_on=days(30),
                                     status=MilestoneStatus.IN_PROGRESS),
        actor=ACTOR,
    )
    late = service.add_milestone(
        session=session, initiative=engine,
        milestone_in=MilestoneCreate(title="Suppliers qualified", due_on=days(-3),
                                     status=MilestoneStatus.AT_RISK, owner_id=people.bob.id),
        actor=ACTOR,
    )
    dropped = service.add_milestone(
        session=session, initiative=engine,
        milestone_in=MilestoneCreate(title="Second site survey", due_on=days(-10),
                                     status=MilestoneStatus.CANCELLED),
        actor=ACTOR,
    )
    hidden = service.create_initiative(
        session=session,
        initiative_in=InitiativeCreate.model_validate(
            initiative_body(title="Trusted autonomy testbed", focus_area="ai-autonomy",
                            is_public=False)
        ),
        actor=ACTOR,
    )
    service.add_milestone(
        session=session, initiative=hidden,
        milestone_in=MilestoneCreate(title="Terms of reference", due_on=days(-1),
                                     status=MilestoneStatus.PLANNED, owner_id=people.officer.id),
        actor=ACTOR,
    )
    session.commit()
    return SimpleNamespace(engine=engine, hidden=hidden, done=done, working=working, late=late,
                           dropped=dropped)
