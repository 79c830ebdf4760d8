"""A confirmed hit blocks suggestions, introductions and awards; imported firms are screened."""

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.permissions import Principal
from indusx.awards import service as award_service
from indusx.awards.sbir import read_sbir
from indusx.errors import Conflict
from indusx.matching import introductions as intro_service
from indusx.matching import service as match_service
from indusx.matching.models import MatchMode
from indusx.orgs.models import Organisation
from indusx.screening import cases as screening_cases
from indusx.screening import imports
from indusx.screening import service as screening_service
from indusx.screening.lists import ListFormat
from indusx.screening.models import CaseStatus
from tests.awards.support import award, write_jsonl
from tests.conftest import ACTOR
from tests.screening.support import write_ofac

UNDERSEA = dict(country="US", kind="large_company",
                description="Undersea acoustic communications and sonar systems.",
                capabilities="Acoustic modems, sonar arrays, underwater networking.",
                focus_areas=["undersea"], seeking=["co_development"])


def _confirm(session: Session, officer: Principal, org: Organisation) -> None:
    for case in screening_cases.subject_cases(session=session, org_id=org.id):
        screening_cases.decide(session=session, principal=officer, case_id=case.id,
                                 decision=CaseStatus.CONFIRMED, reason="Confirmed in review")


@pytest.fixture
def blocked(session: Session, tmp_path: Path, people: SimpleNamespace,
            make_org: Callable[..., Organisation]) -> Organisation:
    imports.import_list(session=session, fmt=ListFormat.OFAC, paths=write_ofac(tmp_path),
                        actor=ACTOR)
    org = make_org(name="Zenith Strike Armaments Inc", **UNDERSEA)
    _confirm(session, Principal.load(session=session, user=people.officer, via="test"), org)
    session.commit()
    return org


def test_a_blocked_party_is_never_suggested_and_gets_no_suggestions(
    session: Session, people: SimpleNamespace, blocked: Organisation,
    make_org: Callable[..., Organisation],
) -> None:
    fine = make_org(name="Harbour Acoustics", **UNDERSEA)

    result = match_service.suggestions(session=session, principal=None, org_id=people.org.id,
                                       mode=MatchMode.CO_DEVELOPMENT, k=10)

    assert [m.candidate.id for m in result.items] == [fine.id]
    with pytest.raises(Conflict, match="suggestions are blocked"):
        match_service.suggestions(session=session, principal=None, org_id=blocked.id,
                                  mode=MatchMode.CO_DEVELOPMENT)
    solvers = match_service.solvers(session=session, text="undersea acoustic modems sonar")
    assert blocked.id not in {m.candidate.id for m in solvers.items}
    assert fine.id in {m.candidate.id for m in solvers.items}


def test_an_introduction_to_a_blocked_party_is_refused(
    session: Session, people: SimpleNamespace, blocked: Organisation
) -> None:
    alice = Principal.load(session=session, user=people.alice, via="test")

    with pytest.raises(Conflict, match="restricted-party"):
        intro_service.request(session=session, principal=alice, from_org_id=people.org.id,
                              mode=MatchMode.CO_DEVELOPMENT, to_org_id=blocked.id)


def test_accepting_an_introduction_is_refused_once_a_party_is_confirmed(
    session: Session, people: SimpleNamespace, tmp_path: Path,
    make_org: Callable[..., Organisation], make_user: Callable[..., object],
) -> None:
    imports.import_list(session=session, fmt=ListFormat.OFAC, paths=write_ofac(tmp_path),
                        actor=ACTOR)
    owner = make_user(password=None)
    other = make_org(owner=owner, name="Zenith Strike Armaments Inc", **UNDERSEA)
    alice = Principal.load(session=session, user=people.alice, via="test")
    intro = intro_service.request(session=session, principal=alice, from_org_id=people.org.id,
                                  mode=MatchMode.CO_DEVELOPMENT, to_org_id=other.id)
    _confirm(session, Principal.load(session=session, user=people.officer, via="test"), other)

    with pytest.raises(Conflict, match="accepting an introduction"):
        intro_service.respond(session=session,
                              principal=Principal.load(session=session, user=owner, via="test"),
                              intro_id=intro.id, accept=True)


def test_imported_firms_are_screened_and_a_blocked_firm_gets_no_new_awards(
    session: Session, tmp_path: Path, people: SimpleNamespace
) -> None:
    imports.import_list(session=session, fmt=ListFormat.OFAC, paths=write_ofac(tmp_path),
                        actor=ACTOR)
    first = award_service.import_sbir(
        session=session, data=read_sbir(write_jsonl(tmp_path / "a.jsonl", [
            award(1, year=2010, firm="Zenith Strike Armaments Inc")])),
        actor=ACTOR, source_name="a.jsonl")
    [org_id] = first.orgs_created
    status = screening_service.org_statuses(session=session, org_ids=[org_id])[org_id]
    assert status.status is screening_service.ScreeningStatus.REVIEW
    org = session.scalars(select(Organisation).where(Organisation.id == org_id)).one()
    _confirm(session, Principal.load(session=session, user=people.officer, via="test"), org)

    second = award_service.import_sbir(
        session=session, data=read_sbir(write_jsonl(tmp_path / "b.jsonl", [
            award(1, year=2010, firm="Zenith Strike Armaments Inc"),
            award(2, year=2012, firm="Zenith Strike Armaments Inc")])),
        actor=ACTOR, source_name="b.jsonl")

    assert (second.awards_created, second.awards_blocked) == (0, 1)
