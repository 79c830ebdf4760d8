"""Rows for dashboard tests, each with the timestamp the test chooses."""

import itertools
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from indusx.challenges.models import (
    Challenge,
    Decision,
    DecisionStage,
    Outcome,
    Phase,
    Proposal,
    ProposalStatus,
)
from indusx.dashboards.period import Period
from indusx.matching.models import (
    FeedbackAction,
    Introduction,
    IntroductionStatus,
    MatchFeedback,
    MatchMode,
)
from indusx.orgs.models import FocusArea, Organisation
from indusx.partnerships.models import Origin, Partnership, PartnershipType, Stage, StageChange
from indusx.roadmap.models import Initiative, InitiativeStatus, Milestone, MilestoneStatus
from indusx.screening.models import (
    CaseStatus,
    ListEntryRecord,
    ListVersion,
    ScreeningCase,
    ScreeningList,
    ScreeningSubject,
    SubjectKind,
)
from indusx.supply.models import BomLine, Part, PartKind, Source, SupplySystem
from indusx.supply.sos.models import Marking as SosMarking
from indusx.supply.sos.models import RequestStatus, SosParty, SosRequest

PERIOD = Period(date(2026, 1, 1), date(2026, 6, 30))
BEFORE = datetime(2025, 12, 15, 9, tzinfo=UTC)
MARCH = datetime(2026, 3, 10, 9, tzinfo=UTC)
MAY = datetime(2026, 5, 20, 23, 30, tzinfo=UTC)
AFTER = datetime(2026, 7, 5, 9, tzinfo=UTC)
_n = itertools.count(1)


def at(when: datetime, days: float = 0) -> datetime:
    return when + timedelta(days=days)


def backdate(session: Session, org: Organisation, when: datetime) -> Organisation:
    session.execute(update(Organisation).where(Organisation.id == org.id)
                    .values(created_at=when))
    session.commit()
    return org


def focus_area_id(session: Session, slug: str) -> int:
    found = session.scalar(select(FocusArea.id).where(FocusArea.slug == slug))
    assert found is not None
    return found


def introduction(session: Session, a: Organisation, b: Organisation,
                 status: IntroductionStatus, when: datetime,
                 mode: MatchMode = MatchMode.CO_DEVELOPMENT) -> Introduction:
    row = Introduction(mode=mode, from_org_id=a.id, to_org_id=b.id, status=status,
                       created_at=when)
    session.add(row)
    session.flush()
    return row


def feedback(session: Session, a: Organisation, b: Organisation, action: FeedbackAction,
             when: datetime) -> None:
    session.add(MatchFeedback(org_id=a.id, candidate_org_id=b.id, mode=MatchMode.RESEARCH,
                              action=action, created_at=when))
    session.flush()


def challenge(session: Session, sponsor: Organisation, when: datetime,
              phase: Phase = Phase.OPEN) -> Challenge:
    n = next(_n)
    row = Challenge(slug=f"dash-challenge-{n}", title=f"Challenge {n}",
                    sponsor_org_id=sponsor.id, phase=phase, created_at=when)
    session.add(row)
    session.flush()
    return row


def proposal(session: Session, ch: Challenge, lead: Organisation, submitted: datetime | None,
             status: ProposalStatus = ProposalStatus.SUBMITTED) -> Proposal:
    row = Proposal(challenge_id=ch.id, lead_org_id=lead.id, title="P", status=status,
                   submitted_at=submitted)
    session.add(row)
    session.flush()
    return row


def decide(session: Session, p: Proposal, outcome: Outcome, when: datetime,
           award_usd: int | None = None) -> Decision:
    stage = (DecisionStage.AWARD if outcome in (Outcome.AWARDED, Outcome.NOT_AWARDED)
             else DecisionStage.SHORTLIST)
    row = Decision(proposal_id=p.id, stage=stage, outcome=outcome, reason="r",
                   award_usd=award_usd, decided_at=when)
    session.add(row)
    session.flush()
    return row


def partnership(session: Session, kind: PartnershipType, moves: list[tuple[Stage, datetime]],
                value_usd: int | None = None, area_id: int | None = None) -> Partnership:
    """Create a partnership at its first stage and move it through the rest, as dated."""
    first, created = moves[0]
    row = Partnership(title=f"Partnership {next(_n)}", type=kind, stage=first,
                      origin=Origin.MANUAL, value_usd=value_usd, focus_area_id=area_id,
                      created_at=created, stage_changed_at=created)
    session.add(row)
    session.flush()
    session.add(StageChange(partnership_id=row.id, from_stage=None, to_stage=first,
                            changed_at=created))
    previous = first
    for stage, when in moves[1:]:
        session.add(StageChange(partnership_id=row.id, from_stage=previous, to_stage=stage,
                                changed_at=when))
        previous = stage
    row.stage = previous
    row.stage_changed_at = moves[-1][1]
    session.flush()
    return row


def screening_cases(session: Session, org: Organisation,
                    cases: list[tuple[CaseStatus, datetime]]) -> None:
    """Raise cases against one invented list entry, each with its status and date."""
    n = next(_n)
    lst = ScreeningList(key=f"dash-list-{n}", name="Dashboard list", format="simple")
    session.add(lst)
    session.flush()
    version = ListVersion(list_id=lst.id, number=1)
    entry = ListEntryRecord(list_id=lst.id, entry_id="E1", name="Invented Party",
                            source="test", fingerprint="f" * 64, data={}, first_version=1,
                            changed_version=1)
    # Creating the organisation screened it already.
    subject = session.scalar(select(ScreeningSubject).where(
        ScreeningSubject.kind == SubjectKind.ORGANISATION, ScreeningSubject.ref_id == org.id))
    if subject is None:
        subject = ScreeningSubject(kind=SubjectKind.ORGANISATION, ref_id=org.id, org_id=org.id,
                                   name=org.name, entity_type="organisation")
    session.add_all([version, entry, subject])
    session.flush()
    for status, when in cases:
        session.add(ScreeningCase(
            subject_id=subject.id, entry_record_id=entry.id, list_version_id=version.id,
            entry_fingerprint="f" * 64, subject_name=org.name, matched_name="Invented Party",
            score=0.9, reasons=[], matched_fields=["name"], status=status, created_at=when,
            decided_at=None if status is CaseStatus.OPEN else at(when, 2),
        ))
    session.flush()


def initiative(session: Session, area_id: int, milestones: list[tuple[MilestoneStatus, date]],
               status: InitiativeStatus = InitiativeStatus.ACTIVE) -> Initiative:
    row = Initiative(title=f"Initiative {next(_n)}", focus_area_id=area_id, status=status)
    session.add(row)
    session.flush()
    for m_status, due in milestones:
        session.add(Milestone(initiative_id=row.id, title=f"Milestone {next(_n)}", due_on=due,
                              status=m_status))
    session.flush()
    return row


def system(session: Session, code: str, parts: list[list[tuple[int | None, str]]]) -> int:
    """Create a system whose top-level parts each have the given sources: a directory
    organisation's id, or None with an external supplier's name."""
    row = SupplySystem(code=code, name=f"System {code}", annual_demand=10)
    session.add(row)
    session.flush()
    for i, sources in enumerate(parts):
        part = Part(system_id=row.id, number=f"{code}-{i}", name=f"Part {i}",
                    kind=PartKind.PART)
        session.add(part)
        session.flush()
        session.add(BomLine(system_id=row.id, parent_id=None, child_id=part.id, quantity=1))
        for org_id, name in sources:
            session.add(Source(part_id=part.id, supplier_org_id=org_id, supplier_name=name,
                               country="US", share=1 / len(sources), lead_time_days=30))
    session.flush()
    return row.id


def sos_request(session: Session, org: Organisation, status: RequestStatus, when: datetime,
                country: str = "IN", answered: bool = True) -> SosRequest:
    n = next(_n)
    row = SosRequest(reference=f"SOS-T-{n:04d}", requesting_country=country, item="Seals",
                     quantity=10, needed_on=date(2026, 12, 1), justification="j",
                     marking=next(iter(SosMarking)), status=status, created_at=when)
    session.add(row)
    session.flush()
    session.add(SosParty(request_id=row.id, org_id=org.id, routed_at=when,
                         first_response_at=at(when, 1) if answered else None))
    session.flush()
    return row
