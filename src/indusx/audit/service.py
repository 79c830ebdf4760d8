"""Record and query the append-only audit log."""

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from indusx.audit.models import AuditEvent
from indusx.db import utcnow


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting and through which channel; the subject of every audit entry."""

    user_id: int | None
    email: str
    via: str  # "web", "api", "cli", "system"
    ip: str = ""

    @classmethod
    def system(cls, via: str = "cli") -> "Actor":
        """Return the actor for work not done on behalf of a signed-in user."""
        return cls(user_id=None, email=via, via=via)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


REDACTED = "[redacted]"
# ASVS 7.1.2: the log keeps that one of these fields changed (and whether it is now empty),
# never what it held, so no caller can put contact details, private notes or secrets in it.
# The actor and the object stay named (actor_email, object_id): that is what the log is for.
PERSONAL_FIELDS = frozenset({
    "contact_name", "contact_email", "contact_phone", "phone", "email", "full_name",
    "needs", "private_notes", "note", "response_note",
})
SECRET_FIELDS = frozenset({
    "password", "password_hash", "secret", "totp_secret", "token", "token_hash", "api_key",
    "recovery_codes",
})
REDACTED_FIELDS = PERSONAL_FIELDS | SECRET_FIELDS


def redact(value: Any) -> Any:
    """Return JSON-ready data with personal and secret values replaced by REDACTED.

    Fields are matched by name at any depth; an empty value stays (it holds nothing and shows
    a field cleared).
    """
    if isinstance(value, dict):
        return {
            key: REDACTED if key in REDACTED_FIELDS and item not in (None, "", [], {})
            else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def record(
    *,
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str | int = "",
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit log, in the caller's transaction.

    Only the fields that differ between `before` and `after` are kept, and the values of
    personal and secret fields (REDACTED_FIELDS) never: the event says that they changed.
    """
    if before is not None and after is not None:
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        before = {k: v for k, v in before.items() if k in changed}
        after = {k: v for k, v in after.items() if k in changed}
    event = AuditEvent(
        at=utcnow(),
        actor_id=actor.user_id,
        actor_email=actor.email,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary,
        # Compared above with the real values, so a changed personal field still shows.
        before=redact(_jsonable(before)) if before is not None else None,
        after=redact(_jsonable(after)) if after is not None else None,
        via=actor.via,
        ip=actor.ip,
    )
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor: str | None = None  # e-mail substring
    action: str | None = None  # exact or prefix ending in "."
    object_type: str | None = None
    object_id: str | None = None
    since: date | None = None
    until: date | None = None


def _filtered(flt: AuditFilter) -> Select[AuditEvent]:
    query = select(AuditEvent)
    if flt.actor:
        query = query.where(AuditEvent.actor_email.ilike(f"%{flt.actor}%"))
    if flt.action:
        if flt.action.endswith("."):
            query = query.where(AuditEvent.action.startswith(flt.action))
        else:
            query = query.where(AuditEvent.action == flt.action)
    if flt.object_type:
        query = query.where(AuditEvent.object_type == flt.object_type)
    if flt.object_id:
        query = query.where(AuditEvent.object_id == flt.object_id)
    if flt.since:
        query = query.where(AuditEvent.at >= datetime.combine(flt.since, time(), UTC))
    if flt.until:
        end = datetime.combine(flt.until + timedelta(days=1), time(), UTC)
        query = query.where(AuditEvent.at < end)
    return query


def list_events(
    *, session: Session, flt: AuditFilter, page: int = 1, page_size: int = 50
) -> tuple[Sequence[AuditEvent], int]:
    """Return one page of events, newest first, and the total that match."""
    query = _filtered(flt)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(AuditEvent.id.desc()).offset((page - 1) * page_size).limit(page_size)
    ).all()
    return rows, total


def action_names(*, session: Session) -> list[str]:
    """Return the distinct actions recorded so far, for the filter menu."""
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


EXPORT_FIELDS = [
    "id", "at", "actor_id", "actor_email", "action", "object_type", "object_id",
    "summary", "before", "after", "via", "ip",
]


def event_dict(event: AuditEvent) -> dict[str, Any]:
    """Return an event as plain JSON-ready data."""
    return {
        "id": event.id,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_email": event.actor_email,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "summary": event.summary,
        "before": event.before,
        "after": event.after,
        "via": event.via,
        "ip": event.ip,
    }


def export_csv(*, session: Session, flt: AuditFilter) -> Iterator[str]:
    """Yield the matching events as CSV text, oldest first, streamed in batches."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    for event in session.scalars(
        _filtered(flt).order_by(AuditEvent.id).execution_options(yield_per=500)
    ):
        row = event_dict(event)
        row["before"] = json.dumps(row["before"]) if row["before"] is not None else ""
        row["after"] = json.dumps(row["after"]) if row["after"] is not None else ""
        writer.writerow(row)
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
