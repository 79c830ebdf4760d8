"""Sessions: a new id at sign-in (no fixation), idle and absolute expiry, sign-out; headers."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import User, WebSession
from indusx.accounts.secrets import token_hash
from indusx.config import Settings
from indusx.db import utcnow
from tests.conftest import PASSWORD

SESSION = "indusx_session"


def test_signing_in_issues_a_new_session_id_and_drops_the_one_the_browser_had(
    client: TestClient, csrf: str, make_user: Callable[..., User], session: Session,
    settings: Settings,
) -> None:
    victim, attacker = make_user(), make_user()
    # A session id planted in the victim's browser (here: one the attacker owns).
    planted = account_service.start_web_session(session=session, user=attacker,
                                                settings=settings)
    session.commit()
    client.cookies.set(SESSION, planted)
    response = client.post("/login", data={"email": victim.email, "password": PASSWORD,
                                           "csrf_token": csrf})
    issued = response.cookies[SESSION]
    assert issued != planted
    assert session.get(WebSession, token_hash(planted)) is None
    assert account_service.user_for_web_session(session=session, raw=issued) == victim


def test_a_session_ends_after_the_idle_time(
    session: Session, settings: Settings, make_user: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = make_user(password=None)
    raw = account_service.start_web_session(session=session, user=user, settings=settings)
    start = utcnow()
    monkeypatch.setattr(account_service, "utcnow", lambda: start + timedelta(minutes=29))
    assert account_service.user_for_web_session(session=session, raw=raw,
                                                idle_minutes=30) == user
    # Being used resets the idle clock.
    monkeypatch.setattr(account_service, "utcnow", lambda: start + timedelta(minutes=58))
    assert account_service.user_for_web_session(session=session, raw=raw,
                                                idle_minutes=30) == user
    monkeypatch.setattr(account_service, "utcnow", lambda: start + timedelta(minutes=89))
    assert account_service.user_for_web_session(session=session, raw=raw,
                                                idle_minutes=30) is None


def test_an_idle_session_sends_the_browser_to_sign_in(
    client: TestClient, make_user: Callable[..., User], session: Session,
    sign_in: Callable[[TestClient, User], TestClient], settings: Settings,
) -> None:
    user = make_user(password=None)
    sign_in(client, user)
    assert client.get("/notifications").status_code == 200
    row = session.get(WebSession, token_hash(client.cookies[SESSION]))
    assert row is not None
    row.last_seen_at = utcnow() - timedelta(minutes=settings.session_idle_minutes + 1)
    session.commit()
    response = client.get("/notifications")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_a_session_ends_at_its_absolute_expiry_even_when_used(
    session: Session, settings: Settings, make_user: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = make_user(password=None)
    raw = account_service.start_web_session(session=session, user=user, settings=settings)
    later = utcnow() + timedelta(days=settings.session_days, seconds=1)
    monkeypatch.setattr(account_service, "utcnow", lambda: later)
    assert account_service.user_for_web_session(session=session, raw=raw) is None


def test_signing_out_deletes_the_session_on_the_server(
    client: TestClient, csrf: str, make_user: Callable[..., User], session: Session,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    user = make_user(password=None)
    sign_in(client, user)
    raw = client.cookies[SESSION]
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 303
    assert session.get(WebSession, token_hash(raw)) is None
    # Replaying the old cookie does not sign anyone in.
    replay = TestClient(client.app, follow_redirects=False)
    replay.cookies.set(SESSION, raw)
    assert replay.get("/notifications").status_code == 303


def test_pages_carry_the_security_headers(client: TestClient) -> None:
    headers = client.get("/login").headers
    csp = dict(
        ([*part.split(" ", 1), ""])[:2] for part in
        (p.strip() for p in headers["Content-Security-Policy"].split(";"))
    )
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "style-src-attr" not in csp  # style attributes fall under style-src 'self': refused
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in headers


def test_hsts_is_sent_when_the_app_runs_behind_tls(
    app: FastAPI, settings: Settings
) -> None:
    settings.cookie_secure = True
    with TestClient(app, base_url="https://testserver") as secure:
        hsts = secure.get("/login").headers["Strict-Transport-Security"]
    assert hsts == f"max-age={365 * 24 * 60 * 60}; includeSubDomains"
