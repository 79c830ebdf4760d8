"""A request as its reader may see it: suppliers read only their own organisation's notes."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.accounts.permissions import Principal
from indusx.supply.sos import register, service, timing
from indusx.supply.sos.models import SosAnswer, SosStatusChange
from indusx.supply.sos.schemas import (
    AnswerRead,
    PartyRead,
    RequestRead,
    StatusChangeRead,
)
from indusx.supply.sos.service import Loaded


def _names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {i: name for i, name in session.execute(
        select(User.id, User.full_name).where(User.id.in_(wanted)))}


def read_request(
    *, session: Session, principal: Principal, loaded: Loaded, response_days: int
) -> RequestRead:
    """Return the full view of a request for its reader."""
    request, rights = loaded.request, loaded.rights
    at = timing.now()

    def may_read_notes(org_id: int) -> bool:
        return rights.full or org_id in principal.org_roles

    parties = [
        PartyRead(
            id=party.id, org_id=org.id, org_slug=org.slug, org_name=org.name,
            org_country=org.country.value, state=party.state,
            committed_on=party.committed_on,
            is_late=party.committed_on is not None and party.committed_on > request.needed_on,
            note=party.note if may_read_notes(org.id) else None,
            routed_at=party.routed_at,
            due_at=timing.due_at(party.routed_at, response_days),
            first_response_at=party.first_response_at,
            response_hours=timing.response_hours(party),
            overdue=timing.is_overdue(party, request.status, response_days, at),
            answered_late=timing.answered_late(party, response_days),
        )
        for party, org in loaded.parties
    ]
    org_of_party = {party.id: org for party, org in loaded.parties}
    answers = list(session.scalars(
        select(SosAnswer).where(SosAnswer.request_id == request.id)
        .order_by(SosAnswer.created_at, SosAnswer.id)))
    changes = list(session.scalars(
        select(SosStatusChange).where(SosStatusChange.request_id == request.id)
        .order_by(SosStatusChange.created_at, SosStatusChange.id)))
    people = _names(session, {request.raised_by_id}
                    | {a.answered_by_id for a in answers}
                    | {c.changed_by_id for c in changes})
    [row] = register.summaries(session, [request], response_days)
    external = (
        service.routing_for_part(session=session, part_id=request.supply_part_id).external
        if request.supply_part_id is not None else []
    )
    return RequestRead(
        **row.model_dump(),
        raised_by=people.get(request.raised_by_id or 0, "a former user"),
        supply_system_id=request.supply_system_id,
        supply_part_id=request.supply_part_id,
        justification=request.justification,
        status_reason=request.status_reason,
        updated_at=request.updated_at,
        response_days=response_days,
        parties=parties,
        answers=[
            AnswerRead(
                id=a.id, org_id=org_of_party[a.party_id].id,
                org_name=org_of_party[a.party_id].name, action=a.action,
                committed_on=a.committed_on, is_late=a.is_late,
                note=a.note if may_read_notes(org_of_party[a.party_id].id) else None,
                answered_by=people.get(a.answered_by_id or 0, "a former user"),
                created_at=a.created_at,
            )
            for a in answers
        ],
        status_changes=[
            StatusChangeRead(
                from_status=c.from_status, to_status=c.to_status, reason=c.reason,
                changed_by=people.get(c.changed_by_id or 0, "a former user"),
                created_at=c.created_at,
            )
            for c in changes
        ],
        external_sources=external,
    )
