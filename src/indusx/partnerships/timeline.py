"""A partnership's activity timeline, merged from event sources, newest first.

Each source is a function `(session, partnership_id) -> list[TimelineEvent]`; another module
(the data room) adds its own by appending it to SOURCES.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.partnerships.models import PartnershipComment, PartnershipTask, StageChange
from indusx.partnerships.service import STAGE_LABELS
from indusx.pathway.engine.evaluate import VERDICT_LABELS
from indusx.pathway.models import Assessment


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    at: datetime
    kind: str  # stage, comment, task-created, task-done, assessment, or a source's own
    title: str
    detail: str = ""
    actor: str | None = None  # e-mail of who did it
    link: str = ""


EventSource = Callable[[Session, int], list[TimelineEvent]]


def _emails(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return dict(session.execute(select(User.id, User.email).where(User.id.in_(wanted))).all())


def stage_events(session: Session, partnership_id: int) -> list[TimelineEvent]:
    """Return the partnership's stage changes as events."""
    rows = list(session.scalars(select(StageChange)
                                .where(StageChange.partnership_id == partnership_id)))
    emails = _emails(session, {r.actor_id for r in rows})
    out = []
    for r in rows:
        if r.from_stage is None:
            title = f"Created at {STAGE_LABELS[r.to_stage]}"
        else:
            title = f"{STAGE_LABELS[r.from_stage]} → {STAGE_LABELS[r.to_stage]}"
        out.append(TimelineEvent(r.changed_at, "stage", title, r.reason,
                                 emails.get(r.actor_id or 0)))
    return out


def comment_events(session: Session, partnership_id: int) -> list[TimelineEvent]:
    """Return the partnership's comments as events (deleted ones say so)."""
    rows = list(session.scalars(select(PartnershipComment)
                                .where(PartnershipComment.partnership_id == partnership_id)))
    emails = _emails(session, {r.author_id for r in rows})
    return [TimelineEvent(r.created_at, "comment", "Comment",
                          "(deleted)" if r.deleted_at is not None else r.body,
                          emails.get(r.author_id or 0), f"#comment-{r.id}") for r in rows]


def task_events(session: Session, partnership_id: int) -> list[TimelineEvent]:
    """Return tasks created and done as events."""
    rows = list(session.scalars(select(PartnershipTask)
                                .where(PartnershipTask.partnership_id == partnership_id)))
    emails = _emails(session, {r.created_by_id for r in rows} | {r.done_by_id for r in rows})
    out = []
    for r in rows:
        out.append(TimelineEvent(r.created_at, "task-created", f"Task: {r.title}", "",
                                 emails.get(r.created_by_id or 0), f"#task-{r.id}"))
        if r.done_at is not None:
            out.append(TimelineEvent(r.done_at, "task-done", f"Task done: {r.title}", "",
                                     emails.get(r.done_by_id or 0), f"#task-{r.id}"))
    return out


def assessment_events(session: Session, partnership_id: int) -> list[TimelineEvent]:
    """Return the regulatory assessments saved for the partnership as events."""
    rows = list(session.scalars(select(Assessment)
                                .where(Assessment.partnership_id == partnership_id)))
    emails = _emails(session, {r.created_by_id for r in rows})
    return [TimelineEvent(r.created_at, "assessment", "Regulatory assessment saved",
                          VERDICT_LABELS.get(r.verdict, r.verdict.value),
                          emails.get(r.created_by_id or 0), f"/pathway/assessments/{r.id}")
            for r in rows]


def dataroom_events(session: Session, partnership_id: int) -> list[TimelineEvent]:
    """Return the data room's uploads as events."""
    # Imported here: the data room's documents module imports this one for TimelineEvent.
    from indusx.partnerships.dataroom_documents import room_events

    return room_events(session, partnership_id)


def party_change_events(session: Session, partnership_id: int) -> list[TimelineEvent]:
    """Return the parties added and removed after creation as events."""
    # Imported here: the parties module imports this one for TimelineEvent.
    from indusx.partnerships.parties import party_events

    return party_events(session, partnership_id)


SOURCES: tuple[EventSource, ...] = (stage_events, comment_events, task_events,
                                    assessment_events, dataroom_events, party_change_events)


def timeline(*, session: Session, partnership_id: int, page: int = 1, page_size: int = 30,
             sources: tuple[EventSource, ...] | None = None) -> tuple[list[TimelineEvent], int]:
    """Return one page of the partnership's events, newest first, and how many there are."""
    events = [e for source in (SOURCES if sources is None else sources)
              for e in source(session, partnership_id)]
    events.sort(key=lambda e: e.at, reverse=True)
    start = (page - 1) * page_size
    return events[start:start + page_size], len(events)

