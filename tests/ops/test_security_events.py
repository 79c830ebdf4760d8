"""Access refusals are audited in their own transaction, once a minute per caller and route."""

from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.audit.models import AuditEvent
from indusx.audit.service import Actor
from indusx.db import utcnow
from indusx.ops import security_events
from indusx.ops.security_events import Refusal

ROUTE = "/api/v1/orgs/{org_id}"


def _denials(session: Session) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(
        AuditEvent.action == "access.denied").order_by(AuditEvent.id)))


def test_a_refused_request_is_audited_with_its_actor_route_and_object(
    client: TestClient, people: SimpleNamespace, bearer: Callable[..., dict[str, str]],
    session: Session,
) -> None:
    response = client.patch(f"/api/v1/orgs/{people.org.id}", json={"name": "Taken over"},
                            headers=bearer(people.bob))
    assert response.status_code == 403
    [event] = _denials(session)
    assert (event.actor_id, event.actor_email, event.via) == (
        people.bob.id, people.bob.email, "api")
    assert (event.object_type, event.object_id) == ("org", str(people.org.id))
    assert event.summary.startswith(f"refused PATCH {ROUTE}:")
    assert event.after == {"method": "PATCH", "route": ROUTE,
                           "params": {"org_id": str(people.org.id)}}
    # The request's own transaction rolled back: the organisation kept its name.
    session.expire_all()
    assert client.get(f"/api/v1/orgs/{people.org.id}",
                      headers=bearer(people.alice)).json()["name"] != "Taken over"


def test_a_loop_of_refusals_leaves_one_event_a_minute_per_route(
    client: TestClient, people: SimpleNamespace, bearer: Callable[..., dict[str, str]],
    session: Session,
) -> None:
    headers = bearer(people.charlie)
    for _ in range(5):
        assert client.patch(f"/api/v1/orgs/{people.org.id}", json={"name": "Taken over"},
                            headers=headers).status_code == 403
    assert client.delete(f"/api/v1/orgs/{people.org.id}", headers=headers).status_code == 403
    routes = [(e.actor_id, e.summary.split(":")[0]) for e in _denials(session)]
    assert routes == [(people.charlie.id, f"refused PATCH {ROUTE}"),
                      (people.charlie.id, f"refused DELETE {ROUTE}")]


def test_each_refused_caller_gets_an_event_of_their_own(
    client: TestClient, people: SimpleNamespace, bearer: Callable[..., dict[str, str]],
    session: Session,
) -> None:
    for person in (people.bob, people.charlie):
        client.patch(f"/api/v1/orgs/{people.org.id}", json={"name": "Taken over"},
                     headers=bearer(person))
    assert [e.actor_id for e in _denials(session)] == [people.bob.id, people.charlie.id]


def test_a_refusal_after_the_window_is_audited_again(
    session: Session, monkeypatch: pytest.MonkeyPatch,
) -> None:
    actor = Actor(user_id=None, email="anonymous", via="web", ip="203.0.113.9")
    refusal = Refusal(method="GET", route="/admin/audit", object_type="route", object_id="",
                      reason="Only platform administrators may do this", params={})
    assert security_events.record_refusal(session=session, actor=actor, refusal=refusal)
    assert not security_events.record_refusal(session=session, actor=actor, refusal=refusal)
    other = Actor(user_id=None, email="anonymous", via="web", ip="203.0.113.10")
    assert security_events.record_refusal(session=session, actor=other, refusal=refusal)
    later = utcnow() + timedelta(minutes=1, seconds=5)
    monkeypatch.setattr(security_events, "utcnow", lambda: later)
    assert security_events.record_refusal(session=session, actor=actor, refusal=refusal)


def test_a_route_template_with_underscores_is_not_a_like_pattern(session: Session) -> None:
    actor = Actor(user_id=None, email="anonymous", via="web", ip="203.0.113.11")
    first = Refusal("GET", "/orgs/{org_id}", "org", "1", "no", {})
    lookalike = Refusal("GET", "/orgs/{orgXid}", "org", "1", "no", {})
    assert security_events.record_refusal(session=session, actor=actor, refusal=first)
    assert security_events.record_refusal(session=session, actor=actor, refusal=lookalike)


def test_an_officer_only_page_refused_to_a_member_is_audited_and_counted(
    client: TestClient, people: SimpleNamespace, sign_in: Callable[..., TestClient],
    session: Session,
) -> None:
    before = REGISTRY.get_sample_value(
        "indusx_access_denied_total", {"route": "/admin/audit"}) or 0.0
    sign_in(client, people.bob)
    assert client.get("/admin/audit").status_code == 403
    [event] = _denials(session)
    assert (event.actor_id, event.via, event.object_type) == (people.bob.id, "web", "route")
    assert REGISTRY.get_sample_value(
        "indusx_access_denied_total", {"route": "/admin/audit"}) == before + 1
