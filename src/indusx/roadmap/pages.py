"""Web pages of the roadmap: areas with progress, an initiative's milestones, officers' edits."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from indusx import templating
from indusx.accounts.permissions import Principal
from indusx.challenges import access as challenge_access
from indusx.challenges.models import Challenge
from indusx.deps import Officer, SessionDep, SignedIn
from indusx.errors import DomainError
from indusx.forms import FormDep, field_errors, form_text
from indusx.orgs import service as org_service
from indusx.partnerships.models import Partnership
from indusx.roadmap import access, reads, service
from indusx.roadmap.models import (
    INITIATIVE_STATUS_LABELS,
    MILESTONE_STATUS_LABELS,
    Initiative,
    InitiativeStatus,
    Milestone,
)
from indusx.roadmap.progress import percent
from indusx.roadmap.schemas import (
    LINK_KIND_LABELS,
    InitiativeCreate,
    InitiativeRead,
    InitiativeUpdate,
)

router = APIRouter(include_in_schema=False)

INITIATIVE_LABELS = {
    "title": "Title",
    "focus_area": "Focus area",
    "lead_agency": "Lead agency",
    "status": "Status",
    "starts_on": "Start date",
    "target_on": "Target date",
    "summary": "Summary",
    "is_public": "Visibility",
}
MILESTONE_LABELS = {
    "title": "Title",
    "owner_email": "Owner (platform user)",
    "owner_label": "Owner (organisation or office)",
    "due_on": "Due date",
    "status": "Status",
    "completed_on": "Completed on",
    "evidence": "Evidence links",
    "notes": "Notes",
}


def common() -> dict[str, Any]:
    """Return the labels every roadmap page uses."""
    return {
        "initiative_labels": {s.value: label for s, label in INITIATIVE_STATUS_LABELS.items()},
        "milestone_labels": {s.value: label for s, label in MILESTONE_STATUS_LABELS.items()},
        "link_kind_labels": {k.value: label for k, label in LINK_KIND_LABELS.items()},
        "percent": percent,
    }


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


# --- the roadmap -------------------------------------------------------------------------------


@router.get("/roadmap")
def roadmap_page(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    area: Annotated[str, Query(max_length=64)] = "",
    status: Annotated[list[str], Query()] = [],  # noqa: B006
    overdue: Annotated[str, Query(max_length=5)] = "",
) -> HTMLResponse:
    """Show focus areas with progress and their initiatives; HTMX requests get just the list."""
    known = InitiativeStatus._value2member_map_
    statuses = tuple(InitiativeStatus(s) for s in status if s in known)
    flt = reads.RoadmapFilter(area=area, status=statuses, overdue=overdue in ("1", "on", "true"))
    on = service.today()
    data = reads.roadmap(session=session, principal=principal, flt=flt, on=on)
    shown = [i for a in data.areas for i in a.initiatives]
    context = {
        **common(),
        "data": data,
        "shown": len(shown),
        "overdue_total": sum(i.overdue for i in shown),
        "areas": org_service.list_focus_areas(session=session),
        "chosen_area": area,
        "chosen_status": [s.value for s in statuses],
        "overdue_only": flt.overdue,
        "filtered": bool(area or statuses or flt.overdue),
        "can_edit": access.can_edit(principal),
    }
    name = "roadmap/_areas.html" if templating.wants_partial(request) else "roadmap/index.html"
    return templating.render(request, name, context)


def _link_options(session: Session, principal: Principal) -> dict[str, list[tuple[int, str]]]:
    challenges = session.execute(
        select(Challenge.id, Challenge.title)
        .where(challenge_access.visible_challenges(principal))
        .order_by(Challenge.title)
    ).all()
    partnerships = session.execute(
        select(Partnership.id, Partnership.title).order_by(Partnership.title)
    ).all()
    return {
        "challenges": [(c.id, c.title) for c in challenges],
        "partnerships": [(p.id, p.title) for p in partnerships],
    }


def _timeline(item: InitiativeRead, on: date) -> dict[str, Any]:
    return {
        "today": on.isoformat(),
        "starts_on": item.starts_on.isoformat() if item.starts_on else None,
        "target_on": item.target_on.isoformat() if item.target_on else None,
        "milestones": [
            {
                "title": m.title,
                "due_on": m.due_on.isoformat(),
                "completed_on": m.completed_on.isoformat() if m.completed_on else None,
                "status": "overdue" if m.overdue else m.status.value,
                "label": "Overdue" if m.overdue else MILESTONE_STATUS_LABELS[m.status],
            }
            for m in item.milestones
        ],
    }


def render_initiative(
    request: Request,
    session: Session,
    principal: Principal,
    initiative: Initiative,
    *,
    link_errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render an initiative's page (with link-form errors when a link was refused)."""
    on = service.today()
    links = reads.links_of(session=session, initiative_id=initiative.id, principal=principal)
    item = reads.initiative_read(initiative, on, links)
    can_edit = access.can_edit(principal)
    return templating.render(
        request,
        "roadmap/initiative.html",
        {
            **common(),
            "item": item,
            "can_edit": can_edit,
            "timeline": _timeline(item, on),
            "link_options": _link_options(session, principal) if can_edit else {},
            "link_errors": link_errors or {},
            "status_options": [(s.value, lbl) for s, lbl in MILESTONE_STATUS_LABELS.items()],
        },
        status_code=status_code,
    )


# --- initiatives: add, edit, delete (officers) --------------------------------------------------


def _initiative_form_values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {name: form_text(form, name) for name in INITIATIVE_LABELS}
    values["is_public"] = form_text(form, "is_public") in ("1", "on", "true")
    return values


def _initiative_values(initiative: Initiative) -> dict[str, Any]:
    return {
        "title": initiative.title,
        "focus_area": initiative.focus_area.slug,
        "lead_agency": initiative.lead_agency,
        "status": initiative.status.value,
        "starts_on": initiative.starts_on.isoformat() if initiative.starts_on else "",
        "target_on": initiative.target_on.isoformat() if initiative.target_on else "",
        "summary": initiative.summary,
        "is_public": initiative.is_public,
    }


def _initiative_payload(values: dict[str, Any]) -> dict[str, Any]:
    return {**values, "starts_on": values["starts_on"] or None,
            "target_on": values["target_on"] or None}


def _render_initiative_form(
    request: Request,
    session: Session,
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    initiative: Initiative | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return templating.render(
        request,
        "roadmap/initiative_form.html",
        {
            **common(),
            "values": values,
            "errors": errors or {},
            "initiative": initiative,
            "error_labels": INITIATIVE_LABELS,
            "area_options": [
                (a.slug, a.name) for a in org_service.list_focus_areas(session=session)
            ],
            "status_options": [(s.value, lbl) for s, lbl in INITIATIVE_STATUS_LABELS.items()],
        },
        status_code=status_code,
    )


# Before /roadmap/initiatives/{initiative_id}, which would take "new" for an id.
@router.get("/roadmap/initiatives/new")
def new_initiative_form(
    request: Request,
    principal: Officer,
    session: SessionDep,
    area: Annotated[str, Query(max_length=64)] = "",
) -> HTMLResponse:
    """Show the form for adding an initiative (officers)."""
    values: dict[str, Any] = dict.fromkeys(INITIATIVE_LABELS, "")
    values.update(focus_area=area, status=InitiativeStatus.ACTIVE.value, is_public=True)
    return _render_initiative_form(request, session, values=values)


@router.post("/roadmap/initiatives/new")
def create_initiative(
    request: Request, principal: Officer, session: SessionDep, form: FormDep
) -> Response:
    """Add an initiative (officers)."""
    values = _initiative_form_values(form)
    try:
        initiative_in = InitiativeCreate.model_validate(_initiative_payload(values))
        initiative = service.create_initiative(
            session=session, initiative_in=initiative_in, actor=principal.actor
        )
    except (ValidationError, DomainError) as exc:
        session.rollback()
        return _render_initiative_form(
            request, session, values=values, errors=field_errors(exc), status_code=422
        )
    return templating.redirect(
        f"/roadmap/initiatives/{initiative.id}",
        flash=f"Initiative '{initiative.title}' added.",
        request=request,
    )


@router.get("/roadmap/initiatives/{initiative_id}")
def initiative_page(
    request: Request, principal: SignedIn, initiative: InitiativeById, session: SessionDep
) -> HTMLResponse:
    """Show an initiative: milestones with status, owner and evidence, and what it links to."""
    return render_initiative(request, session, principal, initiative)


@router.get("/roadmap/initiatives/{initiative_id}/edit")
def edit_initiative_form(
    request: Request, principal: Officer, initiative: InitiativeById, session: SessionDep
) -> HTMLResponse:
    """Show the form for changing an initiative (officers)."""
    return _render_initiative_form(
        request, session, values=_initiative_values(initiative), initiative=initiative
    )


@router.post("/roadmap/initiatives/{initiative_id}/edit")
def update_initiative(
    request: Request,
    principal: Officer,
    initiative: InitiativeById,
    session: SessionDep,
    form: FormDep,
) -> Response:
    """Save every field of the form (officers)."""
    values = _initiative_form_values(form)
    try:
        full = InitiativeCreate.model_validate(_initiative_payload(values))
        service.update_initiative(
            session=session,
            initiative=initiative,
            initiative_in=InitiativeUpdate(**full.model_dump()),
            actor=principal.actor,
        )
    except (ValidationError, DomainError) as exc:
        session.rollback()
        return _render_initiative_form(
            request, session, values=values, errors=field_errors(exc), initiative=initiative,
            status_code=422,
        )
    return templating.redirect(
        f"/roadmap/initiatives/{initiative.id}", flash="Changes saved.", request=request
    )


@router.get("/roadmap/initiatives/{initiative_id}/delete")
def delete_initiative_confirm(
    request: Request, principal: Officer, initiative: InitiativeById
) -> HTMLResponse:
    """Ask for confirmation before deleting an initiative (officers)."""
    n = len(initiative.milestones)
    return templating.render(
        request,
        "confirm.html",
        {
            "heading": f"Delete the initiative '{initiative.title}'?",
            "body": f"Its {n} milestone{'' if n == 1 else 's'} and its links to organisations, "
            "challenges and partnerships go with it. The audit log keeps a record. This cannot "
            "be undone.",
            "action": f"/roadmap/initiatives/{initiative.id}/delete",
            "confirm_label": "Delete initiative",
            "cancel_url": f"/roadmap/initiatives/{initiative.id}",
        },
    )


@router.post("/roadmap/initiatives/{initiative_id}/delete")
def delete_initiative(
    request: Request, principal: Officer, initiative: InitiativeById, session: SessionDep
) -> Response:
    """Delete an initiative (officers)."""
    title = initiative.title
    service.delete_initiative(session=session, initiative=initiative, actor=principal.actor)
    return templating.redirect(
        "/roadmap", flash=f"Initiative '{title}' was deleted.", request=request
    )
