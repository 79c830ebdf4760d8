"""Business quotas: introductions and exports per user a day, stored files per organisation."""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.accounts.permissions import Principal
from indusx.audit.models import AuditEvent
from indusx.config import Settings
from indusx.db import utcnow
from indusx.matching.models import Introduction, MatchMode
from indusx.ops import quotas
from indusx.orgs.models import Organisation
from tests.challenges.review_support import reviewing as reviewing
from tests.partnerships.dataroom_support import build, name_members

Bearer = Callable[[User], dict[str, str]]
DAY = 24 * 60 * 60
EXPORT = quotas.EXPORT_ACTION


def _ask(client: TestClient, headers: dict[str, str], from_org: int, to_org: int) -> int:
    return client.post("/api/v1/introductions", headers=headers, json={
        "from_org_id": from_org, "to_org_id": to_org, "mode": "co-development"}).status_code


def test_introductions_past_the_daily_quota_are_refused_with_429_and_retry_after(
    client: TestClient, people: SimpleNamespace, bearer: Bearer, settings: Settings,
    make_org: Callable[..., Organisation],
) -> None:
    settings.quota_introductions_per_day = 2
    targets = [make_org(country="US", name=f"Quota Target {n}") for n in range(3)]
    headers = bearer(people.alice)
    assert [_ask(client, headers, people.org.id, t.id) for t in targets[:2]] == [201, 201]

    refused = client.post("/api/v1/introductions", headers=headers, json={
        "from_org_id": people.org.id, "to_org_id": targets[2].id, "mode": "co-development"})

    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert DAY - 120 < int(refused.headers["Retry-After"]) <= DAY + 1
    detail = refused.json()["detail"]
    assert "at most 2 introduction requests per person in 24 hours" in detail
    assert "Try again in 23 h" in detail or "Try again in 24 h" in detail
    assert "INDUSX_" not in detail and "setting" not in detail


def test_introductions_older_than_a_day_no_longer_count(
    session: Session, people: SimpleNamespace, settings: Settings,
    make_org: Callable[..., Organisation],
) -> None:
    settings.quota_introductions_per_day = 1
    target = make_org(country="US")
    intro = Introduction(mode=MatchMode.CO_DEVELOPMENT, from_org_id=people.org.id,
                         to_org_id=target.id, requested_by_id=people.alice.id,
                         created_at=utcnow() - timedelta(hours=23))
    session.add(intro)
    session.flush()
    alice = Principal.load(session=session, user=people.alice, via="web")
    with pytest.raises(quotas.QuotaExceeded) as refused:
        quotas.ensure_introduction_allowed(session=session, settings=settings, principal=alice)
    # The one counted request leaves the window in about an hour.
    assert 3500 < refused.value.retry_after <= 3601
    intro.created_at = utcnow() - timedelta(hours=24, seconds=1)
    session.flush()
    quotas.ensure_introduction_allowed(session=session, settings=settings, principal=alice)


def test_officers_are_exempt_from_the_introductions_quota(
    session: Session, people: SimpleNamespace, settings: Settings,
    make_org: Callable[..., Organisation],
) -> None:
    settings.quota_introductions_per_day = 1
    for _ in range(2):
        session.add(Introduction(mode=MatchMode.CO_DEVELOPMENT, from_org_id=people.org.id,
                                 to_org_id=make_org(country="US").id,
                                 requested_by_id=people.officer.id, created_at=utcnow()))
    session.flush()
    officer = Principal.load(session=session, user=people.officer, via="web")
    quotas.ensure_introduction_allowed(session=session, settings=settings, principal=officer)


def test_exports_are_audited_counted_and_refused_past_the_quota_even_for_admins(
    client: TestClient, people: SimpleNamespace, bearer: Bearer, settings: Settings,
    session: Session,
) -> None:
    settings.quota_exports_per_day = 2
    headers = bearer(people.admin)
    before = REGISTRY.get_sample_value("indusx_exports_total", {"kind": "audit"}) or 0.0
    assert [client.get("/api/v1/audit/export.csv", headers=headers).status_code
            for _ in range(2)] == [200, 200]

    refused = client.get("/api/v1/audit/export.csv", headers=headers)

    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > DAY - 120
    assert "at most 2 exports per person" in refused.json()["detail"]
    assert "INDUSX_" not in refused.json()["detail"]
    events = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "data.export")).all()
    assert [(e.actor_id, e.object_id) for e in events] == [(people.admin.id, "audit")] * 2
    assert REGISTRY.get_sample_value("indusx_exports_total", {"kind": "audit"}) == before + 2


def test_the_web_exports_share_one_quota_per_user(
    client: TestClient, people: SimpleNamespace, sign_in: Callable[..., TestClient],
    settings: Settings,
) -> None:
    settings.quota_exports_per_day = 2
    sign_in(client, people.bob)
    assert client.get("/matchmaking/opportunities.csv").status_code == 200
    assert client.get("/supply/requests/export.csv").status_code == 200
    refused = client.get("/matchmaking/opportunities.csv")
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    # Another user has a quota of their own.
    sign_in(client, people.charlie)
    assert client.get("/matchmaking/opportunities.csv").status_code == 200


def _exports(session: Session) -> list[tuple[int | None, str]]:
    return [(e.actor_id, e.object_id) for e in session.scalars(
        select(AuditEvent).where(AuditEvent.action == EXPORT).order_by(AuditEvent.id))]


def _exported(kind: str) -> float:
    return REGISTRY.get_sample_value("indusx_exports_total", {"kind": kind}) or 0.0


def test_the_opportunity_map_api_counts_its_csv_but_not_its_json(
    client: TestClient, people: SimpleNamespace, bearer: Bearer, session: Session,
) -> None:
    headers = bearer(people.bob)
    before = _exported("opportunities")
    assert client.get("/api/v1/match/opportunities", headers=headers).status_code == 200
    csv = client.get("/api/v1/match/opportunities?format=csv", headers=headers)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert _exports(session) == [(people.bob.id, "opportunities")]
    assert _exported("opportunities") == before + 1


def test_a_refused_export_is_neither_audited_nor_counted_nor_charged(
    client: TestClient, people: SimpleNamespace, bearer: Bearer, session: Session,
    sign_in: Callable[..., TestClient], make_user: Callable[..., User],
    make_org: Callable[..., Organisation], tmp_path: Path, database_url: str,
) -> None:
    w = build(session, people, make_user, make_org, tmp_path, database_url)
    name_members(session, w, w.alice, w.bob)
    before = _exported("room_log")
    api = f"/api/v1/partnerships/{w.pact.id}/room/access-log?format=csv"
    page = f"/partnerships/{w.pact.id}/room/access-log.csv"
    assert client.get(api, headers=bearer(w.bob)).status_code == 403  # a member, not a manager
    assert sign_in(client, w.bob).get(page).status_code == 403
    assert _exports(session) == []
    assert _exported("room_log") == before
    # A manager's downloads are exports, by the API and the web page.
    assert client.get(api, headers=bearer(w.alice)).status_code == 200
    assert sign_in(client, w.alice).get(page).status_code == 200
    assert _exports(session) == [(w.alice.id, "room_log")] * 2
    assert _exported("room_log") == before + 2


def test_the_challenge_ranking_csv_is_an_export(
    client: TestClient, bearer: Bearer, session: Session, reviewing: SimpleNamespace,
) -> None:
    url = f"/api/v1/challenges/{reviewing.challenge.id}/export.csv"
    assert client.get(url, headers=bearer(reviewing.manager)).status_code == 200
    assert _exports(session) == [(reviewing.manager.id, "challenge_ranking")]


def test_quota_checks_lock_the_users_and_organisations_rows_on_postgresql(
    session: Session, people: SimpleNamespace, settings: Settings,
) -> None:
    # SQLite has one writer at a time: there is no row lock to take, and none is asked for.
    postgresql = session.get_bind().dialect.name == "postgresql"
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    engine = session.get_bind().engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        bob = Principal.load(session=session, user=people.bob, via="api")
        quotas.ensure_introduction_allowed(session=session, settings=settings, principal=bob)
        quotas.record_export(session=session, settings=settings, principal=bob, kind="audit")
        quotas.ensure_storage(session=session, settings=settings, org_ids=[people.org.id],
                              adding=1)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    locks = [s for s in statements if "FOR NO KEY UPDATE" in s]
    assert len(locks) == (3 if postgresql else 0)
    if postgresql:
        assert sum('FROM "user"' in s or "FROM user" in s for s in locks) == 2
        assert sum("FROM organisation" in s for s in locks) == 1
