"""Raising, routing, answering and settling Security of Supply requests."""

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.audit.models import AuditEvent
from indusx.errors import Conflict, Forbidden, Invalid, NotFound
from indusx.notifications.models import Notification
from indusx.orgs.models import Organisation
from indusx.screening import cases as screening_cases
from indusx.screening import imports
from indusx.screening.lists import ListFormat
from indusx.screening.models import CaseStatus
from indusx.supply.sos import service, views
from indusx.supply.sos.models import (
    AnswerAction,
    PartyState,
    RequestStatus,
    SosAnswer,
    SosRequest,
)
from indusx.supply.sos.schemas import AnswerIn, RequestCreate, StatusIn
from tests.conftest import ACTOR
from tests.screening.support import write_ofac
from tests.supply.sos.conftest import Clock, body, needed, principal

Raise = Callable[..., SosRequest]


def answer(
    session: Session, world: SimpleNamespace, request: SosRequest, user: Any, org: Organisation,
    action: str, **extra: Any,
) -> SosAnswer:
    loaded = service.load(session=session, principal=principal(session, user),
                          request_id=request.id)
    result = service.answer_request(
        session=session, principal=principal(session, user), loaded=loaded,
        answer_in=AnswerIn.model_validate({"org_id": org.id, "action": action, **extra}),
    )
    session.commit()
    return result


def settle(session: Session, user: Any, request: SosRequest, status: str, reason: str = "") -> None:
    loaded = service.load(session=session, principal=principal(session, user),
                          request_id=request.id)
    service.change_status(session=session, principal=principal(session, user), loaded=loaded,
                          status_in=StatusIn.model_validate({"status": status, "reason": reason}))
    session.commit()


def read(session: Session, user: Any, request: SosRequest) -> Any:
    who = principal(session, user)
    loaded = service.load(session=session, principal=who, request_id=request.id)
    return views.read_request(session=session, principal=who, loaded=loaded, response_days=5)


# --- raising and routing --------------------------------------------------------------------


def test_a_government_owner_raises_a_request_routed_to_the_parts_directory_sources(
    session: Session, world: SimpleNamespace, raise_request: Raise
) -> None:
    request = raise_request()

    view = read(session, world.gina, request)
    assert view.reference == "SOS-2026-0001"
    assert view.requesting_country.value == "US"  # the government organisation's country
    assert view.requester_org_id == world.gov.id
    assert (view.item, view.unit, view.supply_system_id) == (
        "Breech ring (P1)", "pc", world.system.id)
    assert [p.org_name for p in view.parties] == ["Alice Undersea Systems",
                                                  "Granite Forge Components"]
    assert all(p.state is PartyState.PENDING for p in view.parties)
    assert view.status is RequestStatus.OPEN
    assert [(s.name, s.country) for s in view.external_sources] == [("Kaiju Metals", "JP")]


def test_references_are_numbered_within_the_year(
    session: Session, world: SimpleNamespace, raise_request: Raise, clock: Clock
) -> None:
    first = raise_request()
    second = raise_request()
    clock.advance(days=365)
    third = raise_request(needed_on=needed(400).isoformat())

    assert [first.reference, second.reference, third.reference] == [
        "SOS-2026-0001", "SOS-2026-0002", "SOS-2027-0001"]


def test_the_raiser_may_choose_the_suppliers_instead_of_the_proposed_ones(
    session: Session, world: SimpleNamespace, raise_request: Raise
) -> None:
    request = raise_request(supplier_org_ids=[world.granite.id])

    assert [p.org_id for p in read(session, world.gina, request).parties] == [world.granite.id]


def test_a_raiser_cannot_name_a_system_they_may_not_read(
    session: Session, world: SimpleNamespace, raise_request: Raise
) -> None:
    world.system.integrator_org_id = None
    session.commit()

    with pytest.raises(Invalid) as caught:
        raise_request()

    assert caught.value.errors[0]["field"] == "supply_system_id"


def test_a_request_needs_at_least_one_directory_supplier(
    session: Session, world: SimpleNamespace, raise_request: Raise
) -> None:
    with pytest.raises(Invalid) as caught:
        raise_request(supplier_org_ids=[])

    assert caught.value.errors[0]["field"] == "supplier_org_ids"


def test_a_member_of_a_non_government_organisation_cannot_raise_a_request(
    world: SimpleNamespace, raise_request: Raise
) -> None:
    with pytest.raises(Forbidden):
        raise_request(world.alice)


def test_a_viewer_of_a_government_organisation_cannot_raise_a_request(
    world: SimpleNamespace, raise_request: Raise
) -> None:
    with pytest.raises(Forbidden):
        raise_request(world.gus)


def test_an_officer_raises_without_an_organisation_but_names_the_country(
    session: Session, world: SimpleNamespace, raise_request: Raise
) -> None:
    with pytest.raises(Invalid) as caught:
        raise_request(world.officer)
    assert caught.value.errors[0]["field"] == "requesting_country"

    request = raise_request(world.officer, requesting_country="IN")

    assert (request.requesting_country.value, request.requester_org_id) == ("IN", None)


@pytest.mark.parametrize("marking", ["SECRET", "Top Secret", "top_secret", "CONFIDENTIAL"])
def test_a_classified_marking_is_refused_because_the_platform_is_not_accredited(
    marking: str,
) -> None:
    with pytest.raises(ValidationError) as caught:
        RequestCreate.model_validate(body(marking=marking))

    [error] = caught.value.errors()
    assert error["loc"] == ("marking",)
    assert "not accredited for classified information" in error["msg"]


@pytest.mark.parametrize("marking", ["UNCLASSIFIED", "cui", "Restricted"])
def test_the_three_accredited_markings_are_accepted(marking: str) -> None:
    assert RequestCreate.model_validate(body(marking=marking)).marking.value == marking.upper()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -3}, "quantity"),
        ({"justification": "Needed soon please"}, "justification"),
        ({"justification": ""}, "justification"),
        ({"marking": "PUBLIC"}, "marking"),
        ({"needed_on": "next week"}, "needed_on"),
    ],
)
def test_each_field_is_checked(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        RequestCreate.model_validate(body(**changes))

    assert [e["loc"][0] for e in caught.value.errors()] == [field]


@pytest.mark.parametrize("days", [0, -1])
def test_the_needed_by_date_must_be_in_the_future(
    days: int, world: SimpleNamespace, raise_request: Raise
) -> None:
    with pytest.raises(Invalid) as caught:
        raise_request(needed_on=needed(days).isoformat())

    assert caught.value.errors[0]["field"] == "needed_on"


def test_an_item_is_required_when_no_part_is_named(
    world: SimpleNamespace, raise_request: Raise
) -> None:
    with pytest.raises(Invalid) as caught:
        raise_request(supply_part_id=None, supplier_org_ids=[world.granite.id])

    assert caught.value.errors[0]["field"] == "item"


def test_a_party_with_a_confirmed_screening_hit_cannot_be_routed(
    session: Session,
    world: SimpleNamespace,
    raise_request: Raise,
    make_org: Callable[..., Organisation],
    tmp_path: Path,
) -> None:
    imports.import_list(session=session, fmt=ListFormat.OFAC,
                        paths=write_ofac(tmp_path / "ofac"), actor=ACTOR)
    listed = make_org(name="Zenith Strike Armaments Pvt Ltd", country="IN")
    [case] = screening_cases.subject_cases(session=session, org_id=listed.id)
    screening_cases.decide(session=session, principal=principal(session, world.officer),
                           case_id=case.id, decision=CaseStatus.CONFIRMED,
                           reason="Confirmed by due diligence")
    session.commit()

    with pytest.raises(Invalid) as caught:
        raise_request(supplier_org_ids=[world.granite.id, listed.id])

    assert caught.value.errors[0]["field"] == "supplier_org_ids"
    assert "Zenith Strike Armaments Pvt Ltd has a confirmed restricted-party match" in (
        caught.value.errors[0]["message"])
    assert session.scalar(select(SosRequest.id)) is None


# --- who sees what ----------------------------------------------------------------------------


def test_only_the_parties_concerned_and_officers_can_read_a_request(
    session: Session, world: SimpleNamespace, raise_request: Raise
) -> None:
    request = raise_request()

    for reader in (world.gina, world.gus, world.alice, world.bob, world.dave, world.officer,
                   world.admin):
        assert read(session, reader, request).id == request.id
    with pytest.raises(NotFound):
        read(session, world.charlie, request)


def test_a_supplier_never_reads_another_suppliers_constraint_but_the_raiser_does(
    session: Session, world: SimpleNamespace, raise_request: Raise
) -> None:
    request = raise_request()
    answer(session, world, request, world.dave, world.granite, "constraint",
           note="Our forge is down until May.")

    alice_view = read(session, world.alice, request)
    granite = next(p for p in alice_view.parties if p.org_id == world.granite.id)
    assert (granite.state, granite.note) == (PartyState.CONSTRAINED, None)
    assert [a.note for a in alice_view.answers] == [None]
    assert next(p for p in read(session, world.dave, request).parties
                if p.org_id == world.granite.id).note == "Our forge is down until May."
    for reader in (world.gina, world.officer):
        assert read(session, reader, request).answers[0].note == "Our forge is down until May."


# --- answers and status -----------------------------------------------------------------------


def test_the_status_follows_the_suppliers_answers(
    session: Session, world: SimpleNamespace, raise_request: Raise
) -> None:
    request = raise_request()
    answer(session, world, request, world.alice, world.supplier, "acknowledge")
    assert request.status is RequestStatus.ACKNOWLEDGED

    answer(session, world, request, world.alice, world.supplier, "commit",
           committed_on=needed(20).isoformat())
    assert request.status is RequestStatus.ACKNOWLEDGED  # Granite has not committed

    answer(session, world, request, world.dave, world.granite, "commit",
           committed_on=needed(25).isoformat())
    assert request.status is RequestStatus.COMMITTED

    answer(session, world, request, world.dave, world.granite, "constraint",
           note="Heat-treatment furnace failed; four weeks' delay.")
    assert request.status is RequestStatus.CONSTRAINED
    changes = read(session, world.gina, request).status_changes
    assert [(c.from_status.value, c.to_status.value) for c in changes] == [
        ("open", "acknowledged"), ("acknowledged", "committed"), ("committed", "constrained")]


@pytest.mark.parametrize(
    ("states", "status"),
    [
        ([], RequestStatus.OPEN),
        ([PartyState.PENDING, PartyState.PENDING], RequestStatus.OPEN),
        ([PartyState.ACKNOWLEDGED, PartyState.PENDING], RequestStatus.ACKNOWLEDGED),
        ([PartyState.COMMITTED, PartyState.ACKNOWLEDGED], RequestStatus.ACKNOWLEDGED),
        ([PartyState.COMMITTED, PartyState.COMMITTED], RequestStatus.COMMITTED),
        ([PartyState.COMMITTED, PartyState.CONSTRAINED], RequestStatus.CONSTRAINED),
        ([PartyState.PENDING, PartyState.CONSTRAINED], RequestStatus.CONSTRAINED),
    ],
)
def test_status_derivation(states: list[PartyState], status: RequestStatus) -> None:
    assert service.derive_status(states) is status


def test_a_revised_answer_keeps_the_earlier_one_and_the_first_response_time(
    session: Session, world: SimpleNamespace, raise_request: Raise, clock: Clock
) -> None:
    request = raise_request()
    clock.advance(hours=6)
    answer(session, world, request, world.alice, world.supplier, "acknowledge")
    clock.advance(hours=20)
    answer(session, world, request, world.alice, world.supplier, "commit",
           committed_on=needed(40).isoformat(), note="After the exercise, sorry.")

    view = read(session, world.gina, request)
    assert [(a.action, a.is_late) for a in view.answers] == [
        (AnswerAction.ACKNOWLEDGE, False), (AnswerAction.COMMIT, True)]
    party = next(p for p in view.parties if p.org_id == world.supplier.id)
    assert (party.state, party.committed_on, party.is_late) == (
        PartyState.COMMITTED, needed(40), True)
    assert party.response_hours == 6.0


def test_a_commitment_needs_a_date_not_in_the_past_and_a_constraint_needs_words(
    session: Session, world: SimpleNamespace, raise_request: Raise
) -> None:
    request = raise_request()
    for action, extra, field in (("commit", {}, "committed_on"),
                                 ("commit", {"committed_on": needed(-1).isoformat()},
                                  "committed_on"),
                                 ("constraint", {"note": "  "}, "note")):
        with pytest.raises(Invalid) as caught:
            answer(session, world, request, world.alice, world.supplier, action, **extra)
        session.rollback()
        assert caught.value.errors[0]["field"] == field


def test_a_supplier_viewer_cannot_answer_and_nobody_answers_for_an_unrouted_org(
    session: Session, world: SimpleNamespace, raise_request: Raise
) -> None:
    request = raise_request(supplier_org_ids=[world.supplier.id])

    with pytest.raises(Forbidden):
        answer(session, world, request, world.bob, world.supplier, "acknowledge")
    with pytest.raises(Forbidden):  # officers follow requests; suppliers answer them
        answer(session, world, request, world.officer, world.supplier, "acknowledge")
    with pytest.raises(Invalid):
        answer(session, world, request, world.alice, world.granite, "acknowledge")
    with pytest.raises(NotFound):  # dave's organisation is not a party: he cannot see it
        service.load(session=session, principal=principal(session, world.dave),
                     request_id=request.id)


def test_officers_fulfil_or_close_and_the_raiser_withdraws_with_a_reason(
    session: Session, world: SimpleNamespace, raise_request: Raise
) -> None:
    fulfilled, closed, withdrawn = raise_request(), raise_request(), raise_request()

    with pytest.raises(Forbidden):
        settle(session, world.gina, fulfilled, "fulfilled")
    settle(session, world.officer, fulfilled, "fulfilled")
    with pytest.raises(Invalid) as caught:
        settle(session, world.officer, closed, "closed")
    assert caught.value.errors[0]["field"] == "reason"
    settle(session, world.officer, closed, "closed", "Superseded by a direct contract.")
    with pytest.raises(Forbidden):
        settle(session, world.alice, withdrawn, "withdrawn", "Not a supplier's call")
    settle(session, world.gina, withdrawn, "withdrawn", "Stocks were found in depot.")

    assert [r.status.value for r in (fulfilled, closed, withdrawn)] == [
        "fulfilled", "closed", "withdrawn"]
    assert withdrawn.status_reason == "Stocks were found in depot."
    with pytest.raises(Conflict):
        answer(session, world, closed, world.alice, world.supplier, "acknowledge")
    with pytest.raises(Invalid):
        settle(session, world.officer, raise_request(), "committed")


# --- time to response -------------------------------------------------------------------------


def test_time_to_first_response_and_overdue_are_measured_against_the_target(
    session: Session, world: SimpleNamespace, raise_request: Raise, clock: Clock
) -> None:
    request = raise_request()
    clock.advance(days=2)
    answer(session, world, request, world.alice, world.supplier, "acknowledge")

    clock.advance(days=2, hours=23)  # 4 days 23 hours after routing: within 5 days
    assert not any(p.overdue for p in read(session, world.gina, request).parties)

    clock.advance(hours=2)
    parties = {p.org_id: p for p in read(session, world.gina, request).parties}
    assert parties[world.supplier.id].response_hours == 48.0
    assert not parties[world.supplier.id].overdue
    assert parties[world.granite.id].overdue
    clock.advance(days=1)
    answer(session, world, request, world.dave, world.granite, "acknowledge")
    granite = next(p for p in read(session, world.gina, request).parties
                   if p.org_id == world.granite.id)
    assert (granite.overdue, granite.answered_late) == (False, True)


def test_a_settled_request_is_never_overdue(
    session: Session, world: SimpleNamespace, raise_request: Raise, clock: Clock
) -> None:
    request = raise_request()
    settle(session, world.gina, request, "withdrawn", "Raised in error.")
    clock.advance(days=30)

    assert not any(p.overdue for p in read(session, world.gina, request).parties)


# --- audit and notifications ------------------------------------------------------------------


def test_every_step_is_audited(
    session: Session, world: SimpleNamespace, raise_request: Raise
) -> None:
    request = raise_request()
    answer(session, world, request, world.alice, world.supplier, "acknowledge")
    settle(session, world.officer, request, "closed", "Covered by another request.")

    events = session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "sos_request", AuditEvent.object_id == str(request.id))
        .order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_id) for e in events] == [
        ("sos.raise", world.gina.id), ("sos.answer", world.alice.id),
        ("sos.status", world.officer.id)]
    assert events[0].after is not None
    assert events[0].after["marking"] == "CUI"
    assert events[2].before == {"status": "acknowledged", "status_reason": ""}


def _told(session: Session, kind: str) -> set[int | None]:
    return set(session.scalars(select(Notification.user_id).where(Notification.kind == kind)))


def test_raising_notifies_the_suppliers_owners_and_editors_and_officers(
    session: Session, world: SimpleNamespace, raise_request: Raise
) -> None:
    raise_request()

    assert _told(session, "sos_raised") == {world.alice.id, world.dave.id, world.officer.id}
    note = session.scalars(select(Notification).where(
        Notification.user_id == world.alice.id)).one()
    assert note.subject.startswith("[CUI] SOS-2026-0001")
    assert note.link.startswith("/supply/requests/")


def test_an_answer_notifies_the_raiser_and_officers_and_a_status_change_everyone_else(
    session: Session, world: SimpleNamespace, raise_request: Raise
) -> None:
    request = raise_request()
    answer(session, world, request, world.alice, world.supplier, "acknowledge")

    assert _told(session, "sos_answered") == {world.gina.id, world.officer.id}
    assert _told(session, "sos_status") == {world.dave.id}  # alice answered; gina was told

    settle(session, world.gina, request, "withdrawn", "Raised in error.")
    assert session.scalars(select(Notification.user_id).where(
        Notification.kind == "sos_status")).all().count(world.alice.id) == 1
    assert world.gina.id not in _told(session, "sos_status")
