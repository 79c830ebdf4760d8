"""The worker: claims jobs and runs them; its scheduler enqueues the periodic ones."""

import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from indusx.config import Settings
from indusx.db import session_scope, utcnow
from indusx.ops.jobs import queue
from indusx.ops.jobs.handlers import HANDLERS, Handler
from indusx.ops.logging import request_id_var
from indusx.ops.metrics import JOB_SECONDS

log = logging.getLogger(__name__)


class LeaseLost(RuntimeError):
    """The job's lease ran out while it ran and another worker took it: undo this run."""


@dataclass(frozen=True)
class Periodic:
    kind: str
    every: timedelta
    payload: Mapping[str, str] | None = None


def schedule(settings: Settings) -> list[Periodic]:
    """Return the periodic jobs and how often each runs."""
    often = timedelta(seconds=settings.outbox_interval_seconds)
    return [
        Periodic("outbox.deliver", often),
        Periodic("challenges.remind", often),
        Periodic("roadmap.remind", often),
        Periodic("supply.remind", often),
        Periodic("matching.refresh", timedelta(seconds=settings.match_indexer_interval_seconds)),
        Periodic("screening.rescreen", timedelta(hours=1), {"scope": "unscreened"}),
        Periodic("screening.rescreen", timedelta(days=1), {"scope": "all"}),
        Periodic("privacy.purge", timedelta(hours=1)),
    ]


def enqueue_due(*, session: Session, settings: Settings) -> list[str]:
    """Enqueue each periodic job whose interval has passed since it was last added."""
    now = utcnow()
    added = []
    for item in schedule(settings):
        key = item.kind + "".join(f":{v}" for v in (item.payload or {}).values())
        last = queue.last_enqueued(session=session, dedupe_key=key)
        if last is None or now - last >= item.every:
            queue.enqueue(session=session, kind=item.kind, payload=dict(item.payload or {}),
                          dedupe_key=key)
            added.append(key)
    return added


def worker_id() -> str:
    """Return a name for this worker thread that says where it runs."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def run_one(
    *,
    factory: sessionmaker[Session],
    settings: Settings,
    handlers: Mapping[str, Handler] = HANDLERS,
    name: str | None = None,
) -> bool:
    """Claim one due job and run it; return False when nothing was due."""
    name = name or worker_id()
    visibility = timedelta(seconds=settings.job_visibility_seconds)
    with session_scope(factory) as session:
        job = queue.claim(session=session, worker_id=name, visibility=visibility)
        if job is None:
            return False
        job_id, kind, payload = job.id, job.kind, dict(job.payload)
    token = request_id_var.set(f"job-{job_id}")
    started = time.perf_counter()
    outcome = "done"
    try:
        handler = handlers.get(kind)
        with session_scope(factory) as session:
            if handler is None:
                raise LookupError(f"no handler for job kind {kind!r}")
            handler(session, settings, payload)
            # Marked done in the handler's own transaction: the work and the mark commit
            # together, or neither does and the job runs again.
            if not queue.complete(session=session, job_id=job_id, worker_id=name):
                raise LeaseLost(f"job {job_id} was taken over by another worker")
    except Exception as exc:  # a failing job is retried later; the worker carries on
        outcome = "error"
        log.warning("job %s (%s) failed: %s", job_id, kind, exc,
                    extra={"job_id": job_id, "job_kind": kind})
        error = "".join(traceback.format_exception_only(exc)).strip()
        with session_scope(factory) as session:
            queue.fail(session=session, job_id=job_id, worker_id=name, error=error)
    else:
        log.info("job %s (%s) done", job_id, kind, extra={"job_id": job_id, "job_kind": kind})
    finally:
        JOB_SECONDS.labels(kind, outcome).observe(time.perf_counter() - started)
        request_id_var.reset(token)
    return True


def _housekeeping(factory: sessionmaker[Session], settings: Settings) -> None:
    with session_scope(factory) as session:
        queue.reap(session=session)
        # Finished jobs are purged by the hourly privacy.purge job (queue.purge_finished).
        enqueue_due(session=session, settings=settings)


def _run_loop(factory: sessionmaker[Session], settings: Settings, stop: threading.Event) -> None:
    name = worker_id()
    while not stop.is_set():
        try:
            busy = run_one(factory=factory, settings=settings, name=name)
        except Exception:  # the database went away: wait and try again
            log.exception("claiming a job failed")
            busy = False
        if not busy:
            stop.wait(settings.job_poll_seconds)


def run(
    *,
    factory: sessionmaker[Session],
    settings: Settings,
    concurrency: int = 1,
    stop: threading.Event | None = None,
    scheduler: bool = True,
) -> None:
    """Run `concurrency` job threads (and the scheduler) until `stop` is set."""
    stop = stop or threading.Event()
    threads = [threading.Thread(target=_run_loop, args=(factory, settings, stop),
                                name=f"indusx-job-{n}", daemon=True)
               for n in range(concurrency)]
    for thread in threads:
        thread.start()
    tick = min(settings.match_indexer_interval_seconds, settings.outbox_interval_seconds, 5.0)
    try:
        while not stop.is_set():
            if scheduler:
                try:
                    _housekeeping(factory, settings)
                except Exception:  # e.g. the database restarting: the next tick tries again
                    log.exception("job scheduling round failed")
            stop.wait(tick)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=settings.job_visibility_seconds)
