"""Proposals: drafts that are never lost, consortia, eligibility, screening and the deadline."""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.challenges import proposals, service
from indusx.challenges.models import Challenge, Phase, Proposal, ProposalStatus
from indusx.challenges.proposals import StaleSave
from indusx.challenges.schemas import ProposalUpdate
from indusx.db import utcnow
from indusx.errors import Conflict, Forbidden, Invalid, NotFound
from indusx.notifications.models import Notification
from indusx.orgs.models import Organisation
from indusx.screening import cases as screening_cases
from indusx.screening import imports
from indusx.screening.lists import ListFormat
from indusx.screening.models import CaseStatus
from tests.challenges.conftest import MakeChallenge, principal_of
from tests.conftest import ACTOR
from tests.screening.support import write_ofac


def _start(session: Session, user: User, challenge: Challenge, org: Organisation) -> Proposal:
    return proposals.start(
        session=session,
        principal=principal_of(session, user),
        challenge=challenge,
        lead_org_id=org.id,
        title="",
    )


def _loaded(session: Session, user: User, proposal: Proposal) -> proposals.Loaded:
    return proposals.load(
        session=session, principal=principal_of(session, user), proposal_id=proposal.id
    )


def _save(session: Session, user: User, proposal: Proposal, **fields: object) -> Proposal:
    return proposals.save(
        session=session,
        principal=principal_of(session, user),
        loaded=_loaded(session, user, proposal),
        update_in=ProposalUpdate.model_validate({"version": proposal.version, **fields}),
    )


def _complete(session: Session, user: User, challenge: Challenge, proposal: Proposal) -> None:
    first = service.questions_of(session, challenge.id)[0]
    _save(
        session,
        user,
        proposal,
        title="Covert acoustic mesh",
        trl=5,
        answers={str(first.id): "Spread-spectrum modems with a US partner."},
    )


def _submit(session: Session, user: User, proposal: Proposal) -> Proposal:
    return proposals.submit(
        session=session,
        principal=principal_of(session, user),
        loaded=_loaded(session, user, proposal),
    )


def _notes(session: Session, kind: str) -> list[str]:
    return sorted(session.scalars(select(Notification.to_email).where(Notification.kind == kind)))


@pytest.fixture
def challenge(make_challenge: MakeChallenge) -> Challenge:
    return make_challenge(phase=Phase.OPEN)


@pytest.fixture
def consortium(session: Session, world: SimpleNamespace, challenge: Challenge) -> Proposal:
    """Alice's start-up leads, Dave's US firm is invited as co-applicant."""
    proposal = _start(session, world.alice, challenge, world.india)
    _complete(session, world.alice, challenge, proposal)
    proposals.invite(
        session=session,
        principal=principal_of(session, world.alice),
        loaded=_loaded(session, world.alice, proposal),
        org_id=world.us.id,
    )
    return proposal


def test_an_owner_or_editor_starts_a_draft_and_starting_again_returns_it(
    session: Session, world: SimpleNamespace, challenge: Challenge
) -> None:
    proposal = _start(session, world.alice, challenge, world.india)
    again = _start(session, world.erin, challenge, world.india)

    assert again.id == proposal.id and proposal.status is ProposalStatus.DRAFT
    read = proposals.read(session, _loaded(session, world.alice, proposal))
    assert [(p.name, p.state) for p in read.parties] == [("Alice Undersea Systems", "lead")]


@pytest.mark.parametrize("who", ["bob", "charlie", "dave"])
def test_only_an_owner_or_editor_of_the_lead_may_start_its_proposal(
    session: Session, world: SimpleNamespace, challenge: Challenge, who: str
) -> None:
    with pytest.raises(Forbidden, match="you own or edit"):
        _start(session, getattr(world, who), challenge, world.india)


def test_a_proposal_cannot_be_started_for_a_draft_or_closed_challenge(
    session: Session, world: SimpleNamespace, make_challenge: MakeChallenge
) -> None:
    for phase in (Phase.DRAFT, Phase.SUBMISSIONS_CLOSED):
        with pytest.raises(Conflict, match="not open for proposals"):
            _start(session, world.alice, make_challenge(phase=phase), world.india)


def test_each_save_bumps_the_version_and_a_stale_save_is_refused_without_overwriting(
    session: Session, world: SimpleNamespace, challenge: Challenge
) -> None:
    proposal = _start(session, world.alice, challenge, world.india)
    _save(session, world.alice, proposal, summary="Alice's text")
    assert proposal.version == 2

    with pytest.raises(StaleSave) as caught:
        proposals.save(
            session=session,
            principal=principal_of(session, world.erin),
            loaded=_loaded(session, world.erin, proposal),
            update_in=ProposalUpdate(version=1, summary="Erin's older text"),
        )

    assert caught.value.status == 409
    assert "nothing was overwritten" in caught.value.message
    assert proposal.summary == "Alice's text" and proposal.version == 2


def test_answers_to_questions_the_challenge_does_not_ask_are_refused(
    session: Session, world: SimpleNamespace, challenge: Challenge
) -> None:
    proposal = _start(session, world.alice, challenge, world.india)
    with pytest.raises(Invalid) as caught:
        _save(session, world.alice, proposal, answers={"999999": "?"})
    assert caught.value.errors == [{"field": "answers.999999", "message": "no such question"}]


def test_a_viewer_reads_but_cannot_save(
    session: Session, world: SimpleNamespace, challenge: Challenge
) -> None:
    proposal = _start(session, world.alice, challenge, world.india)
    loaded = _loaded(session, world.bob, proposal)
    assert loaded.can.read and not loaded.can.edit

    with pytest.raises(Forbidden):
        proposals.save(
            session=session,
            principal=principal_of(session, world.bob),
            loaded=loaded,
            update_in=ProposalUpdate(version=1, title="Bob's"),
        )


@pytest.mark.parametrize(
    ("who", "read", "edit", "manage"),
    [
        ("alice", True, True, False),
        ("erin", True, True, False),
        ("bob", True, False, False),
        ("dave", True, False, False),  # the invited co-applicant
        ("olga", True, False, True),  # officer of the sponsoring agency
        ("admin", True, False, True),
    ],
)
def test_who_may_do_what_with_a_consortium_proposal(
    session: Session,
    world: SimpleNamespace,
    consortium: Proposal,
    who: str,
    read: bool,
    edit: bool,
    manage: bool,
) -> None:
    can = _loaded(session, getattr(world, who), consortium).can
    assert (can.read, can.edit, can.manage) == (read, edit, manage)
    assert can.confirm_org_ids == ((world.us.id,) if who == "dave" else ())


@pytest.mark.parametrize("who", ["oscar", "charlie"])
def test_an_officer_of_another_agency_and_an_outsider_do_not_see_the_proposal(
    session: Session, world: SimpleNamespace, consortium: Proposal, who: str
) -> None:
    with pytest.raises(NotFound):
        _loaded(session, getattr(world, who), consortium)


def test_a_co_applicant_must_confirm_before_the_proposal_can_be_submitted(
    session: Session, world: SimpleNamespace, consortium: Proposal
) -> None:
    assert _notes(session, "challenge_co_applicant_invited") == [world.dave.email]

    with pytest.raises(Invalid) as caught:
        _submit(session, world.alice, consortium)
    assert caught.value.errors == [
        {
            "field": f"co_applicants.{world.us.id}.confirmed",
            "message": "Dave Maritime Robotics has not confirmed its participation yet",
        }
    ]

    proposals.respond(
        session=session,
        principal=principal_of(session, world.dave),
        loaded=_loaded(session, world.dave, consortium),
        accept=True,
    )
    assert _notes(session, "challenge_co_applicant_confirmed") == [
        world.alice.email,
        world.erin.email,
    ]
    _submit(session, world.alice, consortium)

    assert consortium.status is ProposalStatus.SUBMITTED
    assert consortium.submitted_at is not None
    # Every member of every party hears of it, viewers included.
    assert _notes(session, "challenge_proposal_submitted") == sorted(
        [world.alice.email, world.bob.email, world.erin.email, world.dave.email]
    )


def test_a_declined_co_applicant_blocks_submission_until_removed(
    session: Session, world: SimpleNamespace, consortium: Proposal
) -> None:
    proposals.respond(
        session=session,
        principal=principal_of(session, world.dave),
        loaded=_loaded(session, world.dave, consortium),
        accept=False,
    )
    assert _notes(session, "challenge_co_applicant_declined") == [
        world.alice.email,
        world.erin.email,
    ]
    with pytest.raises(Invalid, match="declined: remove it"):
        _submit(session, world.alice, consortium)

    proposals.remove_party(
        session=session,
        principal=principal_of(session, world.alice),
        loaded=_loaded(session, world.alice, consortium),
        org_id=world.us.id,
    )
    assert _submit(session, world.alice, consortium).status is ProposalStatus.SUBMITTED


def test_only_the_co_applicants_owners_and_editors_confirm_for_it(
    session: Session, world: SimpleNamespace, consortium: Proposal
) -> None:
    with pytest.raises(Forbidden, match="co-applicant's owners and editors"):
        proposals.respond(
            session=session,
            principal=principal_of(session, world.alice),
            loaded=_loaded(session, world.alice, consortium),
            accept=True,
        )


def test_every_failed_eligibility_rule_is_named_on_its_own(
    session: Session,
    world: SimpleNamespace,
    make_challenge: MakeChallenge,
    make_org: Callable[..., Organisation],
) -> None:
    challenge = make_challenge(
        phase=Phase.OPEN,
        eligible_countries=["IN"],
        eligible_kinds=["startup"],
        trl_min=4,
        trl_max=6,
        joint_team_required=True,
    )
    proposal = _start(session, world.alice, challenge, world.india)
    _save(session, world.alice, proposal, trl=8)
    proposals.invite(
        session=session,
        principal=principal_of(session, world.alice),
        loaded=_loaded(session, world.alice, proposal),
        org_id=world.us.id,
    )

    with pytest.raises(Invalid) as caught:
        _submit(session, world.alice, proposal)

    [question, _] = service.questions_of(session, challenge.id)
    us = world.us.id
    assert {e["field"]: e["message"] for e in caught.value.errors} == {
        "title": "give the proposal a title",
        f"answers.{question.id}": "answer question 1: Describe your approach",
        "trl": "the proposal's TRL 8 is outside the challenge's range 4 to 6",
        f"co_applicants.{us}.country": "Dave Maritime Robotics is in United States; this "
        "challenge is open to organisations in India",
        f"co_applicants.{us}.kind": "Dave Maritime Robotics is a msme; this challenge is open "
        "to start-up",
        f"co_applicants.{us}.confirmed": "Dave Maritime Robotics has not confirmed its "
        "participation yet",
    }
    assert proposal.status is ProposalStatus.DRAFT


def test_a_joint_team_is_required_when_the_challenge_says_so(
    session: Session, world: SimpleNamespace, make_challenge: MakeChallenge
) -> None:
    challenge = make_challenge(phase=Phase.OPEN, joint_team_required=True)
    proposal = _start(session, world.alice, challenge, world.india)
    _complete(session, world.alice, challenge, proposal)

    with pytest.raises(Invalid) as caught:
        _submit(session, world.alice, proposal)
    assert caught.value.errors == [
        {
            "field": "joint_team",
            "message": "this challenge needs a joint team: add a co-applicant from the "
            "United States",
        }
    ]


def test_the_lead_country_and_kind_are_checked_too(
    session: Session, world: SimpleNamespace, make_challenge: MakeChallenge
) -> None:
    challenge = make_challenge(phase=Phase.OPEN, eligible_countries=["US"], eligible_kinds=["msme"])
    proposal = _start(session, world.alice, challenge, world.india)
    _complete(session, world.alice, challenge, proposal)
    with pytest.raises(Invalid) as caught:
        _submit(session, world.alice, proposal)
    assert [e["field"] for e in caught.value.errors] == ["lead.country", "lead.kind"]


def test_a_submission_one_second_after_the_deadline_is_refused_and_the_draft_kept(
    session: Session,
    world: SimpleNamespace,
    challenge: Challenge,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    proposal = _start(session, world.alice, challenge, world.india)
    _complete(session, world.alice, challenge, proposal)
    assert challenge.deadline_at is not None
    deadline = challenge.deadline_at
    monkeypatch.setattr(service, "now", lambda: deadline + timedelta(seconds=1))

    with pytest.raises(Conflict) as caught:
        _submit(session, world.alice, proposal)

    assert caught.value.status == 409
    local = service.local(deadline, "Asia/Kolkata")
    assert f"The deadline for 'Undersea acoustic communications' was {local}" in (
        caught.value.message
    )
    assert "UTC)" in caught.value.message and "Your draft is kept." in caught.value.message
    assert proposal.status is ProposalStatus.DRAFT
    assert proposal.title == "Covert acoustic mesh"
    with pytest.raises(Conflict, match="editing the proposal is no longer possible"):
        _save(session, world.alice, proposal, title="Too late")
    assert proposal.title == "Covert acoustic mesh"


def test_a_submission_at_the_last_second_before_the_deadline_is_accepted(
    session: Session,
    world: SimpleNamespace,
    challenge: Challenge,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    proposal = _start(session, world.alice, challenge, world.india)
    _complete(session, world.alice, challenge, proposal)
    assert challenge.deadline_at is not None
    deadline = challenge.deadline_at
    monkeypatch.setattr(service, "now", lambda: deadline - timedelta(seconds=1))

    assert _submit(session, world.alice, proposal).status is ProposalStatus.SUBMITTED


def test_a_submitted_proposal_may_be_edited_until_the_deadline_but_must_stay_complete(
    session: Session, world: SimpleNamespace, challenge: Challenge
) -> None:
    proposal = _start(session, world.alice, challenge, world.india)
    _complete(session, world.alice, challenge, proposal)
    _submit(session, world.alice, proposal)

    _save(session, world.alice, proposal, summary="Sharper summary")
    assert proposal.summary == "Sharper summary"
    with pytest.raises(Invalid, match="must stay complete"):
        _save(session, world.alice, proposal, title="")
    assert proposal.status is ProposalStatus.SUBMITTED
    with pytest.raises(Conflict, match="already submitted"):
        _submit(session, world.alice, proposal)


def test_a_confirmed_screening_hit_on_a_party_blocks_submission(
    session: Session,
    world: SimpleNamespace,
    challenge: Challenge,
    tmp_path: Path,
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
) -> None:
    imports.import_list(
        session=session, fmt=ListFormat.OFAC, paths=write_ofac(tmp_path / "ofac"), actor=ACTOR
    )
    zed = make_user(name="Zed", password=None)
    listed = make_org(owner=zed, name="Zenith Strike Armaments Pvt Ltd", country="IN")
    [case] = screening_cases.subject_cases(session=session, org_id=listed.id)
    screening_cases.decide(
        session=session,
        principal=principal_of(session, world.olga),
        case_id=case.id,
        decision=CaseStatus.CONFIRMED,
        reason="Confirmed by due diligence",
    )
    proposal = _start(session, world.alice, challenge, world.india)
    _complete(session, world.alice, challenge, proposal)
    proposals.invite(
        session=session,
        principal=principal_of(session, world.alice),
        loaded=_loaded(session, world.alice, proposal),
        org_id=listed.id,
    )
    proposals.respond(
        session=session,
        principal=principal_of(session, zed),
        loaded=_loaded(session, zed, proposal),
        accept=True,
    )

    with pytest.raises(
        Conflict,
        match="Zenith Strike Armaments Pvt Ltd has a confirmed "
        "restricted-party match: submitting a proposal is blocked",
    ):
        _submit(session, world.alice, proposal)
    assert proposal.status is ProposalStatus.DRAFT


def test_a_withdrawn_proposal_is_kept_and_can_be_started_again_before_the_deadline(
    session: Session, world: SimpleNamespace, challenge: Challenge
) -> None:
    proposal = _start(session, world.alice, challenge, world.india)
    _complete(session, world.alice, challenge, proposal)
    _submit(session, world.alice, proposal)

    proposals.withdraw(
        session=session,
        principal=principal_of(session, world.erin),
        loaded=_loaded(session, world.erin, proposal),
    )
    assert proposal.status is ProposalStatus.WITHDRAWN and proposal.withdrawn_at is not None
    with pytest.raises(Conflict, match="withdrawn"):
        _save(session, world.alice, proposal, title="Edited")

    again = _start(session, world.alice, challenge, world.india)
    assert again.id == proposal.id and again.status is ProposalStatus.DRAFT
    assert again.title == "Covert acoustic mesh"


def test_the_checklist_shows_what_still_blocks_submission(
    session: Session, world: SimpleNamespace, consortium: Proposal
) -> None:
    read = proposals.read(session, _loaded(session, world.alice, consortium))
    blocking = [c.message for c in read.checklist if not c.ok]
    assert blocking == ["Dave Maritime Robotics has not confirmed its participation yet"]
    assert any(c.ok and c.field == "title" for c in read.checklist)


def test_my_proposals_lists_those_of_every_organisation_i_belong_to(
    session: Session, world: SimpleNamespace, consortium: Proposal
) -> None:
    rows = proposals.my_proposals(session=session, principal=principal_of(session, world.dave))
    assert [p.id for p, _ in rows] == [consortium.id]
    assert (
        proposals.my_proposals(session=session, principal=principal_of(session, world.charlie))
        == []
    )


def test_a_co_applicant_cannot_be_invited_twice_and_an_agency_cannot_apply(
    session: Session, world: SimpleNamespace, consortium: Proposal
) -> None:
    alice = principal_of(session, world.alice)
    with pytest.raises(Conflict, match="already part"):
        proposals.invite(
            session=session,
            principal=alice,
            loaded=_loaded(session, world.alice, consortium),
            org_id=world.us.id,
        )
    with pytest.raises(Invalid, match="government agency"):
        proposals.invite(
            session=session,
            principal=alice,
            loaded=_loaded(session, world.alice, consortium),
            org_id=world.agency.id,
        )


def test_the_deadline_is_compared_with_the_server_clock_in_utc(
    session: Session, world: SimpleNamespace, make_challenge: MakeChallenge
) -> None:
    challenge = make_challenge(
        phase=Phase.OPEN,
        timezone="America/New_York",
        deadline_at=(utcnow() + timedelta(hours=1)).isoformat(),
    )
    assert not proposals.past_deadline(challenge)
    assert "EDT" in proposals.deadline_text(challenge) or "EST" in proposals.deadline_text(
        challenge
    )
