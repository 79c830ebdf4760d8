"""The request register: filters, sorting, pages, and the summary strip over what is visible."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from indusx.accounts.permissions import Principal
from indusx.orgs.models import Organisation
from indusx.orgs.taxonomy import Country
from indusx.supply.sos import access, timing
from indusx.supply.sos.models import (
    ACTIVE_STATUSES,
    Marking,
    RequestStatus,
    SosParty,
    SosRequest,
)
from indusx.supply.sos.schemas import RegisterSummary, RequestSummary


class RequestSort(StrEnum):
    REFERENCE = "reference"
    REFERENCE_DESC = "-reference"
    NEEDED = "needed"
    NEEDED_DESC = "-needed"
    RAISED = "raised"
    RAISED_DESC = "-raised"
    STATUS = "status"
    STATUS_DESC = "-status"


SORT_LABELS = {
    RequestSort.RAISED_DESC: "Newest first",
    RequestSort.RAISED: "Oldest first",
    RequestSort.NEEDED: "Needed soonest",
    RequestSort.NEEDED_DESC: "Needed latest",
    RequestSort.REFERENCE: "Reference",
    RequestSort.REFERENCE_DESC: "Reference, descending",
    RequestSort.STATUS: "Status",
    RequestSort.STATUS_DESC: "Status, descending",
}


@dataclass(frozen=True, slots=True)
class RequestFilter:
    status: tuple[RequestStatus, ...] = ()
    country: Country | None = None
    supplier_org_id: int | None = None
    marking: Marking | None = None
    overdue: bool = False
    q: str = ""
    sort: RequestSort = RequestSort.RAISED_DESC


def _overdue_party(cutoff: datetime) -> Any:
    return exists().where(
        SosParty.request_id == SosRequest.id,
        SosParty.first_response_at.is_(None),
        SosParty.routed_at < cutoff,
    )


def overdue_condition(response_days: int, at: datetime | None = None) -> Any:
    """Return the condition on SosRequest: active, with a supplier past the response target."""
    cutoff = (at or timing.now()) - timedelta(days=response_days)
    return and_(SosRequest.status.in_(ACTIVE_STATUSES), _overdue_party(cutoff))


def _filtered(principal: Principal, flt: RequestFilter, response_days: int) -> Select[Any]:
    query = select(SosRequest).where(access.visible_requests(principal))
    if flt.status:
        query = query.where(SosRequest.status.in_(flt.status))
    if flt.country is not None:
        query = query.where(SosRequest.requesting_country == flt.country)
    if flt.marking is not None:
        query = query.where(SosRequest.marking == flt.marking)
    if flt.supplier_org_id is not None:
        query = query.where(SosRequest.id.in_(
            select(SosParty.request_id).where(SosParty.org_id == flt.supplier_org_id)))
    if flt.overdue:
        query = query.where(overdue_condition(response_days))
    text = flt.q.strip()
    if text:
        like = f"%{text}%"
        query = query.where(or_(SosRequest.reference.ilike(like), SosRequest.item.ilike(like)))
    return query


def _ordering(sort: RequestSort) -> list[Any]:
    descending = sort.value.startswith("-")
    key = sort.value.lstrip("-")
    rank = {s: n for n, s in enumerate(RequestStatus)}
    column: Any = {
        "reference": SosRequest.id,  # references are numbered in the order they are raised
        "needed": SosRequest.needed_on,
        "raised": SosRequest.created_at,
        "status": case(rank, value=SosRequest.status),
    }[key]
    tie = SosRequest.id.desc() if descending else SosRequest.id
    return [column.desc() if descending else column, tie]


def list_requests(
    *,
    session: Session,
    principal: Principal,
    flt: RequestFilter,
    response_days: int,
    page: int = 1,
    page_size: int = 20,
) -> tuple[list[RequestSummary], int]:
    """Return one page of the visible requests that match, and how many match in all."""
    query = _filtered(principal, flt, response_days)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(*_ordering(flt.sort)).offset((page - 1) * page_size).limit(page_size)
    ).all()
    return summaries(session, list(rows), response_days), total


def all_requests(
    *, session: Session, principal: Principal, flt: RequestFilter, response_days: int
) -> list[RequestSummary]:
    """Return every visible request that matches, in the filter's order (for the export)."""
    rows = session.scalars(
        _filtered(principal, flt, response_days).order_by(*_ordering(flt.sort))
    ).all()
    return summaries(session, list(rows), response_days)


def summaries(
    session: Session, requests: list[SosRequest], response_days: int
) -> list[RequestSummary]:
    """Return the register rows of loaded requests, with suppliers and overdue counts."""
    ids = [r.id for r in requests]
    suppliers: dict[int, list[str]] = {i: [] for i in ids}
    overdue: dict[int, int] = dict.fromkeys(ids, 0)
    status = {r.id: r.status for r in requests}
    at = timing.now()
    if ids:
        for party, name in session.execute(
            select(SosParty, Organisation.name)
            .join(Organisation, Organisation.id == SosParty.org_id)
            .where(SosParty.request_id.in_(ids))
            .order_by(Organisation.name)
        ):
            suppliers[party.request_id].append(name)
            if timing.is_overdue(party, status[party.request_id], response_days, at):
                overdue[party.request_id] += 1
    requesters = _org_names(session, {r.requester_org_id for r in requests})
    return [
        RequestSummary(
            id=r.id, reference=r.reference, status=r.status,
            requesting_country=r.requesting_country, requester_org_id=r.requester_org_id,
            requester_org_name=requesters.get(r.requester_org_id) if r.requester_org_id else None,
            item=r.item, quantity=r.quantity, unit=r.unit, needed_on=r.needed_on,
            marking=r.marking, is_demo=r.is_demo, created_at=r.created_at,
            suppliers=suppliers[r.id], overdue_parties=overdue[r.id],
        )
        for r in requests
    ]


def _org_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {i: name for i, name in session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(wanted)))}


def summary(
    *, session: Session, principal: Principal, flt: RequestFilter, response_days: int
) -> RegisterSummary:
    """Count open and overdue requests among those that match, and the median response time."""
    matching = _filtered(principal, flt, response_days).with_only_columns(SosRequest.id)
    open_count = session.scalar(
        select(func.count()).select_from(
            matching.where(SosRequest.status.in_(ACTIVE_STATUSES)).subquery())
    ) or 0
    overdue_count = session.scalar(
        select(func.count()).select_from(
            matching.where(overdue_condition(response_days)).subquery())
    ) or 0
    pairs = session.execute(
        select(SosParty.routed_at, SosParty.first_response_at).where(
            SosParty.request_id.in_(matching), SosParty.first_response_at.is_not(None))
    )
    hours = [(answered - routed).total_seconds() / 3600 for routed, answered in pairs
             if answered is not None]
    return RegisterSummary(open=open_count, overdue=overdue_count,
                           median_response_hours=timing.median_hours(hours))
