"""The hurdle register: known regulatory hurdles, maintained by officers, counted by area."""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from indusx.audit import service as audit
from indusx.audit.service import Actor
from indusx.db import utcnow
from indusx.errors import Conflict, Invalid, NotFound
from indusx.orgs.models import FocusArea
from indusx.pathway.models import (
    Hurdle,
    HurdleStatus,
    assessment_hurdle,
    hurdle_focus_area,
)
from indusx.pathway.schemas import (
    HurdleCreate,
    HurdleRead,
    HurdleReport,
    HurdleReportRow,
    HurdleUpdate,
)

FIELDS = ("key", "title", "regulation", "description", "owner", "status", "remedy")


class HurdleSort(StrEnum):
    TITLE = "title"
    STATUS = "status"
    UPDATED = "updated"
    NEWEST = "newest"


SORT_LABELS = {
    HurdleSort.TITLE: "Title",
    HurdleSort.STATUS: "Status",
    HurdleSort.UPDATED: "Recently updated",
    HurdleSort.NEWEST: "Newest",
}


@dataclass(frozen=True, slots=True)
class HurdleFilter:
    q: str = ""
    status: tuple[HurdleStatus, ...] = ()
    area: tuple[str, ...] = ()  # focus-area slugs
    sort: HurdleSort = HurdleSort.STATUS


def snapshot(hurdle: Hurdle) -> dict[str, Any]:
    """Return a hurdle's fields for the audit log."""
    values: dict[str, Any] = {name: getattr(hurdle, name) for name in FIELDS}
    values["focus_areas"] = [a.slug for a in hurdle.focus_areas]
    return values


def _areas(session: Session, slugs: Sequence[str]) -> list[FocusArea]:
    slugs = list(dict.fromkeys(slugs))
    found = {a.slug: a for a in session.scalars(select(FocusArea).where(FocusArea.slug.in_(slugs)))}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise Invalid.field("focus_areas", f"unknown focus area(s): {', '.join(unknown)}")
    return [found[s] for s in slugs]


def _check_key_free(session: Session, key: str | None, exclude_id: int | None = None) -> None:
    if key is None:
        return
    query = select(Hurdle.id).where(Hurdle.key == key)
    if exclude_id is not None:
        query = query.where(Hurdle.id != exclude_id)
    if session.scalar(query) is not None:
        raise Conflict(
            "key: another hurdle already has this key",
            errors=[{"field": "key", "message": "another hurdle already has this key"}],
        )


def get_hurdle(*, session: Session, hurdle_id: int) -> Hurdle:
    """Return a hurdle with its focus areas, or raise NotFound."""
    hurdle = session.scalar(
        select(Hurdle).where(Hurdle.id == hurdle_id).options(selectinload(Hurdle.focus_areas))
    )
    if hurdle is None:
        raise NotFound(f"No hurdle {hurdle_id}")
    return hurdle


def assessment_ids(*, session: Session, hurdle_ids: Sequence[int]) -> dict[int, list[int]]:
    """Return the saved assessments that hit each hurdle."""
    out: dict[int, list[int]] = {i: [] for i in hurdle_ids}
    if not hurdle_ids:
        return out
    for hurdle_id, assessment_id in session.execute(
        select(assessment_hurdle.c.hurdle_id, assessment_hurdle.c.assessment_id)
        .where(assessment_hurdle.c.hurdle_id.in_(hurdle_ids))
        .order_by(assessment_hurdle.c.assessment_id)
    ):
        out[hurdle_id].append(assessment_id)
    return out


def read(hurdle: Hurdle, linked: Sequence[int] = ()) -> HurdleRead:
    """Return the API shape of a loaded hurdle."""
    return HurdleRead(
        id=hurdle.id,
        key=hurdle.key,
        title=hurdle.title,
        regulation=hurdle.regulation,
        description=hurdle.description,
        focus_areas=[a.slug for a in hurdle.focus_areas],
        owner=hurdle.owner,
        status=hurdle.status,
        remedy=hurdle.remedy,
        is_demo=hurdle.is_demo,
        assessment_ids=list(linked),
        created_at=hurdle.created_at,
        updated_at=hurdle.updated_at,
    )


def create_hurdle(
    *, session: Session, hurdle_in: HurdleCreate, actor: Actor, is_demo: bool = False
) -> Hurdle:
    """Add a hurdle to the register."""
    _check_key_free(session, hurdle_in.key)
    hurdle = Hurdle(
        **hurdle_in.model_dump(exclude={"focus_areas"}),
        is_demo=is_demo,
        focus_areas=_areas(session, hurdle_in.focus_areas),
    )
    session.add(hurdle)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="hurdle.create",
        object_type="hurdle",
        object_id=hurdle.id,
        summary=f"added hurdle '{hurdle.title}'",
        after=snapshot(hurdle),
    )
    return hurdle


def update_hurdle(
    *, session: Session, hurdle: Hurdle, hurdle_in: HurdleUpdate, actor: Actor
) -> Hurdle:
    """Change the fields given (a partial update)."""
    before = snapshot(hurdle)
    changes = hurdle_in.model_dump(exclude_unset=True)
    if "title" in changes and changes["title"] is None:
        raise Invalid.field("title", "a hurdle needs a title")
    if "status" in changes and changes["status"] is None:
        raise Invalid.field("status", "choose a status")
    if "key" in changes:
        _check_key_free(session, changes["key"], exclude_id=hurdle.id)
    if "focus_areas" in changes:
        hurdle.focus_areas = _areas(session, changes.pop("focus_areas") or [])
    for name, value in changes.items():
        setattr(hurdle, name, "" if value is None and name not in ("key",) else value)
    after = snapshot(hurdle)
    if after != before:
        hurdle.updated_at = utcnow()
        session.flush()
        audit.record(
            session=session,
            actor=actor,
            action="hurdle.update",
            object_type="hurdle",
            object_id=hurdle.id,
            summary=f"changed hurdle '{hurdle.title}'",
            before=before,
            after=after,
        )
    return hurdle


def delete_hurdle(*, session: Session, hurdle: Hurdle, actor: Actor) -> None:
    """Remove a hurdle (its links to assessments go with it; the audit log keeps it)."""
    audit.record(
        session=session,
        actor=actor,
        action="hurdle.delete",
        object_type="hurdle",
        object_id=hurdle.id,
        summary=f"deleted hurdle '{hurdle.title}'",
        before=snapshot(hurdle),
    )
    session.delete(hurdle)
    session.flush()


def _filtered(flt: HurdleFilter) -> Select[Hurdle]:
    query = select(Hurdle)
    if flt.q.strip():
        like = f"%{flt.q.strip()}%"
        query = query.where(
            or_(
                Hurdle.title.ilike(like),
                Hurdle.regulation.ilike(like),
                Hurdle.description.ilike(like),
                Hurdle.remedy.ilike(like),
                Hurdle.owner.ilike(like),
            )
        )
    if flt.status:
        query = query.where(Hurdle.status.in_(flt.status))
    if flt.area:
        query = query.where(
            Hurdle.id.in_(
                select(hurdle_focus_area.c.hurdle_id)
                .join(FocusArea, FocusArea.id == hurdle_focus_area.c.focus_area_id)
                .where(FocusArea.slug.in_(flt.area))
            )
        )
    return query


def _ordering(sort: HurdleSort) -> list[Any]:
    if sort is HurdleSort.TITLE:
        return [Hurdle.title, Hurdle.id]
    if sort is HurdleSort.UPDATED:
        return [Hurdle.updated_at.desc(), Hurdle.id.desc()]
    if sort is HurdleSort.NEWEST:
        return [Hurdle.created_at.desc(), Hurdle.id.desc()]
    # Open first, then in progress, then resolved (the enum's order, not the alphabet's).
    rank = {s: n for n, s in enumerate(HurdleStatus)}
    return [case(rank, value=Hurdle.status), Hurdle.title, Hurdle.id]


def list_hurdles(
    *, session: Session, flt: HurdleFilter, page: int = 1, page_size: int = 20
) -> tuple[list[Hurdle], int]:
    """Return one page of the hurdles that match, with their focus areas, and the total."""
    query = _filtered(flt)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.options(selectinload(Hurdle.focus_areas))
        .order_by(*_ordering(flt.sort))
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return list(rows), total


def report(*, session: Session) -> HurdleReport:
    """Count hurdles by focus area and status (a hurdle counts once in each of its areas)."""
    areas = session.scalars(select(FocusArea).order_by(FocusArea.name)).all()
    by_area: dict[int | None, dict[HurdleStatus, int]] = {}
    for area_id, status, count in session.execute(
        select(hurdle_focus_area.c.focus_area_id, Hurdle.status, func.count())
        .select_from(Hurdle)
        .outerjoin(hurdle_focus_area, hurdle_focus_area.c.hurdle_id == Hurdle.id)
        .group_by(hurdle_focus_area.c.focus_area_id, Hurdle.status)
    ):
        by_area.setdefault(area_id, {})[status] = count
    totals: dict[HurdleStatus, int] = dict.fromkeys(HurdleStatus, 0)
    for status, count in session.execute(
        select(Hurdle.status, func.count()).group_by(Hurdle.status)
    ):
        totals[status] = count
    rows = []
    for area in areas:
        counts = by_area.get(area.id)
        if counts:
            full = {s: counts.get(s, 0) for s in HurdleStatus}
            rows.append(
                HurdleReportRow(
                    area=area.slug, name=area.name, counts=full, total=sum(full.values())
                )
            )
    if None in by_area:
        full = {s: by_area[None].get(s, 0) for s in HurdleStatus}
        rows.append(
            HurdleReportRow(area=None, name="No focus area", counts=full, total=sum(full.values()))
        )
    return HurdleReport(rows=rows, totals=totals, total=sum(totals.values()))
