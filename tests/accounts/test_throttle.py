"""Rate limits and lockout on sign-in, resets and tokens (HTTP 429 with Retry-After)."""

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts import throttle
from indusx.accounts.models import SignInThrottle, User
from indusx.audit.models import AuditEvent
from indusx.config import Settings
from indusx.db import utcnow
from indusx.notifications.models import Notification
from tests.conftest import PASSWORD


class Clock:
    """The throttle's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    fake = Clock()
    monkeypatch.setattr(throttle, "utcnow", fake)
    yield fake


@pytest.fixture
def limits(settings: Settings) -> Settings:
    settings.signin_max_failures = 3
    settings.signin_lockout_minutes = 15
    settings.ip_attempts_per_minute = 1000
    return settings


def test_an_account_is_locked_after_the_failures_and_opens_again_after_the_lockout(
    client: TestClient, make_user: Callable[..., User], limits: Settings, clock: Clock,
    session: Session,
) -> None:
    user = make_user()
    for _ in range(2):
        assert client.post("/api/v1/auth/login",
                           json={"email": user.email, "password": "wrong-guess"}
                           ).status_code == 401
    third = client.post("/api/v1/auth/login", json={"email": user.email, "password": "wrong"})
    assert third.status_code == 429
    assert third.headers["Retry-After"] == str(15 * 60)
    assert third.headers["content-type"] == "application/problem+json"
    assert third.json()["retry_after"] == 15 * 60
    # Even the right password waits until the lockout is over.
    clock.advance(minutes=10)
    held = client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    assert held.status_code == 429 and held.headers["Retry-After"] == str(5 * 60)
    clock.advance(minutes=5, seconds=1)
    assert client.post("/api/v1/auth/login",
                       json={"email": user.email, "password": PASSWORD}).status_code == 200
    lockouts = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.lockout")).all()
    assert [e.object_id for e in lockouts] == [str(user.id)]


def test_a_repeated_lockout_lasts_twice_as_long(
    client: TestClient, make_user: Callable[..., User], limits: Settings, clock: Clock
) -> None:
    user = make_user()
    for _ in range(3):
        last = client.post("/api/v1/auth/login", json={"email": user.email, "password": "x"})
    assert last.headers["Retry-After"] == str(15 * 60)
    clock.advance(minutes=16)
    for _ in range(3):
        last = client.post("/api/v1/auth/login", json={"email": user.email, "password": "x"})
    assert last.status_code == 429 and last.headers["Retry-After"] == str(30 * 60)


def test_failures_outside_the_window_do_not_add_up(
    client: TestClient, make_user: Callable[..., User], limits: Settings, clock: Clock
) -> None:
    user = make_user()
    for _ in range(2):
        client.post("/api/v1/auth/login", json={"email": user.email, "password": "x"})
    clock.advance(minutes=16)
    response = client.post("/api/v1/auth/login", json={"email": user.email, "password": "x"})
    assert response.status_code == 401


def test_an_unknown_address_is_locked_with_the_same_answers_as_a_real_one(
    client: TestClient, make_user: Callable[..., User], limits: Settings, clock: Clock
) -> None:
    user = make_user()
    real, ghost = [], []
    for _ in range(4):
        real.append(client.post("/api/v1/auth/login",
                                json={"email": user.email, "password": "x"}))
        ghost.append(client.post("/api/v1/auth/login",
                                 json={"email": "nobody@example.org", "password": "x"}))
    assert [r.status_code for r in real] == [r.status_code for r in ghost] == [401, 401, 429, 429]
    assert real[-1].headers["Retry-After"] == ghost[-1].headers["Retry-After"]
    assert real[-1].json()["detail"] == ghost[-1].json()["detail"]


def test_the_web_form_says_to_wait_with_429_and_retry_after(
    client: TestClient, csrf: str, make_user: Callable[..., User], limits: Settings,
    clock: Clock,
) -> None:
    user = make_user()
    for _ in range(3):
        response = client.post("/login", data={"email": user.email, "password": "wrong-one",
                                               "csrf_token": csrf})
    assert response.status_code == 429
    assert response.headers["Retry-After"] == str(15 * 60)
    assert "Too many attempts. Try again in 15 minutes." in response.text
    assert 'name="email"' in response.text  # the form is shown again
    assert "indusx_session" not in response.headers.get("set-cookie", "")


def test_too_many_attempts_from_one_address_are_refused_per_minute(
    client: TestClient, make_user: Callable[..., User], settings: Settings, clock: Clock
) -> None:
    settings.ip_attempts_per_minute = 4
    emails = [f"guess{n}@example.org" for n in range(5)]
    answers = [client.post("/api/v1/auth/login", json={"email": e, "password": "x"})
               for e in emails]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
    assert answers[-1].headers["Retry-After"] == "60"
    clock.advance(seconds=61)
    assert client.post("/api/v1/auth/login",
                       json={"email": emails[0], "password": "x"}).status_code == 401


def test_a_successful_sign_in_forgets_the_earlier_failures(
    client: TestClient, make_user: Callable[..., User], limits: Settings, session: Session
) -> None:
    user = make_user()
    client.post("/api/v1/auth/login", json={"email": user.email, "password": "x"})
    client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    assert session.get(SignInThrottle, f"account:{user.email}") is None


def test_reset_requests_are_limited_per_address_without_saying_so(
    client: TestClient, make_user: Callable[..., User], settings: Settings, session: Session
) -> None:
    settings.reset_requests_per_hour = 2
    user = make_user()
    for _ in range(4):
        response = client.post("/api/v1/auth/password-reset", json={"email": user.email})
        assert response.status_code == 202
    sent = session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                      Notification.kind == "password_reset"))
    assert len(sent.all()) == 2


def test_reset_requests_from_one_address_get_429(
    client: TestClient, csrf: str, settings: Settings
) -> None:
    settings.ip_attempts_per_minute = 2
    for _ in range(2):
        client.post("/password/forgot", data={"email": "a@example.org", "csrf_token": csrf})
    response = client.post("/password/forgot", data={"email": "a@example.org",
                                                      "csrf_token": csrf})
    assert response.status_code == 429 and response.headers["Retry-After"] == "60"
    api = client.post("/api/v1/auth/password-reset", json={"email": "a@example.org"})
    assert api.status_code == 429 and "Retry-After" in api.headers


def test_sign_ups_from_one_address_get_429_on_the_web_and_the_api(
    client: TestClient, csrf: str, settings: Settings, session: Session
) -> None:
    settings.ip_attempts_per_minute = 2
    for n in range(2):
        made = client.post("/api/v1/auth/signup", json={
            "email": f"bulk{n}@example.org", "full_name": f"Bulk Person {n}",
            "password": "tulip-harbour-lantern"})
        assert made.status_code == 201
    api = client.post("/api/v1/auth/signup", json={
        "email": "bulk9@example.org", "full_name": "Bulk Person", "password": "tulip-harbour-x1"})
    assert api.status_code == 429 and "Retry-After" in api.headers
    web = client.post("/signup", data={
        "email": "bulk8@example.org", "full_name": "Bulk Person", "password": "tulip-harbour-x1",
        "privacy_consent": "on", "csrf_token": csrf})
    assert web.status_code == 429 and 0 < int(web.headers["Retry-After"]) <= 60
    assert "bulk8@example.org" in web.text  # the form comes back with what was typed
    made_emails = set(session.scalars(select(User.email).where(User.email.like("bulk%"))))
    assert made_emails == {"bulk0@example.org", "bulk1@example.org"}


def test_refused_api_sign_ups_count_too_so_taken_addresses_cannot_be_probed_at_will(
    client: TestClient, settings: Settings, people: object
) -> None:
    settings.ip_attempts_per_minute = 2
    taken = people.alice.email  # type: ignore[attr-defined]
    answers = [client.post("/api/v1/auth/signup", json={
        "email": taken, "full_name": "Probe Person", "password": "tulip-harbour-lantern"})
        for _ in range(3)]
    assert [a.status_code for a in answers] == [409, 409, 429]


def test_guessing_reset_tokens_is_stopped(client: TestClient, settings: Settings) -> None:
    settings.bad_tokens_per_window = 3
    answers = [client.post("/api/v1/auth/password-reset/confirm",
                           json={"token": f"guessed-token-{n}", "password": "tulip-harbour-x"})
               for n in range(4)]
    assert [a.status_code for a in answers] == [422, 422, 422, 429]
    assert int(answers[-1].headers["Retry-After"]) <= 15 * 60


def test_guessing_bearer_tokens_is_stopped(
    client: TestClient, settings: Settings, people: object, bearer: Callable[[User], dict[str, str]]
) -> None:
    settings.bad_tokens_per_window = 3
    answers = [client.get("/api/v1/users/me", headers={"Authorization": f"Bearer ixp_bad{n}"})
               for n in range(4)]
    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    assert answers[-1].headers["Retry-After"]


def test_old_counters_are_pruned_but_lockouts_are_kept(
    session: Session, settings: Settings
) -> None:
    now = utcnow()
    session.add_all([
        SignInThrottle(key="ip:old", count=3, window_started_at=now - timedelta(days=2),
                       lockouts=0, updated_at=now - timedelta(days=2)),
        SignInThrottle(key="account:held@example.org", count=0, lockouts=9,
                       window_started_at=now - timedelta(days=2),
                       updated_at=now - timedelta(days=2),
                       locked_until=now + timedelta(hours=1)),
        SignInThrottle(key="ip:new", count=1, window_started_at=now, lockouts=0,
                       updated_at=now),
    ])
    session.flush()
    assert account_service.purge_expired(session=session) >= 1
    keys = set(session.scalars(select(SignInThrottle.key)))
    assert {"account:held@example.org", "ip:new"} <= keys and "ip:old" not in keys
