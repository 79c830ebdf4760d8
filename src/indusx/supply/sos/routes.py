"""REST API of Security of Supply priority-delivery requests."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from indusx.deps import SessionDep, SettingsDep, SignedIn
from indusx.orgs.taxonomy import Country
from indusx.supply.sos import register, service, views
from indusx.supply.sos.models import Marking, RequestStatus
from indusx.supply.sos.register import RequestFilter, RequestSort
from indusx.supply.sos.schemas import (
    AnswerIn,
    RequestCreate,
    RequestPage,
    RequestRead,
    StatusIn,
)
from indusx.supply.sos.service import Loaded

router = APIRouter(prefix="/api/v1/supply/requests", tags=["security of supply"])


def load_request(request_id: int, principal: SignedIn, session: SessionDep) -> Loaded:
    """Return the request named in the path if the caller may read it, else 404."""
    return service.load(session=session, principal=principal, request_id=request_id)


RequestById = Annotated[Loaded, Depends(load_request)]


@router.get("", response_model=RequestPage)
def list_requests(
    principal: SignedIn,
    session: SessionDep,
    settings: SettingsDep,
    status_: Annotated[list[RequestStatus], Query(alias="status")] = [],  # noqa: B006
    country: Annotated[Country | None, Query(description="the requesting country")] = None,
    supplier_org_id: Annotated[int | None, Query(description="routed to this supplier")] = None,
    marking: Marking | None = None,
    overdue: Annotated[bool, Query(description="only with a supplier past the target")] = False,
    q: Annotated[str, Query(max_length=200, description="reference or item")] = "",
    sort: RequestSort = RequestSort.RAISED_DESC,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> RequestPage:
    """The requests you are party to (officers: all), filtered, sorted and paged, with the
    register's summary: open and overdue requests and the median time to first response."""
    flt = RequestFilter(status=tuple(status_), country=country, supplier_org_id=supplier_org_id,
                        marking=marking, overdue=overdue, q=q, sort=sort)
    days = settings.supply_response_days
    items, total = register.list_requests(session=session, principal=principal, flt=flt,
                                          response_days=days, page=page, page_size=page_size)
    return RequestPage(
        items=items, total=total, page=page, page_size=page_size,
        summary=register.summary(session=session, principal=principal, flt=flt,
                                 response_days=days),
    )


@router.post("", response_model=RequestRead, status_code=status.HTTP_201_CREATED)
def create_request(
    body: RequestCreate, principal: SignedIn, session: SessionDep, settings: SettingsDep
) -> RequestRead:
    """Raise a priority-delivery request (officers, and owners and editors of a government
    organisation). Without `supplier_org_ids` it goes to the part's directory sources."""
    request = service.create_request(session=session, principal=principal, request_in=body)
    loaded = service.load(session=session, principal=principal, request_id=request.id)
    return views.read_request(session=session, principal=principal, loaded=loaded,
                              response_days=settings.supply_response_days)


@router.get("/{request_id}", response_model=RequestRead)
def get_request(
    loaded: RequestById, principal: SignedIn, session: SessionDep, settings: SettingsDep
) -> RequestRead:
    """One request with its suppliers, answers and status changes (its parties and officers;
    a supplier reads only its own notes)."""
    return views.read_request(session=session, principal=principal, loaded=loaded,
                              response_days=settings.supply_response_days)


@router.post("/{request_id}/answers", response_model=RequestRead,
             status_code=status.HTTP_201_CREATED)
def answer_request(
    body: AnswerIn,
    loaded: RequestById,
    principal: SignedIn,
    session: SessionDep,
    settings: SettingsDep,
) -> RequestRead:
    """Answer for a routed supplier (its owners and editors): acknowledge, commit to a date,
    or explain a constraint. A later answer revises the earlier one; both stay on record."""
    service.answer_request(session=session, principal=principal, loaded=loaded, answer_in=body)
    return views.read_request(session=session, principal=principal, loaded=loaded,
                              response_days=settings.supply_response_days)


@router.post("/{request_id}/status", response_model=RequestRead)
def change_status(
    body: StatusIn,
    loaded: RequestById,
    principal: SignedIn,
    session: SessionDep,
    settings: SettingsDep,
) -> RequestRead:
    """Mark fulfilled or close (officers), or withdraw (the raiser or officers), with a reason
    to close or withdraw."""
    service.change_status(session=session, principal=principal, loaded=loaded, status_in=body)
    return views.read_request(session=session, principal=principal, loaded=loaded,
                              response_days=settings.supply_response_days)
