"""Creating partnerships, moving them through gated stages, and the history kept."""

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.audit.models import AuditEvent
from indusx.challenges.models import (
    Challenge,
    Decision,
    DecisionStage,
    Outcome,
    Phase,
    Proposal,
    ProposalParty,
    ProposalStatus,
)
from indusx.challenges.models import PartyRole as ProposalRole
from indusx.errors import Conflict, Forbidden, Invalid, NotFound
from indusx.matching import introductions
from indusx.matching.models import MatchMode
from indusx.notifications.models import Notification
from indusx.orgs.models import Organisation
from indusx.partnerships import service
from indusx.partnerships.models import (
    Origin,
    Partnership,
    PartnershipType,
    Stage,
)
from indusx.partnerships.schemas import PartnershipCreate, PartnershipUpdate
from indusx.pathway.engine.evaluate import Verdict
from tests.partnerships.conftest import as_principal, save_assessment


def _move(session: Session, user: object, pact: Partnership, stage: Stage,
          reason: str = "") -> Partnership:
    return service.move_stage(session=session, principal=as_principal(session, user),  # type: ignore[arg-type]
                              partnership_id=pact.id, target=stage, reason=reason)


def _gate_codes(excinfo: pytest.ExceptionInfo[service.GateRefused]) -> list[str]:
    return [m.code for m in excinfo.value.missing]


def test_a_partnership_needs_a_us_and_an_indian_party(
    session: Session, people: SimpleNamespace, make_org: Callable[..., Organisation],
) -> None:
    other_in = make_org(name="Another Indian Firm", country="IN")
    body = PartnershipCreate(title="Two Indian firms", type=PartnershipType.RESEARCH,
                             org_ids=[people.org.id, other_in.id])

    with pytest.raises(Invalid, match="at least one US and one Indian"):
        service.create(session=session, principal=as_principal(session, people.alice),
                       partnership_in=body)


def test_creating_by_hand_records_the_first_stage_and_an_audit_row(
    session: Session, pact: Partnership, people: SimpleNamespace,
) -> None:
    history = service.history(session=session, partnership_id=pact.id)
    assert [(c.from_stage, c.to_stage) for c, _ in history] == [(None, Stage.IDENTIFIED)]
    assert pact.origin is Origin.MANUAL
    assert [p.role.value for p in service.parties(session, pact.id)] == ["lead", "partner"]
    assert session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "partnership.create", AuditEvent.object_id == str(pact.id)))


def test_a_viewer_cannot_record_a_partnership_for_the_organisation(
    session: Session, people: SimpleNamespace, us_org: Organisation,
) -> None:
    body = PartnershipCreate(title="Not mine", type=PartnershipType.RESEARCH,
                             org_ids=[people.org.id, us_org.id])

    with pytest.raises(Forbidden):
        service.create(session=session, principal=as_principal(session, people.bob),
                       partnership_in=body)


def test_agreement_is_refused_without_an_assessment(
    session: Session, pact: Partnership, people: SimpleNamespace,
) -> None:
    with pytest.raises(service.GateRefused) as excinfo:
        _move(session, people.alice, pact, Stage.AGREEMENT)

    assert _gate_codes(excinfo) == ["assessment-missing"]
    assert pact.stage is Stage.IDENTIFIED


@pytest.mark.parametrize("verdict", [Verdict.BLOCKED, Verdict.INCOMPLETE])
def test_agreement_is_refused_with_a_blocked_or_incomplete_assessment(
    session: Session, pact: Partnership, people: SimpleNamespace, verdict: Verdict,
) -> None:
    save_assessment(session, pact.id, verdict)

    with pytest.raises(service.GateRefused) as excinfo:
        _move(session, people.alice, pact, Stage.AGREEMENT)

    assert _gate_codes(excinfo) == [f"assessment-{verdict.value}"]


@pytest.mark.parametrize("confirm", [False, True])
def test_agreement_is_refused_while_a_party_has_an_open_or_confirmed_case(
    session: Session, pact: Partnership, people: SimpleNamespace,
    listed_party: Callable[[bool], Organisation], confirm: bool,
) -> None:
    save_assessment(session, pact.id, Verdict.NO_LICENCE_REQUIRED)
    listed = listed_party(confirm)

    with pytest.raises(service.GateRefused) as excinfo:
        _move(session, people.alice, pact, Stage.AGREEMENT)

    missing = excinfo.value.missing
    assert [m.code for m in missing] == [
        "party-confirmed-hit" if confirm else "party-open-case"]
    assert missing[0].org_id == listed.id and listed.name in missing[0].message
    assert missing[0].case_ids


def test_agreement_is_allowed_once_assessed_and_all_parties_clear(
    session: Session, pact: Partnership, people: SimpleNamespace,
) -> None:
    save_assessment(session, pact.id, Verdict.AUTHORISATIONS_REQUIRED)

    _move(session, people.alice, pact, Stage.AGREEMENT)

    assert pact.stage is Stage.AGREEMENT


def test_skipping_past_agreement_is_gated_too(
    session: Session, pact: Partnership, people: SimpleNamespace,
) -> None:
    with pytest.raises(service.GateRefused):
        _move(session, people.alice, pact, Stage.EXECUTION)

    save_assessment(session, pact.id, Verdict.NO_LICENCE_REQUIRED)
    _move(session, people.alice, pact, Stage.EXECUTION)
    assert pact.stage is Stage.EXECUTION


def test_the_newest_assessment_decides_the_gate(
    session: Session, pact: Partnership, people: SimpleNamespace,
) -> None:
    save_assessment(session, pact.id, Verdict.NO_LICENCE_REQUIRED)
    save_assessment(session, pact.id, Verdict.BLOCKED)

    with pytest.raises(service.GateRefused):
        _move(session, people.alice, pact, Stage.AGREEMENT)


def test_history_is_kept_across_forward_back_stop_and_reopen(
    session: Session, pact: Partnership, people: SimpleNamespace,
) -> None:
    _move(session, people.alice, pact, Stage.PROPOSAL)
    with pytest.raises(Invalid, match="reason"):
        _move(session, people.alice, pact, Stage.NDA)
    _move(session, people.alice, pact, Stage.NDA, "The NDA lapsed")
    with pytest.raises(Invalid, match="reason"):
        _move(session, people.alice, pact, Stage.STOPPED)
    _move(session, people.alice, pact, Stage.STOPPED, "Funding withdrawn")
    assert pact.stop_reason == "Funding withdrawn"
    with pytest.raises(Conflict, match="reopens to the stage it was stopped in"):
        _move(session, people.alice, pact, Stage.PROPOSAL)
    _move(session, people.alice, pact, Stage.NDA)

    moves = [(c.from_stage, c.to_stage, c.reason)
             for c, _ in service.history(session=session, partnership_id=pact.id)]
    assert moves[1:] == [
        (Stage.IDENTIFIED, Stage.PROPOSAL, ""),
        (Stage.PROPOSAL, Stage.NDA, "The NDA lapsed"),
        (Stage.NDA, Stage.STOPPED, "Funding withdrawn"),
        (Stage.STOPPED, Stage.NDA, ""),
    ]
    assert pact.stage is Stage.NDA and pact.stop_reason == ""
    actions = set(session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "partnership", AuditEvent.object_id == str(pact.id))))
    assert {"partnership.stage.forward", "partnership.stage.back", "partnership.stage.stop",
            "partnership.stage.reopen"} <= actions


def test_a_stage_move_notifies_the_other_sides_editors_but_not_the_mover(
    session: Session, pact: Partnership, people: SimpleNamespace, us_org: Organisation,
) -> None:
    _move(session, people.alice, pact, Stage.NDA)

    notes = list(session.scalars(select(Notification).where(
        Notification.kind == "partnership_stage")))
    recipients = {n.user_id for n in notes}
    assert people.alice.id not in recipients
    assert people.bob.id not in recipients  # a viewer is not notified
    assert len(recipients) == 1  # the US firm's owner


def test_only_editors_and_assigned_officers_move_stages(
    session: Session, pact: Partnership, people: SimpleNamespace,
) -> None:
    with pytest.raises(Forbidden):
        _move(session, people.bob, pact, Stage.NDA)
    with pytest.raises(NotFound):
        _move(session, people.charlie, pact, Stage.NDA)
    with pytest.raises(Forbidden):
        _move(session, people.officer, pact, Stage.NDA)

    service.assign_officer(session=session, principal=as_principal(session, people.admin),
                           partnership_id=pact.id, email=people.officer.email)
    _move(session, people.officer, pact, Stage.NDA)
    assert pact.stage is Stage.NDA


def test_updating_details_is_audited_with_what_changed(
    session: Session, pact: Partnership, people: SimpleNamespace,
) -> None:
    service.update(session=session, principal=as_principal(session, people.alice),
                   partnership_id=pact.id, partnership_in=PartnershipUpdate(value_usd=9))

    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "partnership.update"))
    assert event is not None and event.after == {"value_usd": 9}


def _intro(session: Session, people: SimpleNamespace, us_org: Organisation,
           accept: bool) -> int:
    intro = introductions.request(session=session, principal=as_principal(session, people.alice),
                                  from_org_id=people.org.id, to_org_id=us_org.id,
                                  mode=MatchMode.CO_PRODUCTION, note="Let us build it")
    if accept:
        from indusx.accounts.models import Membership
        owner_id = session.scalar(select(Membership.user_id).where(
            Membership.org_id == us_org.id))
        from indusx.accounts.models import User
        owner = session.get(User, owner_id)
        introductions.respond(session=session, principal=as_principal(session, owner),
                              intro_id=intro.id, accept=True)
    session.flush()
    return intro.id


def test_an_accepted_introduction_becomes_one_partnership(
    session: Session, people: SimpleNamespace, us_org: Organisation,
) -> None:
    intro_id = _intro(session, people, us_org, accept=True)
    alice = as_principal(session, people.alice)

    made = service.from_introduction(session=session, principal=alice, intro_id=intro_id)

    assert made.origin is Origin.INTRODUCTION and made.stage is Stage.INTRODUCED
    assert made.type is PartnershipType.CO_PRODUCTION
    assert {p.org_id for p in service.parties(session, made.id)} == {people.org.id, us_org.id}
    with pytest.raises(Conflict, match=f"/partnerships/{made.id}"):
        service.from_introduction(session=session, principal=alice, intro_id=intro_id)


def test_a_pending_introduction_does_not_become_a_partnership(
    session: Session, people: SimpleNamespace, us_org: Organisation,
) -> None:
    intro_id = _intro(session, people, us_org, accept=False)

    with pytest.raises(Conflict, match="accepted"):
        service.from_introduction(session=session, principal=as_principal(session, people.alice),
                                  intro_id=intro_id)


def _award(session: Session, people: SimpleNamespace, us_org: Organisation,
           outcome: Outcome) -> Decision:
    challenge = Challenge(title="Undersea comms", slug="undersea-comms", sponsor_org_id=us_org.id,
                          phase=Phase.AWARDED)
    session.add(challenge)
    session.flush()
    proposal = Proposal(challenge_id=challenge.id, lead_org_id=people.org.id,
                        title="Acoustic mesh", status=ProposalStatus.SUBMITTED)
    session.add(proposal)
    session.flush()
    session.add_all([ProposalParty(proposal_id=proposal.id, org_id=people.org.id,
                                   role=ProposalRole.LEAD),
                     ProposalParty(proposal_id=proposal.id, org_id=us_org.id,
                                   role=ProposalRole.CO_APPLICANT)])
    decision = Decision(proposal_id=proposal.id, stage=DecisionStage.AWARD, outcome=outcome,
                        reason="Strong", award_usd=120_000)
    session.add(decision)
    session.flush()
    return decision


def test_an_award_becomes_a_partnership_of_the_proposals_parties(
    session: Session, people: SimpleNamespace, us_org: Organisation,
) -> None:
    decision = _award(session, people, us_org, Outcome.AWARDED)

    made = service.from_decision(session=session, principal=as_principal(session, people.alice),
                                 decision_id=decision.id)

    assert made.origin is Origin.CHALLENGE_AWARD and made.value_usd == 120_000
    assert made.title == "Acoustic mesh"
    assert [p.org_id for p in service.parties(session, made.id)] == [people.org.id, us_org.id]


def test_a_decision_that_is_not_an_award_is_refused(
    session: Session, people: SimpleNamespace, us_org: Organisation,
) -> None:
    decision = _award(session, people, us_org, Outcome.NOT_AWARDED)

    with pytest.raises(Conflict, match="award"):
        service.from_decision(session=session, principal=as_principal(session, people.alice),
                              decision_id=decision.id)


def test_the_funnel_counts_partnerships_at_their_stage_by_type(
    session: Session, pact: Partnership, people: SimpleNamespace,
) -> None:
    _move(session, people.alice, pact, Stage.NDA)

    funnel = service.funnel(session=session)
    assert funnel["nda"] == {"co-development": 1}
    assert funnel["identified"] == {}
