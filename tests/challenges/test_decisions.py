"""Shortlist and award decisions: phases, permissions, history, amounts, screening."""

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.audit.models import AuditEvent
from indusx.challenges import decisions
from indusx.challenges.models import Decision, Outcome, Phase, Proposal, ProposalStatus
from indusx.errors import Conflict, Forbidden, Invalid
from indusx.notifications.models import Notification
from indusx.orgs.models import Organisation
from indusx.screening import cases as screening_cases
from indusx.screening import imports
from indusx.screening.lists import ListFormat
from indusx.screening.models import CaseStatus
from tests.challenges.review_support import make_proposal, principal
from tests.challenges.review_support import reviewing as reviewing
from tests.conftest import ACTOR
from tests.screening.support import write_ofac


def _decide(
    session: Session,
    user: User,
    proposal: Proposal,
    outcome: Outcome,
    reason: str = "Strong technical case",
    award_usd: int | None = None,
) -> Decision:
    return decisions.decide(
        session=session,
        principal=principal(session, user),
        proposal=proposal,
        outcome=outcome,
        reason=reason,
        award_usd=award_usd,
    )


def test_a_manager_shortlists_in_the_shortlist_phase_and_the_history_is_kept(
    session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    c.challenge.phase = Phase.SHORTLIST

    _decide(session, c.manager, c.joint, Outcome.NOT_SHORTLISTED, "Weak test plan")
    _decide(session, c.manager, c.joint, Outcome.SHORTLISTED, "Test plan revised on appeal")

    assert [d.outcome for d in decisions.history(session=session, proposal_id=c.joint.id)] == [
        Outcome.NOT_SHORTLISTED,
        Outcome.SHORTLISTED,
    ]
    state = decisions.current(session=session, proposal_ids=[c.joint.id])[c.joint.id]
    assert state.outcome is Outcome.SHORTLISTED and state.award is None
    assert (
        session.scalar(
            select(AuditEvent)
            .where(
                AuditEvent.action == "proposal.shortlist_decided",
                AuditEvent.object_id == str(c.joint.id),
            )
            .order_by(AuditEvent.id.desc())
        ).after["reason"]
        == "Test plan revised on appeal"
    )


def test_every_member_of_every_party_hears_of_a_decision(
    session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    c.challenge.phase = Phase.SHORTLIST

    _decide(session, c.manager, c.joint, Outcome.SHORTLISTED)

    notes = session.scalars(
        select(Notification).where(Notification.kind == "challenge_shortlist_decision")
    ).all()
    # The lead's owner, its viewer (reviewer C) and the co-applicant's owner.
    assert sorted(n.user_id for n in notes) == sorted(
        [c.applicant.id, c.co_applicant.id, c.reviewers[2].id]
    )
    assert "shortlisted" in notes[0].subject and "Strong technical case" in notes[0].body


@pytest.mark.parametrize(
    ("phase", "outcome"),
    [
        (Phase.REVIEW, Outcome.SHORTLISTED),
        (Phase.PITCH, Outcome.NOT_SHORTLISTED),
        (Phase.SHORTLIST, Outcome.AWARDED),
        (Phase.CLOSED, Outcome.NOT_AWARDED),
    ],
)
def test_decisions_are_refused_outside_their_phase(
    session: Session, reviewing: SimpleNamespace, phase: Phase, outcome: Outcome
) -> None:
    reviewing.challenge.phase = phase
    with pytest.raises(Conflict, match="phase"):
        _decide(
            session,
            reviewing.manager,
            reviewing.us,
            outcome,
            award_usd=(50_000 if outcome is Outcome.AWARDED else None),
        )


def test_only_the_challenges_managers_decide(session: Session, reviewing: SimpleNamespace) -> None:
    c = reviewing
    c.challenge.phase = Phase.SHORTLIST
    for user in (c.other_officer, c.reviewers[0], c.applicant, c.outsider):
        with pytest.raises(Forbidden):
            _decide(session, user, c.us, Outcome.SHORTLISTED)


def test_an_award_needs_a_shortlist_an_amount_and_room_in_the_budget(
    session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    c.challenge.funding_usd = 250_000
    c.challenge.phase = Phase.SHORTLIST
    _decide(session, c.manager, c.joint, Outcome.SHORTLISTED)
    _decide(session, c.manager, c.single, Outcome.SHORTLISTED)
    c.challenge.phase = Phase.PITCH
    with pytest.raises(Conflict, match="shortlisted"):
        _decide(session, c.manager, c.us, Outcome.AWARDED, award_usd=1000)
    with pytest.raises(Invalid, match="US dollars"):
        _decide(session, c.manager, c.joint, Outcome.AWARDED)
    with pytest.raises(Invalid, match="only an award"):
        _decide(session, c.manager, c.joint, Outcome.NOT_AWARDED, award_usd=5)

    _decide(session, c.manager, c.joint, Outcome.AWARDED, award_usd=200_000)

    with pytest.raises(Invalid, match=r"more than the challenge's \$250,000; at most \$50,000"):
        _decide(session, c.manager, c.single, Outcome.AWARDED, award_usd=60_000)
    c.challenge.phase = Phase.AWARDED  # corrections are allowed once awarded
    # Lowering the first award (its own earlier amount does not count) makes room.
    _decide(session, c.manager, c.joint, Outcome.AWARDED, "Budget split", award_usd=150_000)
    _decide(session, c.manager, c.single, Outcome.AWARDED, award_usd=100_000)
    assert decisions.awarded_total(session=session, challenge_id=c.challenge.id) == 250_000


def test_a_withdrawn_proposal_is_not_decided(session: Session, reviewing: SimpleNamespace) -> None:
    reviewing.challenge.phase = Phase.SHORTLIST
    reviewing.us.status = ProposalStatus.WITHDRAWN
    with pytest.raises(Conflict, match="submitted"):
        _decide(session, reviewing.manager, reviewing.us, Outcome.SHORTLISTED)


def test_a_confirmed_restricted_party_match_blocks_the_award(
    session: Session,
    reviewing: SimpleNamespace,
    tmp_path: Path,
    make_org: Callable[..., Organisation],
) -> None:
    c = reviewing
    imports.import_list(
        session=session, fmt=ListFormat.OFAC, paths=write_ofac(tmp_path / "ofac"), actor=ACTOR
    )
    session.commit()
    listed = make_org(name="Zenith Strike Armaments Pvt Ltd", country="IN")
    [case] = screening_cases.subject_cases(session=session, org_id=listed.id)
    screening_cases.decide(
        session=session,
        principal=principal(session, c.manager),
        case_id=case.id,
        decision=CaseStatus.CONFIRMED,
        reason="Confirmed by due diligence",
    )
    lead = make_org(name="Coastal Relay Labs", country="US")
    proposal = make_proposal(session, c.challenge, lead, [listed], title="Strike mesh")
    c.challenge.phase = Phase.SHORTLIST
    _decide(session, c.manager, proposal, Outcome.SHORTLISTED)
    c.challenge.phase = Phase.PITCH

    with pytest.raises(Conflict, match="Zenith Strike Armaments Pvt Ltd has a confirmed"):
        _decide(session, c.manager, proposal, Outcome.AWARDED, award_usd=10_000)

    # Turning it down is not blocked.
    _decide(session, c.manager, proposal, Outcome.NOT_AWARDED, "Restricted party in team")


def test_applicants_see_their_decisions_on_the_proposal_page_and_reviewers_do_not(
    session: Session, reviewing: SimpleNamespace, client: TestClient,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    c = reviewing
    c.challenge.phase = Phase.SHORTLIST
    _decide(session, c.manager, c.joint, Outcome.SHORTLISTED, "Strong sea-trial plan")
    session.commit()

    sign_in(client, c.co_applicant)
    page = client.get(f"/proposals/{c.joint.id}")
    sign_in(client, c.reviewers[0])
    reviewer_page = client.get(f"/proposals/{c.joint.id}")

    assert page.status_code == 200
    assert "Decisions" in page.text and "Strong sea-trial plan" in page.text
    assert "Strong sea-trial plan" not in reviewer_page.text
    sign_in(client, c.co_applicant)
    mine = client.get("/proposals").text
    assert "Shortlisted" in mine.split("Joint acoustic mesh", 1)[1].split("</tr>", 1)[0]
