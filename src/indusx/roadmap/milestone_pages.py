"""Web pages for officers' work on milestones and links: forms, inline status, deletion."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from indusx import templating
from indusx.accounts import service as account_service
from indusx.deps import Officer, SessionDep
from indusx.errors import DomainError, Invalid
from indusx.forms import FormDep, field_errors, form_text
from indusx.orgs import service as org_service
from indusx.roadmap import reads, service
from indusx.roadmap.models import MILESTONE_STATUS_LABELS, Initiative, Milestone, MilestoneStatus
from indusx.roadmap.pages import (
    MILESTONE_LABELS,
    InitiativeById,
    MilestoneById,
    common,
    render_initiative,
)
from indusx.roadmap.schemas import LINK_KIND_LABELS, LinkKind, MilestoneCreate, MilestoneUpdate

router = APIRouter(include_in_schema=False)


# --- milestones: add, edit, change status, delete (officers) ------------------------------------


def _milestone_form_values(form: FormData) -> dict[str, Any]:
    return {name: form_text(form, name) for name in MILESTONE_LABELS}


def _milestone_values(milestone: Milestone) -> dict[str, Any]:
    return {
        "title": milestone.title,
        "owner_email": milestone.owner.email if milestone.owner else "",
        "owner_label": milestone.owner_label,
        "due_on": milestone.due_on.isoformat(),
        "status": milestone.status.value,
        "completed_on": milestone.completed_on.isoformat() if milestone.completed_on else "",
        "evidence": "\n".join(
            f"{e.get('label')} | {e['url']}" if e.get("label") else e["url"]
            for e in milestone.evidence or []
        ),
        "notes": milestone.notes,
    }


def _evidence(text: str) -> list[dict[str, str]]:
    """Parse the evidence box: one link a line, `label | URL` or just the URL."""
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        label, sep, url = line.rpartition("|")
        out.append({"label": label.strip(), "url": url.strip()} if sep
                   else {"label": "", "url": line.strip()})
    return out


def _milestone_in(session: Session, values: dict[str, Any]) -> MilestoneCreate:
    """Return the validated milestone of a form, or raise Invalid naming every bad field."""
    errors: list[dict[str, str]] = []
    owner_id = None
    if values["owner_email"]:
        owner = account_service.find_user_by_email(session=session, email=values["owner_email"])
        if owner is None or not owner.is_active:
            errors.append({"field": "owner_email",
                           "message": "no active platform user has this e-mail address"})
        else:
            owner_id = owner.id
    payload = {k: v for k, v in values.items() if k != "owner_email"}
    payload.update(
        owner_id=owner_id,
        completed_on=values["completed_on"] or None,
        due_on=values["due_on"] or None,
        evidence=_evidence(values["evidence"]),
    )
    try:
        milestone_in = MilestoneCreate.model_validate(payload)
    except ValidationError as exc:
        errors += [{"field": k, "message": v} for k, v in _milestone_errors(exc).items()]
    if errors:
        raise Invalid("; ".join(e["message"] for e in errors), errors=errors)
    return milestone_in


def _milestone_errors(exc: ValidationError | DomainError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for key, message in field_errors(exc).items():
        if key.startswith("evidence-"):
            parts = key.split("-")
            line = int(parts[1]) + 1 if len(parts) > 1 and parts[1].isdigit() else None
            errors.setdefault("evidence", f"Line {line}: {message}" if line else message)
        elif key == "owner_id":
            errors["owner_email"] = message
        else:
            errors[key] = message
    return errors


def _render_milestone_form(
    request: Request,
    *,
    initiative: Initiative,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    milestone: Milestone | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return templating.render(
        request,
        "roadmap/milestone_form.html",
        {
            **common(),
            "values": values,
            "errors": errors or {},
            "initiative": initiative,
            "milestone": milestone,
            "error_labels": MILESTONE_LABELS,
            "status_options": [(s.value, lbl) for s, lbl in MILESTONE_STATUS_LABELS.items()],
        },
        status_code=status_code,
    )


@router.get("/roadmap/initiatives/{initiative_id}/milestones/new")
def new_milestone_form(
    request: Request, principal: Officer, initiative: InitiativeById
) -> HTMLResponse:
    """Show the form for adding a milestone (officers)."""
    values: dict[str, Any] = dict.fromkeys(MILESTONE_LABELS, "")
    values["status"] = MilestoneStatus.PLANNED.value
    return _render_milestone_form(request, initiative=initiative, values=values)


@router.post("/roadmap/initiatives/{initiative_id}/milestones/new")
def create_milestone(
    request: Request,
    principal: Officer,
    initiative: InitiativeById,
    session: SessionDep,
    form: FormDep,
) -> Response:
    """Add a milestone (officers)."""
    values = _milestone_form_values(form)
    try:
        milestone_in = _milestone_in(session, values)
        milestone = service.add_milestone(
            session=session, initiative=initiative, milestone_in=milestone_in,
            actor=principal.actor,
        )
    except (ValidationError, DomainError) as exc:
        session.rollback()
        return _render_milestone_form(
            request, initiative=initiative, values=values, errors=_milestone_errors(exc),
            status_code=422,
        )
    return templating.redirect(
        f"/roadmap/initiatives/{initiative.id}#milestone-{milestone.id}",
        flash=f"Milestone '{milestone.title}' added.",
        request=request,
    )


@router.get("/roadmap/milestones/{milestone_id}/edit")
def edit_milestone_form(
    request: Request, principal: Officer, milestone: MilestoneById
) -> HTMLResponse:
    """Show the form for changing a milestone (officers)."""
    return _render_milestone_form(
        request, initiative=milestone.initiative, values=_milestone_values(milestone),
        milestone=milestone,
    )


@router.post("/roadmap/milestones/{milestone_id}/edit")
def update_milestone(
    request: Request,
    principal: Officer,
    milestone: MilestoneById,
    session: SessionDep,
    form: FormDep,
) -> Response:
    """Save every field of the form (officers)."""
    values = _milestone_form_values(form)
    initiative = milestone.initiative
    try:
        full = _milestone_in(session, values)
        service.update_milestone(
            session=session, milestone=milestone,
            milestone_in=MilestoneUpdate(**full.model_dump()), actor=principal.actor,
        )
    except (ValidationError, DomainError) as exc:
        session.rollback()
        return _render_milestone_form(
            request, initiative=initiative, values=values, errors=_milestone_errors(exc),
            milestone=milestone, status_code=422,
        )
    return templating.redirect(
        f"/roadmap/initiatives/{initiative.id}#milestone-{milestone.id}",
        flash="Changes saved.",
        request=request,
    )


@router.post("/roadmap/milestones/{milestone_id}/status")
def change_milestone_status(
    request: Request,
    principal: Officer,
    milestone: MilestoneById,
    session: SessionDep,
    form: FormDep,
) -> Response:
    """Change a milestone's status from the table (officers); HTMX gets the row back."""
    raw = form_text(form, "status")
    if raw not in MilestoneStatus._value2member_map_:
        raise Invalid.field("status", "choose one of the statuses")
    service.update_milestone(
        session=session, milestone=milestone,
        milestone_in=MilestoneUpdate(status=MilestoneStatus(raw)), actor=principal.actor,
    )
    initiative_id = milestone.initiative_id
    if not templating.wants_partial(request):
        return templating.redirect(
            f"/roadmap/initiatives/{initiative_id}#milestone-{milestone.id}",
            flash="Status changed.", request=request,
        )
    session.expire_all()
    loaded = service.get_milestone(session=session, milestone_id=milestone.id)
    return templating.render(
        request,
        "roadmap/_milestone_row.html",
        {
            **common(),
            "m": reads.milestone_read(loaded, service.today()),
            "can_edit": True,
            "status_options": [(s.value, lbl) for s, lbl in MILESTONE_STATUS_LABELS.items()],
        },
    )


@router.get("/roadmap/milestones/{milestone_id}/delete")
def delete_milestone_confirm(
    request: Request, principal: Officer, milestone: MilestoneById
) -> HTMLResponse:
    """Ask for confirmation before deleting a milestone (officers)."""
    initiative_id = milestone.initiative_id
    return templating.render(
        request,
        "confirm.html",
        {
            "heading": f"Delete the milestone '{milestone.title}'?",
            "body": "It leaves the initiative and no longer counts towards its progress. The "
            "audit log keeps a record. This cannot be undone.",
            "action": f"/roadmap/milestones/{milestone.id}/delete",
            "confirm_label": "Delete milestone",
            "cancel_url": f"/roadmap/initiatives/{initiative_id}",
        },
    )


@router.post("/roadmap/milestones/{milestone_id}/delete")
def delete_milestone(
    request: Request, principal: Officer, milestone: MilestoneById, session: SessionDep
) -> Response:
    """Delete a milestone (officers)."""
    initiative_id, title = milestone.initiative_id, milestone.title
    service.delete_milestone(session=session, milestone=milestone, actor=principal.actor)
    return templating.redirect(
        f"/roadmap/initiatives/{initiative_id}",
        flash=f"Milestone '{title}' was deleted.",
        request=request,
    )


# --- links (officers) -------------------------------------------------------------------------


def _link_target(session: Session, kind: LinkKind, ref: str) -> int:
    if not ref:
        raise Invalid.field("ref", f"choose the {LINK_KIND_LABELS[kind].lower()} to link")
    if ref.isdigit():
        return int(ref)
    if kind is LinkKind.ORG:
        return org_service.get_org_by_slug(session=session, slug=ref.rstrip("/").split("/")[-1]).id
    raise Invalid.field("ref", "choose one from the list")


@router.post("/roadmap/initiatives/{initiative_id}/links")
def add_link(
    request: Request,
    principal: Officer,
    initiative: InitiativeById,
    session: SessionDep,
    form: FormDep,
) -> Response:
    """Link an organisation, challenge or partnership (officers)."""
    raw_kind = form_text(form, "kind")
    kind = LinkKind(raw_kind) if raw_kind in LinkKind._value2member_map_ else LinkKind.ORG
    try:
        target = _link_target(session, kind, form_text(form, f"ref_{kind.value}"))
        added = service.add_link(
            session=session, initiative=initiative, kind=kind, target_id=target,
            actor=principal.actor,
        )
    except DomainError as exc:
        session.rollback()
        message = exc.errors[0]["message"] if exc.errors else exc.message
        return render_initiative(
            request, session, principal, initiative,
            link_errors={f"ref_{kind.value}": message[:1].upper() + message[1:]},
            status_code=422,
        )
    flash = f"{LINK_KIND_LABELS[kind]} linked." if added else "That link was already there."
    return templating.redirect(
        f"/roadmap/initiatives/{initiative.id}#links", flash=flash, request=request
    )


@router.post("/roadmap/initiatives/{initiative_id}/links/{kind}/{target_id}/remove")
def remove_link(
    request: Request,
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
    return templating.redirect(
        f"/roadmap/initiatives/{initiative.id}#links",
        flash=f"{LINK_KIND_LABELS[kind]} unlinked.",
        request=request,
    )
