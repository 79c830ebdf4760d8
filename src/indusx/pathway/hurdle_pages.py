"""Web pages of the hurdle register: list with filters, report, and officers' edits."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from indusx import templating
from indusx.deps import Officer, SessionDep, SignedIn
from indusx.errors import DomainError
from indusx.forms import FormDep, field_errors, form_text
from indusx.orgs import service as org_service
from indusx.pathway import hurdles as hurdle_service
from indusx.pathway import service
from indusx.pathway.hurdles import SORT_LABELS, HurdleFilter, HurdleSort
from indusx.pathway.models import HURDLE_STATUS_LABELS, Hurdle, HurdleStatus
from indusx.pathway.pages import common
from indusx.pathway.schemas import HurdleCreate, HurdleUpdate

router = APIRouter(include_in_schema=False)
HURDLE_PAGE_SIZES = (10, 20, 50)
HURDLE_FIELD_LABELS = {
    "key": "Key",
    "title": "Title",
    "regulation": "Regulation",
    "description": "Description",
    "focus_areas": "Focus areas",
    "owner": "Owner",
    "status": "Status",
    "remedy": "Proposed remedy",
}


# --- the hurdle register ----------------------------------------------------------------------


def load_hurdle(hurdle_id: int, session: SessionDep) -> Hurdle:
    """Return the hurdle named in the path, or 404."""
    return hurdle_service.get_hurdle(session=session, hurdle_id=hurdle_id)


HurdleById = Annotated[Hurdle, Depends(load_hurdle)]


@router.get("/pathway/hurdles")
def hurdles(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    q: Annotated[str, Query(max_length=200)] = "",
    status: Annotated[list[str], Query()] = [],  # noqa: B006
    area: Annotated[list[str], Query()] = [],  # noqa: B006
    sort: Annotated[str, Query(max_length=20)] = HurdleSort.STATUS.value,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> HTMLResponse:
    """Browse the hurdle register; HTMX requests get just the table."""
    statuses = tuple(HurdleStatus(s) for s in status if s in HurdleStatus._value2member_map_)
    chosen_sort = HurdleSort(sort) if sort in HurdleSort._value2member_map_ else HurdleSort.STATUS
    flt = HurdleFilter(q=q, status=statuses, area=tuple(area), sort=chosen_sort)
    rows, total = hurdle_service.list_hurdles(
        session=session, flt=flt, page=page, page_size=page_size
    )
    linked = hurdle_service.assessment_ids(session=session, hurdle_ids=[h.id for h in rows])
    first = (page - 1) * page_size + 1
    context = {
        **common(),
        "rows": [(h, linked[h.id]) for h in rows],
        "total": total,
        "page": page,
        "page_size": page_size,
        "page_sizes": HURDLE_PAGE_SIZES,
        "pages": max(1, -(-total // page_size)),
        "first": first,
        "last": min(first + len(rows) - 1, total),
        "q": q,
        "chosen_status": [s.value for s in statuses],
        "chosen_area": list(area),
        "sort": chosen_sort.value,
        "sort_labels": {s.value: lbl for s, lbl in SORT_LABELS.items()},
        "areas": org_service.list_focus_areas(session=session),
        "can_edit": principal.is_officer,
    }
    partial = templating.wants_partial(request)
    name = "pathway/_hurdles_table.html" if partial else "pathway/hurdles.html"
    return templating.render(request, name, context)


@router.get("/pathway/hurdles/report")
def hurdle_report(request: Request, principal: SignedIn, session: SessionDep) -> HTMLResponse:
    """Show hurdles counted by focus area and status."""
    return templating.render(
        request,
        "pathway/hurdle_report.html",
        {
            **common(),
            "report": hurdle_service.report(session=session),
            "statuses": list(HurdleStatus),
        },
    )


def _hurdle_form_values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {name: form_text(form, name) for name in HURDLE_FIELD_LABELS}
    values["focus_areas"] = [v for v in form.getlist("focus_areas") if isinstance(v, str)]
    return values


def _hurdle_values(hurdle: Hurdle) -> dict[str, Any]:
    values: dict[str, Any] = {
        name: getattr(hurdle, name) or "" for name in HURDLE_FIELD_LABELS if name != "focus_areas"
    }
    values["status"] = hurdle.status.value
    values["focus_areas"] = [a.slug for a in hurdle.focus_areas]
    return values


def _render_hurdle_form(
    request: Request,
    session: SessionDep,
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    hurdle: Hurdle | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return templating.render(
        request,
        "pathway/hurdle_form.html",
        {
            **common(),
            "values": values,
            "errors": errors or {},
            "hurdle": hurdle,
            "error_labels": HURDLE_FIELD_LABELS,
            "area_options": [
                (a.slug, a.name) for a in org_service.list_focus_areas(session=session)
            ],
            "status_options": [(s.value, label) for s, label in HURDLE_STATUS_LABELS.items()],
        },
        status_code=status_code,
    )


@router.get("/pathway/hurdles/new")
def new_hurdle_form(request: Request, principal: Officer, session: SessionDep) -> HTMLResponse:
    """Show the form for adding a hurdle (officers)."""
    values: dict[str, Any] = dict.fromkeys(HURDLE_FIELD_LABELS, "")
    values.update(focus_areas=[], status=HurdleStatus.OPEN.value)
    return _render_hurdle_form(request, session, values=values)


@router.post("/pathway/hurdles/new")
def create_hurdle(
    request: Request, principal: Officer, session: SessionDep, form: FormDep
) -> Response:
    """Add a hurdle to the register (officers)."""
    values = _hurdle_form_values(form)
    try:
        hurdle_in = HurdleCreate.model_validate({**values, "key": values["key"] or None})
        hurdle = hurdle_service.create_hurdle(
            session=session, hurdle_in=hurdle_in, actor=principal.actor
        )
    except (ValidationError, DomainError) as exc:
        session.rollback()
        return _render_hurdle_form(
            request, session, values=values, errors=field_errors(exc), status_code=422
        )
    return templating.redirect(
        f"/pathway/hurdles/{hurdle.id}", flash=f"Hurdle '{hurdle.title}' added.", request=request
    )


@router.get("/pathway/hurdles/{hurdle_id}")
def hurdle_detail(
    request: Request, principal: SignedIn, hurdle: HurdleById, session: SessionDep
) -> HTMLResponse:
    """Show a hurdle with the saved assessments that hit it."""
    ids = hurdle_service.assessment_ids(session=session, hurdle_ids=[hurdle.id])[hurdle.id]
    linked = service.hurdle_assessments(session=session, principal=principal, hurdle_id=hurdle.id)
    return templating.render(
        request,
        "pathway/hurdle.html",
        {
            **common(),
            "hurdle": hurdle,
            "linked": linked,
            "linked_total": len(ids),
            "can_edit": principal.is_officer,
        },
    )


@router.get("/pathway/hurdles/{hurdle_id}/edit")
def edit_hurdle_form(
    request: Request, principal: Officer, hurdle: HurdleById, session: SessionDep
) -> HTMLResponse:
    """Show the form for changing a hurdle (officers)."""
    return _render_hurdle_form(request, session, values=_hurdle_values(hurdle), hurdle=hurdle)


@router.post("/pathway/hurdles/{hurdle_id}/edit")
def update_hurdle(
    request: Request,
    principal: Officer,
    hurdle: HurdleById,
    session: SessionDep,
    form: FormDep,
) -> Response:
    """Save every field of the form (officers)."""
    values = _hurdle_form_values(form)
    try:
        full = HurdleCreate.model_validate({**values, "key": values["key"] or None})
        hurdle_service.update_hurdle(
            session=session,
            hurdle=hurdle,
            hurdle_in=HurdleUpdate(**full.model_dump()),
            actor=principal.actor,
        )
    except (ValidationError, DomainError) as exc:
        session.rollback()
        return _render_hurdle_form(
            request,
            session,
            values=values,
            errors=field_errors(exc),
            hurdle=hurdle,
            status_code=422,
        )
    return templating.redirect(
        f"/pathway/hurdles/{hurdle.id}", flash="Changes saved.", request=request
    )


@router.get("/pathway/hurdles/{hurdle_id}/delete")
def delete_hurdle_confirm(request: Request, principal: Officer, hurdle: HurdleById) -> HTMLResponse:
    """Ask for confirmation before deleting a hurdle (officers)."""
    return templating.render(
        request,
        "confirm.html",
        {
            "heading": f"Delete the hurdle '{hurdle.title}'?",
            "body": "It leaves the register and the assessments that hit it no longer link to it. "
            "The audit log keeps a record. This cannot be undone.",
            "action": f"/pathway/hurdles/{hurdle.id}/delete",
            "confirm_label": "Delete hurdle",
            "cancel_url": f"/pathway/hurdles/{hurdle.id}",
        },
    )


@router.post("/pathway/hurdles/{hurdle_id}/delete")
def delete_hurdle(
    request: Request, principal: Officer, hurdle: HurdleById, session: SessionDep
) -> Response:
    """Delete a hurdle (officers)."""
    title = hurdle.title
    hurdle_service.delete_hurdle(session=session, hurdle=hurdle, actor=principal.actor)
    return templating.redirect(
        "/pathway/hurdles", flash=f"Hurdle '{title}' was deleted.", request=request
    )
