"""A partnership between alice's Indian organisation and a US firm, and helpers around it."""

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.accounts.permissions import Principal
from indusx.orgs.models import Organisation
from indusx.partnerships import service
from indusx.partnerships.models import Partnership, PartnershipType
from indusx.partnerships.schemas import PartnershipCreate
from indusx.pathway.engine.evaluate import Verdict
from indusx.pathway.models import Assessment
from indusx.screening import cases as screening_cases
from indusx.screening import imports
from indusx.screening import service as screening_service
from indusx.screening.lists import ListFormat
from indusx.screening.models import CaseStatus
from tests.conftest import ACTOR
from tests.screening.support import write_ofac

# The name of a fictional entry of the test OFAC list (tests/screening/support.py).
LISTED_NAME = "Zenith Strike Armaments Inc"


def as_principal(session: Session, user: User) -> Principal:
    return Principal.load(session=session, user=user, via="test")


def save_assessment(session: Session, partnership_id: int, verdict: Verdict) -> Assessment:
    row = Assessment(title="Review", verdict=verdict, ruleset_version="test", input={},
                     result={}, partnership_id=partnership_id)
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def us_org(make_org: Callable[..., Organisation], make_user: Callable[..., User]) -> Organisation:
    dave = make_user(name="Dave US Owner", password=None)
    return make_org(owner=dave, name="Harbour Acoustics Inc", country="US",
                    kind="large_company")


@pytest.fixture
def pact(session: Session, people: SimpleNamespace, us_org: Organisation) -> Partnership:
    partnership = service.create(
        session=session, principal=as_principal(session, people.alice),
        partnership_in=PartnershipCreate(title="Undersea modem co-development",
                                         type=PartnershipType.CO_DEVELOPMENT,
                                         org_ids=[people.org.id, us_org.id],
                                         items="Acoustic modem\nSonar array",
                                         value_usd=250_000))
    session.commit()
    return partnership


@pytest.fixture
def listed_party(session: Session, people: SimpleNamespace, pact: Partnership, tmp_path: Path,
                 make_org: Callable[..., Organisation]) -> Callable[[bool], Organisation]:
    """Add a party whose name is on the list and screen it: an open case, or confirmed."""

    def _add(confirm: bool) -> Organisation:
        from indusx.partnerships.models import PartnershipParty

        org = make_org(name=LISTED_NAME, country="US", kind="large_company")
        session.add(PartnershipParty(partnership_id=pact.id, org_id=org.id))
        imports.import_list(session=session, fmt=ListFormat.OFAC,
                            paths=write_ofac(tmp_path / "ofac"), actor=ACTOR)
        screening_service.screen_org(session=session, org=org, actor=ACTOR)
        if confirm:
            officer = as_principal(session, people.officer)
            for case in screening_cases.subject_cases(session=session, org_id=org.id):
                screening_cases.decide(session=session, principal=officer, case_id=case.id,
                                       decision=CaseStatus.CONFIRMED, reason="Confirmed")
        session.commit()
        return org

    return _add
