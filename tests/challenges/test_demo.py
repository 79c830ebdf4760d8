"""The demo challenges: one in each phase, valid through the real services."""

from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import OrgRole
from indusx.challenges import demo
from indusx.challenges.models import (
    PHASE_ORDER,
    Challenge,
    Decision,
    DecisionStage,
    Outcome,
    PartyRole,
    Phase,
    Proposal,
    ProposalParty,
    ProposalStatus,
    Review,
    ReviewStatus,
)
from indusx.db import utcnow
from indusx.demo import loader
from indusx.orgs.models import Organisation
from indusx.orgs.taxonomy import OrgKind

LATER = {p for p in PHASE_ORDER if PHASE_ORDER.index(p) >= PHASE_ORDER.index(Phase.REVIEW)}


@pytest.fixture(scope="module")
def demo_session(engine: Engine) -> Iterator[Session]:
    """One demo load per database for the whole module (the tests only read), rolled back."""
    connection = engine.connect()
    outer = connection.begin()
    db = Session(bind=connection, join_transaction_mode="create_savepoint")
    loader.load_demo(session=db, orgs=120, seed=7)
    db.flush()
    yield db
    db.close()
    outer.rollback()
    connection.close()


@pytest.fixture
def session(demo_session: Session) -> Session:
    return demo_session


@pytest.fixture
def loaded(demo_session: Session) -> dict[Phase, Challenge]:
    rows = demo_session.scalars(select(Challenge).where(Challenge.is_demo.is_(True))).all()
    return {c.phase: c for c in rows}


def _proposals(session: Session, challenge: Challenge) -> list[Proposal]:
    return list(session.scalars(select(Proposal).where(Proposal.challenge_id == challenge.id)))


def test_there_is_one_demo_challenge_in_every_phase(
    session: Session, loaded: dict[Phase, Challenge]
) -> None:
    assert sorted(loaded, key=PHASE_ORDER.index) == list(PHASE_ORDER)
    assert session.scalar(select(Challenge.id).where(Challenge.is_demo.is_(False))) is None
    assert all("(demo)" in c.title for c in loaded.values())


def test_the_agencies_are_labelled_demo_and_the_officer_runs_both(
    session: Session, loaded: dict[Phase, Challenge]
) -> None:
    officer = account_service.find_user_by_email(session=session, email=demo.OFFICER_EMAIL)
    assert officer is not None
    roles = {m.org_id: m.role for m in account_service.memberships_of(
        session=session, user_id=officer.id)}  # fmt: skip
    sponsors = {session.get_one(Organisation, c.sponsor_org_id) for c in loaded.values()}
    assert {o.name for o in sponsors} == {"iDEX (demo)", "Defense Innovation Unit (demo)"}
    for org in sponsors:
        assert org.is_demo and org.kind is OrgKind.GOVERNMENT
        assert roles[org.id] is OrgRole.OWNER


def test_dates_follow_the_phase(loaded: dict[Phase, Challenge]) -> None:
    now = utcnow()
    assert loaded[Phase.DRAFT].deadline_at > now  # type: ignore[operator]
    assert loaded[Phase.OPEN].opens_at < now < loaded[Phase.OPEN].deadline_at  # type: ignore[operator]
    for phase in PHASE_ORDER[2:]:
        assert loaded[phase].deadline_at < now  # type: ignore[operator]
    deadlines = [loaded[p].deadline_at for p in PHASE_ORDER[2:]]
    assert deadlines == sorted(deadlines, reverse=True)  # type: ignore[type-var]
    for challenge in loaded.values():
        stamps = [challenge.schedule[p.value] for p in PHASE_ORDER[3:]]
        assert stamps == sorted(stamps)


def test_proposals_exist_from_the_open_phase_on_with_valid_parties(
    session: Session, loaded: dict[Phase, Challenge]
) -> None:
    assert _proposals(session, loaded[Phase.DRAFT]) == []
    consortia = 0
    for phase, challenge in loaded.items():
        if phase is Phase.DRAFT:
            continue
        proposals = _proposals(session, challenge)
        submitted = [p for p in proposals if p.status is ProposalStatus.SUBMITTED]
        assert submitted and all(p.submitted_at < challenge.deadline_at for p in submitted)  # type: ignore[operator]
        for proposal in proposals:
            parties = session.execute(
                select(ProposalParty, Organisation)
                .join(Organisation, Organisation.id == ProposalParty.org_id)
                .where(ProposalParty.proposal_id == proposal.id)
            ).all()
            leads = [o for p, o in parties if p.role is PartyRole.LEAD]
            assert [o.id for o in leads] == [proposal.lead_org_id]
            for party, org in parties:
                assert org.country.value in challenge.eligible_countries
                assert org.kind.value in challenge.eligible_kinds
                if proposal.status is ProposalStatus.SUBMITTED:
                    assert party.confirmed_at is not None
            countries = {o.country.value for _, o in parties}
            if proposal.status is ProposalStatus.SUBMITTED and challenge.joint_team_required:
                assert countries == {"IN", "US"}
            consortia += countries == {"IN", "US"}
            assert challenge.trl_min <= proposal.trl <= challenge.trl_max  # type: ignore[operator]
    assert consortia >= 7


def test_reviews_come_from_the_three_demo_reviewers_and_finish_after_review(
    session: Session, loaded: dict[Phase, Challenge]
) -> None:
    emails = {e for e, _ in demo.REVIEWERS}
    for phase in LATER:
        rows = session.execute(
            select(Review, Proposal)
            .join(Proposal, Proposal.id == Review.proposal_id)
            .where(Proposal.challenge_id == loaded[phase].id)
        ).all()
        assert rows
        reviewers = {session.get_one(account_service.User, r.reviewer_id).email for r, _ in rows}
        assert reviewers == emails
        per_proposal = Counter(p.id for _, p in rows)
        assert set(per_proposal.values()) == {3}
        statuses = {r.status for r, _ in rows}
        if phase is Phase.REVIEW:
            assert {ReviewStatus.SUBMITTED, ReviewStatus.ASSIGNED} <= statuses
        else:
            assert statuses == {ReviewStatus.SUBMITTED}


def test_awards_only_in_the_awarded_and_closed_phases(
    session: Session, loaded: dict[Phase, Challenge]
) -> None:
    for phase, challenge in loaded.items():
        rows = session.scalars(
            select(Decision)
            .join(Proposal, Proposal.id == Decision.proposal_id)
            .where(Proposal.challenge_id == challenge.id)
        ).all()
        stages = Counter(d.stage for d in rows)
        awards = [d for d in rows if d.outcome is Outcome.AWARDED]
        if phase in (Phase.AWARDED, Phase.CLOSED):
            assert len(awards) == 1 and awards[0].award_usd
            assert awards[0].award_usd <= challenge.funding_usd  # type: ignore[operator]
        else:
            assert awards == [] and stages[DecisionStage.AWARD] == 0
        if PHASE_ORDER.index(phase) >= PHASE_ORDER.index(Phase.SHORTLIST):
            assert stages[DecisionStage.SHORTLIST] == 4
        else:
            assert rows == []


def test_loading_again_adds_no_second_set(session: Session, loaded: dict[Phase, Challenge]) -> None:
    assert demo.load_demo_challenges(session=session, actor=demo.Actor.system()) == []
