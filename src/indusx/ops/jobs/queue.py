"""Enqueue, claim, finish and fail jobs; safe with many workers on PostgreSQL and SQLite.

A claim is one guarded UPDATE of the oldest due row: on PostgreSQL its subquery locks the row
with FOR UPDATE SKIP LOCKED, so concurrent workers pass over each other's rows instead of
waiting; SQLite has one writer at a time, and the guard (the row is still claimable) makes a
second claimer find nothing. A claimed row is leased until `locked_until`: when a worker dies,
the lease runs out and another worker claims the job again (the visibility timeout).
"""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from indusx.config import Settings
from indusx.db import utcnow
from indusx.ops.jobs.models import Job, JobStatus

BASE_BACKOFF = timedelta(seconds=10)
MAX_BACKOFF = timedelta(hours=1)
ERROR_CHARS = 2000


def enqueue(
    *,
    session: Session,
    kind: str,
    payload: dict[str, Any] | None = None,
    run_at: datetime | None = None,
    dedupe_key: str | None = None,
    max_attempts: int = 5,
) -> Job:
    """Add a job in the caller's transaction; with a dedupe key, return the waiting twin."""
    job = Job(kind=kind, payload=payload or {}, run_at=run_at or utcnow(),
              dedupe_key=dedupe_key, max_attempts=max_attempts)
    if dedupe_key is None:
        session.add(job)
        session.flush()
        return job
    try:
        with session.begin_nested():
            session.add(job)
    except IntegrityError:
        twin = session.scalar(select(Job).where(
            Job.dedupe_key == dedupe_key, Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING])))
        if twin is None:  # it finished between our insert and this read: try once more
            return enqueue(session=session, kind=kind, payload=payload, run_at=run_at,
                           dedupe_key=dedupe_key, max_attempts=max_attempts)
        return twin
    return job


def _claimable(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(Job.status == JobStatus.QUEUED, Job.run_at <= now),
        and_(Job.status == JobStatus.RUNNING, Job.locked_until < now,
             Job.attempts < Job.max_attempts),
    )


def claim(
    *, session: Session, worker_id: str, visibility: timedelta, now: datetime | None = None
) -> Job | None:
    """Lease the oldest due job (or one whose lease ran out) to a worker; None if none.

    Commit soon after: on SQLite the claim holds the write lock until then.
    """
    now = now or utcnow()
    oldest = (select(Job.id).where(_claimable(now)).order_by(Job.run_at, Job.id).limit(1)
              .with_for_update(skip_locked=True).scalar_subquery())
    claimed = session.scalar(
        update(Job)
        .where(Job.id == oldest, _claimable(now))
        .values(status=JobStatus.RUNNING, locked_by=worker_id,
                locked_until=now + visibility, attempts=Job.attempts + 1)
        .returning(Job.id)
        .execution_options(synchronize_session=False)
    )
    if claimed is None:
        return None
    return session.scalars(
        select(Job).where(Job.id == claimed).execution_options(populate_existing=True)
    ).one()


def complete(
    *, session: Session, job_id: int, worker_id: str, now: datetime | None = None
) -> bool:
    """Mark a job done if this worker still holds its lease; False if it lost it."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.locked_by == worker_id, Job.status == JobStatus.RUNNING)
        .values(status=JobStatus.DONE, finished_at=now or utcnow(), locked_by=None,
                locked_until=None, last_error="")
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def backoff(attempts: int) -> timedelta:
    """Return the wait before retrying after `attempts` tries (exponential, capped)."""
    return min(BASE_BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def fail(
    *, session: Session, job_id: int, worker_id: str, error: str, now: datetime | None = None
) -> JobStatus | None:
    """Record a failed try: queue a retry with backoff, or give up after max_attempts."""
    now = now or utcnow()
    job = session.scalars(
        select(Job).where(Job.id == job_id, Job.locked_by == worker_id,
                          Job.status == JobStatus.RUNNING)
        .execution_options(populate_existing=True)
    ).first()
    if job is None:  # the lease ran out and another worker has it now
        return None
    job.last_error = error[:ERROR_CHARS]
    job.locked_by = None
    job.locked_until = None
    if job.attempts >= job.max_attempts:
        job.status = JobStatus.FAILED
        job.finished_at = now
    else:
        job.status = JobStatus.QUEUED
        job.run_at = now + backoff(job.attempts)
    session.flush()
    return job.status


def reap(*, session: Session, now: datetime | None = None) -> int:
    """Give up on jobs whose last allowed try died holding its lease; return how many."""
    now = now or utcnow()
    result = session.execute(
        update(Job)
        .where(Job.status == JobStatus.RUNNING, Job.locked_until < now,
               Job.attempts >= Job.max_attempts)
        .values(status=JobStatus.FAILED, finished_at=now, locked_by=None, locked_until=None,
                last_error="the worker stopped while running the last allowed try")
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def purge_finished(
    *, session: Session, settings: Settings, now: datetime | None = None, dry_run: bool = False
) -> int:
    """Delete done jobs older than INDUSX_RETENTION_FINISHED_JOB_DAYS; return how many.

    Failed ones stay for a look. With dry_run, only count them. The one purge of jobs: the
    retention purge (hourly, and `indusx privacy purge`) calls it.
    """
    before = (now or utcnow()) - timedelta(days=settings.retention_finished_job_days)
    old = and_(Job.status == JobStatus.DONE, Job.finished_at < before)
    if dry_run:
        return session.scalar(select(func.count()).select_from(Job).where(old)) or 0
    result = session.execute(delete(Job).where(old))
    return int(getattr(result, "rowcount", 0) or 0)


def last_enqueued(*, session: Session, dedupe_key: str) -> datetime | None:
    """Return when a job was last added under a key (the scheduler's memory across restarts)."""
    return session.scalar(select(func.max(Job.created_at)).where(Job.dedupe_key == dedupe_key))


def retry_failed(*, session: Session, kind: str | None = None) -> int:
    """Queue failed jobs again from their first try; return how many."""
    query = update(Job).where(Job.status == JobStatus.FAILED)
    if kind:
        query = query.where(Job.kind == kind)
    result = session.execute(
        query.values(status=JobStatus.QUEUED, attempts=0, run_at=utcnow(), finished_at=None,
                     dedupe_key=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def depth(*, session: Session) -> dict[str, int]:
    """Return how many jobs wait, run and have failed (done ones are not counted)."""
    counts = {s.value: 0 for s in (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED)}
    rows = session.execute(
        select(Job.status, func.count()).where(Job.status != JobStatus.DONE)
        .group_by(Job.status)
    ).all()
    for status, count in rows:
        counts[JobStatus(status).value] = int(count)
    return counts
