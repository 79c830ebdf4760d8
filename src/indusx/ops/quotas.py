"""Business quotas: introductions and exports per user a day, stored files per organisation.

Everything is counted from rows the platform keeps anyway (introductions, `data.export` audit
events, proposal attachments and data-room document versions), so there are no counters to
drift. Daily quotas are a rolling 24 hours and answer 429 with Retry-After: the seconds until
the oldest counted action leaves the window. Storage quotas answer 413 (bytes) or 409 (files).

Who is exempt: programme officers and admins from the introductions quota (brokering
introductions is their job). Nobody from the export quota: an export is the quickest way to
take data away, and an officer's or admin's account is the one most worth stealing.

Each check counts and then the caller inserts, so two requests at once could both pass: on
PostgreSQL the check first locks the user's row (daily quotas) or the organisations' rows
(storage) FOR NO KEY UPDATE, so checks on the same row wait for each other's transaction and
the second counts the first's row. SQLite has one writer at a time; a development database
may let a simultaneous pair through.

Data-room versions count towards the organisations of their uploader that are parties of the
room: a version has no owning organisation of its own (rooms belong to a partnership of
several), so membership at counting time decides. A member who leaves takes their uploads
off their former organisation's count; docs/operations.md says so.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Select, and_, event, func, select
from sqlalchemy.orm import Session

from indusx import uploads
from indusx.accounts.models import Membership, User
from indusx.accounts.permissions import Principal
from indusx.accounts.throttle import TooManyAttempts
from indusx.audit import service as audit
from indusx.audit.models import AuditEvent
from indusx.challenges.models import Attachment, Proposal
from indusx.config import Settings
from indusx.db import utcnow
from indusx.deps import SessionDep, SettingsDep, SignedIn
from indusx.errors import DomainError
from indusx.matching.models import Introduction
from indusx.ops import metrics
from indusx.orgs.models import Organisation
from indusx.partnerships.dataroom_models import DataRoom, Document, DocumentVersion
from indusx.partnerships.models import PartnershipParty

DAY = timedelta(days=1)
EXPORT_ACTION = "data.export"


class QuotaExceeded(TooManyAttempts):
    """A daily quota is used up: 429 with Retry-After (the sign-in throttle's handler)."""

    def __init__(self, *, quota: str, setting: str, limit: int, what: str,
                 retry_after: int) -> None:
        hours, minutes = divmod(max(1, -(-retry_after // 60)), 60)
        wait = f"{hours} h {minutes} min" if hours else f"{minutes} min"
        super().__init__(
            retry_after,
            # Plain words for the person; the setting is named in docs/operations.md.
            f"Quota reached: at most {limit} {what} per person in 24 hours. "
            f"Try again in {wait}.",
        )
        self.quota = quota
        self.setting = f"INDUSX_{setting.upper()}"


class StorageQuotaExceeded(DomainError):
    """An organisation's stored files would pass its quota: 413 for bytes, 409 for files."""


@dataclass(frozen=True, slots=True)
class Usage:
    """What an organisation stores: files and their bytes."""

    files: int
    bytes: int


def _refused(quota: str) -> None:
    metrics.QUOTA_REFUSALS.labels(quota).inc()


def _retry_after(times: Sequence[datetime], limit: int, now: datetime) -> int | None:
    """Return seconds until one more action fits in the last 24 hours, or None if it fits now.

    `times` are the counted actions' moments in the window, oldest first.
    """
    if len(times) < limit:
        return None
    frees = times[len(times) - limit] + DAY  # when enough have aged out for one more
    return max(1, int((frees - now).total_seconds()) + 1)


def _times(session: Session, stmt: Select[datetime]) -> list[datetime]:
    return list(session.scalars(stmt))


def _lock_user(session: Session, user_id: int) -> None:
    """Serialise one user's quota checks until the transaction ends (PostgreSQL).

    NO KEY UPDATE: rows that merely reference the user (foreign keys) are not held up.
    """
    session.execute(select(User.id).where(User.id == user_id).with_for_update(key_share=True))


def _lock_orgs(session: Session, org_ids: Sequence[int]) -> None:
    """Serialise storage checks of these organisations (in id order: no deadlock)."""
    if org_ids:
        session.execute(select(Organisation.id).where(Organisation.id.in_(org_ids))
                        .order_by(Organisation.id).with_for_update(key_share=True))


def ensure_introduction_allowed(*, session: Session, settings: Settings,
                                principal: Principal) -> None:
    """Raise QuotaExceeded when the caller asked for their day's introductions (officers pass)."""
    if principal.is_officer:
        return
    _lock_user(session, principal.user.id)
    now = utcnow()
    times = _times(session, select(Introduction.created_at).where(
        Introduction.requested_by_id == principal.user.id, Introduction.created_at > now - DAY,
    ).order_by(Introduction.created_at))
    wait = _retry_after(times, settings.quota_introductions_per_day, now)
    if wait is not None:
        _refused("introductions")
        raise QuotaExceeded(quota="introductions", setting="quota_introductions_per_day",
                            limit=settings.quota_introductions_per_day,
                            what="introduction requests", retry_after=wait)


def record_export(*, session: Session, settings: Settings, principal: Principal,
                  kind: str) -> None:
    """Count an export against the caller's daily quota and audit it, or raise QuotaExceeded.

    The metric `indusx_exports_total` counts it when the transaction commits, that is when the
    route succeeded: a route that refuses (403, 404) rolls the audit event back with it.
    """
    _lock_user(session, principal.user.id)
    now = utcnow()
    times = _times(session, select(AuditEvent.at).where(
        AuditEvent.actor_id == principal.user.id, AuditEvent.action == EXPORT_ACTION,
        AuditEvent.at > now - DAY,
    ).order_by(AuditEvent.at))
    wait = _retry_after(times, settings.quota_exports_per_day, now)
    if wait is not None:
        _refused("exports")
        raise QuotaExceeded(quota="exports", setting="quota_exports_per_day",
                            limit=settings.quota_exports_per_day, what="exports",
                            retry_after=wait)
    audit.record(session=session, actor=principal.actor, action=EXPORT_ACTION,
                 object_type="export", object_id=kind, summary=f"exported {kind} as CSV")
    counter = metrics.EXPORTS.labels(kind)
    event.listen(session, "after_commit", lambda _session: counter.inc(), once=True)


@dataclass(frozen=True, slots=True)
class Exporting:
    """A route dependency: `Annotated[None, Depends(Exporting("audit"))]` counts an export.

    With `when_format`, only requests asking `?format=<when_format>` are exports (an API route
    that answers JSON for the page and CSV for the download).
    """

    kind: str
    when_format: str | None = None

    def __call__(self, request: Request, session: SessionDep, settings: SettingsDep,
                 principal: SignedIn) -> None:
        if self.when_format is not None and (
            request.query_params.get("format") != self.when_format
        ):
            return
        record_export(session=session, settings=settings, principal=principal, kind=self.kind)


def _introduction_quota(session: SessionDep, settings: SettingsDep, principal: SignedIn) -> None:
    ensure_introduction_allowed(session=session, settings=settings, principal=principal)


# Added to the routes that request an introduction (web and API).
IntroductionQuota = Annotated[None, Depends(_introduction_quota)]


def org_usage(*, session: Session, org_id: int) -> Usage:
    """Return the files an organisation stores: its proposals' attachments and the data-room
    versions its members uploaded to its partnerships' rooms."""
    attachments = session.execute(
        select(func.count(Attachment.id), func.coalesce(func.sum(Attachment.size_bytes), 0))
        .join(Proposal, Proposal.id == Attachment.proposal_id)
        .where(Proposal.lead_org_id == org_id)
    ).one()
    versions = session.execute(
        select(func.count(DocumentVersion.id),
               func.coalesce(func.sum(DocumentVersion.size_bytes), 0))
        .join(Document, Document.id == DocumentVersion.document_id)
        .join(DataRoom, DataRoom.id == Document.room_id)
        .join(PartnershipParty, and_(PartnershipParty.partnership_id == DataRoom.partnership_id,
                                     PartnershipParty.org_id == org_id))
        .join(Membership, and_(Membership.user_id == DocumentVersion.uploaded_by_id,
                               Membership.org_id == org_id))
    ).one()
    return Usage(files=int(attachments[0]) + int(versions[0]),
                 bytes=int(attachments[1]) + int(versions[1]))


def ensure_storage(*, session: Session, settings: Settings, org_ids: Sequence[int],
                   adding: int) -> None:
    """Raise StorageQuotaExceeded when one more file of `adding` bytes would pass an
    organisation's file count (409) or stored bytes (413)."""
    wanted = sorted(set(org_ids))
    _lock_orgs(session, wanted)
    for org_id in wanted:
        usage = org_usage(session=session, org_id=org_id)
        if usage.files + 1 > settings.quota_org_files:
            _refused("org_files")
            raise StorageQuotaExceeded(
                f"The organisation stores {usage.files} files, its quota; remove some "
                f"before uploading more", status=409)
        if usage.bytes + adding > settings.quota_org_storage_bytes:
            _refused("org_storage")
            raise StorageQuotaExceeded(
                f"The organisation stores {uploads.megabytes(usage.bytes)} of its "
                f"{uploads.megabytes(settings.quota_org_storage_bytes)} quota; this file of "
                f"{uploads.megabytes(adding)} does not fit", status=413)


def ensure_room_storage(*, session: Session, settings: Settings, party_org_ids: Sequence[int],
                        principal: Principal, adding: int) -> None:
    """Check the storage quota of the uploader's organisations that are parties of the room."""
    org_ids = [org_id for org_id in party_org_ids if org_id in principal.org_roles]
    ensure_storage(session=session, settings=settings, org_ids=org_ids, adding=adding)
