"""Demo initiatives and milestones, after the roadmap's areas (fictionalised where the real
programmes' data is not public): some milestones done, some in progress, some overdue.

Dates are relative to the day of loading, so the overdue ones are overdue whenever the demo
is loaded. Loading again adds only what is missing (by title).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.audit.service import Actor
from indusx.challenges.models import Challenge, challenge_focus_area
from indusx.orgs.models import FocusArea, Organisation, org_focus_area
from indusx.roadmap import service
from indusx.roadmap.models import Initiative, InitiativeStatus, MilestoneStatus
from indusx.roadmap.schemas import EvidenceLink, InitiativeCreate, LinkKind, MilestoneCreate

OFFICER_EMAIL = "officer@indusx.example"
OFFICER = "officer"  # a milestone owned by the demo programme officer
P, W, D, R, C = (
    MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS, MilestoneStatus.DONE,
    MilestoneStatus.AT_RISK, MilestoneStatus.CANCELLED,
)


@dataclass(frozen=True, slots=True)
class DemoMilestone:
    title: str
    due: int  # days from the day of loading
    status: MilestoneStatus
    owner: str = ""  # OFFICER, or a label for an owner who is not a platform user
    evidence: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class DemoInitiative:
    title: str
    area: str
    lead_agency: str
    summary: str
    start: int
    target: int
    milestones: tuple[DemoMilestone, ...]
    status: InitiativeStatus = InitiativeStatus.ACTIVE
    is_public: bool = True
    orgs_per_country: int = 1


INITIATIVES: tuple[DemoInitiative, ...] = (
    DemoInitiative(
        "Jet engine co-production", "jet-propulsion", "MoD (DDP) and DoD OUSD(A&S)",
        "Co-production in India of a fighter-class turbofan under a licence with technology "
        "transfer, with Indian suppliers qualified for hot-section parts.",
        -540, 900,
        (
            DemoMilestone("Framework for the engine agreement signed", -420, D,
                          "MoD (DDP)", (("Joint statement (fictional)",
                                         "https://example.org/indusx/engine-framework"),)),
            DemoMilestone("Manufacturing licence agreement submitted for approval", -60, W,
                          OFFICER),
            DemoMilestone("First ten Indian suppliers qualified for cold-section parts", -20, R,
                          OFFICER),
            DemoMilestone("Technical data package transfer, phase 1", 120, P, "DoD OUSD(A&S)"),
            DemoMilestone("First engine assembled in India", 700, P, "Engine JV (fictional)"),
        ),
        orgs_per_country=2,
    ),
    DemoInitiative(
        "Infantry combat vehicle co-production", "armoured-vehicles", "MoD and US Army PEO GCS",
        "Co-production of a wheeled infantry combat vehicle family for both armies, with an "
        "Indian production line and shared sustainment.",
        -300, 1100,
        (
            DemoMilestone("Joint requirement study completed", -200, D, "Indian Army DGMF"),
            DemoMilestone("Industry day in Pune with both ecosystems", -90, D, OFFICER,
                          (("Event report (fictional)",
                            "https://example.org/indusx/icv-industry-day"),)),
            DemoMilestone("Trial vehicles delivered for Indian summer trials", -5, W, OFFICER),
            DemoMilestone("Production line site selected", 240, P, "MoD (DDP)"),
        ),
    ),
    DemoInitiative(
        "Long-range artillery co-development", "artillery", "DRDO and US Army DEVCOM",
        "Co-development of extended-range guided shells and a common fire-control interface.",
        -180, 1200,
        (
            DemoMilestone("Range trials plan agreed", -120, D, "DRDO ARDE"),
            DemoMilestone("Guided shell design review", -30, R, OFFICER),
            DemoMilestone("Live firing at Pokhran (first lot)", 200, P, "Indian Army"),
        ),
    ),
    DemoInitiative(
        "Undersea domain awareness", "undersea", "Indian Navy and US Navy (DIU)",
        "Networked undersea sensing and unmanned vehicles for the Indian Ocean, with start-ups "
        "from both countries through INDUS-X challenges.",
        -400, 720,
        (
            DemoMilestone("Joint challenge on undersea communications launched", -330, D,
                          OFFICER, (("Challenge page", "https://example.org/indusx/uw-comms"),)),
            DemoMilestone("Winning teams announced", -240, D, OFFICER),
            DemoMilestone("Sea trials of acoustic modems off Visakhapatnam", -14, W,
                          "Indian Navy NPOL"),
            DemoMilestone("Interoperability demonstration with US UUVs", 150, P, OFFICER),
            DemoMilestone("Transition plan for fielding", 400, P, "DIU"),
        ),
        orgs_per_country=2,
    ),
    DemoInitiative(
        "Maritime ISR data sharing", "maritime-domain-awareness", "IFC-IOR and US INDOPACOM",
        "Shared maritime picture from commercial satellites and coastal radars, with dark-"
        "vessel alerts passed between the partners.",
        -250, 500,
        (
            DemoMilestone("Data-sharing arrangement drafted", -150, D, "MEA and State"),
            DemoMilestone("Pilot feed of dark-vessel alerts", -45, W, OFFICER),
            DemoMilestone("Pilot evaluation report", 60, P, "IFC-IOR"),
        ),
    ),
    DemoInitiative(
        "Space situational awareness cooperation", "space", "ISRO/DSA and US Space Command",
        "Exchange of space situational awareness data and joint work on low-cost sensors.",
        -100, 800,
        (
            DemoMilestone("Data exchange agreement signed", -80, D, "DSA",
                          (("Press release (fictional)",
                            "https://example.org/indusx/ssa-agreement"),)),
            DemoMilestone("Start-up sensor challenge shortlisted", 10, W, OFFICER),
            DemoMilestone("Shared catalogue of LEO objects, first release", 300, P, "DSA"),
            DemoMilestone("Radar site survey (dropped after budget review)", -10, C, "DSA"),
        ),
    ),
    DemoInitiative(
        "Trusted autonomy testbed", "ai-autonomy", "DIU and iDEX",
        "A shared test and evaluation range for autonomous systems and defence AI, for start-ups "
        "of both countries. Officers only while the partners agree its terms.",
        -60, 600,
        (
            DemoMilestone("Test and evaluation terms of reference", -25, W, OFFICER),
            DemoMilestone("Testbed site agreed", 90, P, "iDEX"),
            DemoMilestone("First cohort of start-ups on the range", 270, P, "DIU"),
        ),
        status=InitiativeStatus.PROPOSED,
        is_public=False,
    ),
    DemoInitiative(
        "Munitions supply under the Security of Supply Arrangement", "munitions",
        "MoD (DDP) and DoD OUSD(A&S)",
        "Priority delivery of energetics and fuzes between the two countries, and a second "
        "source in India for critical munitions parts.",
        -500, 400,
        (
            DemoMilestone("Security of Supply Arrangement concluded", -480, D, "MoD and DoD"),
            DemoMilestone("Critical parts list agreed", -300, D, OFFICER),
            DemoMilestone("Second-source qualification of fuze components", -40, R,
                          "Ordnance factory (fictional)"),
            DemoMilestone("First priority-delivery exercise", 45, P, OFFICER),
        ),
    ),
)


def _orgs(session: Session, area_id: int, per_country: int) -> list[int]:
    out: list[int] = []
    for country in ("IN", "US"):
        out += session.scalars(
            select(Organisation.id)
            .join(org_focus_area, org_focus_area.c.org_id == Organisation.id)
            .where(
                org_focus_area.c.focus_area_id == area_id,
                Organisation.is_demo.is_(True),
                Organisation.country == country,
            )
            .order_by(Organisation.id)
            .limit(per_country)
        ).all()
    return out


def _challenges(session: Session, area_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Challenge.id)
            .join(challenge_focus_area, challenge_focus_area.c.challenge_id == Challenge.id)
            .where(challenge_focus_area.c.focus_area_id == area_id, Challenge.is_demo.is_(True))
            .order_by(Challenge.id)
        )
    )


def load_demo_roadmap(*, session: Session, actor: Actor, on: date | None = None) -> int:
    """Add the demo initiatives that are missing (by title); return how many were added."""
    on = on or service.today()
    have = set(session.scalars(select(Initiative.title).where(Initiative.is_demo.is_(True))))
    areas = {a.slug: a for a in session.scalars(select(FocusArea))}
    officer = account_service.find_user_by_email(session=session, email=OFFICER_EMAIL)
    added = 0
    for spec in INITIATIVES:
        if spec.title in have or spec.area not in areas:
            continue
        initiative = service.create_initiative(
            session=session,
            initiative_in=InitiativeCreate(
                title=spec.title, summary=spec.summary, focus_area=spec.area,
                lead_agency=spec.lead_agency, status=spec.status, is_public=spec.is_public,
                starts_on=on + timedelta(days=spec.start),
                target_on=on + timedelta(days=spec.target),
            ),
            actor=actor,
            is_demo=True,
        )
        for m in spec.milestones:
            due = on + timedelta(days=m.due)
            by_officer = m.owner == OFFICER and officer is not None
            service.add_milestone(
                session=session,
                initiative=initiative,
                milestone_in=MilestoneCreate(
                    title=m.title,
                    owner_id=officer.id if by_officer and officer else None,
                    owner_label="" if m.owner == OFFICER else m.owner,
                    due_on=due,
                    status=m.status,
                    completed_on=min(due, on) if m.status is MilestoneStatus.DONE else None,
                    evidence=[EvidenceLink(label=label, url=url) for label, url in m.evidence],
                ),
                actor=actor,
                on=on,
            )
        area_id = areas[spec.area].id
        for org_id in _orgs(session, area_id, spec.orgs_per_country):
            service.add_link(session=session, initiative=initiative, kind=LinkKind.ORG,
                             target_id=org_id, actor=actor)
        for challenge_id in _challenges(session, area_id):
            service.add_link(session=session, initiative=initiative, kind=LinkKind.CHALLENGE,
                             target_id=challenge_id, actor=actor)
        added += 1
    return added
