"""REST API for the regulatory pathway: assess, saved assessments, rules, the hurdle register."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from sqlalchemy.orm import Session

from indusx.deps import Officer, SessionDep, SignedIn
from indusx.pathway import hurdles as hurdle_service
from indusx.pathway import service
from indusx.pathway.hurdles import HurdleFilter, HurdleSort
from indusx.pathway.models import Hurdle, HurdleStatus
from indusx.pathway.schemas import (
    AssessmentPage,
    AssessmentResult,
    AssessRequest,
    HurdleCreate,
    HurdlePage,
    HurdleRead,
    HurdleReport,
    HurdleUpdate,
    RuleSetRead,
)

router = APIRouter(prefix="/api/v1/pathway", tags=["regulatory pathway"])


def load_hurdle(hurdle_id: int, session: SessionDep) -> Hurdle:
    """Return the hurdle named in the path, or 404."""
    return hurdle_service.get_hurdle(session=session, hurdle_id=hurdle_id)


HurdleById = Annotated[Hurdle, Depends(load_hurdle)]


def _read(session: Session, hurdle: Hurdle) -> HurdleRead:
    linked = hurdle_service.assessment_ids(session=session, hurdle_ids=[hurdle.id])
    return hurdle_service.read(hurdle, linked[hurdle.id])


@router.post("/assess", response_model=AssessmentResult)
def assess(body: AssessRequest, principal: SignedIn, session: SessionDep) -> AssessmentResult:
    """Assess a proposed collaboration: the authorisations each side needs, with the rule,
    its source and the facts behind every conclusion, and every party's screening status.
    Decision support, not legal advice. With `save: true` the assessment is kept."""
    return service.run_assessment(
        session=session, assessment_in=body, actor=principal.actor, save=body.save
    )


@router.get("/assessments", response_model=AssessmentPage)
def list_assessments(
    principal: SignedIn,
    session: SessionDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> AssessmentPage:
    """Saved assessments, newest first: your own; officers see all."""
    return service.list_assessments(
        session=session, principal=principal, page=page, page_size=page_size
    )


@router.get("/assessments/{assessment_id}", response_model=AssessmentResult)
def get_assessment(
    assessment_id: int, principal: SignedIn, session: SessionDep
) -> AssessmentResult:
    """One saved assessment (its author and officers)."""
    row = service.get_assessment(session=session, principal=principal, assessment_id=assessment_id)
    return service.assessment_read(session, row)


@router.get("/rules", response_model=RuleSetRead)
def rules(principal: Officer) -> RuleSetRead:
    """The rule set in force: every rule with its condition, citation and source (officers)."""
    return service.rules_read(service.ruleset())


@router.get("/hurdles", response_model=HurdlePage)
def list_hurdles(
    principal: SignedIn,
    session: SessionDep,
    q: Annotated[str, Query(max_length=200)] = "",
    status_: Annotated[list[HurdleStatus], Query(alias="status")] = [],  # noqa: B006
    area: Annotated[list[str], Query(description="focus-area slugs")] = [],  # noqa: B006
    sort: HurdleSort = HurdleSort.STATUS,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> HurdlePage:
    """The hurdle register, filtered by text, status and focus area."""
    flt = HurdleFilter(q=q, status=tuple(status_), area=tuple(area), sort=sort)
    rows, total = hurdle_service.list_hurdles(
        session=session, flt=flt, page=page, page_size=page_size
    )
    linked = hurdle_service.assessment_ids(session=session, hurdle_ids=[h.id for h in rows])
    return HurdlePage(
        items=[hurdle_service.read(h, linked[h.id]) for h in rows],
        total=total,
        page=page,
        page_size=page_size,
    )


@router.get("/hurdles/report", response_model=HurdleReport)
def hurdle_report(principal: SignedIn, session: SessionDep) -> HurdleReport:
    """Hurdles counted by focus area and status."""
    return hurdle_service.report(session=session)


@router.post("/hurdles", response_model=HurdleRead, status_code=status.HTTP_201_CREATED)
def create_hurdle(body: HurdleCreate, principal: Officer, session: SessionDep) -> HurdleRead:
    """Add a hurdle to the register (officers)."""
    hurdle = hurdle_service.create_hurdle(session=session, hurdle_in=body, actor=principal.actor)
    return _read(session, hurdle)


@router.get("/hurdles/{hurdle_id}", response_model=HurdleRead)
def get_hurdle(principal: SignedIn, hurdle: HurdleById, session: SessionDep) -> HurdleRead:
    """One hurdle, with the saved assessments that hit it."""
    return _read(session, hurdle)


@router.patch("/hurdles/{hurdle_id}", response_model=HurdleRead)
def update_hurdle(
    principal: Officer, hurdle: HurdleById, body: HurdleUpdate, session: SessionDep
) -> HurdleRead:
    """Change a hurdle; fields left out are kept (officers)."""
    hurdle_service.update_hurdle(
        session=session, hurdle=hurdle, hurdle_in=body, actor=principal.actor
    )
    return _read(session, hurdle)


@router.delete("/hurdles/{hurdle_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_hurdle(principal: Officer, hurdle: HurdleById, session: SessionDep) -> Response:
    """Remove a hurdle from the register (officers; the audit log keeps it)."""
    hurdle_service.delete_hurdle(session=session, hurdle=hurdle, actor=principal.actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
