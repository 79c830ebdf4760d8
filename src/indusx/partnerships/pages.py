"""Web pages of the partnership pipeline: the list, a new partnership, and one partnership."""

from datetime import date
from math import ceil
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from indusx import templating
from indusx.accounts.permissions import Principal
from indusx.deps import SessionDep, SignedIn
from indusx.errors import Conflict, DomainError, Invalid, NotFound
from indusx.forms import FormDep, field_errors, form_text
from indusx.orgs.models import FocusArea, Organisation
from indusx.partnerships import access, comments, gates, parties, service, tasks, timeline
from indusx.partnerships.models import STAGE_ORDER, Partnership, PartnershipType, Stage
from indusx.partnerships.schemas import PartnershipCreate
from indusx.pathway.engine.evaluate import VERDICT_LABELS

router = APIRouter()
PAGE_SIZE = 20
SORT_LABELS = {"updated": "Recently updated", "created": "Newest", "title": "Title",
               "value": "Value", "stage": "Longest in stage"}
SCREENING_BADGES = {"clear": "success", "review": "warning", "confirmed": "danger",
                    "not screened": "secondary"}


def _common() -> dict[str, Any]:
    return {
        "stage_labels": {s.value: label for s, label in service.STAGE_LABELS.items()},
        "type_labels": {t.value: label for t, label in service.TYPE_LABELS.items()},
        "stage_order": [s.value for s in STAGE_ORDER],
        "gated_from": gates.GATED_FROM.value,
        "screening_badges": SCREENING_BADGES,
        "verdict_labels": {v.value: label for v, label in VERDICT_LABELS.items()},
    }


def _areas(session: Session) -> list[FocusArea]:
    return list(session.scalars(select(FocusArea).order_by(FocusArea.name)))


def _enum_or_none(cls: Any, value: str) -> Any:
    try:
        return cls(value) if value else None
    except ValueError:
        return None


@router.get("/partnerships")
def partnerships(
    request: Request, principal: SignedIn, session: SessionDep,
    stage: str = "", type: str = "", focus_area: str = "", q: str = "", sort: str = "updated",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """Show the pipeline: the partnerships the caller may see, by stage, filtered."""
    stage_f = _enum_or_none(Stage, stage)
    type_f = _enum_or_none(PartnershipType, type)
    area_id = int(focus_area) if focus_area.isdigit() else None
    rows, total = service.list_partnerships(
        session=session, principal=principal, stage=stage_f, type_=type_f,
        focus_area_id=area_id, q=q, sort=sort if sort in SORT_LABELS else "updated",
        page=page, page_size=PAGE_SIZE)
    counts = dict(session.execute(select(Partnership.stage, func.count())
                                  .where(access.visible(principal))
                                  .group_by(Partnership.stage)).all())
    params = {"stage": stage, "type": type, "focus_area": focus_area, "q": q, "sort": sort}

    def page_url(n: int) -> str:
        query = "&".join(f"{k}={v}" for k, v in params.items() if v)
        return f"/partnerships?{query}&page={n}" if query else f"/partnerships?page={n}"

    context = {
        **_common(), **params, "rows": rows, "total": total, "page": page,
        "pages": max(1, ceil(total / PAGE_SIZE)), "page_url": page_url,
        "parties": service.parties_by_partnership(session, [p.id for p in rows]),
        "stage_counts": {s.value: n for s, n in counts.items()},
        "areas": _areas(session), "sort_labels": SORT_LABELS,
        "area_names": {a.id: a.name for a in _areas(session)},
    }
    name = "partnerships/_table.html" if templating.wants_partial(request) \
        else "partnerships/list.html"
    return templating.render(request, name, context)


# --- a new partnership ------------------------------------------------------------------------


def _own_orgs(session: Session, principal: Principal) -> list[Organisation]:
    ids = [o for o in principal.org_roles if principal.can_edit_org(o)]
    return list(session.scalars(select(Organisation).where(Organisation.id.in_(ids or [-1]))
                                .order_by(Organisation.name)))


def _render_new(request: Request, session: Session, principal: Principal,
                values: dict[str, str], errors: dict[str, str] | None = None,
                status_code: int = 200) -> HTMLResponse:
    return templating.render(request, "partnerships/new.html", {
        **_common(), "values": values, "errors": errors or {},
        "own_orgs": _own_orgs(session, principal),
        "area_options": [(a.id, a.name) for a in _areas(session)],
    }, status_code=status_code)


@router.get("/partnerships/new")
def new_partnership(request: Request, principal: SignedIn, session: SessionDep) -> HTMLResponse:
    """Show the form for recording a partnership by hand."""
    return _render_new(request, session, principal, {})


def _org_id(session: Session, ref: str, field: str) -> int:
    """Return the directory organisation a form names by slug, id or exact name."""
    org_id = session.scalar(select(Organisation.id).where(or_(
        Organisation.slug == ref.lower(),
        Organisation.id == (int(ref) if ref.isdigit() else -1),
        func.lower(Organisation.name) == ref.lower())))
    if org_id is None:
        raise Invalid.field(field, f"No organisation '{ref}' in the directory")
    return org_id


def _org_ids(session: Session, lead: str, partners: str) -> list[int]:
    refs = [lead, *(r.strip() for r in partners.replace(",", "\n").splitlines())]
    return [_org_id(session, ref, "partners") for ref in refs if ref]


@router.post("/partnerships/new")
def create_partnership(request: Request, principal: SignedIn, session: SessionDep,
                       form: FormDep) -> Response:
    """Record a partnership; show the form again with what is wrong."""
    names = ("title", "summary", "type", "lead", "partners", "items", "value_usd", "focus_area")
    values = {n: form_text(form, n) for n in names}
    try:
        body = PartnershipCreate.model_validate({
            "title": values["title"], "summary": values["summary"], "type": values["type"],
            "org_ids": _org_ids(session, values["lead"], values["partners"]),
            "items": values["items"],
            "value_usd": values["value_usd"].replace(",", "") or None,
            "focus_area_id": values["focus_area"] or None,
        })
        made = service.create(session=session, principal=principal, partnership_in=body)
    except (ValidationError, DomainError) as exc:
        session.rollback()
        errors = field_errors(exc)
        if "org_ids" in errors:
            errors["partners"] = errors.pop("org_ids")
        return _render_new(request, session, principal, values, errors, 422)
    return templating.redirect(service.link(made.id), flash="Partnership recorded.",
                               request=request)


@router.post("/partnerships/from-introduction/{intro_id}")
def from_introduction(intro_id: int, request: Request, principal: SignedIn,
                      session: SessionDep) -> Response:
    """Turn an accepted introduction into a partnership and open it."""
    made = service.from_introduction(session=session, principal=principal, intro_id=intro_id)
    return templating.redirect(service.link(made.id), flash="Partnership recorded.",
                               request=request)


@router.post("/partnerships/from-decision/{decision_id}")
def from_decision(decision_id: int, request: Request, principal: SignedIn,
                  session: SessionDep) -> Response:
    """Turn a challenge award into a partnership and open it."""
    made = service.from_decision(session=session, principal=principal, decision_id=decision_id)
    return templating.redirect(service.link(made.id), flash="Partnership recorded.",
                               request=request)


# --- one partnership --------------------------------------------------------------------------


def _stepper(session: Session, partnership: Partnership) -> list[dict[str, Any]]:
    current = partnership.stage
    reached = (STAGE_ORDER.index(current) if current in STAGE_ORDER
               else STAGE_ORDER.index(service.stopped_from(session, partnership.id)
                                      or Stage.IDENTIFIED))
    return [{"stage": s.value, "label": service.STAGE_LABELS[s], "done": n < reached,
             "current": n == reached, "gated": gates.is_gated(s)}
            for n, s in enumerate(STAGE_ORDER)]


def detail_context(request: Request, session: Session, principal: Principal,
                   partnership: Partnership, page: int = 1) -> dict[str, Any]:
    """Return what the partnership page shows."""
    events, total = timeline.timeline(session=session, partnership_id=partnership.id, page=page)
    party_rows = service.parties(session, partnership.id)
    return {
        **_common(),
        "p": partnership,
        "parties": party_rows,
        "can_change_parties": parties.can_change(session, principal, partnership),
        "last_of_country": {p.org_id for p in party_rows
                            if parties.removal_blocker(party_rows, p.org_id)},
        "can_edit": access.can_edit(session, principal, partnership),
        "can_assign": access.can_assign_officers(principal),
        "moves": [s.value for s in service.allowed_moves(session, partnership)],
        "stopped_from": service.stopped_from(session, partnership.id),
        "stepper": _stepper(session, partnership),
        "gate_missing": gates.missing(service.gate_facts(session, partnership.id)),
        "assessments": service.assessments(session, partnership.id),
        "officers": service.officers(session, partnership.id),
        "comments": comments.list_for(session=session, partnership_id=partnership.id),
        "tasks": tasks.list_for(session=session, partnership_id=partnership.id),
        "events": events, "events_page": page,
        "timeline_url": lambda n: f"/partnerships/{partnership.id}?part=timeline&page={n}",
        "events_pages": max(1, ceil(total / 30)),
        "area": session.get(FocusArea, partnership.focus_area_id)
        if partnership.focus_area_id else None,
        "errors": {},
        "today": date.today(),
    }


def _render_detail(request: Request, session: Session, principal: Principal,
                   partnership: Partnership, *, errors: dict[str, str] | None = None,
                   status_code: int = 200, page: int = 1) -> HTMLResponse:
    context = detail_context(request, session, principal, partnership, page)
    context["errors"] = errors or {}
    return templating.render(request, "partnerships/detail.html", context,
                             status_code=status_code)


@router.get("/partnerships/{partnership_id}")
def partnership_page(
    partnership_id: int, request: Request, principal: SignedIn, session: SessionDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """Show a partnership: stage and gates, parties, timeline, comments, tasks."""
    partnership = access.viewable(session, principal, partnership_id)
    if templating.wants_partial(request) and request.query_params.get("part") == "timeline":
        return templating.render(request, "partnerships/_timeline.html",
                                 detail_context(request, session, principal, partnership, page))
    return _render_detail(request, session, principal, partnership, page=page)


def gate_page(request: Request, exc: service.GateRefused) -> HTMLResponse:
    """Render the page that lists what a refused stage move lacks, with links to fix each."""
    principal = getattr(request.state, "principal", None)
    return templating.render(request, "partnerships/gate.html", {
        **_common(), "exc": exc, "partnership_id": exc.partnership_id,
        "target": service.STAGE_LABELS[exc.target],
        "is_officer": principal is not None and principal.is_officer,
    }, status_code=409)


@router.post("/partnerships/{partnership_id}/stage")
def move_stage(partnership_id: int, request: Request, principal: SignedIn,
               session: SessionDep, form: FormDep) -> Response:
    """Move the partnership to a stage; the gates refuse with a page naming what is missing."""
    target = _enum_or_none(Stage, form_text(form, "stage"))
    if target is None:
        raise Invalid.field("stage", "Choose a stage")
    moved = service.move_stage(session=session, principal=principal,
                               partnership_id=partnership_id, target=target,
                               reason=form_text(form, "reason"))
    return templating.redirect(service.link(moved.id),
                               flash=f"Moved to {service.STAGE_LABELS[moved.stage]}.",
                               request=request)


def _or_show(request: Request, session: Session, principal: Principal, partnership_id: int,
             exc: DomainError | ValidationError, prefix: str) -> HTMLResponse:
    session.rollback()
    partnership = access.viewable(session, principal, partnership_id)
    errors = {f"{prefix}-{k}": v for k, v in field_errors(exc).items()}
    return _render_detail(request, session, principal, partnership, errors=errors,
                          status_code=422)


@router.post("/partnerships/{partnership_id}/comments")
def add_comment(partnership_id: int, request: Request, principal: SignedIn,
                session: SessionDep, form: FormDep) -> Response:
    """Comment on the partnership; refused mentions are shown on the form."""
    try:
        made = comments.add(session=session, principal=principal,
                            partnership_id=partnership_id, body=form_text(form, "body"))
    except (Invalid, ValidationError) as exc:
        return _or_show(request, session, principal, partnership_id, exc, "comment")
    return templating.redirect(f"{service.link(partnership_id)}#comment-{made.id}",
                               flash="Comment added.", request=request)


@router.post("/partnerships/{partnership_id}/comments/{comment_id}/edit")
def edit_comment(partnership_id: int, comment_id: int, request: Request, principal: SignedIn,
                 session: SessionDep, form: FormDep) -> Response:
    """Change one's own comment."""
    try:
        comments.edit(session=session, principal=principal, partnership_id=partnership_id,
                      comment_id=comment_id, body=form_text(form, "body"))
    except Invalid as exc:
        return _or_show(request, session, principal, partnership_id, exc, "comment")
    return templating.redirect(f"{service.link(partnership_id)}#comment-{comment_id}",
                               flash="Comment changed.", request=request)


@router.post("/partnerships/{partnership_id}/comments/{comment_id}/delete")
def delete_comment(partnership_id: int, comment_id: int, request: Request,
                   principal: SignedIn, session: SessionDep) -> Response:
    """Delete one's own comment."""
    comments.delete(session=session, principal=principal, partnership_id=partnership_id,
                    comment_id=comment_id)
    return templating.redirect(service.link(partnership_id), flash="Comment deleted.",
                               request=request)


@router.get("/partnerships/{partnership_id}/mention-options")
def mention_options(partnership_id: int, request: Request, principal: SignedIn,
                    session: SessionDep, body: str = "") -> HTMLResponse:
    """Return <option>s of people who may be mentioned, for the comment box's suggestions."""
    access.viewable(session, principal, partnership_id)
    # The comment box sends all its text: suggest for the word being typed after an @.
    word = body.rsplit(None, 1)[-1] if body.strip() else ""
    last = word[1:] if word.startswith("@") else ""
    found = comments.mention_candidates(session=session, partnership_id=partnership_id,
                                        typed=last)
    return templating.render(request, "partnerships/_mention_options.html", {"found": found})


@router.post("/partnerships/{partnership_id}/tasks")
def add_task(partnership_id: int, request: Request, principal: SignedIn, session: SessionDep,
             form: FormDep) -> Response:
    """Add a task."""
    due = form_text(form, "due_on")
    try:
        try:
            due_on = date.fromisoformat(due) if due else None
        except ValueError:
            raise Invalid.field("due_on", "Enter a date as YYYY-MM-DD") from None
        tasks.create(session=session, principal=principal, partnership_id=partnership_id,
                     title=form_text(form, "title"),
                     assignee_email=form_text(form, "assignee_email") or None, due_on=due_on)
    except Invalid as exc:
        return _or_show(request, session, principal, partnership_id, exc, "task")
    return templating.redirect(f"{service.link(partnership_id)}#tasks", flash="Task added.",
                               request=request)


@router.post("/partnerships/{partnership_id}/tasks/{task_id}/done")
def mark_task(partnership_id: int, task_id: int, request: Request, principal: SignedIn,
              session: SessionDep, form: FormDep) -> Response:
    """Mark a task done, or not done again."""
    tasks.set_done(session=session, principal=principal, partnership_id=partnership_id,
                   task_id=task_id, done=form_text(form, "done") == "yes")
    return templating.redirect(f"{service.link(partnership_id)}#tasks", request=request)


@router.post("/partnerships/{partnership_id}/parties")
def add_party(partnership_id: int, request: Request, principal: SignedIn, session: SessionDep,
              form: FormDep) -> Response:
    """Add a directory organisation as a party; problems are shown beside the field."""
    ref = form_text(form, "org")
    try:
        if not ref:
            raise Invalid.field("org", "Name a directory organisation")
        org = parties.add_party(session=session, principal=principal,
                                partnership_id=partnership_id,
                                org_id=_org_id(session, ref, "org"))
    except (Invalid, Conflict) as exc:
        return _or_show(request, session, principal, partnership_id, exc, "party")
    return templating.redirect(f"{service.link(partnership_id)}#parties",
                               flash=f"{org.name} added as a party.", request=request)


def _render_remove(request: Request, session: Session, principal: Principal,
                   partnership_id: int, org_id: int, *, reason: str = "",
                   errors: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    partnership = access.viewable(session, principal, partnership_id)
    party_rows = service.parties(session, partnership.id)
    party = next((p for p in party_rows if p.org_id == org_id), None)
    if party is None:
        raise NotFound("That organisation is not a party to this partnership")
    return templating.render(request, "partnerships/remove_party.html", {
        **_common(), "p": partnership, "party": party, "reason": reason,
        "blocker": parties.removal_blocker(party_rows, org_id), "errors": errors or {},
        "can_change": parties.can_change(session, principal, partnership),
    }, status_code=status_code)


@router.get("/partnerships/{partnership_id}/parties/{org_id}/remove")
def confirm_remove_party(partnership_id: int, org_id: int, request: Request,
                         principal: SignedIn, session: SessionDep) -> HTMLResponse:
    """Ask for a reason and a confirmation before a party leaves the partnership."""
    return _render_remove(request, session, principal, partnership_id, org_id)


@router.post("/partnerships/{partnership_id}/parties/{org_id}/remove")
def remove_party(partnership_id: int, org_id: int, request: Request, principal: SignedIn,
                 session: SessionDep, form: FormDep) -> Response:
    """Remove the party; a missing reason is shown on the confirmation page."""
    reason = form_text(form, "reason")
    try:
        org = parties.remove_party(session=session, principal=principal,
                                   partnership_id=partnership_id, org_id=org_id, reason=reason)
    except Invalid as exc:
        session.rollback()
        return _render_remove(request, session, principal, partnership_id, org_id,
                              reason=reason, errors=field_errors(exc), status_code=422)
    return templating.redirect(f"{service.link(partnership_id)}#parties",
                               flash=f"{org.name} is no longer a party.", request=request)


@router.post("/partnerships/{partnership_id}/officers")
def assign_officer(partnership_id: int, request: Request, principal: SignedIn,
                   session: SessionDep, form: FormDep) -> Response:
    """Assign a programme officer to the partnership."""
    try:
        service.assign_officer(session=session, principal=principal,
                               partnership_id=partnership_id, email=form_text(form, "email"))
    except Invalid as exc:
        return _or_show(request, session, principal, partnership_id, exc, "officer")
    return templating.redirect(service.link(partnership_id), flash="Officer assigned.",
                               request=request)


@router.post("/partnerships/{partnership_id}/officers/{user_id}/remove")
def unassign_officer(partnership_id: int, user_id: int, request: Request, principal: SignedIn,
                     session: SessionDep) -> Response:
    """Remove an assigned officer."""
    service.unassign_officer(session=session, principal=principal,
                             partnership_id=partnership_id, user_id=user_id)
    return templating.redirect(service.link(partnership_id), flash="Officer removed.",
                               request=request)

