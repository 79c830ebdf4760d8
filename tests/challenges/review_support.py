"""Challenges in review, built straight from the models (no challenge service needed).

`reviewing` gives a challenge of the fictional "Navy Innovation Cell" in the review phase with
a two-criterion rubric and a cast: the manager (an officer of the sponsor), an officer of
another agency, three reviewers in the pool (one of them a member of an applicant), an
outsider, and three submitted proposals (one a US-India consortium) plus a draft.
"""

from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import OrgRole, User
from indusx.accounts.permissions import Principal
from indusx.challenges.models import (
    Challenge,
    ChallengeMember,
    Criterion,
    PartyRole,
    Phase,
    Proposal,
    ProposalParty,
    ProposalStatus,
    Question,
    Review,
    ReviewScore,
    ReviewStatus,
)
from indusx.db import utcnow
from indusx.orgs.models import Organisation
from tests.conftest import ACTOR


def principal(session: Session, user: User, via: str = "web") -> Principal:
    """Return a principal for calling services directly."""
    return Principal.load(session=session, user=user, via=via)


def make_challenge(
    session: Session,
    sponsor: Organisation,
    *,
    phase: Phase = Phase.REVIEW,
    criteria: Sequence[tuple[str, float, int]] = (("Technical merit", 2, 10), ("Team", 1, 5)),
    **fields: Any,
) -> Challenge:
    """Add a challenge with its rubric and one question."""
    n = session.query(Challenge).count() + 1
    values: dict[str, Any] = {
        "slug": f"undersea-comms-{n}-{sponsor.id}",
        "title": f"Undersea communications {n}",
        "summary": "Acoustic links for unmanned underwater vehicles.",
        "problem_statement": "Reliable acoustic links over 5 km.",
        "sponsor_org_id": sponsor.id,
        "phase": phase,
        "reviews_per_proposal": 2,
        "schedule": {"shortlist": "2026-12-20T12:00:00+00:00"},
    }
    values.update(fields)
    challenge = Challenge(**values)
    session.add(challenge)
    session.flush()
    for i, (name, weight, scale) in enumerate(criteria):
        session.add(
            Criterion(
                challenge_id=challenge.id,
                position=i,
                name=name,
                description=f"How strong is the {name.lower()}?",
                weight=weight,
                scale_max=scale,
            )
        )
    session.add(
        Question(
            challenge_id=challenge.id, position=0, prompt="Describe your approach", required=True
        )
    )
    session.flush()
    return challenge


def make_proposal(
    session: Session,
    challenge: Challenge,
    lead: Organisation,
    co_applicants: Sequence[Organisation] = (),
    *,
    title: str = "",
    status: ProposalStatus = ProposalStatus.SUBMITTED,
    **fields: Any,
) -> Proposal:
    """Add a proposal with its parties (co-applicants confirmed)."""
    proposal = Proposal(
        challenge_id=challenge.id,
        lead_org_id=lead.id,
        title=title or f"{lead.name} modem",
        summary="A low-power modem.",
        status=status,
        trl=5,
        requested_usd=100_000,
        submitted_at=utcnow() if status is ProposalStatus.SUBMITTED else None,
        **fields,
    )
    session.add(proposal)
    session.flush()
    session.add(ProposalParty(proposal_id=proposal.id, org_id=lead.id, role=PartyRole.LEAD))
    for org in co_applicants:
        session.add(
            ProposalParty(
                proposal_id=proposal.id,
                org_id=org.id,
                role=PartyRole.CO_APPLICANT,
                confirmed_at=utcnow(),
            )
        )
    session.flush()
    return proposal


def add_member(session: Session, challenge: Challenge, user: User, role: str) -> None:
    session.add(ChallengeMember(challenge_id=challenge.id, user_id=user.id, role=role))
    session.flush()


def give_review(
    session: Session,
    proposal: Proposal,
    reviewer: User,
    scores: dict[int, float] | None = None,
    status: ReviewStatus = ReviewStatus.SUBMITTED,
) -> Review:
    """Add a review (submitted, with scores, unless told otherwise)."""
    review = Review(
        proposal_id=proposal.id,
        reviewer_id=reviewer.id,
        status=status,
        declared_at=utcnow() if status is not ReviewStatus.ASSIGNED else None,
        submitted_at=utcnow() if status is ReviewStatus.SUBMITTED else None,
    )
    session.add(review)
    session.flush()
    for cid, score in (scores or {}).items():
        session.add(ReviewScore(review_id=review.id, criterion_id=cid, score=score))
    session.flush()
    return review


@pytest.fixture
def reviewing(
    session: Session,
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
) -> SimpleNamespace:
    """A challenge in review with its cast; see the module's docstring."""
    manager = make_user(role="officer", name="Meera Manager", password=None)
    other_officer = make_user(role="officer", name="Otto Other-Agency", password=None)
    reviewers = [make_user(name=f"Reviewer {c}", password=None) for c in "ABC"]
    applicant = make_user(name="Asha Applicant", password=None)
    co_applicant = make_user(name="Carl Co-applicant", password=None)
    outsider = make_user(name="Oscar Outsider", password=None)
    sponsor = make_org(owner=manager, name="Navy Innovation Cell", kind="government")
    other_agency = make_org(
        owner=other_officer, name="Army Design Bureau", kind="government", country="US"
    )
    lead = make_org(owner=applicant, name="Sagar Acoustics Pvt Ltd")
    partner = make_org(owner=co_applicant, name="Bluefin Robotics Inc", country="US")
    solo = make_org(name="Kaveri Sonar Systems", kind="msme")
    third = make_org(name="Harbor Signal Labs", country="US")
    # Reviewer C works at the lead applicant: never assigned its proposal.
    account_service.add_member(
        session=session, org_id=lead.id, user=reviewers[2], role=OrgRole.VIEWER, actor=ACTOR
    )
    challenge = make_challenge(session, sponsor)
    for user in reviewers:
        add_member(session, challenge, user, "reviewer")
    joint = make_proposal(session, challenge, lead, [partner], title="Joint acoustic mesh")
    single = make_proposal(session, challenge, solo, title="Low-power sonar modem")
    us = make_proposal(session, challenge, third, title="Optical burst link")
    draft = make_proposal(
        session,
        challenge,
        make_org(name="Draft Works"),
        status=ProposalStatus.DRAFT,
        title="Unfinished",
    )
    criteria = (
        session.query(Criterion)
        .filter_by(challenge_id=challenge.id)
        .order_by(Criterion.position)
        .all()
    )
    session.commit()
    return SimpleNamespace(
        manager=manager,
        other_officer=other_officer,
        reviewers=reviewers,
        applicant=applicant,
        co_applicant=co_applicant,
        outsider=outsider,
        sponsor=sponsor,
        other_agency=other_agency,
        lead=lead,
        partner=partner,
        solo=solo,
        third=third,
        challenge=challenge,
        joint=joint,
        single=single,
        us=us,
        draft=draft,
        criteria=criteria,
    )
