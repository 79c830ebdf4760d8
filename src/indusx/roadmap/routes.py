"""REST API of the roadmap: areas, initiatives, milestones, links."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from sqlalchemy.orm import Session

from indusx.accounts.permissions import Principal
from indusx.deps import Officer, SessionDep, SignedIn
from indusx.roadmap import reads, service
from indusx.roadmap.models import Initiative, InitiativeStatus, Milestone
from indusx.roadmap.schemas import (
    InitiativeCreate,
    InitiativeList,
    InitiativeRead,
    InitiativeUpdate,
    LinkIn,
    LinkKind,
    LinksRead,
    MilestoneCreate,
    MilestoneRead,
    MilestoneUpdate,
    RoadmapRead,
)

router = APIRouter(prefix="/api/v1/roadmap", tags=["roadmap"])


def load_initiative(initiative_id: int, principal: SignedIn, session: SessionDep) -> Initiative:
    """Return the initiative named in the path if the caller may read it, or 404."""
    return service.get_initiative(
        session=session, initiative_id=initiative_id, principal=principal
    )


def load_milestone(milestone_id: int, principal: SignedIn, session: SessionDep) -> Milestone:
    """Return the milestone named in the path if the caller may read it, or 404."""
    return service.get_milestone(session=session, milestone_id=milestone_id, principal=principal)


InitiativeById = Annotated[Initiative, Depends(load_initiative)]
MilestoneById = Annotated[Milestone, Depends(load_milestone)]


def _filter(
    area: str, status_: list[InitiativeStatus], overdue: bool
) -> reads.RoadmapFilter:
    return reads.RoadmapFilter(area=area, status=tuple(status_), overdue=overdue)


def _full(session: Session, principal: Principal, initiative_id: int) -> InitiativeRead:
    # Read again so that the milestones and links reflect the change just made.
    session.expire_all()
    initiative = service.get_initiative(session=session, initiative_id=initiative_id)
    links = reads.links_of(session=session, initiative_id=initiative_id, principal=principal)
    return reads.initiative_read(initiative, service.today(), links)


@router.get("", response_model=RoadmapRead)
def roadmap(
    principal: SignedIn,
    session: SessionDep,
    area: Annotated[str, Query(max_length=64, description="a focus-area slug")] = "",
    status_: Annotated[list[InitiativeStatus], Query(alias="status")] = [],  # noqa: B006
    overdue: Annotated[bool, Query(description="only initiatives with overdue milestones")] = False,
) -> RoadmapRead:
    """Focus areas, their initiatives and milestones, with progress (public initiatives;
    officers see all). Progress: done 1, in progress 0.5, others 0, cancelled not counted."""
    return reads.roadmap(
        session=session, principal=principal, flt=_filter(area, status_, overdue),
        on=service.today(),
    )


@router.get("/initiatives", response_model=InitiativeList)
def list_initiatives(
    principal: SignedIn,
    session: SessionDep,
    area: Annotated[str, Query(max_length=64, description="a focus-area slug")] = "",
    status_: Annotated[list[InitiativeStatus], Query(alias="status")] = [],  # noqa: B006
    overdue: Annotated[bool, Query(description="only initiatives with overdue milestones")] = False,
) -> InitiativeList:
    """Initiatives the caller may read, by area and title, with milestones and progress."""
    return reads.list_initiatives(
        session=session, principal=principal, flt=_filter(area, status_, overdue),
        on=service.today(),
    )


@router.post("/initiatives", response_model=InitiativeRead, status_code=status.HTTP_201_CREATED)
def create_initiative(
    body: InitiativeCreate, principal: Officer, session: SessionDep
) -> InitiativeRead:
    """Add an initiative under a focus area (officers)."""
    initiative = service.create_initiative(
        session=session, initiative_in=body, actor=principal.actor
    )
    return _full(session, principal, initiative.id)


@router.get("/initiatives/{initiative_id}", response_model=InitiativeRead)
def get_initiative(
    principal: SignedIn, initiative: InitiativeById, session: SessionDep
) -> InitiativeRead:
    """One initiative with its milestones, progress and links."""
    links = reads.links_of(session=session, initiative_id=initiative.id, principal=principal)
    return reads.initiative_read(initiative, service.today(), links)


@router.patch("/initiatives/{initiative_id}", response_model=InitiativeRead)
def update_initiative(
    principal: Officer, initiative: InitiativeById, body: InitiativeUpdate, session: SessionDep
) -> InitiativeRead:
    """Change an initiative; fields left out are kept (officers)."""
    service.update_initiative(
        session=session, initiative=initiative, initiative_in=body, actor=principal.actor
    )
    return _full(session, principal, initiative.id)


@router.delete("/initiatives/{initiative_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_initiative(
    principal: Officer, initiative: InitiativeById, session: SessionDep
) -> Response:
    """Delete an initiative with its milestones and links (officers; the audit log keeps it)."""
    service.delete_initiative(session=session, initiative=initiative, actor=principal.actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/initiatives/{initiative_id}/milestones",
    response_model=MilestoneRead,
    status_code=status.HTTP_201_CREATED,
)
def add_milestone(
    principal: Officer, initiative: InitiativeById, body: MilestoneCreate, session: SessionDep
) -> MilestoneRead:
    """Add a milestone to an initiative (officers)."""
    milestone = service.add_milestone(
        session=session, initiative=initiative, milestone_in=body, actor=principal.actor
    )
    loaded = service.get_milestone(session=session, milestone_id=milestone.id)
    return reads.milestone_read(loaded, service.today())


@router.patch("/milestones/{milestone_id}", response_model=MilestoneRead)
def update_milestone(
    principal: Officer, milestone: MilestoneById, body: MilestoneUpdate, session: SessionDep
) -> MilestoneRead:
    """Change a milestone; fields left out are kept. Marking it done sets its completion date
    to today unless one is given (officers)."""
    service.update_milestone(
        session=session, milestone=milestone, milestone_in=body, actor=principal.actor
    )
    session.expire_all()
    loaded = service.get_milestone(session=session, milestone_id=milestone.id)
    return reads.milestone_read(loaded, service.today())


@router.delete("/milestones/{milestone_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_milestone(principal: Officer, milestone: MilestoneById, session: SessionDep) -> Response:
    """Delete a milestone (officers; the audit log keeps it)."""
    service.delete_milestone(session=session, milestone=milestone, actor=principal.actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/initiatives/{initiative_id}/links",
    response_model=LinksRead,
    status_code=status.HTTP_201_CREATED,
)
def add_link(
    principal: Officer, initiative: InitiativeById, body: LinkIn, session: SessionDep
) -> LinksRead:
    """Link an organisation, challenge or partnership to an initiative; linking again is a
    no-op (officers). Returns every link."""
    service.add_link(
        session=session, initiative=initiative, kind=body.kind, target_id=body.id,
        actor=principal.actor,
    )
    return reads.links_of(session=session, initiative_id=initiative.id, principal=principal)


@router.delete(
    "/initiatives/{initiative_id}/links/{kind}/{target_id}",
    status_code=status.HTTP_204_NO_CONTENT,
)
def remove_link(
    principal: Officer,
    initiative: InitiativeById,
    kind: LinkKind,
    target_id: int,
    session: SessionDep,
) -> Response:
    """Remove a link (officers)."""
    service.remove_link(
        session=session, initiative=initiative, kind=kind, target_id=target_id,
        actor=principal.actor,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
