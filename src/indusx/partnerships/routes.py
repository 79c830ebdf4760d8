"""REST API of the partnership pipeline: /api/v1/partnerships."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.deps import SessionDep, SignedIn
from indusx.errors import problem, wants_json
from indusx.partnerships import access, comments, parties, service, tasks, timeline
from indusx.partnerships.models import Partnership, PartnershipType, Stage
from indusx.partnerships.schemas import (
    CommentIn,
    CommentRead,
    FromDecision,
    FromIntroduction,
    OfficerAssign,
    PartnershipCreate,
    PartnershipPage,
    PartnershipRead,
    PartnershipUpdate,
    PartyAdd,
    PartyRead,
    StageChangeRead,
    StageMove,
    TaskCreate,
    TaskDone,
    TaskRead,
)

router = APIRouter(prefix="/api/v1/partnerships", tags=["partnerships"])


def read(session: Session, partnership: Partnership) -> PartnershipRead:
    """Return the API shape of a partnership with its parties."""
    return PartnershipRead(
        id=partnership.id, title=partnership.title, summary=partnership.summary,
        type=partnership.type, stage=partnership.stage, stop_reason=partnership.stop_reason,
        items=partnership.items, value_usd=partnership.value_usd,
        focus_area_id=partnership.focus_area_id, origin=partnership.origin,
        introduction_id=partnership.introduction_id, decision_id=partnership.decision_id,
        parties=[PartyRead(org_id=p.org_id, name=p.name, country=p.country, role=p.role,
                           screening=p.screening.status.value)
                 for p in service.parties(session, partnership.id)],
        created_at=partnership.created_at, updated_at=partnership.updated_at,
        stage_changed_at=partnership.stage_changed_at)


async def gate_refused(request: Request, exc: Exception) -> Response:
    """Render a refused stage move: problem+json naming each missing requirement, or a page."""
    assert isinstance(exc, service.GateRefused)
    missing = [{"code": m.code, "message": m.message,
                **({"org_id": m.org_id} if m.org_id is not None else {})} for m in exc.missing]
    if wants_json(request):
        return problem(409, exc.message, missing=missing)
    from indusx.partnerships.pages import gate_page

    return gate_page(request, exc)


@router.get("")
def list_partnerships(
    principal: SignedIn, session: SessionDep,
    stage: Stage | None = None, type: PartnershipType | None = None,
    focus_area: Annotated[int | None, Query()] = None,
    org: Annotated[int | None, Query()] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> PartnershipPage:
    """List the partnerships the caller may see, filtered and paginated."""
    rows, total = service.list_partnerships(
        session=session, principal=principal, stage=stage, type_=type,
        focus_area_id=focus_area, org_id=org, page=page, page_size=page_size)
    return PartnershipPage(items=[read(session, p) for p in rows], total=total, page=page,
                           page_size=page_size)


@router.post("", status_code=201)
def create(body: PartnershipCreate, principal: SignedIn, session: SessionDep) -> PartnershipRead:
    """Record a partnership by hand."""
    made = service.create(session=session, principal=principal, partnership_in=body)
    return read(session, made)


@router.post("/from-introduction", status_code=201)
def create_from_introduction(body: FromIntroduction, principal: SignedIn,
                             session: SessionDep) -> PartnershipRead:
    """Turn an accepted introduction into a partnership."""
    made = service.from_introduction(session=session, principal=principal,
                                     intro_id=body.introduction_id)
    return read(session, made)


@router.post("/from-decision", status_code=201)
def create_from_decision(body: FromDecision, principal: SignedIn,
                         session: SessionDep) -> PartnershipRead:
    """Turn a challenge award into a partnership."""
    made = service.from_decision(session=session, principal=principal,
                                 decision_id=body.decision_id)
    return read(session, made)


@router.get("/{partnership_id}")
def get(partnership_id: int, principal: SignedIn, session: SessionDep) -> PartnershipRead:
    """Return one partnership."""
    return read(session, access.viewable(session, principal, partnership_id))


@router.patch("/{partnership_id}")
def update(partnership_id: int, body: PartnershipUpdate, principal: SignedIn,
           session: SessionDep) -> PartnershipRead:
    """Change a partnership's details."""
    changed = service.update(session=session, principal=principal,
                             partnership_id=partnership_id, partnership_in=body)
    return read(session, changed)


@router.post("/{partnership_id}/stage")
def move_stage(partnership_id: int, body: StageMove, principal: SignedIn,
               session: SessionDep) -> PartnershipRead:
    """Move a partnership to a stage; a gate refuses with 409 naming what is missing."""
    moved = service.move_stage(session=session, principal=principal,
                               partnership_id=partnership_id, target=body.stage,
                               reason=body.reason)
    return read(session, moved)


@router.post("/{partnership_id}/parties", status_code=201)
def add_party(partnership_id: int, body: PartyAdd, principal: SignedIn,
              session: SessionDep) -> PartnershipRead:
    """Add a directory organisation as a party (owners and editors of a party, officers)."""
    parties.add_party(session=session, principal=principal, partnership_id=partnership_id,
                      org_id=body.org_id)
    return read(session, access.viewable(session, principal, partnership_id))


@router.delete("/{partnership_id}/parties/{org_id}", status_code=204)
def remove_party(partnership_id: int, org_id: int, principal: SignedIn, session: SessionDep,
                 reason: Annotated[str, Query(max_length=parties.REASON_MAX)] = "") -> Response:
    """Remove a party, giving `reason`; never the last US or Indian party."""
    parties.remove_party(session=session, principal=principal, partnership_id=partnership_id,
                         org_id=org_id, reason=reason)
    return Response(status_code=204)


@router.get("/{partnership_id}/history")
def history(partnership_id: int, principal: SignedIn,
            session: SessionDep) -> list[StageChangeRead]:
    """Return every stage change, oldest first."""
    access.viewable(session, principal, partnership_id)
    return [StageChangeRead(id=c.id, from_stage=c.from_stage, to_stage=c.to_stage,
                            reason=c.reason, actor=email, changed_at=c.changed_at)
            for c, email in service.history(session=session, partnership_id=partnership_id)]


@router.get("/{partnership_id}/timeline")
def events(partnership_id: int, principal: SignedIn, session: SessionDep,
           page: Annotated[int, Query(ge=1, le=10_000)] = 1,
           page_size: Annotated[int, Query(ge=1, le=100)] = 30) -> JSONResponse:
    """Return one page of the partnership's activity, newest first."""
    access.viewable(session, principal, partnership_id)
    rows, total = timeline.timeline(session=session, partnership_id=partnership_id, page=page,
                                    page_size=page_size)
    return JSONResponse({"items": [{"at": e.at.isoformat(), "kind": e.kind, "title": e.title,
                                    "detail": e.detail, "actor": e.actor, "link": e.link}
                                   for e in rows],
                         "total": total, "page": page, "page_size": page_size})


@router.get("/{partnership_id}/comments")
def list_comments(partnership_id: int, principal: SignedIn,
                  session: SessionDep) -> list[CommentRead]:
    """Return the partnership's comments, oldest first."""
    access.viewable(session, principal, partnership_id)
    return [CommentRead(id=c.id, author=c.author, body=c.body, mentions=c.mentions,
                        created_at=c.created_at, edited_at=c.edited_at, deleted=c.deleted)
            for c in comments.list_for(session=session, partnership_id=partnership_id)]


def _comment_read(session: Session, comment_id: int, partnership_id: int) -> CommentRead:
    view = next(c for c in comments.list_for(session=session, partnership_id=partnership_id)
                if c.id == comment_id)
    return CommentRead(id=view.id, author=view.author, body=view.body, mentions=view.mentions,
                       created_at=view.created_at, edited_at=view.edited_at,
                       deleted=view.deleted)


@router.post("/{partnership_id}/comments", status_code=201)
def add_comment(partnership_id: int, body: CommentIn, principal: SignedIn,
                session: SessionDep) -> CommentRead:
    """Comment; @email mentions notify people who may see the partnership."""
    made = comments.add(session=session, principal=principal, partnership_id=partnership_id,
                        body=body.body)
    return _comment_read(session, made.id, partnership_id)


@router.patch("/{partnership_id}/comments/{comment_id}")
def edit_comment(partnership_id: int, comment_id: int, body: CommentIn, principal: SignedIn,
                 session: SessionDep) -> CommentRead:
    """Change one's own comment."""
    comments.edit(session=session, principal=principal, partnership_id=partnership_id,
                  comment_id=comment_id, body=body.body)
    return _comment_read(session, comment_id, partnership_id)


@router.delete("/{partnership_id}/comments/{comment_id}", status_code=204)
def delete_comment(partnership_id: int, comment_id: int, principal: SignedIn,
                   session: SessionDep) -> Response:
    """Delete one's own comment (the record is kept)."""
    comments.delete(session=session, principal=principal, partnership_id=partnership_id,
                    comment_id=comment_id)
    return Response(status_code=204)


def _task_read(view: tasks.TaskView) -> TaskRead:
    return TaskRead(id=view.id, title=view.title, assignee=view.assignee, due_on=view.due_on,
                    done=view.done, overdue=view.overdue, created_at=view.created_at,
                    done_at=view.done_at)


@router.get("/{partnership_id}/tasks")
def list_tasks(partnership_id: int, principal: SignedIn, session: SessionDep) -> list[TaskRead]:
    """Return the partnership's tasks, open ones first."""
    access.viewable(session, principal, partnership_id)
    return [_task_read(t) for t in tasks.list_for(session=session,
                                                  partnership_id=partnership_id)]


@router.post("/{partnership_id}/tasks", status_code=201)
def add_task(partnership_id: int, body: TaskCreate, principal: SignedIn,
             session: SessionDep) -> TaskRead:
    """Add a task; its assignee is notified."""
    made = tasks.create(session=session, principal=principal, partnership_id=partnership_id,
                        title=body.title, assignee_email=body.assignee_email,
                        due_on=body.due_on)
    return next(_task_read(t) for t in tasks.list_for(session=session,
                                                      partnership_id=partnership_id)
                if t.id == made.id)


@router.post("/{partnership_id}/tasks/{task_id}/done")
def mark_task(partnership_id: int, task_id: int, body: TaskDone, principal: SignedIn,
              session: SessionDep) -> TaskRead:
    """Mark a task done or not done."""
    tasks.set_done(session=session, principal=principal, partnership_id=partnership_id,
                   task_id=task_id, done=body.done)
    return next(_task_read(t) for t in tasks.list_for(session=session,
                                                      partnership_id=partnership_id)
                if t.id == task_id)


@router.get("/{partnership_id}/officers")
def list_officers(partnership_id: int, principal: SignedIn,
                  session: SessionDep) -> list[dict[str, str | int]]:
    """Return the officers assigned to the partnership."""
    access.viewable(session, principal, partnership_id)
    return [{"id": u.id, "email": u.email, "name": u.full_name}
            for u in service.officers(session, partnership_id)]


@router.post("/{partnership_id}/officers", status_code=201)
def assign_officer(partnership_id: int, body: OfficerAssign, principal: SignedIn,
                   session: SessionDep) -> dict[str, str | int]:
    """Assign a programme officer (officers and admins)."""
    row = service.assign_officer(session=session, principal=principal,
                                 partnership_id=partnership_id, email=body.email)
    user = session.get(User, row.user_id)
    assert user is not None
    return {"id": user.id, "email": user.email, "name": user.full_name}


@router.delete("/{partnership_id}/officers/{user_id}", status_code=204)
def unassign_officer(partnership_id: int, user_id: int, principal: SignedIn,
                     session: SessionDep) -> Response:
    """Remove an assigned officer."""
    service.unassign_officer(session=session, principal=principal,
                             partnership_id=partnership_id, user_id=user_id)
    return Response(status_code=204)
