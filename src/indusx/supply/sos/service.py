"""Raise, route, answer and settle Security of Supply priority-delivery requests.

Each write is audited (object type `sos_request`) and notified (see notices.py). The clock is
`timing.now()`, which tests fix.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.accounts.permissions import Principal
from indusx.audit import service as audit
from indusx.errors import Conflict, Forbidden, Invalid, NotFound
from indusx.orgs.models import Organisation
from indusx.orgs.taxonomy import OrgKind
from indusx.screening import service as screening
from indusx.supply import access as supply_access
from indusx.supply.models import Part, Source, SupplySystem
from indusx.supply.sos import access, notices, timing
from indusx.supply.sos.access import RequestAccess
from indusx.supply.sos.models import (
    ACTIVE_STATUSES,
    STATE_OF_ACTION,
    STATUS_LABELS,
    AnswerAction,
    PartyState,
    RequestStatus,
    SosAnswer,
    SosParty,
    SosRequest,
    SosStatusChange,
)
from indusx.supply.sos.schemas import AnswerIn, ExternalSource, RequestCreate, StatusIn

OBJECT = "sos_request"
SNAPSHOT_FIELDS = (
    "reference", "requesting_country", "requester_org_id", "item", "supply_system_id",
    "supply_part_id", "quantity", "unit", "needed_on", "marking", "status", "status_reason",
)


@dataclass(frozen=True, slots=True)
class Routing:
    """Where a part's supply comes from: directory organisations, and suppliers off-platform."""

    directory: list[Organisation]
    external: list[ExternalSource]


@dataclass(frozen=True, slots=True)
class Loaded:
    """A request with its suppliers (and their organisations) and what the caller may do."""

    request: SosRequest
    parties: list[tuple[SosParty, Organisation]]
    rights: RequestAccess


def snapshot(request: SosRequest) -> dict[str, Any]:
    """Return a request's fields for the audit log."""
    return {name: getattr(request, name) for name in SNAPSHOT_FIELDS}


def routing_for_part(*, session: Session, part_id: int) -> Routing:
    """Return the part's qualified sources: directory organisations and external suppliers."""
    sources = session.scalars(
        select(Source).where(Source.part_id == part_id).order_by(Source.share.desc(), Source.id)
    ).all()
    org_ids = list(dict.fromkeys(s.supplier_org_id for s in sources if s.supplier_org_id))
    orgs = {o.id: o for o in session.scalars(select(Organisation).where(
        Organisation.id.in_(org_ids)))} if org_ids else {}
    external = list(dict.fromkeys(
        (s.supplier_name, s.country) for s in sources if s.supplier_org_id is None))
    return Routing(
        directory=[orgs[i] for i in org_ids if i in orgs],
        external=[ExternalSource(name=name, country=country) for name, country in external],
    )


def get_request(*, session: Session, request_id: int) -> SosRequest:
    """Return a request, or raise NotFound."""
    request = session.get(SosRequest, request_id)
    if request is None:
        raise NotFound(f"No Security of Supply request {request_id}")
    return request


def parties_of(session: Session, request_id: int) -> list[tuple[SosParty, Organisation]]:
    """Return a request's suppliers with their organisations, by name."""
    rows = session.execute(
        select(SosParty, Organisation)
        .join(Organisation, Organisation.id == SosParty.org_id)
        .where(SosParty.request_id == request_id)
        .order_by(Organisation.name, SosParty.id)
    )
    return [(party, org) for party, org in rows]


def load(*, session: Session, principal: Principal, request_id: int) -> Loaded:
    """Return a request the principal may read, or raise NotFound (also when hidden)."""
    request = get_request(session=session, request_id=request_id)
    parties = parties_of(session, request.id)
    rights = access.request_access(principal, request, [org.id for _, org in parties])
    if not rights.read:
        raise NotFound(f"No Security of Supply request {request_id}")
    return Loaded(request=request, parties=parties, rights=rights)


def _next_reference(session: Session, year: int) -> str:
    prefix = f"SOS-{year}-"
    # Longest first: SOS-2026-10000 follows SOS-2026-9999 though it sorts before it as text.
    last = session.scalar(
        select(SosRequest.reference)
        .where(SosRequest.reference.like(f"{prefix}%"))
        .order_by(func.length(SosRequest.reference).desc(), SosRequest.reference.desc())
        .limit(1)
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _requester(
    session: Session, principal: Principal, request_in: RequestCreate
) -> Organisation | None:
    mine = access.raising_orgs(session, principal)
    if request_in.requester_org_id is None:
        if not mine and not principal.is_officer:
            raise Forbidden("Only programme officers and the owners and editors of a government "
                            "organisation may raise Security of Supply requests")
        return mine[0] if mine and not principal.is_officer else None
    org = session.get(Organisation, request_in.requester_org_id)
    if org is None or org.kind is not OrgKind.GOVERNMENT:
        raise Invalid.field("requester_org_id", "choose a government organisation")
    if not principal.is_officer and org.id not in {o.id for o in mine}:
        raise Forbidden(f"You may not raise requests for {org.name}")
    return org


def _subject(
    session: Session, principal: Principal, request_in: RequestCreate
) -> tuple[SupplySystem | None, Part | None]:
    part = None
    if request_in.supply_part_id is not None:
        part = session.get(Part, request_in.supply_part_id)
        if part is None:
            raise Invalid.field("supply_part_id", "no such part")
    system_id = request_in.supply_system_id
    if system_id is None and part is not None:
        system_id = part.system_id
    system = None
    if system_id is not None:
        system = session.get(SupplySystem, system_id)
        # A system the raiser may not read is not named, so its sources do not leak either.
        if system is None or not supply_access.can_read_system(session, principal, system):
            raise Invalid.field("supply_system_id", "no such system")
        if part is not None and part.system_id != system.id:
            raise Invalid.field("supply_part_id", f"the part is not in {system.name}")
    return system, part


def _suppliers(
    session: Session, request_in: RequestCreate, part: Part | None, principal: Principal
) -> list[Organisation]:
    if request_in.supplier_org_ids is None and part is not None:
        orgs = routing_for_part(session=session, part_id=part.id).directory
    else:
        ids = list(dict.fromkeys(request_in.supplier_org_ids or []))
        found = {o.id: o for o in session.scalars(select(Organisation).where(
            Organisation.id.in_(ids)))} if ids else {}
        missing = [str(i) for i in ids if i not in found]
        if missing:
            raise Invalid.field("supplier_org_ids", f"no organisation {', '.join(missing)}")
        orgs = [found[i] for i in ids]
    if not orgs:
        raise Invalid.field("supplier_org_ids",
                            "route the request to at least one directory organisation")
    try:
        screening.ensure_clear(session=session, org_ids=[o.id for o in orgs],
                               action="routing a priority-delivery request",
                               actor=principal.actor)
    except Conflict as exc:
        raise Invalid.field("supplier_org_ids", exc.message) from exc
    return orgs


def create_request(
    *, session: Session, principal: Principal, request_in: RequestCreate, is_demo: bool = False
) -> SosRequest:
    """Raise a request and route it to its suppliers, who are told, as are officers."""
    org = _requester(session, principal, request_in)
    country = request_in.requesting_country or (org.country if org is not None else None)
    if country is None:
        raise Invalid.field("requesting_country", "choose the requesting country (US or IN)")
    at = timing.now()
    if request_in.needed_on <= at.date():
        raise Invalid.field("needed_on", "the needed-by date must be in the future")
    system, part = _subject(session, principal, request_in)
    item = request_in.item or (f"{part.name} ({part.number})" if part is not None else "")
    if not item:
        raise Invalid.field("item", "describe the item, or choose the part it concerns")
    suppliers = _suppliers(session, request_in, part, principal)
    request = SosRequest(
        reference=_next_reference(session, at.year),
        requesting_country=country,
        requester_org_id=org.id if org is not None else None,
        raised_by_id=principal.user.id,
        item=item,
        supply_system_id=system.id if system is not None else None,
        supply_part_id=part.id if part is not None else None,
        quantity=request_in.quantity,
        unit=request_in.unit or (part.unit if part is not None else "") or "ea",
        needed_on=request_in.needed_on,
        justification=request_in.justification,
        marking=request_in.marking,
        status=RequestStatus.OPEN,
        is_demo=is_demo,
        created_at=at,
        updated_at=at,
    )
    session.add(request)
    session.flush()
    for supplier in suppliers:
        session.add(SosParty(request_id=request.id, org_id=supplier.id, routed_at=at))
    session.flush()
    names = ", ".join(o.name for o in suppliers)
    audit.record(
        session=session, actor=principal.actor, action="sos.raise", object_type=OBJECT,
        object_id=request.id, summary=f"raised {request.reference} ({item}), routed to {names}",
        after={**snapshot(request), "suppliers": [o.id for o in suppliers]},
    )
    body = (f"{principal.user.full_name} raised a priority-delivery request under the Security "
            f"of Supply Arrangement: {request.quantity:g} {request.unit} of {item}, needed by "
            f"{request.needed_on.isoformat()}. It was routed to {names}. Please acknowledge it, "
            "commit to a delivery date or explain a constraint.")
    notices.send(
        session,
        notices.supplier_editors(session, [o.id for o in suppliers]) + notices.officers(session),
        kind=notices.RAISED, subject=notices.subject(request, "priority-delivery request"),
        body=body, request=request, skip=[principal.user.id],
    )
    return request


def derive_status(states: Sequence[PartyState]) -> RequestStatus:
    """Return an active request's status from where its suppliers stand."""
    if any(s is PartyState.CONSTRAINED for s in states):
        return RequestStatus.CONSTRAINED
    if states and all(s is PartyState.COMMITTED for s in states):
        return RequestStatus.COMMITTED
    if any(s is not PartyState.PENDING for s in states):
        return RequestStatus.ACKNOWLEDGED
    return RequestStatus.OPEN


def _record_status(
    session: Session, request: SosRequest, old: RequestStatus, reason: str, user_id: int | None
) -> None:
    session.add(SosStatusChange(
        request_id=request.id, from_status=old, to_status=request.status, reason=reason,
        changed_by_id=user_id, created_at=timing.now(),
    ))
    session.flush()


def _everyone(session: Session, loaded: Loaded) -> list[User]:
    return (notices.raiser(session, loaded.request)
            + notices.supplier_editors(session, [org.id for _, org in loaded.parties])
            + notices.officers(session))


def answer_request(
    *, session: Session, principal: Principal, loaded: Loaded, answer_in: AnswerIn
) -> SosAnswer:
    """Record a supplier's answer (a revision keeps the earlier ones) and update the status."""
    request = loaded.request
    party = next((p for p, org in loaded.parties if org.id == answer_in.org_id), None)
    if party is None:
        raise Invalid.field("org_id", "the request is not routed to this organisation")
    if answer_in.org_id not in loaded.rights.answer_org_ids:
        raise Forbidden("Only the supplier's owners and editors may answer for it")
    if request.status not in ACTIVE_STATUSES:
        raise Conflict(f"The request is {STATUS_LABELS[request.status].lower()}; "
                       "it takes no more answers")
    at = timing.now()
    committed_on = None
    if answer_in.action is AnswerAction.COMMIT:
        if answer_in.committed_on is None:
            raise Invalid.field("committed_on", "give the date you commit to deliver by")
        if answer_in.committed_on < at.date():
            raise Invalid.field("committed_on", "the delivery date cannot be in the past")
        committed_on = answer_in.committed_on
    if answer_in.action is AnswerAction.CONSTRAINT and not answer_in.note:
        raise Invalid.field("note", "explain the constraint")
    is_late = committed_on is not None and committed_on > request.needed_on
    answer = SosAnswer(
        request_id=request.id, party_id=party.id, action=answer_in.action,
        committed_on=committed_on, is_late=is_late, note=answer_in.note,
        answered_by_id=principal.user.id, created_at=at,
    )
    session.add(answer)
    revision = party.first_response_at is not None
    party.state = STATE_OF_ACTION[answer_in.action]
    party.committed_on = committed_on
    party.note = answer_in.note
    if party.first_response_at is None:
        party.first_response_at = at
    old = request.status
    request.status = derive_status([p.state for p, _ in loaded.parties])
    request.updated_at = at
    session.flush()
    org = next(org for p, org in loaded.parties if p.id == party.id)
    what = {
        AnswerAction.ACKNOWLEDGE: "acknowledged the request",
        AnswerAction.COMMIT: f"committed to deliver by {committed_on}"
        + (" (after the needed-by date)" if is_late else ""),
        AnswerAction.CONSTRAINT: "reported a constraint",
    }[answer_in.action]
    audit.record(
        session=session, actor=principal.actor, action="sos.answer", object_type=OBJECT,
        object_id=request.id,
        summary=f"{org.name} {what} on {request.reference}" + (" (revised)" if revision else ""),
        after={"org_id": org.id, "action": answer_in.action, "committed_on": committed_on,
               "is_late": is_late, "note": answer_in.note, "status": request.status},
    )
    body = f"{org.name} {what} on {request.reference} ({request.item})."
    if answer_in.note:
        body += f"\n\n{answer_in.note}"
    if request.status is not old:
        body += f"\n\nThe request is now {STATUS_LABELS[request.status].lower()}."
    told = notices.send(
        session, notices.raiser(session, request) + notices.officers(session),
        kind=notices.ANSWERED, subject=notices.subject(request, f"answer from {org.name}"),
        body=body, request=request, skip=[principal.user.id],
    )
    if request.status is not old:
        _record_status(session, request, old, "", principal.user.id)
        notices.send(
            session, _everyone(session, loaded), kind=notices.STATUS,
            subject=notices.subject(request, STATUS_LABELS[request.status].lower()),
            body=notices.status_body(request, old, ""), request=request,
            skip=told | {principal.user.id},
        )
    return answer


SETTLING = {
    RequestStatus.FULFILLED: "mark it fulfilled",
    RequestStatus.CLOSED: "close it",
    RequestStatus.WITHDRAWN: "withdraw it",
}


def change_status(
    *, session: Session, principal: Principal, loaded: Loaded, status_in: StatusIn
) -> SosRequest:
    """Mark a request fulfilled, close it (officers) or withdraw it (the raiser, officers)."""
    request, rights = loaded.request, loaded.rights
    target = status_in.status
    if target not in SETTLING:
        raise Invalid.field("status", "choose fulfilled, closed or withdrawn (the other statuses "
                            "follow from the suppliers' answers)")
    allowed = rights.withdraw if target is RequestStatus.WITHDRAWN else rights.manage
    if not allowed:
        raise Forbidden(f"You may not {SETTLING[target]}")
    if request.status not in ACTIVE_STATUSES:
        raise Conflict(f"The request is already {STATUS_LABELS[request.status].lower()}")
    if target is not RequestStatus.FULFILLED and not status_in.reason:
        raise Invalid.field("reason", f"give a reason to {SETTLING[target]}")
    before = snapshot(request)
    old = request.status
    request.status = target
    request.status_reason = status_in.reason
    request.updated_at = timing.now()
    session.flush()
    _record_status(session, request, old, status_in.reason, principal.user.id)
    audit.record(
        session=session, actor=principal.actor, action="sos.status", object_type=OBJECT,
        object_id=request.id,
        summary=f"{request.reference} {STATUS_LABELS[target].lower()}", before=before,
        after=snapshot(request),
    )
    notices.send(
        session, _everyone(session, loaded), kind=notices.STATUS,
        subject=notices.subject(request, STATUS_LABELS[target].lower()),
        body=notices.status_body(request, old, status_in.reason), request=request,
        skip=[principal.user.id],
    )
    return request
