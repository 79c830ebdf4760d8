"""Demo partnerships across the pipeline: two held at regulatory review by the gates, one
stopped, some with assessments, comments and tasks. All parties are fictional demo firms."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.permissions import Principal
from indusx.audit.service import Actor
from indusx.db import utcnow
from indusx.orgs.models import FocusArea, Organisation
from indusx.orgs.taxonomy import Country, OrgKind
from indusx.partnerships import comments, service, tasks
from indusx.partnerships.models import Partnership, PartnershipType, Stage
from indusx.partnerships.schemas import PartnershipCreate
from indusx.pathway import service as pathway_service
from indusx.pathway.schemas import AssessmentIn
from indusx.screening import service as screening

OFFICER_EMAIL = "officer@indusx.example"
FAILING = ("blocked", "incomplete")


@dataclass(frozen=True, slots=True)
class Spec:
    title: str
    type: PartnershipType
    stage: Stage
    area: str
    items: str
    value_usd: int | None
    # "pass": an assessment that passes; "blocked": one that does not; None: none saved.
    assessment: str | None = None
    stop_reason: str = ""
    comment: str = ""
    task: str = ""


SPECS = (
    Spec("Undersea acoustic modem co-development", PartnershipType.CO_DEVELOPMENT,
         Stage.IDENTIFIED, "undersea", "Acoustic modem", 400_000),
    Spec("Maritime ISR data fusion research", PartnershipType.RESEARCH, Stage.INTRODUCED,
         "isr", "Sensor fusion software", None, comment="Kick-off call set for next week."),
    Spec("Seed round for a space ISR start-up", PartnershipType.INVESTMENT, Stage.NDA,
         "space", "", 2_000_000),
    Spec("Infantry vehicle sub-assembly co-production", PartnershipType.CO_PRODUCTION,
         Stage.PROPOSAL, "armoured-vehicles", "Suspension assembly\nFire-control harness",
         12_500_000, comment="Draft proposal shared with both boards.",
         task="Send the cost model"),
    Spec("Counter-drone radar technology transfer", PartnershipType.TECHNOLOGY_TRANSFER,
         Stage.REGULATORY_REVIEW, "air-combat", "Counter-UAS radar", 6_000_000,
         task="Run the regulatory assessment"),
    Spec("Long-range loitering munition co-development", PartnershipType.CO_DEVELOPMENT,
         Stage.REGULATORY_REVIEW, "munitions", "Loitering munition airframe", 9_000_000,
         assessment="blocked", comment="The assessment needs the red flags resolved."),
    Spec("Jet engine blade coating co-production", PartnershipType.CO_PRODUCTION,
         Stage.EXECUTION, "jet-propulsion", "Turbine blade thermal coating", 25_000_000,
         assessment="pass", task="Quarterly delivery review"),
    Spec("AI-enabled cyber defence pilot", PartnershipType.CO_DEVELOPMENT, Stage.STOPPED,
         "cyber", "Intrusion detection software", 750_000,
         stop_reason="The US partner's programme funding was withdrawn."),
)


def _parties(session: Session, n: int) -> list[tuple[Organisation, Organisation]]:
    """Return n pairs (Indian firm, US firm) of demo organisations clear of screening."""
    blocked = screening.blocked_org_ids(session=session)
    pools = {}
    for country in (Country.IN, Country.US):
        candidates = list(session.scalars(
            select(Organisation).where(Organisation.is_demo.is_(True),
                                       Organisation.country == country,
                                       Organisation.kind.in_([OrgKind.STARTUP, OrgKind.MSME,
                                                              OrgKind.LARGE_COMPANY,
                                                              OrgKind.PRIME]))
            .order_by(Organisation.id).limit(4 * n)))
        standing = screening.org_statuses(session=session, org_ids=[o.id for o in candidates])
        pools[country] = [o for o in candidates if o.id not in blocked
                          and standing[o.id].status.value in ("clear", "not screened")]
    return list(zip(pools[Country.IN], pools[Country.US], strict=False))[:n]


def _assess(session: Session, principal: Principal, partnership: Partnership,
            pair: tuple[Organisation, Organisation], outcome: str) -> None:
    data = {
        "title": f"Regulatory review: {partnership.title}",
        "activity": [partnership.type.value],
        "parties": [{"org": str(pair[0].id)}, {"org": str(pair[1].id)}],
        "items": [{"name": line, "classification": "EAR99"}
                  for line in partnership.items.splitlines() if line.strip()][:5],
    }
    if outcome == "blocked":
        data["red_flags"] = ["The end user declined to sign an end-use certificate"]
    pathway_service.run_assessment(session=session, assessment_in=AssessmentIn.model_validate(data),
                                   actor=principal.actor, save=True,
                                   partnership_id=partnership.id)


def load_demo_partnerships(*, session: Session, actor: Actor) -> int:
    """Add the demo partnerships that are missing (by title); return how many were added."""
    have = set(session.scalars(select(Partnership.title).where(Partnership.is_demo.is_(True))))
    officer = account_service.find_user_by_email(session=session, email=OFFICER_EMAIL)
    if officer is None:
        return 0
    principal = Principal(user=officer, via=actor.via, ip=actor.ip)
    areas = {a.slug: a.id for a in session.scalars(select(FocusArea))}
    pairs = _parties(session, len(SPECS))
    added = 0
    for spec, pair in zip(SPECS, pairs, strict=False):
        if spec.title in have:
            continue
        partnership = service.create(session=session, principal=principal, is_demo=True,
                                     partnership_in=PartnershipCreate(
                                         title=spec.title, type=spec.type, items=spec.items,
                                         org_ids=[pair[0].id, pair[1].id],
                                         value_usd=spec.value_usd,
                                         focus_area_id=areas.get(spec.area)))
        service.assign_officer(session=session, principal=principal,
                               partnership_id=partnership.id, email=officer.email)
        if spec.assessment:
            _assess(session, principal, partnership, pair, spec.assessment)
        target = Stage.NDA if spec.stage is Stage.STOPPED else spec.stage
        if target is not Stage.IDENTIFIED:
            lacking = service.missing_for(session=session, partnership_id=partnership.id,
                                          target=target)
            # The rules decide the demo assessment's verdict: where it does not pass, the
            # partnership waits at regulatory review like the others the gates hold.
            service.move_stage(session=session, principal=principal,
                               partnership_id=partnership.id,
                               target=Stage.REGULATORY_REVIEW if lacking else target)
        if spec.stage is Stage.STOPPED:
            service.move_stage(session=session, principal=principal,
                               partnership_id=partnership.id, target=Stage.STOPPED,
                               reason=spec.stop_reason)
        if spec.comment:
            comments.add(session=session, principal=principal, partnership_id=partnership.id,
                         body=spec.comment)
        if spec.task:
            tasks.create(session=session, principal=principal, partnership_id=partnership.id,
                         title=spec.task, assignee_email=officer.email,
                         due_on=(utcnow() + timedelta(days=14)).date())
        added += 1
    return added
