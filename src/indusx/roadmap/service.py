"""Initiatives, milestones and links: create, change, delete (each audited) and load."""

from datetime import date
from typing import Any

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session, joinedload, selectinload

from indusx.accounts.models import User
from indusx.accounts.permissions import Principal
from indusx.audit import service as audit
from indusx.audit.service import Actor
from indusx.challenges.models import Challenge
from indusx.db import utcnow
from indusx.errors import Invalid, NotFound
from indusx.orgs.models import FocusArea, Organisation
from indusx.partnerships.models import Partnership
from indusx.roadmap import access, reads
from indusx.roadmap.models import (
    Initiative,
    Milestone,
    MilestoneStatus,
    initiative_challenge,
    initiative_org,
    initiative_partnership,
)
from indusx.roadmap.progress import CLOSED_MILESTONES, days_overdue, is_overdue
from indusx.roadmap.schemas import (
    AreaProgress,
    InitiativeCreate,
    InitiativeUpdate,
    LinkKind,
    MilestoneCreate,
    MilestoneUpdate,
    OverdueMilestone,
)

INITIATIVE_FIELDS = (
    "title", "summary", "lead_agency", "status", "is_public", "starts_on", "target_on",
)
MILESTONE_FIELDS = (
    "title", "owner_id", "owner_label", "due_on", "status", "completed_on", "evidence", "notes",
)
LINK_TABLES: dict[LinkKind, tuple[Table, str, type[Any]]] = {
    LinkKind.ORG: (initiative_org, "org_id", Organisation),
    LinkKind.CHALLENGE: (initiative_challenge, "challenge_id", Challenge),
    LinkKind.PARTNERSHIP: (initiative_partnership, "partnership_id", Partnership),
}


def today() -> date:
    """Return today's date in UTC, the day against which milestones are overdue."""
    return utcnow().date()


def initiative_snapshot(initiative: Initiative, area_slug: str) -> dict[str, Any]:
    """Return an initiative's fields for the audit log."""
    values = {name: getattr(initiative, name) for name in INITIATIVE_FIELDS}
    values["focus_area"] = area_slug
    return values


def milestone_snapshot(milestone: Milestone) -> dict[str, Any]:
    """Return a milestone's fields for the audit log."""
    values = {name: getattr(milestone, name) for name in MILESTONE_FIELDS}
    values["initiative_id"] = milestone.initiative_id
    return values


def _area(session: Session, slug: str) -> FocusArea:
    area = session.scalar(select(FocusArea).where(FocusArea.slug == slug))
    if area is None:
        raise Invalid.field("focus_area", f"unknown focus area '{slug}'")
    return area


def _check_dates(starts_on: date | None, target_on: date | None) -> None:
    if starts_on is not None and target_on is not None and target_on < starts_on:
        raise Invalid.field("target_on", "the target date cannot be before the start date")


def _check_owner(session: Session, owner_id: int | None) -> None:
    if owner_id is None:
        return
    user = session.get(User, owner_id)
    if user is None or not user.is_active:
        raise Invalid.field("owner_id", f"no active user {owner_id}")


def get_initiative(
    *, session: Session, initiative_id: int, principal: Principal | None = None
) -> Initiative:
    """Return an initiative with its area and milestones (and owners), or raise NotFound.

    With a principal, an initiative they may not read is not found either.
    """
    initiative = session.scalar(
        select(Initiative)
        .where(Initiative.id == initiative_id)
        .options(
            joinedload(Initiative.focus_area),
            selectinload(Initiative.milestones).joinedload(Milestone.owner),
        )
    )
    if initiative is None:
        raise NotFound(f"No initiative {initiative_id}")
    if principal is not None:
        access.ensure_visible(principal, initiative)
    return initiative


def get_milestone(
    *, session: Session, milestone_id: int, principal: Principal | None = None
) -> Milestone:
    """Return a milestone with its initiative and owner, or raise NotFound.

    With a principal, a milestone of an initiative they may not read is not found either.
    """
    milestone = session.scalar(
        select(Milestone)
        .where(Milestone.id == milestone_id)
        .options(
            joinedload(Milestone.initiative).joinedload(Initiative.focus_area),
            joinedload(Milestone.owner),
        )
    )
    if milestone is None:
        raise NotFound(f"No milestone {milestone_id}")
    if not milestone.initiative.is_public and not access.sees_private(principal):
        raise NotFound(f"No milestone {milestone_id}")
    return milestone


def create_initiative(
    *, session: Session, initiative_in: InitiativeCreate, actor: Actor, is_demo: bool = False
) -> Initiative:
    """Add an initiative under a focus area."""
    area = _area(session, initiative_in.focus_area)
    _check_dates(initiative_in.starts_on, initiative_in.target_on)
    initiative = Initiative(
        **initiative_in.model_dump(exclude={"focus_area"}),
        focus_area_id=area.id,
        is_demo=is_demo,
        created_by_id=actor.user_id,
    )
    session.add(initiative)
    session.flush()
    audit.record(
        session=session, actor=actor, action="initiative.create", object_type="initiative",
        object_id=initiative.id, summary=f"added initiative '{initiative.title}'",
        after=initiative_snapshot(initiative, area.slug),
    )
    return initiative


def update_initiative(
    *, session: Session, initiative: Initiative, initiative_in: InitiativeUpdate, actor: Actor
) -> Initiative:
    """Change the fields given (a partial update); `initiative` comes from get_initiative."""
    before = initiative_snapshot(initiative, initiative.focus_area.slug)
    changes = initiative_in.model_dump(exclude_unset=True)
    for name in ("title", "status", "is_public", "focus_area"):
        if name in changes and changes[name] is None:
            raise Invalid.field(name, "this field cannot be empty")
    if "focus_area" in changes:
        area = _area(session, changes.pop("focus_area"))
        initiative.focus_area_id, initiative.focus_area = area.id, area
    _check_dates(
        changes.get("starts_on", initiative.starts_on),
        changes.get("target_on", initiative.target_on),
    )
    for name, value in changes.items():
        setattr(initiative, name, "" if value is None and name in ("summary", "lead_agency")
                else value)
    after = initiative_snapshot(initiative, initiative.focus_area.slug)
    if after != before:
        initiative.updated_at = utcnow()
        session.flush()
        audit.record(
            session=session, actor=actor, action="initiative.update", object_type="initiative",
            object_id=initiative.id, summary=f"changed initiative '{initiative.title}'",
            before=before, after=after,
        )
    return initiative


def delete_initiative(*, session: Session, initiative: Initiative, actor: Actor) -> None:
    """Delete an initiative with its milestones and links (the audit log keeps them)."""
    milestones = session.scalar(
        select(Milestone.id).where(Milestone.initiative_id == initiative.id).limit(1)
    )
    audit.record(
        session=session, actor=actor, action="initiative.delete", object_type="initiative",
        object_id=initiative.id, summary=f"deleted initiative '{initiative.title}'"
        + (" and its milestones" if milestones else ""),
        before=initiative_snapshot(initiative, initiative.focus_area.slug),
    )
    session.delete(initiative)
    session.flush()


def _settle(milestone: Milestone, completed_given: bool, on: date) -> None:
    """Keep the completion date consistent with the status, and reset the overdue episode."""
    if milestone.status is MilestoneStatus.DONE:
        if milestone.completed_on is None:
            milestone.completed_on = on
        elif milestone.completed_on > on:
            raise Invalid.field("completed_on", "the completion date cannot be in the future")
    elif milestone.completed_on is not None:
        if completed_given:
            raise Invalid.field("completed_on", "only a done milestone has a completion date")
        milestone.completed_on = None
    if not is_overdue(milestone.status, milestone.due_on, on):
        milestone.overdue_notified_on = None


def add_milestone(
    *,
    session: Session,
    initiative: Initiative,
    milestone_in: MilestoneCreate,
    actor: Actor,
    on: date | None = None,
) -> Milestone:
    """Add a milestone to an initiative."""
    _check_owner(session, milestone_in.owner_id)
    values = milestone_in.model_dump()
    milestone = Milestone(initiative_id=initiative.id, **values)
    _settle(milestone, milestone_in.completed_on is not None, on or today())
    session.add(milestone)
    session.flush()
    audit.record(
        session=session, actor=actor, action="milestone.create", object_type="milestone",
        object_id=milestone.id,
        summary=f"added milestone '{milestone.title}' to initiative '{initiative.title}'",
        after=milestone_snapshot(milestone),
    )
    return milestone


def update_milestone(
    *,
    session: Session,
    milestone: Milestone,
    milestone_in: MilestoneUpdate,
    actor: Actor,
    on: date | None = None,
) -> Milestone:
    """Change the fields given (a partial update)."""
    before = milestone_snapshot(milestone)
    changes = milestone_in.model_dump(exclude_unset=True)
    for name in ("title", "due_on", "status", "evidence"):
        if name in changes and changes[name] is None:
            raise Invalid.field(name, "this field cannot be empty")
    if "owner_id" in changes:
        _check_owner(session, changes["owner_id"])
        if changes["owner_id"] != milestone.owner_id:
            # A new owner has not been told about an overdue milestone yet.
            milestone.overdue_notified_on = None
    for name, value in changes.items():
        setattr(milestone, name, "" if value is None and name in ("owner_label", "notes")
                else value)
    _settle(milestone, changes.get("completed_on") is not None, on or today())
    after = milestone_snapshot(milestone)
    if after != before:
        milestone.updated_at = utcnow()
        session.flush()
        audit.record(
            session=session, actor=actor, action="milestone.update", object_type="milestone",
            object_id=milestone.id, summary=f"changed milestone '{milestone.title}'",
            before=before, after=after,
        )
    return milestone


def delete_milestone(*, session: Session, milestone: Milestone, actor: Actor) -> None:
    """Delete a milestone (the audit log keeps it)."""
    audit.record(
        session=session, actor=actor, action="milestone.delete", object_type="milestone",
        object_id=milestone.id, summary=f"deleted milestone '{milestone.title}'",
        before=milestone_snapshot(milestone),
    )
    session.delete(milestone)
    session.flush()


def _linked(session: Session, initiative_id: int, kind: LinkKind, target_id: int) -> bool:
    table, column, _ = LINK_TABLES[kind]
    return session.execute(
        select(table.c.initiative_id).where(
            table.c.initiative_id == initiative_id, table.c[column] == target_id
        )
    ).first() is not None


def add_link(
    *, session: Session, initiative: Initiative, kind: LinkKind, target_id: int, actor: Actor
) -> bool:
    """Link an organisation, challenge or partnership; return False if it was linked already."""
    table, column, model = LINK_TABLES[kind]
    target = session.get(model, target_id)
    if target is None:
        raise Invalid.field("id", f"no {kind.value} {target_id}")
    if _linked(session, initiative.id, kind, target_id):
        return False
    session.execute(insert(table).values(initiative_id=initiative.id, **{column: target_id}))
    name = getattr(target, "name", None) or getattr(target, "title", "")
    audit.record(
        session=session, actor=actor, action="initiative.link", object_type="initiative",
        object_id=initiative.id, summary=f"linked {kind.value} '{name}' to '{initiative.title}'",
        after={"kind": kind, "id": target_id},
    )
    return True


def remove_link(
    *, session: Session, initiative: Initiative, kind: LinkKind, target_id: int, actor: Actor
) -> None:
    """Remove a link, or raise NotFound if there is none."""
    table, column, _ = LINK_TABLES[kind]
    if not _linked(session, initiative.id, kind, target_id):
        raise NotFound(f"Initiative {initiative.id} is not linked to {kind.value} {target_id}")
    session.execute(
        delete(table).where(table.c.initiative_id == initiative.id, table.c[column] == target_id)
    )
    audit.record(
        session=session, actor=actor, action="initiative.unlink", object_type="initiative",
        object_id=initiative.id, summary=f"unlinked {kind.value} {target_id}",
        before={"kind": kind, "id": target_id},
    )


def progress_summary(
    *, session: Session, principal: Principal | None = None, on: date | None = None
) -> list[AreaProgress]:
    """Return each focus area's roll-up: initiatives, milestones, done, overdue, progress.

    Without a principal every initiative counts (the server's view, for dashboards); with
    one, those the principal may read.
    """
    on = on or today()
    summary = reads.roadmap(session=session, principal=principal, flt=reads.RoadmapFilter(), on=on)
    out = []
    for area in summary.areas:
        milestones = [m for i in area.initiatives for m in i.milestones]
        out.append(
            AreaProgress(
                area=area.area,
                name=area.name,
                initiatives=len(area.initiatives),
                milestones=sum(i.milestones_counted for i in area.initiatives),
                done=sum(1 for m in milestones if m.status is MilestoneStatus.DONE),
                overdue=sum(1 for m in milestones if m.overdue),
                progress=area.progress,
            )
        )
    return out


def overdue_milestones(
    *, session: Session, today: date, principal: Principal | None = None
) -> list[OverdueMilestone]:
    """Return the milestones overdue on `today`, longest overdue first."""
    rows = session.execute(
        select(Milestone, Initiative.title, FocusArea.slug, User.full_name)
        .join(Initiative, Initiative.id == Milestone.initiative_id)
        .join(FocusArea, FocusArea.id == Initiative.focus_area_id)
        .outerjoin(User, User.id == Milestone.owner_id)
        .where(
            Milestone.due_on < today,
            Milestone.status.not_in(CLOSED_MILESTONES),
            access.visible_initiatives(principal),
        )
        .order_by(Milestone.due_on, Milestone.id)
    ).all()
    return [
        OverdueMilestone(
            id=m.id,
            title=m.title,
            initiative_id=m.initiative_id,
            initiative_title=title,
            area=area,
            due_on=m.due_on,
            days_overdue=days_overdue(m.due_on, today),
            status=m.status,
            owner_id=m.owner_id,
            owner_name=owner_name,
            owner_label=m.owner_label,
        )
        for m, title, area, owner_name in rows
    ]
