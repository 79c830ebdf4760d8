import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session, sessionmaker

from indusx.config import Settings
from indusx.db import session_scope, utcnow
from indusx.notifications import service as outbox
from indusx.notifications.models import DeliveryStatus
from indusx.ops.jobs import queue
from indusx.ops.jobs import worker as job_worker
from indusx.ops.jobs.models import Job, JobStatus

LEASE = timedelta(minutes=5)


def test_a_claimed_job_is_not_claimed_again_while_its_lease_holds(session: Session) -> None:
    job = queue.enqueue(session=session, kind="test.once")
    claimed = queue.claim(session=session, worker_id="w1", visibility=LEASE)
    assert claimed is not None and claimed.id == job.id
    assert (claimed.status, claimed.attempts, claimed.locked_by) == (JobStatus.RUNNING, 1, "w1")
    assert queue.claim(session=session, worker_id="w2", visibility=LEASE) is None


def test_a_job_whose_worker_died_is_claimed_again_after_the_visibility_timeout(
    session: Session,
) -> None:
    job = queue.enqueue(session=session, kind="test.lease")
    now = utcnow()
    assert queue.claim(session=session, worker_id="dead", visibility=LEASE, now=now)
    later = now + LEASE + timedelta(seconds=1)
    again = queue.claim(session=session, worker_id="w2", visibility=LEASE, now=later)
    assert again is not None and again.id == job.id
    assert (again.locked_by, again.attempts) == ("w2", 2)
    # The dead worker's late finish does not count: it lost the lease.
    assert not queue.complete(session=session, job_id=job.id, worker_id="dead")
    assert queue.complete(session=session, job_id=job.id, worker_id="w2")


def test_a_failed_job_is_retried_after_a_backoff_then_given_up(session: Session) -> None:
    job = queue.enqueue(session=session, kind="test.retry", max_attempts=2)
    now = utcnow()
    queue.claim(session=session, worker_id="w", visibility=LEASE, now=now)
    assert queue.fail(session=session, job_id=job.id, worker_id="w", error="boom",
                      now=now) is JobStatus.QUEUED
    assert job.run_at == now + queue.backoff(1) and job.last_error == "boom"
    assert queue.claim(session=session, worker_id="w", visibility=LEASE, now=now) is None
    retry_at = now + queue.backoff(1)
    assert queue.claim(session=session, worker_id="w", visibility=LEASE, now=retry_at)
    assert queue.fail(session=session, job_id=job.id, worker_id="w", error="boom again",
                      now=retry_at) is JobStatus.FAILED
    assert queue.depth(session=session)["failed"] >= 1
    assert queue.retry_failed(session=session, kind="test.retry") == 1
    session.refresh(job)
    assert (job.status, job.attempts) == (JobStatus.QUEUED, 0)


def test_the_last_try_dying_with_its_lease_is_given_up(session: Session) -> None:
    job = queue.enqueue(session=session, kind="test.reap", max_attempts=1)
    now = utcnow()
    queue.claim(session=session, worker_id="dead", visibility=LEASE, now=now)
    assert queue.claim(session=session, worker_id="w", visibility=LEASE,
                       now=now + 2 * LEASE) is None
    assert queue.reap(session=session, now=now + 2 * LEASE) == 1
    session.refresh(job)
    assert job.status is JobStatus.FAILED


def test_a_dedupe_key_keeps_one_waiting_job(session: Session) -> None:
    first = queue.enqueue(session=session, kind="test.dedupe", dedupe_key="test.dedupe")
    second = queue.enqueue(session=session, kind="test.dedupe", dedupe_key="test.dedupe")
    assert second.id == first.id
    queue.claim(session=session, worker_id="w", visibility=LEASE)
    queue.complete(session=session, job_id=first.id, worker_id="w")
    third = queue.enqueue(session=session, kind="test.dedupe", dedupe_key="test.dedupe")
    assert third.id != first.id


def test_the_scheduler_enqueues_each_periodic_job_once_per_interval(
    session_factory: sessionmaker[Session], settings: Settings
) -> None:
    with session_scope(session_factory) as session:
        first = job_worker.enqueue_due(session=session, settings=settings)
        second = job_worker.enqueue_due(session=session, settings=settings)
    assert {"outbox.deliver", "matching.refresh", "screening.rescreen:all"} <= set(first)
    assert second == []


def test_the_worker_runs_the_outbox_job(
    session: Session, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    note = outbox.enqueue(session=session, to_email="ops@example.org", kind="test.worker",
                          subject="Hello", body="Body")
    job = queue.enqueue(session=session, kind="outbox.deliver")
    session.commit()
    assert job_worker.run_one(factory=session_factory, settings=settings)
    session.refresh(note)
    session.refresh(job)
    assert note.delivery_status is DeliveryStatus.LOGGED
    assert job.status is JobStatus.DONE and job.finished_at is not None


def test_a_failing_handler_leaves_its_job_queued_for_a_retry_and_undoes_its_writes(
    session: Session, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    def boom(db: Session, _settings: Settings, payload: dict[str, Any]) -> None:
        queue.enqueue(session=db, kind="test.written-then-undone")
        raise RuntimeError(f"cannot do {payload['what']}")

    job = queue.enqueue(session=session, kind="test.boom", payload={"what": "this"})
    session.commit()
    assert job_worker.run_one(factory=session_factory, settings=settings,
                              handlers={"test.boom": boom})
    session.refresh(job)
    assert job.status is JobStatus.QUEUED and job.attempts == 1
    assert "cannot do this" in job.last_error and job.run_at > utcnow()
    assert session.scalar(select(Job).where(Job.kind == "test.written-then-undone")) is None


@pytest.fixture
def committed(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions that really commit (to see other connections); the job table is emptied."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with session_scope(factory) as session:
        session.execute(delete(Job))
    yield factory
    with session_scope(factory) as session:
        session.execute(delete(Job))


def test_concurrent_workers_claim_each_job_exactly_once(
    committed: sessionmaker[Session],
) -> None:
    with session_scope(committed) as session:
        ids = [queue.enqueue(session=session, kind="test.race").id for _ in range(30)]
    claimed: list[int] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        while True:
            with session_scope(committed) as session:
                job = queue.claim(session=session, worker_id=name, visibility=LEASE)
                if job is None:
                    return
                with lock:
                    claimed.append(job.id)

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(ids)


def test_a_second_worker_claims_the_other_job_not_the_one_the_first_holds(
    committed: sessionmaker[Session], database_url: str
) -> None:
    # PostgreSQL: SKIP LOCKED lets the second claim run while the first transaction is still
    # open. SQLite has one writer at a time, so there the second claims after the first commits.
    concurrent = database_url.startswith("postgresql")
    with session_scope(committed) as session:
        ids = {queue.enqueue(session=session, kind="test.skip").id for _ in range(2)}
    first, second = committed(), committed()
    try:
        a = queue.claim(session=first, worker_id="a", visibility=LEASE)
        if not concurrent:
            first.commit()
        # Without SKIP LOCKED this would wait for `first` to commit (and then find nothing).
        b = queue.claim(session=second, worker_id="b", visibility=LEASE)
        assert a is not None and b is not None and {a.id, b.id} == ids
        assert queue.claim(session=second, worker_id="b", visibility=LEASE) is None
        first.commit()
        second.commit()
    finally:
        first.close()
        second.close()
