"""Screening the platform's parties: cases, decisions that are remembered, and blocking."""

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.accounts.permissions import Principal
from indusx.audit.models import AuditEvent
from indusx.errors import Conflict, Forbidden, Invalid
from indusx.orgs import service as org_service
from indusx.orgs.models import Organisation
from indusx.orgs.schemas import OrgUpdate
from indusx.screening import cases as screening_cases
from indusx.screening import imports
from indusx.screening import service as screening_service
from indusx.screening.engine.types import EntityType, Query
from indusx.screening.lists import ListFormat
from indusx.screening.models import CaseStatus, ScreeningCase, SubjectKind
from indusx.screening.service import ScreeningStatus
from tests.conftest import ACTOR
from tests.screening.support import SDN_ROWS, write_ofac

MakeOrg = Callable[..., Organisation]


@pytest.fixture
def ofac(session: Session, tmp_path: Path) -> Path:
    imports.import_list(session=session, fmt=ListFormat.OFAC, paths=write_ofac(tmp_path / "v1"),
                        actor=ACTOR)
    session.commit()
    return tmp_path


def _cases(session: Session, org_id: int) -> list[ScreeningCase]:
    return screening_cases.subject_cases(session=session, org_id=org_id)


def _principal(session: Session, user: User) -> Principal:
    return Principal.load(session=session, user=user, via="test")


def test_checking_a_name_finds_the_listed_party_with_reasons(
    session: Session, ofac: Path
) -> None:
    [hit] = screening_service.check(session=session, query=Query(
        name="Zenith Strike Armaments Ltd", entity_type=EntityType.ENTITY))

    assert (hit.entry_id, hit.name, hit.source) == (
        "9001", "ZENITH STRIKE ARMAMENTS LIMITED", "OFAC SDN")
    assert hit.score >= 0.9 and hit.reasons
    assert hit.programs == ("NPWMD",)
    assert screening_service.check(session=session, query=Query(
        name="Harbour Acoustics Private Limited")) == []


def test_a_blank_name_is_refused(session: Session, ofac: Path) -> None:
    with pytest.raises(Invalid):
        screening_service.check(session=session, query=Query(name="  "))


def test_creating_an_organisation_with_a_listed_name_opens_a_case(
    session: Session, ofac: Path, make_org: MakeOrg
) -> None:
    org = make_org(name="Zenith Strike Armaments Pvt Ltd", country="IN")

    [case] = _cases(session, org.id)
    assert case.status is CaseStatus.OPEN and case.score >= 0.8
    assert case.matched_name and case.reasons
    status = screening_service.org_statuses(session=session, org_ids=[org.id])[org.id]
    assert status.status is ScreeningStatus.REVIEW and status.case_ids == (case.id,)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "screening.case_opened"))
    assert event is not None and event.object_id == str(case.id)


def test_an_ordinary_organisation_is_clear_once_lists_are_loaded(
    session: Session, make_org: MakeOrg, tmp_path: Path
) -> None:
    org = make_org(name="Harbour Acoustics")
    before = screening_service.org_statuses(session=session, org_ids=[org.id])[org.id]
    imports.import_list(session=session, fmt=ListFormat.OFAC, paths=write_ofac(tmp_path),
                        actor=ACTOR)

    after = screening_service.org_statuses(session=session, org_ids=[org.id])[org.id]

    assert before.status is ScreeningStatus.NOT_SCREENED
    assert after.status is ScreeningStatus.CLEAR and _cases(session, org.id) == []


def test_a_named_contact_is_screened_as_a_person(
    session: Session, ofac: Path, make_org: MakeOrg
) -> None:
    org = make_org(name="Harbour Acoustics", contact_name="Dmitri Arkadyevich Volkov")

    [case] = _cases(session, org.id)
    subject = session.get_one(screening_service.ScreeningSubject, case.subject_id)
    assert subject.kind is SubjectKind.CONTACT and subject.entity_type == "person"
    assert case.subject_name == "Dmitri Arkadyevich Volkov"


def test_the_audit_event_of_a_case_names_the_subject_by_kind_and_id_not_by_name(
    session: Session, ofac: Path, make_org: MakeOrg
) -> None:
    org = make_org(name="Harbour Acoustics", contact_name="Dmitri Arkadyevich Volkov")

    [case] = _cases(session, org.id)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "screening.case_opened",
                                                    AuditEvent.object_id == str(case.id)))
    assert event is not None and event.after is not None
    # The summary keeps the listed entry's (public) name, never the contact's own.
    assert "Dmitri Arkadyevich Volkov" not in event.summary
    assert "Dmitri Arkadyevich Volkov" not in str(event.after) and "subject" not in event.after
    assert event.after["subject_kind"] == "contact"
    assert event.after["subject_id"] == case.subject_id


def test_a_user_is_screened_when_created(
    session: Session, ofac: Path, make_user: Callable[..., User]
) -> None:
    user = make_user(name="Dmitri Volkov", password=None)

    case = session.scalar(select(ScreeningCase).where(ScreeningCase.subject_name == user.full_name))
    assert case is not None and case.status is CaseStatus.OPEN


def test_renaming_an_organisation_rescreens_it_and_withdraws_stale_cases(
    session: Session, ofac: Path, make_org: MakeOrg
) -> None:
    org = make_org(name="Zenith Strike Armaments Pvt Ltd")

    org_service.update_org(session=session, org=org, org_in=OrgUpdate(name="Harbour Acoustics"),
                           actor=ACTOR)

    [case] = _cases(session, org.id)
    assert case.status is CaseStatus.WITHDRAWN


def test_a_list_update_screens_existing_parties_against_only_the_delta(
    session: Session, make_org: MakeOrg, tmp_path: Path
) -> None:
    org = make_org(name="Northwind Avionics")
    imports.import_list(session=session, fmt=ListFormat.OFAC,
                        paths=write_ofac(tmp_path / "v1"), actor=ACTOR)
    assert _cases(session, org.id) == []
    rows = [*SDN_ROWS, ["9004", "NORTHWIND AVIONICS LLC", "-0-", "[NPWMD]", "-0-", "-0-",
                        "-0-", "-0-", "-0-", "-0-", "-0-", "-0-"]]

    result = imports.import_list(session=session, fmt=ListFormat.OFAC,
                                 paths=write_ofac(tmp_path / "v2", sdn=rows), actor=ACTOR)

    assert result.cases_opened == 1
    [case] = _cases(session, org.id)
    assert case.status is CaseStatus.OPEN and case.matched_name == "NORTHWIND AVIONICS LLC"

    gone = imports.import_list(session=session, fmt=ListFormat.OFAC,
                               paths=write_ofac(tmp_path / "v3"), actor=ACTOR)

    assert gone.cases_withdrawn == 1
    assert _cases(session, org.id)[0].status is CaseStatus.WITHDRAWN


def test_a_false_positive_is_not_raised_again_unless_the_entry_changes(
    session: Session, ofac: Path, make_org: MakeOrg, people: SimpleNamespace
) -> None:
    org = make_org(name="Zenith Strike Armaments Pvt Ltd")
    [case] = _cases(session, org.id)
    screening_cases.decide(session=session, principal=_principal(session, people.officer),
                             case_id=case.id, decision=CaseStatus.FALSE_POSITIVE,
                             reason="Different company: Indian MSME, Udyam checked")

    again = screening_service.rescreen_all(session=session, actor=ACTOR)

    assert again.opened == 0 and len(_cases(session, org.id)) == 1
    rows = [list(r) for r in SDN_ROWS]
    rows[0][11] = "Website www.zenith-strike.example; Additional Sanctions Information."
    imports.import_list(session=session, fmt=ListFormat.OFAC,
                        paths=write_ofac(ofac / "v2", sdn=rows), actor=ACTOR)

    newest, oldest = _cases(session, org.id)
    assert newest.status is CaseStatus.OPEN and oldest.status is CaseStatus.FALSE_POSITIVE


def test_deciding_a_case_is_audited_with_the_list_version(
    session: Session, ofac: Path, make_org: MakeOrg, people: SimpleNamespace
) -> None:
    org = make_org(name="Zenith Strike Armaments Pvt Ltd")
    [case] = _cases(session, org.id)

    screening_cases.decide(session=session, principal=_principal(session, people.officer),
                             case_id=case.id, decision=CaseStatus.CONFIRMED,
                             reason="Same address and directors as the listed entity")

    event = session.scalar(select(AuditEvent).where(
        AuditEvent.action == "screening.case_decided"))
    assert event is not None and event.actor_id == people.officer.id
    assert event.after is not None
    assert event.after["status"] == "confirmed" and event.after["list_version"] == 1
    assert event.after["list"] == "ofac-sdn" and event.after["entry_id"] == "9001"
    assert case.decided_by_id == people.officer.id and case.decision_version_id is not None


def test_only_officers_decide_and_only_allowed_transitions_with_a_reason(
    session: Session, ofac: Path, make_org: MakeOrg, people: SimpleNamespace
) -> None:
    org = make_org(name="Zenith Strike Armaments Pvt Ltd")
    [case] = _cases(session, org.id)
    officer = _principal(session, people.officer)

    with pytest.raises(Forbidden):
        screening_cases.decide(session=session, principal=_principal(session, people.alice),
                                 case_id=case.id, decision=CaseStatus.FALSE_POSITIVE,
                                 reason="It is us, honestly")
    with pytest.raises(Invalid):
        screening_cases.decide(session=session, principal=officer, case_id=case.id,
                                 decision=CaseStatus.FALSE_POSITIVE, reason="no")
    with pytest.raises(Conflict):
        screening_cases.decide(session=session, principal=officer, case_id=case.id,
                                 decision=CaseStatus.CLEARED, reason="Nothing to clear yet")
    assert case.status is CaseStatus.OPEN


def test_a_confirmed_hit_blocks_the_party_until_an_officer_clears_it(
    session: Session, ofac: Path, make_org: MakeOrg, people: SimpleNamespace
) -> None:
    org = make_org(name="Zenith Strike Armaments Pvt Ltd")
    [case] = _cases(session, org.id)
    officer = _principal(session, people.officer)
    screening_cases.decide(session=session, principal=officer, case_id=case.id,
                             decision=CaseStatus.CONFIRMED, reason="Confirmed by due diligence")

    status = screening_service.org_statuses(session=session, org_ids=[org.id])[org.id]
    assert status.status is ScreeningStatus.CONFIRMED
    assert screening_service.blocked_org_ids(session=session) == {org.id}
    with pytest.raises(Conflict, match="introduction"):
        screening_service.ensure_clear(session=session, org_ids=[people.org.id, org.id],
                                       action="an introduction")

    screening_cases.decide(session=session, principal=officer, case_id=case.id,
                             decision=CaseStatus.CLEARED, reason="Delisted in the March update")

    screening_service.ensure_clear(session=session, org_ids=[org.id], action="an introduction")
    assert screening_service.blocked_org_ids(session=session) == set()


def test_ensure_clear_screens_a_party_that_was_never_screened(
    session: Session, ofac: Path, make_org: MakeOrg
) -> None:
    org = make_org(name="Zenith Strike Armaments Pvt Ltd")
    session.execute(screening_service.ScreeningSubject.__table__.delete())  # type: ignore[attr-defined]

    screening_service.ensure_clear(session=session, org_ids=[org.id], action="a partnership")

    status = screening_service.org_statuses(session=session, org_ids=[org.id])[org.id]
    assert status.status is ScreeningStatus.REVIEW


def test_a_party_outside_the_directory_is_checked_without_a_case(
    session: Session, ofac: Path
) -> None:
    listed = screening_service.check_party(session=session, name="Blue Lagoon Shipping Company",
                                           country=None)
    clean = screening_service.check_party(session=session, name="Harbour Acoustics",
                                          country="US")

    assert listed.status is ScreeningStatus.REVIEW and listed.hits
    assert clean.status is ScreeningStatus.CLEAR
    assert session.scalar(select(ScreeningCase)) is None
