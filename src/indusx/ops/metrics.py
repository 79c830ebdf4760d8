"""Prometheus metrics: requests by route template, engine timings, queue gauges at scrape time.

With several server processes set PROMETHEUS_MULTIPROC_DIR (an empty folder shared by them,
cleared at start) before they start: each process then writes its samples there and a scrape
of any process reads them all (docs/operations.md).
"""

import functools
import hmac
import os
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar, cast

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.routing import Match

from indusx.errors import Forbidden

router = APIRouter(tags=["operations"])
# Public in the sense of the access declarations: the route checks its own rule (loopback or
# the metrics bearer token), because Prometheus signs in as no user.
PUBLIC = True
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})

REQUESTS = Counter(
    "indusx_http_requests_total", "HTTP requests by route template, method and status",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "indusx_http_request_duration_seconds", "HTTP request latency by route template",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
ENGINE_SECONDS = Histogram(
    "indusx_engine_duration_seconds", "Matching and screening service call durations",
    ["engine", "operation"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
JOB_SECONDS = Histogram(
    "indusx_job_duration_seconds", "Background job run time by kind and outcome",
    ["kind", "outcome"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 30.0, 120.0, 600.0),
)

# Security events (docs/operations.md, alert rules in ops/alerts/indusx-alerts.yml).
ACCESS_DENIED = Counter(
    "indusx_access_denied_total", "403 responses by route template", ["route"],
)
ACCESS_DENIED_UNAUDITED = Counter(
    "indusx_access_denied_unaudited_total",
    "Refusals not written as access.denied events: the per-process cap a minute was reached",
)
SIGNIN_FAILURES = Counter(
    "indusx_signin_failures_total", "Failed sign-ins (wrong password or second factor)",
)
LOCKOUTS = Counter("indusx_lockouts_total", "Accounts locked after repeated failed sign-ins")
RATE_LIMITED = Counter(
    "indusx_rate_limited_total", "Requests refused by a rate limit (429) by limit", ["kind"],
)
QUOTA_REFUSALS = Counter(
    "indusx_quota_refusals_total", "Actions refused by a business quota", ["quota"],
)
EXPORTS = Counter("indusx_exports_total", "Bulk CSV exports by kind", ["kind"])
UPLOADS_REFUSED_MALWARE = Counter(
    "indusx_uploads_refused_malware_total",
    "Uploads refused: the malware scanner found a signature",
)
MALWARE_SCAN_FAILURES = Counter(
    "indusx_malware_scan_failures_total",
    "Uploads refused: the malware scanner was unreachable, timed out or failed",
)
DATAROOM_DOWNLOADS = Counter(
    "indusx_dataroom_downloads_total", "Data-room documents downloaded (web and API)",
)
# Counted here, at the edge, by route template: a successful answer is a download.
DATAROOM_DOWNLOAD_ROUTES = frozenset({
    "/partnerships/{partnership_id}/room/documents/{document_id}/download",
    "/api/v1/partnerships/{partnership_id}/documents/{document_id}/download",
})

F = TypeVar("F", bound=Callable[..., Any])


def timed(engine: str, operation: str) -> Callable[[F], F]:
    """Return a decorator that observes a call's duration in the engine histogram."""
    histogram = ENGINE_SECONDS.labels(engine, operation)

    def wrap(function: F) -> F:
        @functools.wraps(function)
        def timed_call(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                histogram.observe(time.perf_counter() - started)

        timed_call.__indusx_timed__ = True  # type: ignore[attr-defined]
        return cast(F, timed_call)

    return wrap


def instrument_services() -> None:
    """Time the matching and screening entry points (once per process; callers see the wrap).

    Callers reach these through their module (`matching_service.solvers(...)`), so replacing
    the module attribute times every call from the web, the API, the CLI and the jobs.
    """
    from indusx.matching import service as matching_service
    from indusx.screening import service as screening_service

    for module, engine, names in (
        (matching_service, "matching", ("suggestions", "solvers", "solvers_many")),
        (screening_service, "screening", ("check", "check_many", "check_party", "screen")),
    ):
        for name in names:
            function = getattr(module, name)
            if not getattr(function, "__indusx_timed__", False):
                setattr(module, name, timed(engine, name)(function))


def route_template(request: Request) -> str:
    """Return the matched route's template (/orgs/{org_id}), never the raw path."""
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    for candidate in request.app.router.routes:  # a mount, e.g. /static, sets no route
        match, _ = candidate.matches(request.scope)
        if match is Match.FULL:
            return str(getattr(candidate, "path", "unmatched")) or "unmatched"
    return "unmatched"


async def request_metrics(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Count the request and observe its latency under its route template and status.

    403s are counted per route too (and audited if nothing did yet), and successful
    data-room downloads. A step-up or second-factor prompt is not a refusal: not counted.
    """
    started = time.perf_counter()
    status = 500
    try:
        response = await call_next(request)
        status = response.status_code
        return response
    finally:
        route = route_template(request)
        labels = (request.method, route, str(status))
        REQUESTS.labels(*labels).inc()
        LATENCY.labels(*labels).observe(time.perf_counter() - started)
        if status == 403:
            from indusx.ops import security_events  # it imports this module

            if not security_events.is_prompt(request):
                ACCESS_DENIED.labels(route).inc()
                await security_events.note_answered_403(request)
        elif status == 200 and route in DATAROOM_DOWNLOAD_ROUTES:
            DATAROOM_DOWNLOADS.inc()


class BacklogCollector(Collector):
    """Read the outbox backlog and the job queue depth from the database at scrape time."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from indusx.notifications.models import DeliveryStatus, Notification
        from indusx.ops.jobs import queue

        with self.factory() as session:
            pending = session.scalar(select(func.count()).select_from(Notification).where(
                Notification.delivery_status == DeliveryStatus.PENDING)) or 0
            depth = queue.depth(session=session)
        outbox = GaugeMetricFamily("indusx_outbox_pending", "Notifications waiting to be sent")
        outbox.add_metric([], float(pending))
        yield outbox
        jobs = GaugeMetricFamily("indusx_jobs", "Background jobs by status", labels=["status"])
        for status, count in sorted(depth.items()):
            jobs.add_metric([status], float(count))
        yield jobs


def exposition(factory: sessionmaker[Session]) -> bytes:
    """Return the metrics text: this process (or all, in multiprocess mode) plus the gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
        body = generate_latest(processes)
    else:
        body = generate_latest(REGISTRY)
    gauges = CollectorRegistry(auto_describe=False)
    gauges.register(BacklogCollector(factory))
    return body + generate_latest(gauges)


def may_scrape(request: Request) -> bool:
    """Return whether the caller may read metrics: loopback, or the metrics bearer token."""
    token = request.app.state.settings.metrics_token
    if token:
        sent = request.headers.get("Authorization", "")
        if hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return True
    host = request.client.host if request.client else ""
    return host in LOOPBACK


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """Return Prometheus metrics (text format) to loopback or token-bearing scrapers."""
    if not may_scrape(request):
        raise Forbidden("Metrics are served to loopback callers or with the metrics token")
    return Response(exposition(request.app.state.sessionmaker), media_type=CONTENT_TYPE_LATEST)
