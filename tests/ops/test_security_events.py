"""Access refusals are audited in their own transaction, bounded per caller, route and minute."""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from indusx.accounts.models import User, WebSession
from indusx.audit.models import AuditEvent
from indusx.audit.service import Actor
from indusx.db import utcnow
from indusx.ops import security_events
from indusx.ops.security_events import Refusal
from indusx.orgs.models import Organisation
from tests.partnerships.dataroom_support import build, name_members

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


def test_a_route_template_with_underscores_is_not_a_like_pattern(
    session: Session, people: SimpleNamespace,
) -> None:
    actor = Actor(user_id=people.charlie.id, email=people.charlie.email, via="web")
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


def _age_proof(session: Session, user_id: int) -> None:
    session.execute(update(WebSession).where(WebSession.user_id == user_id)
                    .values(authenticated_at=utcnow() - timedelta(minutes=30)))
    session.commit()


def test_a_step_up_prompt_is_neither_audited_nor_counted_as_a_refusal(
    client: TestClient, csrf: str, make_user: Callable[..., User], session: Session,
    sign_in: Callable[..., TestClient],
) -> None:
    user = make_user()
    sign_in(client, user)
    _age_proof(session, user.id)
    before = REGISTRY.get_sample_value(
        "indusx_access_denied_total", {"route": "/api/v1/tokens"}) or 0.0
    asked = client.post("/api/v1/tokens", json={"name": "ci"}, headers={"X-CSRF-Token": csrf})
    assert asked.status_code == 403 and asked.json()["code"] == "step_up_required"
    assert _denials(session) == []
    assert (REGISTRY.get_sample_value(
        "indusx_access_denied_total", {"route": "/api/v1/tokens"}) or 0.0) == before


def test_a_page_that_catches_a_refusal_and_redraws_itself_with_403_is_audited(
    client: TestClient, csrf: str, session: Session, people: SimpleNamespace,
    make_user: Callable[..., User], make_org: Callable[..., Organisation], tmp_path: Path,
    database_url: str, sign_in: Callable[..., TestClient],
) -> None:
    w = build(session, people, make_user, make_org, tmp_path, database_url)
    name_members(session, w, w.alice, w.bob)
    sign_in(client, w.bob)  # a member of the room, not one of its managers
    url = f"/partnerships/{w.pact.id}/room/rules"
    answer = client.post(url, data={"csrf_token": csrf, "allowed_countries": "US"})
    assert answer.status_code == 403
    [event] = _denials(session)
    assert (event.actor_id, event.object_type, event.object_id) == (
        w.bob.id, "partnership", str(w.pact.id))
    assert event.summary.startswith(
        "refused POST /partnerships/{partnership_id}/room/rules:")


def test_a_403_raised_outside_the_request_session_is_audited_once(
    client: TestClient, session: Session,
) -> None:
    assert client.get("/metrics").status_code == 403  # the test client is not loopback
    assert client.get("/metrics").status_code == 403
    [event] = _denials(session)
    assert (event.actor_id, event.object_type) == (None, "route")
    assert event.summary.startswith("refused GET /metrics:")


def test_an_anonymous_caller_is_audited_once_a_minute_whatever_the_route(
    session: Session,
) -> None:
    actor = Actor(user_id=None, email="anonymous", via="web", ip="203.0.113.12")
    for route in ("/orgs/{org_id}/edit", "/admin/audit", "/challenges/new"):
        refusal = Refusal("POST", route, "route", "", "The form has expired", {})
        security_events.record_refusal(session=session, actor=actor, refusal=refusal)
    assert len(_denials(session)) == 1


def test_past_the_cap_a_minute_refusals_are_counted_but_not_written(session: Session) -> None:
    cap = security_events.WriteCap(4, clock=lambda: 600.0)  # two anonymous writes a minute
    before = REGISTRY.get_sample_value("indusx_access_denied_unaudited_total") or 0.0
    written = [
        security_events.record_refusal(
            session=session, refusal=Refusal("GET", "/admin/audit", "route", "", "no", {}),
            actor=Actor(user_id=None, email="anonymous", via="web", ip=f"198.51.100.{n}"),
            cap=cap)
        for n in range(4)
    ]
    assert written == [True, True, False, False]
    assert len(_denials(session)) == 2
    assert REGISTRY.get_sample_value("indusx_access_denied_unaudited_total") == before + 2


def test_the_write_cap_starts_afresh_each_minute() -> None:
    now = [60.0]
    cap = security_events.WriteCap(1, clock=lambda: now[0])
    assert cap.take("user:1")
    now[0] = 119.0
    assert not cap.take("user:1")
    now[0] = 120.0
    assert cap.take("user:1")


def test_one_caller_cannot_use_up_the_minute_and_blind_the_log_to_others() -> None:
    cap = security_events.WriteCap(60, per_caller=10, clock=lambda: 600.0)
    assert sum(cap.take("user:7") for _ in range(60)) == 10
    # Anonymous callers on many addresses get at most half of the minute between them...
    assert sum(cap.take(f"ip:2001:db8:{n}::1", signed_in=False) for n in range(60)) == 30
    # ...so a signed-in user's refusals are still written.
    assert cap.take("user:8")
