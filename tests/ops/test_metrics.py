from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from indusx.errors import Invalid
from indusx.main import create_app
from indusx.matching import service as matching_service
from indusx.notifications import service as outbox
from indusx.notifications.models import DeliveryStatus, Notification
from indusx.ops import metrics
from indusx.ops.jobs import queue
from indusx.screening import service as screening_service
from indusx.screening.engine.types import Query
from tests.conftest import CSRF_COOKIE_VALUE, make_settings

LOOPBACK = ("127.0.0.1", 50000)


@pytest.fixture
def local(app: FastAPI) -> Iterator[TestClient]:
    """A client calling from loopback, as a Prometheus on the same machine does."""
    with TestClient(app, follow_redirects=False, client=LOOPBACK) as test_client:
        test_client.cookies.set("indusx_csrf", CSRF_COOKIE_VALUE)
        yield test_client


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text) for s in family.samples
    }


def test_metrics_are_refused_to_a_remote_caller_without_the_token(client: TestClient) -> None:
    response = client.get("/metrics")
    assert response.status_code == 403
    assert "indusx_http_requests_total" not in response.text


def test_requests_are_counted_by_route_template_and_status(local: TestClient) -> None:
    local.get("/api/v1/orgs/987654")
    local.get("/api/v1/orgs/987655")
    body = local.get("/metrics").text
    assert "/api/v1/orgs/987654" not in body
    key = ("indusx_http_requests_total",
           (("method", "GET"), ("route", "/api/v1/orgs/{org_id}"), ("status", "401")))
    before = _samples(body)[key]
    local.get("/api/v1/orgs/1")
    after = _samples(local.get("/metrics").text)
    assert after[key] == before + 1
    latency = ("indusx_http_request_duration_seconds_count", key[1])
    assert after[latency] == after[key]


def test_an_unknown_address_is_counted_as_unmatched(local: TestClient) -> None:
    local.get("/no/such/page/here")
    body = local.get("/metrics").text
    assert 'route="unmatched"' in body and "/no/such/page/here" not in body


def test_the_outbox_backlog_and_job_depth_are_read_at_scrape_time(
    local: TestClient, session: Session
) -> None:
    outbox.enqueue(session=session, to_email="x@example.org", kind="test.metrics",
                   subject="Hello", body="Body")
    queue.enqueue(session=session, kind="test.metrics")
    session.commit()
    pending = session.scalar(select(func.count()).select_from(Notification).where(
        Notification.delivery_status == DeliveryStatus.PENDING))
    samples = _samples(local.get("/metrics").text)
    assert samples[("indusx_outbox_pending", ())] == pending
    assert samples[("indusx_jobs", (("status", "queued"),))] == queue.depth(
        session=session)["queued"] >= 1


def test_a_scraper_with_the_metrics_token_may_read_from_anywhere(
    database_url: str, engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    settings = make_settings(database_url, metrics_token="scrape-token-0123456789")
    app = create_app(settings, engine=engine, session_factory=session_factory)
    with TestClient(app) as remote:
        assert remote.get("/metrics", headers={
            "Authorization": "Bearer scrape-token-0123456789"}).status_code == 200
        assert remote.get("/metrics", headers={
            "Authorization": "Bearer wrong"}).status_code == 403


def test_matching_and_screening_entry_points_are_timed(session: Session) -> None:
    metrics.instrument_services()
    assert getattr(matching_service.solvers, "__indusx_timed__", False)
    assert getattr(matching_service.suggestions, "__indusx_timed__", False)
    labels = {"engine": "screening", "operation": "check"}

    def count() -> float:
        value = REGISTRY.get_sample_value("indusx_engine_duration_seconds_count", labels)
        return value or 0.0

    before = count()
    with pytest.raises(Invalid):  # a failed call is timed too
        screening_service.check(session=session, query=Query(name=" "))
    assert count() == before + 1
