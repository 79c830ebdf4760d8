"""The roadmap as readers see it: initiatives with milestones, progress and links."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from indusx.accounts.permissions import Principal
from indusx.challenges import access as challenge_access
from indusx.challenges.models import Challenge
from indusx.orgs.models import FocusArea, Organisation
from indusx.partnerships.models import Partnership
from indusx.roadmap import access
from indusx.roadmap.models import (
    Initiative,
    InitiativeStatus,
    Milestone,
    MilestoneStatus,
    initiative_challenge,
    initiative_org,
    initiative_partnership,
)
from indusx.roadmap.progress import (
    area_progress,
    counted,
    days_overdue,
    initiative_progress,
    is_overdue,
)
from indusx.roadmap.schemas import (
    AreaRead,
    EvidenceLink,
    InitiativeList,
    InitiativeRead,
    LinkKind,
    LinkRead,
    LinksRead,
    MilestoneRead,
    OwnerRead,
    RoadmapRead,
)


@dataclass(frozen=True, slots=True)
class RoadmapFilter:
    area: str = ""  # a focus-area slug
    status: tuple[InitiativeStatus, ...] = ()
    overdue: bool = False  # only initiatives with an overdue milestone


def milestone_read(milestone: Milestone, on: date) -> MilestoneRead:
    """Return the API shape of a milestone loaded with its owner."""
    owner = milestone.owner
    return MilestoneRead(
        id=milestone.id,
        initiative_id=milestone.initiative_id,
        title=milestone.title,
        owner=OwnerRead(id=owner.id, name=owner.full_name) if owner is not None else None,
        owner_label=milestone.owner_label,
        due_on=milestone.due_on,
        status=milestone.status,
        completed_on=milestone.completed_on,
        evidence=[EvidenceLink.model_validate(e) for e in milestone.evidence or []],
        notes=milestone.notes,
        overdue=is_overdue(milestone.status, milestone.due_on, on),
        days_overdue=(
            days_overdue(milestone.due_on, on)
            if is_overdue(milestone.status, milestone.due_on, on) else 0
        ),
    )


def initiative_read(
    initiative: Initiative, on: date, links: LinksRead | None = None
) -> InitiativeRead:
    """Return the API shape of an initiative loaded with its area, milestones and owners."""
    statuses = [m.status for m in initiative.milestones]
    milestones = [milestone_read(m, on) for m in initiative.milestones]
    return InitiativeRead(
        id=initiative.id,
        title=initiative.title,
        summary=initiative.summary,
        focus_area=initiative.focus_area.slug,
        focus_area_name=initiative.focus_area.name,
        lead_agency=initiative.lead_agency,
        status=initiative.status,
        is_public=initiative.is_public,
        starts_on=initiative.starts_on,
        target_on=initiative.target_on,
        is_demo=initiative.is_demo,
        progress=initiative_progress(statuses),
        milestones_counted=counted(statuses),
        milestones_done=sum(1 for s in statuses if s is MilestoneStatus.DONE),
        overdue=sum(1 for m in milestones if m.overdue),
        milestones=milestones,
        links=links,
        created_at=initiative.created_at,
        updated_at=initiative.updated_at,
    )


def load_initiatives(
    *, session: Session, principal: Principal | None, area: str = ""
) -> list[Initiative]:
    """Return the initiatives the principal may read (with area, milestones and owners)."""
    query = (
        select(Initiative)
        .join(FocusArea, FocusArea.id == Initiative.focus_area_id)
        .where(access.visible_initiatives(principal))
        .options(
            joinedload(Initiative.focus_area),
            selectinload(Initiative.milestones).joinedload(Milestone.owner),
        )
        .order_by(FocusArea.name, Initiative.title, Initiative.id)
    )
    if area:
        query = query.where(FocusArea.slug == area)
    return list(session.scalars(query).unique())


def _matches(item: InitiativeRead, flt: RoadmapFilter) -> bool:
    if flt.status and item.status not in flt.status:
        return False
    return not flt.overdue or item.overdue > 0


def list_initiatives(
    *, session: Session, principal: Principal | None, flt: RoadmapFilter, on: date
) -> InitiativeList:
    """Return the initiatives that match, by area and title."""
    items = [
        initiative_read(i, on)
        for i in load_initiatives(session=session, principal=principal, area=flt.area)
    ]
    items = [i for i in items if _matches(i, flt)]
    return InitiativeList(items=items, total=len(items))


def roadmap(
    *, session: Session, principal: Principal | None, flt: RoadmapFilter, on: date
) -> RoadmapRead:
    """Return areas -> initiatives -> milestones with progress.

    An area's progress is over all of its initiatives the principal may read, whatever the
    filters. With a status or overdue filter only areas with a matching initiative are
    listed; without, every area is, so that empty ones show as such.
    """
    items = [
        initiative_read(i, on)
        for i in load_initiatives(session=session, principal=principal, area=flt.area)
    ]
    by_area: dict[str, list[InitiativeRead]] = defaultdict(list)
    for item in items:
        by_area[item.focus_area].append(item)
    query = select(FocusArea).order_by(FocusArea.name)
    if flt.area:
        query = query.where(FocusArea.slug == flt.area)
    narrowed = bool(flt.status or flt.overdue)
    areas = []
    for area in session.scalars(query):
        members = by_area.get(area.slug, [])
        shown = [i for i in members if _matches(i, flt)]
        if narrowed and not shown:
            continue
        areas.append(
            AreaRead(
                area=area.slug,
                name=area.name,
                progress=area_progress((i.status, i.progress) for i in members),
                initiatives=shown,
            )
        )
    return RoadmapRead(today=on, areas=areas)


def links_of(
    *, session: Session, initiative_id: int, principal: Principal | None
) -> LinksRead:
    """Return what an initiative links to that the principal may see."""
    orgs = session.execute(
        select(Organisation.id, Organisation.name, Organisation.slug, Organisation.country)
        .join(initiative_org, initiative_org.c.org_id == Organisation.id)
        .where(initiative_org.c.initiative_id == initiative_id)
        .order_by(Organisation.name)
    ).all()
    challenge_query = (
        select(Challenge.id, Challenge.title, Challenge.slug, Challenge.phase)
        .join(initiative_challenge, initiative_challenge.c.challenge_id == Challenge.id)
        .where(initiative_challenge.c.initiative_id == initiative_id)
        .order_by(Challenge.title)
    )
    if principal is not None:
        challenge_query = challenge_query.where(challenge_access.visible_challenges(principal))
    partnerships = session.execute(
        select(Partnership.id, Partnership.title, Partnership.stage)
        .join(initiative_partnership, initiative_partnership.c.partnership_id == Partnership.id)
        .where(initiative_partnership.c.initiative_id == initiative_id)
        .order_by(Partnership.title)
    ).all()
    allowed = access.visible_partnership_ids(session, principal, [p.id for p in partnerships])
    return LinksRead(
        orgs=[
            LinkRead(kind=LinkKind.ORG, id=o.id, name=o.name, url=f"/orgs/{o.slug}",
                     detail=o.country.value)
            for o in orgs
        ],
        challenges=[
            LinkRead(kind=LinkKind.CHALLENGE, id=c.id, name=c.title,
                     url=f"/challenges/{c.slug}", detail=c.phase.value)
            for c in session.execute(challenge_query).all()
        ],
        partnerships=[
            LinkRead(kind=LinkKind.PARTNERSHIP, id=p.id, name=p.title,
                     url=f"/partnerships/{p.id}", detail=p.stage.value)
            for p in partnerships
            if p.id in allowed
        ],
    )
