"""Demo challenges, one in each phase, built through the real services so the data is valid.

Two fictional sponsoring agencies ("iDEX (demo)" in India, "Defense Innovation Unit (demo)"
in the US, clearly labelled) with the demo officer in both; three demo reviewers; applicant
teams drawn from the demo directory (the founders' start-ups among them). Every challenge is
first run at load time (opened, proposals submitted, reviewed, decided) and its dates are then
moved to where its phase puts them relative to now, as if it had run on that calendar.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import Membership, OrgRole, PlatformRole, User
from indusx.accounts.permissions import Principal
from indusx.audit.service import Actor
from indusx.challenges import decisions, review, reviewing
from indusx.challenges import proposals as proposal_service
from indusx.challenges import service as challenge_service
from indusx.challenges.models import (
    PHASE_ORDER,
    Challenge,
    Decision,
    Outcome,
    Phase,
    Proposal,
    ProposalStatus,
    Review,
    ReviewStatus,
)
from indusx.challenges.schemas import ChallengeCreate, ProposalUpdate
from indusx.db import utcnow
from indusx.orgs import service as org_service
from indusx.orgs.models import Organisation
from indusx.orgs.schemas import OrgCreate
from indusx.orgs.taxonomy import OrgKind
from indusx.screening import service as screening_service

OFFICER_EMAIL = "officer@indusx.example"
FOUNDER_EMAILS = ("founder.in@indusx.example", "founder.us@indusx.example")
REVIEWERS = (
    ("reviewer1@indusx.example", "Meera Iyer"),
    ("reviewer2@indusx.example", "Daniel Brooks"),
    ("reviewer3@indusx.example", "Farah Khan"),
)
AGENCIES = (
    (
        "IN",
        "iDEX (demo)",
        "Fictional demo agency standing in for Innovations for Defence Excellence: runs "
        "defence innovation challenges for Indian start-ups and MSMEs. Demo data.",
    ),
    (
        "US",
        "Defense Innovation Unit (demo)",
        "Fictional demo agency standing in for the Defense Innovation Unit: runs commercial "
        "technology solicitations for the US Department of Defense. Demo data.",
    ),
)
POOL_SIZE = 6  # applicant organisations per country


@dataclass(frozen=True, slots=True)
class Spec:
    phase: Phase
    title: str
    summary: str
    problem: str
    focus: tuple[str, ...]
    sponsor: str  # country of the sponsoring agency
    funding_usd: int
    trl: tuple[int, int]
    joint: bool = False
    blind: bool = False
    timezone: str = "Asia/Kolkata"
    questions: tuple[str, ...] = (
        "Describe your technical approach and what it has achieved so far.",
        "What will you demonstrate within the challenge, and how will it be measured?",
    )
    criteria: tuple[tuple[str, float, int], ...] = (
        ("Technical merit", 3, 10),
        ("Operational relevance", 2, 10),
        ("Team and partners", 1, 5),
    )
    # Days from now: (opens, deadline, review, shortlist, pitch, awarded, closed).
    days: tuple[float, ...] = field(default=())


SPECS: tuple[Spec, ...] = (
    Spec(Phase.DRAFT, "Swarm counter-UAS for forward bases (demo)",
         "Detect, track and defeat small drone swarms at forward operating bases.",
         "Forward bases face swarms of small commercial drones. We seek low-cost sensing, "
         "tracking and soft-kill effectors that handle 20+ simultaneous targets.",
         ("ai-autonomy", "air-combat"), "IN", 300_000, (4, 7),
         days=(14, 60, 62, 80, 90, 100, 120)),
    Spec(Phase.OPEN, "Covert undersea communications (demo)",
         "Low-probability-of-intercept data links between unmanned undersea vehicles.",
         "Unmanned undersea vehicles need acoustic or optical modems that network over 5 km "
         "with a low probability of intercept, at low power, in littoral waters.",
         ("undersea",), "US", 500_000, (3, 7), joint=True, timezone="America/New_York",
         days=(-10, 25, 30, 50, 60, 75, 90)),
    Spec(Phase.SUBMISSIONS_CLOSED, "Maritime ISR from small satellites (demo)",
         "Dark-vessel detection in the Indian Ocean from small-satellite imagery and RF.",
         "Detect vessels that switch off AIS in the Indian Ocean region by fusing SAR, "
         "electro-optical and RF data from small satellites, with alerts within 30 minutes.",
         ("maritime-domain-awareness", "space", "isr"), "IN", 400_000, (4, 8),
         days=(-45, -2, 3, 20, 30, 45, 60)),
    Spec(Phase.REVIEW, "Space situational awareness sensors (demo)",
         "Ground- and space-based sensing of objects in low Earth orbit.",
         "Track objects of 10 cm and larger in low Earth orbit with low-cost optical or radar "
         "sensors and share conjunction warnings between both countries' operators.",
         ("space", "isr"), "US", 600_000, (3, 7), blind=True, timezone="UTC",
         days=(-60, -15, -12, 1.5, 20, 35, 50)),
    Spec(Phase.SHORTLIST, "AI predictive maintenance for jet engines (demo)",
         "Predict failures of gas-turbine components from sensor data.",
         "Use engine health data to predict failures of gas-turbine components 50 flight "
         "hours ahead, explainably, on hardware that runs at the flight line.",
         ("jet-propulsion", "ai-autonomy"), "IN", 350_000, (4, 8),
         days=(-90, -45, -40, -10, 10, 25, 40)),
    Spec(Phase.PITCH, "Resilient tactical networks at the edge (demo)",
         "Mesh communications that keep working under jamming.",
         "Field radios and edge nodes that form a mesh, detect jamming and reroute within "
         "seconds, with end-to-end encryption and no dependence on satellites.",
         ("cyber", "ai-autonomy"), "US", 450_000, (5, 8), joint=True,
         timezone="America/New_York", days=(-120, -75, -70, -40, -7, 14, 30)),
    Spec(Phase.AWARDED, "Autonomous mine countermeasures (demo)",
         "Find and classify sea mines with unmanned vehicles.",
         "Autonomous surface and undersea vehicles that survey a harbour approach, detect and "
         "classify mines with synthetic-aperture sonar, and report within a tide cycle.",
         ("undersea", "ai-autonomy"), "IN", 500_000, (4, 8), joint=True,
         days=(-200, -150, -145, -110, -90, -30, 30)),
    Spec(Phase.CLOSED, "GNSS-denied navigation for unmanned aircraft (demo)",
         "Navigation without GPS for small unmanned aircraft.",
         "Small unmanned aircraft must navigate 50 km without GNSS, using vision, terrain "
         "matching or signals of opportunity, with a drift under 1 percent of distance.",
         ("ai-autonomy", "isr"), "US", 400_000, (3, 7), timezone="America/Los_Angeles",
         days=(-400, -350, -340, -300, -280, -250, -200)),
)  # fmt: skip


@dataclass(slots=True)
class _Cast:
    officer: Principal
    agencies: dict[str, Organisation]
    reviewers: list[Principal]
    pool: dict[str, list[tuple[Organisation, Principal]]]


def _principal(session: Session, user: User) -> Principal:
    return Principal.load(session=session, user=user, via="cli")


def _agencies(session: Session, officer: User, actor: Actor) -> dict[str, Organisation]:
    out = {}
    for country, name, description in AGENCIES:
        org = session.scalar(select(Organisation).where(Organisation.name == name))
        if org is None:
            org = org_service.create_org(
                session=session,
                org_in=OrgCreate.model_validate(
                    {
                        "name": name,
                        "country": country,
                        "kind": "government",
                        "description": description,
                        "capabilities": "Defence innovation challenges, prototype funding, "
                        "trials with the armed services.",
                        "website": f"https://{name.split()[0].lower()}-demo.example",
                    }
                ),
                actor=actor,
            )
            org.is_demo = True
        account_service.add_member(
            session=session, org_id=org.id, user=officer, role=OrgRole.OWNER, actor=actor
        )
        out[country] = org
    return out


def _reviewers(session: Session, actor: Actor, password: str | None) -> list[User]:
    users = []
    for email, name in REVIEWERS:
        user = account_service.find_user_by_email(session=session, email=email)
        if user is None:
            user = account_service.create_user(
                session=session,
                email=email,
                full_name=name,
                platform_role=PlatformRole.MEMBER,
                password=password,
                actor=actor,
            )
        users.append(user)
    return users


def _team_user(session: Session, org: Organisation, actor: Actor) -> User:
    """Return an owner or editor of the organisation, adding a demo team account if none."""
    user = session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.org_id == org.id, Membership.role.in_([OrgRole.OWNER, OrgRole.EDITOR]))
        .order_by(Membership.role, User.id)
    )
    if user is not None:
        return user
    # Without a password: the account holds the organisation's proposals but cannot sign in.
    user = account_service.create_user(
        session=session,
        email=f"team.{org.slug[:40]}@indusx.example",
        full_name=f"{org.name} team",
        platform_role=PlatformRole.MEMBER,
        actor=actor,
    )
    account_service.add_member(
        session=session, org_id=org.id, user=user, role=OrgRole.OWNER, actor=actor
    )
    return user


def _candidates(session: Session) -> dict[str, list[Organisation]]:
    """Return applicant organisations per country: demo start-ups and MSMEs, founders first."""
    blocked = screening_service.blocked_org_ids(session=session)
    founders = set(
        session.scalars(
            select(Membership.org_id)
            .join(User, User.id == Membership.user_id)
            .where(User.email.in_(FOUNDER_EMAILS))
        )
    )
    out: dict[str, list[Organisation]] = {}
    for country in ("IN", "US"):
        orgs = list(
            session.scalars(
                select(Organisation)
                .where(
                    Organisation.is_demo.is_(True),
                    Organisation.country == country,
                    Organisation.kind.in_([OrgKind.STARTUP, OrgKind.MSME]),
                    Organisation.id.not_in(blocked or {-1}),
                )
                .order_by(Organisation.id)
                .limit(POOL_SIZE * 3)
            )
        )
        orgs.sort(key=lambda o: (o.id not in founders, o.id))
        out[country] = orgs[:POOL_SIZE]
    return out


def _create(session: Session, spec: Spec, cast: _Cast) -> Challenge:
    sponsor = cast.agencies[spec.sponsor]
    other = "DIU (demo)" if spec.sponsor == "IN" else "iDEX (demo)"
    challenge_in = ChallengeCreate.model_validate(
        {
            "title": spec.title,
            "summary": spec.summary,
            "problem_statement": spec.problem
            + "\n\nThis is a fictional demo challenge: no real programme, prize or agency "
            "stands behind it.",
            "sponsor_org_id": sponsor.id,
            "co_sponsors": [other],
            "prize": f"Up to USD {spec.funding_usd:,} shared among winners (demo)",
            "funding_usd": spec.funding_usd,
            "focus_areas": list(spec.focus),
            "eligible_countries": ["IN", "US"],
            "eligible_kinds": ["startup", "msme"],
            "trl_min": spec.trl[0],
            "trl_max": spec.trl[1],
            "joint_team_required": spec.joint,
            "blind_review": spec.blind,
            "timezone": spec.timezone,
            "deadline_at": (utcnow() + timedelta(days=30)).isoformat(),
            "reviews_per_proposal": 3,
            "criteria": [
                {"name": n, "weight": w, "scale_max": s,
                 "description": f"How strong is the {n.lower()}?"}
                for n, w, s in spec.criteria
            ],
            "questions": [{"prompt": q, "max_chars": 3000} for q in spec.questions],
        }
    )  # fmt: skip
    return challenge_service.create_challenge(
        session=session, challenge_in=challenge_in, principal=cast.officer, is_demo=True
    )


def _move(session: Session, challenge: Challenge, to: Phase, cast: _Cast) -> None:
    while PHASE_ORDER.index(challenge.phase) < PHASE_ORDER.index(to):
        following = PHASE_ORDER[PHASE_ORDER.index(challenge.phase) + 1]
        challenge_service.change_phase(
            session=session, challenge=challenge, to=following,
            reason="Demo: the schedule is moved back after loading", principal=cast.officer,
        )


def _propose(
    session: Session,
    challenge: Challenge,
    lead: tuple[Organisation, Principal],
    partner: tuple[Organisation, Principal] | None,
    *,
    n: int,
    submit: bool,
    confirm: bool = True,
) -> Proposal:
    org, who = lead
    proposal = proposal_service.start(
        session=session, principal=who, challenge=challenge, lead_org_id=org.id,
        title=f"{org.name.split()[0]} {('consortium ' if partner else '')}approach {n}",
    )  # fmt: skip
    loaded = proposal_service.load(session=session, principal=who, proposal_id=proposal.id)
    questions = challenge_service.questions_of(session, challenge.id)
    answers = {
        str(q.id): f"{org.name} answers: {q.prompt.rstrip('?.').lower()}. Prototype trials "
        f"planned with {partner[0].name if partner else 'our own test range'}. (Demo text.)"
        for q in questions
    }
    proposal_service.save(
        session=session,
        principal=who,
        loaded=loaded,
        update_in=ProposalUpdate(
            version=proposal.version,
            summary=f"{org.name} proposes a solution to '{challenge.title}'. Demo text.",
            answers=answers,
            trl=challenge.trl_min + 1 if challenge.trl_min else 5,
            requested_usd=(challenge.funding_usd or 400_000) // 4,
        ),
    )
    if partner is not None:
        proposal_service.invite(session=session, principal=who, loaded=loaded, org_id=partner[0].id)
        if confirm:
            partner_view = proposal_service.load(
                session=session, principal=partner[1], proposal_id=proposal.id
            )
            proposal_service.respond(
                session=session, principal=partner[1], loaded=partner_view, accept=True,
                org_id=partner[0].id,
            )  # fmt: skip
    if submit:
        loaded = proposal_service.load(session=session, principal=who, proposal_id=proposal.id)
        proposal_service.submit(session=session, principal=who, loaded=loaded)
    return proposal


def _proposals(session: Session, challenge: Challenge, spec: Spec, cast: _Cast, i: int) -> None:
    ins, uss = cast.pool["IN"], cast.pool["US"]

    # Rotate the pool so that challenges differ; index 0 (the founders) leads now and then.
    def pick(side: list[tuple[Organisation, Principal]], k: int) -> tuple[Organisation, Principal]:
        return side[(i + k) % len(side)]

    plan: list[tuple[tuple[Organisation, Principal], tuple[Organisation, Principal] | None]] = [
        (pick(ins, 0), pick(uss, 1)),
        (pick(uss, 0), pick(ins, 1) if spec.joint else None),
        (pick(ins, 2), pick(uss, 3) if spec.joint else None),
        (pick(uss, 2), pick(ins, 3)),
    ]
    if spec.phase is Phase.OPEN:
        _propose(session, challenge, plan[0][0], plan[0][1], n=1, submit=True)
        _propose(session, challenge, ins[0], None if not spec.joint else pick(uss, 4), n=2,
                 submit=False, confirm=False)  # fmt: skip
        _propose(session, challenge, plan[3][0], plan[3][1], n=3, submit=False)
        return
    for n, (lead, partner) in enumerate(plan, start=1):
        _propose(session, challenge, lead, partner, n=n, submit=True)
    # One team never finished its draft.
    _propose(session, challenge, pick(ins, 4), None if not spec.joint else pick(uss, 4), n=5,
             submit=False, confirm=False)  # fmt: skip


def _scores(session: Session, challenge: Challenge, seed: int) -> list[reviewing.ScoreIn]:
    return [
        reviewing.ScoreIn(criterion_id=c.id, score=float(max(1, c.scale_max - (seed + j) % 4)))
        for j, c in enumerate(challenge_service.criteria_of(session, challenge.id))
    ]


def _review(session: Session, challenge: Challenge, cast: _Cast, *, finish_all: bool) -> None:
    review.add_reviewers(
        session=session, principal=cast.officer, challenge=challenge,
        user_ids=[r.user.id for r in cast.reviewers],
    )  # fmt: skip
    review.auto_assign(session=session, principal=cast.officer, challenge=challenge)
    by_user = {r.user.id: r for r in cast.reviewers}
    rows = session.scalars(
        select(Review)
        .join(Proposal, Proposal.id == Review.proposal_id)
        .where(Proposal.challenge_id == challenge.id)
        .order_by(Review.id)
    ).all()
    for n, row in enumerate(rows):
        who = by_user[row.reviewer_id]
        if not finish_all and n % 3 == 2:
            continue  # not yet started: the reviewer still has to declare
        reviewing.declare(session=session, principal=who, review=row, conflict=False)
        done = finish_all or n % 3 == 0
        reviewing.save_scores(
            session=session, principal=who, review=row, scores=_scores(session, challenge, n),
            comment="Solid plan; the trial schedule is ambitious. (Demo review.)", submit=done,
        )  # fmt: skip


def _ranked(session: Session, challenge: Challenge) -> list[Proposal]:
    """Return the submitted proposals, best mean score first."""
    proposals = session.scalars(
        select(Proposal)
        .where(Proposal.challenge_id == challenge.id, Proposal.status == ProposalStatus.SUBMITTED)
        .order_by(Proposal.id)
    ).all()
    _, submitted = review.scoring_input(session, challenge.id)
    totals: dict[int, list[float]] = {}
    for r in submitted:
        totals.setdefault(r.proposal_id, []).append(sum(r.scores.values()))
    return sorted(proposals, key=lambda p: -sum(totals.get(p.id, [0])) / len(totals.get(p.id, [1])))


def _decide(session: Session, challenge: Challenge, spec: Spec, cast: _Cast) -> None:
    ranked = _ranked(session, challenge)
    _move(session, challenge, Phase.SHORTLIST, cast)
    for n, proposal in enumerate(ranked):
        short = n < 2
        decisions.decide(
            session=session, principal=cast.officer, proposal=proposal,
            outcome=Outcome.SHORTLISTED if short else Outcome.NOT_SHORTLISTED,
            reason="Among the strongest on technical merit and relevance." if short
            else "Sound, but less mature than the shortlisted proposals.",
        )  # fmt: skip
    if spec.phase is Phase.SHORTLIST:
        return
    _move(session, challenge, Phase.PITCH, cast)
    if spec.phase is Phase.PITCH:
        return
    _move(session, challenge, Phase.AWARDED, cast)
    decisions.decide(
        session=session, principal=cast.officer, proposal=ranked[0], outcome=Outcome.AWARDED,
        reason="Best pitch: a credible path to a field trial within a year.",
        award_usd=spec.funding_usd // 2,
    )  # fmt: skip
    decisions.decide(
        session=session, principal=cast.officer, proposal=ranked[1], outcome=Outcome.NOT_AWARDED,
        reason="A strong pitch; the budget covered one award this round.",
    )  # fmt: skip


def _redate(session: Session, challenge: Challenge, spec: Spec, now: datetime) -> None:
    """Move the challenge's dates to where its phase puts them relative to now."""
    at = [now + timedelta(days=d) for d in spec.days]
    opens, deadline = at[0], at[1]
    challenge.opens_at = opens if spec.phase is not Phase.DRAFT else at[0]
    challenge.deadline_at = deadline
    challenge.schedule = {
        phase.value: moment.isoformat()
        for phase, moment in zip(PHASE_ORDER[3:], at[2:], strict=True)
    }
    challenge.created_at = opens - timedelta(days=20)
    challenge.updated_at = min(now, max(opens, at[min(PHASE_ORDER.index(spec.phase), 6)]))
    ids = list(session.scalars(select(Proposal.id).where(Proposal.challenge_id == challenge.id)))
    if not ids:
        return
    started = min(now, opens + (deadline - opens) / 3)
    submitted = min(now, deadline - timedelta(days=1))
    session.execute(
        update(Proposal).where(Proposal.id.in_(ids)).values(created_at=started, updated_at=started)
    )
    session.execute(
        update(Proposal)
        .where(Proposal.id.in_(ids), Proposal.status == ProposalStatus.SUBMITTED)
        .values(submitted_at=submitted, updated_at=submitted)
    )
    if PHASE_ORDER.index(spec.phase) >= PHASE_ORDER.index(Phase.REVIEW):
        reviewed = min(now, at[2] + (at[3] - at[2]) / 2)
        session.execute(
            update(Review)
            .where(Review.proposal_id.in_(ids))
            .values(assigned_at=at[2], updated_at=reviewed)
        )
        session.execute(
            update(Review)
            .where(Review.proposal_id.in_(ids), Review.status == ReviewStatus.SUBMITTED)
            .values(submitted_at=reviewed, declared_at=at[2])
        )
    if PHASE_ORDER.index(spec.phase) >= PHASE_ORDER.index(Phase.SHORTLIST):
        session.execute(
            update(Decision)
            .where(Decision.proposal_id.in_(ids), Decision.stage == "shortlist")
            .values(decided_at=min(now, at[3]))
        )
        session.execute(
            update(Decision)
            .where(Decision.proposal_id.in_(ids), Decision.stage == "award")
            .values(decided_at=min(now, at[5]))
        )


def load_demo_challenges(
    *, session: Session, actor: Actor, password: str | None = None, now: datetime | None = None
) -> list[Challenge]:
    """Add the demo challenges (one per phase) unless there are some; return those added."""
    if session.scalar(select(Challenge.id).where(Challenge.is_demo.is_(True)).limit(1)):
        return []
    officer = account_service.find_user_by_email(session=session, email=OFFICER_EMAIL)
    candidates = _candidates(session)
    if officer is None or min(len(v) for v in candidates.values()) < POOL_SIZE:
        return []  # no demo officer, or a directory too small for applicants in both countries
    agencies = _agencies(session, officer, actor)
    reviewers = _reviewers(session, actor, password)
    cast = _Cast(
        officer=_principal(session, officer),
        agencies=agencies,
        reviewers=[_principal(session, u) for u in reviewers],
        pool={
            country: [(o, _principal(session, _team_user(session, o, actor))) for o in orgs]
            for country, orgs in candidates.items()
        },
    )
    now = now or utcnow()
    made = []
    for i, spec in enumerate(SPECS):
        challenge = _create(session, spec, cast)
        if spec.phase is not Phase.DRAFT:
            _move(session, challenge, Phase.OPEN, cast)
            _proposals(session, challenge, spec, cast, i)
        if PHASE_ORDER.index(spec.phase) >= PHASE_ORDER.index(Phase.SUBMISSIONS_CLOSED):
            _move(session, challenge, Phase.SUBMISSIONS_CLOSED, cast)
        if PHASE_ORDER.index(spec.phase) >= PHASE_ORDER.index(Phase.REVIEW):
            _move(session, challenge, Phase.REVIEW, cast)
            _review(session, challenge, cast, finish_all=spec.phase is not Phase.REVIEW)
        if PHASE_ORDER.index(spec.phase) >= PHASE_ORDER.index(Phase.SHORTLIST):
            _decide(session, challenge, spec, cast)
        _move(session, challenge, spec.phase, cast)
        _redate(session, challenge, spec, now)
        made.append(challenge)
    session.flush()
    return made
