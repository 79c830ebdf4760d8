"""Web pages of Security of Supply requests: the register, the new-request form, a request."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx import templating
from indusx.accounts.permissions import Principal
from indusx.deps import SessionDep, SettingsDep, SignedIn
from indusx.errors import DomainError, Forbidden
from indusx.forms import FormDep, field_errors, form_text
from indusx.ops import quotas
from indusx.orgs.models import Organisation
from indusx.orgs.taxonomy import COUNTRY_LABELS, Country
from indusx.supply.sos import access, export, register, service, timing, views
from indusx.supply.sos import form as raising
from indusx.supply.sos.models import (
    MARKING_LABELS,
    STATUS_LABELS,
    AnswerAction,
    Marking,
    RequestStatus,
    SosParty,
    SosRequest,
)
from indusx.supply.sos.register import SORT_LABELS, RequestFilter, RequestSort
from indusx.supply.sos.schemas import AnswerIn, RequestCreate, StatusIn
from indusx.supply.sos.service import Loaded

router = APIRouter(include_in_schema=False)
PAGE_SIZES = (10, 20, 50)
FIELD_LABELS = {
    "requester_org_id": "Requesting organisation",
    "requesting_country": "Requesting country",
    "item": "Item",
    "supply_system_id": "System",
    "supply_part_id": "Part",
    "part": "Part",
    "quantity": "Quantity",
    "unit": "Unit",
    "needed_on": "Needed by",
    "justification": "Justification",
    "marking": "Marking",
    "supplier_org_ids": "Suppliers",
    "add_supplier": "Add a supplier",
    "action": "Answer",
    "committed_on": "Delivery date",
    "note": "Note",
    "reason": "Reason",
}
ACTION_LABELS = {
    AnswerAction.ACKNOWLEDGE.value: "Acknowledge",
    AnswerAction.COMMIT.value: "Commit to a delivery date",
    AnswerAction.CONSTRAINT.value: "Explain a constraint",
}


def common() -> dict[str, Any]:
    return {
        "status_labels": {s.value: label for s, label in STATUS_LABELS.items()},
        "marking_labels": {m.value: label for m, label in MARKING_LABELS.items()},
        "action_labels": ACTION_LABELS,
        "describe_hours": timing.describe_hours,
        "supply_active": "requests",
    }


def load_request(request_id: int, principal: SignedIn, session: SessionDep) -> Loaded:
    """Return the request named in the path if the caller may read it, else 404."""
    return service.load(session=session, principal=principal, request_id=request_id)


RequestById = Annotated[Loaded, Depends(load_request)]


# --- the register ---------------------------------------------------------------------------


def _filter(
    status: list[str], country: str, supplier: str, marking: str, overdue: str, q: str, sort: str
) -> RequestFilter:
    return RequestFilter(
        status=tuple(RequestStatus(s) for s in status if s in RequestStatus._value2member_map_),
        country=Country(country) if country in Country._value2member_map_ else None,
        supplier_org_id=int(supplier) if supplier.isdigit() else None,
        marking=Marking(marking) if marking in Marking._value2member_map_ else None,
        overdue=overdue in ("1", "on", "true"),
        q=q,
        sort=RequestSort(sort) if sort in RequestSort._value2member_map_
        else RequestSort.RAISED_DESC,
    )


class RegisterQuery:
    """The register's query parameters, shared by the page and its CSV export."""

    def __init__(
        self,
        status: Annotated[list[str], Query()] = [],  # noqa: B006
        country: Annotated[str, Query(max_length=2)] = "",
        supplier: Annotated[str, Query(max_length=12)] = "",
        marking: Annotated[str, Query(max_length=20)] = "",
        overdue: Annotated[str, Query(max_length=5)] = "",
        q: Annotated[str, Query(max_length=200)] = "",
        sort: Annotated[str, Query(max_length=20)] = RequestSort.RAISED_DESC.value,
    ) -> None:
        self.flt = _filter(status, country, supplier, marking, overdue, q, sort)


def _supplier_options(session: Session, principal: Principal) -> list[tuple[int, str]]:
    visible = select(SosRequest.id).where(access.visible_requests(principal))
    return [(i, n) for i, n in session.execute(
        select(Organisation.id, Organisation.name).distinct()
        .join(SosParty, SosParty.org_id == Organisation.id)
        .where(SosParty.request_id.in_(visible))
        .order_by(Organisation.name)
    )]


@router.get("/supply/requests")
def requests_register(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    settings: SettingsDep,
    query: Annotated[RegisterQuery, Depends()],
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> HTMLResponse:
    """Browse the requests the caller is party to (officers: all); HTMX gets the table."""
    flt, days = query.flt, settings.supply_response_days
    rows, total = register.list_requests(session=session, principal=principal, flt=flt,
                                         response_days=days, page=page, page_size=page_size)
    first = (page - 1) * page_size + 1
    context = {
        **common(),
        "rows": rows,
        "total": total,
        "page": page,
        "page_size": page_size,
        "page_sizes": PAGE_SIZES,
        "pages": max(1, -(-total // page_size)),
        "first": first,
        "last": min(first + len(rows) - 1, total),
        "flt": flt,
        "chosen_status": [s.value for s in flt.status],
        "sort": flt.sort.value,
        "sort_labels": {s.value: label for s, label in SORT_LABELS.items()},
        "summary": register.summary(session=session, principal=principal, flt=flt,
                                    response_days=days),
        "supplier_options": _supplier_options(session, principal),
        "country_options": [(c.value, label) for c, label in COUNTRY_LABELS.items()],
        "response_days": days,
        "can_raise": access.can_raise(session, principal),
    }
    partial = templating.wants_partial(request)
    name = "supply/sos/_register.html" if partial else "supply/sos/register.html"
    return templating.render(request, name, context)


@router.get("/supply/requests/export.csv")
def export_register(
    principal: SignedIn,
    session: SessionDep,
    settings: SettingsDep,
    query: Annotated[RegisterQuery, Depends()],
    _export: Annotated[None, Depends(quotas.Exporting("sos_register"))],
) -> StreamingResponse:
    """Download the filtered register as CSV (every matching request the caller may see)."""
    rows = register.all_requests(session=session, principal=principal, flt=query.flt,
                                 response_days=settings.supply_response_days)
    return StreamingResponse(
        export.csv_lines(rows), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="sos-requests.csv"'},
    )


# --- raising a request ----------------------------------------------------------------------


def _render_form(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    orgs = access.raising_orgs(session, principal)
    return templating.render(
        request,
        "supply/sos/form.html",
        {
            **common(),
            **raising.routing_context(session, principal, values["supply_system_id"],
                                      values["part"], values["supplier_org_ids"]),
            "values": values,
            "errors": errors or {},
            "error_labels": FIELD_LABELS,
            "org_options": [(o.id, f"{o.name} ({o.country.value})") for o in orgs],
            "org_optional": principal.is_officer,
            "country_options": [(c.value, label) for c, label in COUNTRY_LABELS.items()],
            "system_options": [(s.id, f"{s.name} ({s.code})")
                               for s in raising.systems(session, principal)],
            "marking_options": [(m.value, label) for m, label in MARKING_LABELS.items()],
            "today": timing.now().date(),
        },
        status_code=status_code,
    )


def _require_raiser(session: Session, principal: Principal) -> None:
    if not access.can_raise(session, principal):
        raise Forbidden("Only programme officers and the owners and editors of a government "
                        "organisation may raise Security of Supply requests")


@router.get("/supply/requests/new")
def new_request_form(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    system_id: Annotated[str, Query(max_length=12)] = "",
    part: Annotated[str, Query(max_length=80)] = "",
) -> HTMLResponse:
    """Show the form for raising a priority-delivery request (optionally for a given part)."""
    _require_raiser(session, principal)
    values: dict[str, Any] = dict.fromkeys(raising.FORM_FIELDS, "")
    values.update(supply_system_id=system_id, part=part, marking=Marking.UNCLASSIFIED.value,
                  supplier_org_ids=[], add_supplier=["", ""])
    orgs = access.raising_orgs(session, principal)
    if orgs and not principal.is_officer:
        values.update(requester_org_id=str(orgs[0].id), requesting_country=orgs[0].country.value)
    return _render_form(request, session, principal, values=values)


@router.get("/supply/requests/routing")
def routing_preview(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    supply_system_id: Annotated[str, Query(max_length=12)] = "",
    part: Annotated[str, Query(max_length=80)] = "",
) -> HTMLResponse:
    """Return the suppliers proposed for a part: its directory and off-platform sources."""
    _require_raiser(session, principal)
    context = raising.routing_context(session, principal, supply_system_id, part.strip(), [])
    return templating.render(request, "supply/sos/_routing.html",
                             {**context, "errors": {}, "values": {"routed_part": part.strip()}})


@router.post("/supply/requests/new")
def create_request(
    request: Request, principal: SignedIn, session: SessionDep, form: FormDep
) -> Response:
    """Raise the request and route it; show the form again with its errors."""
    _require_raiser(session, principal)
    values = raising.form_values(form)
    try:
        payload = raising.create_payload(session, principal, values)
        request_in = RequestCreate.model_validate(payload)
        created = service.create_request(session=session, principal=principal,
                                         request_in=request_in)
    except (ValidationError, DomainError) as exc:
        if isinstance(exc, Forbidden):
            raise
        session.rollback()
        errors = field_errors(exc)
        if "supply_part_id" in errors:
            errors["part"] = errors.pop("supply_part_id")
        return _render_form(request, session, principal, values=values, errors=errors,
                            status_code=422)
    return templating.redirect(
        f"/supply/requests/{created.id}",
        flash=f"Request {created.reference} raised and routed to its suppliers.", request=request,
    )


# --- one request ----------------------------------------------------------------------------


def _render_request(
    request: Request,
    session: Session,
    principal: Principal,
    loaded: Loaded,
    days: int,
    *,
    answer_values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    view = views.read_request(session=session, principal=principal, loaded=loaded,
                              response_days=days)
    timeline: list[tuple[Any, str, str, str]] = [
        (view.created_at, "send", f"Raised by {view.raised_by} and routed to "
         f"{', '.join(view.suppliers)}", "")]
    for a in view.answers:
        what = {"acknowledge": "acknowledged",
                "commit": f"committed to deliver by {a.committed_on}"
                + (" (late)" if a.is_late else ""),
                "constraint": "reported a constraint"}[a.action.value]
        timeline.append((a.created_at, "reply", f"{a.org_name} {what} ({a.answered_by})",
                         a.note or ""))
    for c in view.status_changes:
        timeline.append((c.created_at, "flag", f"{STATUS_LABELS[c.from_status]} → "
                         f"{STATUS_LABELS[c.to_status]} ({c.changed_by})", c.reason))
    timeline.sort(key=lambda entry: entry[0])
    active = view.status in (RequestStatus.OPEN, RequestStatus.ACKNOWLEDGED,
                             RequestStatus.COMMITTED, RequestStatus.CONSTRAINED)
    return templating.render(
        request,
        "supply/sos/detail.html",
        {
            **common(),
            "view": view,
            "rights": loaded.rights,
            "active": active,
            "timeline": timeline,
            "answer_orgs": [(p.org_id, p.org_name) for p in view.parties
                            if p.org_id in loaded.rights.answer_org_ids],
            "answer_values": answer_values or {"action": "", "committed_on": "", "note": "",
                                               "org_id": ""},
            "errors": errors or {},
            "error_labels": FIELD_LABELS,
        },
        status_code=status_code,
    )


@router.get("/supply/requests/{request_id}")
def request_detail(
    request: Request,
    principal: SignedIn,
    loaded: RequestById,
    session: SessionDep,
    settings: SettingsDep,
) -> HTMLResponse:
    """Show a request: details, suppliers and their answers, the timeline, and actions."""
    return _render_request(request, session, principal, loaded, settings.supply_response_days)


@router.post("/supply/requests/{request_id}/answer")
def answer_request(
    request: Request,
    principal: SignedIn,
    loaded: RequestById,
    session: SessionDep,
    settings: SettingsDep,
    form: FormDep,
) -> Response:
    """Record a supplier's answer; show the page again with errors."""
    values = {name: form_text(form, name) for name in ("org_id", "action", "committed_on",
                                                       "note")}
    try:
        answer_in = AnswerIn.model_validate({
            "org_id": values["org_id"] or None, "action": values["action"] or None,
            "committed_on": values["committed_on"] or None, "note": values["note"],
        })
        service.answer_request(session=session, principal=principal, loaded=loaded,
                               answer_in=answer_in)
    except (ValidationError, DomainError) as exc:
        if isinstance(exc, Forbidden):
            raise
        session.rollback()
        fresh = service.load(session=session, principal=principal,
                             request_id=loaded.request.id)
        return _render_request(request, session, principal, fresh,
                               settings.supply_response_days, answer_values=values,
                               errors=field_errors(exc), status_code=422)
    return templating.redirect(f"/supply/requests/{loaded.request.id}",
                               flash="Your answer was recorded.", request=request)


SETTLE_PAGES = {
    RequestStatus.FULFILLED: ("Mark {ref} fulfilled?", "The suppliers delivered what was asked. "
                              "The request leaves the open register.", "check2-circle",
                              "btn-success", "Mark fulfilled"),
    RequestStatus.CLOSED: ("Close {ref}?", "Closing ends the request without delivery; the "
                           "suppliers are told, with your reason.", "x-octagon", "btn-danger",
                           "Close request"),
    RequestStatus.WITHDRAWN: ("Withdraw {ref}?", "Withdrawing tells the suppliers the request "
                              "no longer stands, with your reason.", "arrow-counterclockwise",
                              "btn-danger", "Withdraw request"),
}


def _settle_target(value: str) -> RequestStatus:
    target = RequestStatus(value) if value in RequestStatus._value2member_map_ else None
    if target is None or target not in SETTLE_PAGES:
        raise DomainError("Choose fulfilled, closed or withdrawn", status=404)
    return target


def _render_settle(
    request: Request, loaded: Loaded, target: RequestStatus, *, reason: str = "",
    errors: dict[str, str] | None = None, status_code: int = 200,
) -> HTMLResponse:
    heading, body, icon, button, label = SETTLE_PAGES[target]
    return templating.render(request, "supply/sos/settle.html", {
        **common(), "req": loaded.request, "target": target.value,
        "heading": heading.format(ref=loaded.request.reference), "body": body, "icon": icon,
        "button": button, "label": label, "reason": reason, "errors": errors or {},
        "needs_reason": target is not RequestStatus.FULFILLED,
    }, status_code=status_code)


def _check_settle(loaded: Loaded, target: RequestStatus) -> None:
    allowed = loaded.rights.withdraw if target is RequestStatus.WITHDRAWN else loaded.rights.manage
    if not allowed:
        raise Forbidden("You may not change this request's status")


@router.get("/supply/requests/{request_id}/status/{target}")
def settle_confirm(
    request: Request, principal: SignedIn, loaded: RequestById, target: str
) -> HTMLResponse:
    """Ask for confirmation (and a reason) before fulfilling, closing or withdrawing."""
    status = _settle_target(target)
    _check_settle(loaded, status)
    return _render_settle(request, loaded, status)


@router.post("/supply/requests/{request_id}/status/{target}")
def settle(
    request: Request,
    principal: SignedIn,
    loaded: RequestById,
    session: SessionDep,
    form: FormDep,
    target: str,
) -> Response:
    """Fulfil, close or withdraw the request."""
    status = _settle_target(target)
    reason = form_text(form, "reason")
    try:
        service.change_status(session=session, principal=principal, loaded=loaded,
                              status_in=StatusIn(status=status, reason=reason))
    except (ValidationError, DomainError) as exc:
        if isinstance(exc, Forbidden):
            raise
        session.rollback()
        return _render_settle(request, loaded, status, reason=reason, errors=field_errors(exc),
                              status_code=422)
    return templating.redirect(
        f"/supply/requests/{loaded.request.id}",
        flash=f"{loaded.request.reference} is now {STATUS_LABELS[status].lower()}.",
        request=request,
    )

