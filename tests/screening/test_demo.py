"""The demo's fictional list shows each kind of case."""

from sqlalchemy.orm import Session

from indusx.demo import loader
from indusx.screening import cases as screening_cases
from indusx.screening import service as screening_service
from indusx.screening.models import CaseStatus


def test_the_demo_list_raises_an_open_a_confirmed_and_a_dismissed_case(session: Session) -> None:
    loader.load_demo(session=session, orgs=60, seed=3)
    loader.load_demo(session=session, orgs=60, seed=3)  # loading again decides nothing twice

    counts = screening_cases.case_counts(session=session)

    assert counts[CaseStatus.OPEN] >= 1
    assert counts[CaseStatus.CONFIRMED] == 1 and counts[CaseStatus.FALSE_POSITIVE] == 1
    assert len(screening_service.blocked_org_ids(session=session)) == 1


def test_a_second_demo_load_screens_its_new_organisations(session: Session) -> None:
    loader.load_demo(session=session, orgs=30, seed=3)
    opened = screening_cases.case_counts(session=session)[CaseStatus.OPEN]

    loader.load_demo(session=session, orgs=30, seed=3)  # the same names again

    assert screening_cases.case_counts(session=session)[CaseStatus.OPEN] > opened
