"""The data room's access log (every view and download, allowed or refused), its CSV export,
and the figures the dashboards show."""

import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.audit import service as audit
from indusx.db import utcnow
from indusx.errors import Invalid
from indusx.partnerships import markings
from indusx.partnerships.dataroom_access import Decision
from indusx.partnerships.dataroom_models import (
    AccessAction,
    AccessLog,
    AccessOutcome,
    DataRoom,
    Document,
    DocumentVersion,
)
from indusx.partnerships.dataroom_service import RoomContext, require_manager
from indusx.partnerships.markings import Marking


def record(
    session: Session,
    ctx: RoomContext,
    version: DocumentVersion,
    action: AccessAction,
    decision: Decision,
) -> None:
    """Log one view or download of a version, allowed or refused, and audit it."""
    outcome = AccessOutcome.ALLOWED if decision.allowed else AccessOutcome.DENIED
    session.add(AccessLog(room_id=ctx.room.id, document_id=version.document_id,
                          version_id=version.id, user_id=ctx.principal.user.id, action=action,
                          outcome=outcome, reason=decision.reason, at=utcnow()))
    audit.record(session=session, actor=ctx.principal.actor,
                 action=f"dataroom.document.{action.value}", object_type="data_room_document",
                 object_id=version.document_id,
                 summary=f"{action.value} of '{version.title}' v{version.number} "
                         f"({markings.label(version.marking)}): {outcome.value}"
                         + (f" ({decision.reason})" if decision.reason else ""),
                 after={"version": version.number, "marking": version.marking,
                        "outcome": outcome})


@dataclass(frozen=True, slots=True)
class LogFilter:
    user: str = ""  # e-mail substring
    action: AccessAction | None = None
    outcome: AccessOutcome | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True, slots=True)
class LogRow:
    at: datetime
    email: str
    document_id: int
    title: str
    version: int
    marking: Marking
    action: AccessAction
    outcome: AccessOutcome
    reason: str


def parse_day(value: str, field: str) -> date | None:
    """Return a YYYY-MM-DD date from a filter, None when empty; raise Invalid otherwise."""
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise Invalid.field(field, "give a date as YYYY-MM-DD") from exc


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def access_log(
    *, session: Session, ctx: RoomContext, flt: LogFilter, limit: int = 500
) -> list[LogRow]:
    """Return the room's access log, newest first (managers and assigned officers)."""
    require_manager(ctx, "read the data room's access log")
    query = (
        select(AccessLog, User.email, DocumentVersion)
        .join(DocumentVersion, DocumentVersion.id == AccessLog.version_id)
        .outerjoin(User, User.id == AccessLog.user_id)
        .where(AccessLog.room_id == ctx.room.id)
    )
    if flt.user:
        query = query.where(func.lower(User.email).contains(flt.user.lower()))
    if flt.action is not None:
        query = query.where(AccessLog.action == flt.action)
    if flt.outcome is not None:
        query = query.where(AccessLog.outcome == flt.outcome)
    if flt.since is not None:
        query = query.where(AccessLog.at >= _day_start(flt.since))
    if flt.until is not None:
        query = query.where(AccessLog.at < _day_start(flt.until + timedelta(days=1)))
    rows = session.execute(query.order_by(AccessLog.at.desc(), AccessLog.id.desc())
                           .limit(limit)).all()
    return [LogRow(at=log.at, email=email or "(deleted user)", document_id=log.document_id,
                   title=version.title, version=version.number, marking=version.marking,
                   action=log.action, outcome=log.outcome, reason=log.reason)
            for log, email, version in rows]


def access_log_csv(rows: list[LogRow]) -> Iterator[str]:
    """Yield the access log as CSV lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["at", "user", "document_id", "title", "version", "marking", "action",
                     "outcome", "reason"])
    for r in rows:
        writer.writerow([r.at.isoformat(), r.email, r.document_id, r.title, r.version,
                         markings.label(r.marking), r.action.value, r.outcome.value, r.reason])
    yield buffer.getvalue()


@dataclass(frozen=True, slots=True)
class RoomStats:
    documents_by_marking: dict[str, int]
    views: int
    downloads: int
    denied: int
    rooms: int


def room_stats(
    *, session: Session, since: date | None = None, until: date | None = None
) -> RoomStats:
    """Return documents by the marking of their latest version, and the views, downloads and
    refusals logged in a date range (inclusive; open ends when None)."""
    marks = session.execute(
        select(DocumentVersion.marking, func.count())
        .join(Document, (Document.id == DocumentVersion.document_id)
              & (Document.latest_number == DocumentVersion.number))
        .group_by(DocumentVersion.marking)).all()
    by_marking = {m.value: 0 for m in Marking}
    by_marking.update({m.value: int(n) for m, n in marks})
    query = select(AccessLog.action, AccessLog.outcome, func.count()).group_by(
        AccessLog.action, AccessLog.outcome)
    if since is not None:
        query = query.where(AccessLog.at >= _day_start(since))
    if until is not None:
        query = query.where(AccessLog.at < _day_start(until + timedelta(days=1)))
    counts: Counter[tuple[str, str]] = Counter()
    for action, outcome, n in session.execute(query):
        counts[(action.value, outcome.value)] += int(n)
    allowed = AccessOutcome.ALLOWED.value
    return RoomStats(
        documents_by_marking=by_marking,
        views=counts[(AccessAction.VIEW.value, allowed)],
        downloads=counts[(AccessAction.DOWNLOAD.value, allowed)],
        denied=sum(n for (_, outcome), n in counts.items() if outcome != allowed),
        rooms=session.scalar(select(func.count()).select_from(DataRoom)) or 0,
    )
