"""Step-up re-authentication: sensitive actions need the password proven in the last minutes."""

from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts import step_up, totp
from indusx.accounts.models import (
    ApiToken,
    PlatformRole,
    SecondFactor,
    SignInThrottle,
    User,
    WebSession,
)
from indusx.accounts.secrets import token_hash
from indusx.audit.models import AuditEvent
from indusx.config import Settings
from indusx.db import utcnow
from indusx.orgs.models import Organisation
from tests.conftest import ACTOR, PASSWORD

SESSION = "indusx_session"


def _age_proof(session: Session, user: User, minutes: int = 11) -> None:
    """Make the user's sessions' password proof `minutes` old (the default window is 10)."""
    session.execute(update(WebSession).where(WebSession.user_id == user.id)
                    .values(authenticated_at=utcnow() - timedelta(minutes=minutes)))
    session.commit()


def _confirm_target(response_location: str) -> str:
    parts = urlsplit(response_location)
    assert parts.path == "/account/confirm"
    return parse_qs(parts.query)["next"][0]


def _tokens(session: Session, user: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)))


def test_a_session_proven_long_ago_is_sent_to_confirm_before_a_sensitive_page(
    client: TestClient, people: SimpleNamespace, session: Session,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    sign_in(client, people.alice)
    page = f"/orgs/{people.org.slug}/delete"
    assert client.get(page).status_code == 200
    _age_proof(session, people.alice)
    asked = client.get(page)
    assert asked.status_code == 303
    assert _confirm_target(asked.headers["location"]) == page
    # Pages that change nothing are not asked.
    assert client.get(f"/orgs/{people.org.slug}").status_code == 200


def test_a_form_post_goes_back_to_its_form_and_is_not_replayed(
    client: TestClient, csrf: str, make_user: Callable[..., User], session: Session,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    user = make_user()
    sign_in(client, user)
    _age_proof(session, user)
    refused = client.post("/account/tokens", data={"name": "ci", "expires_days": "30",
                                                   "csrf_token": csrf},
                          headers={"referer": "http://testserver/account/tokens?x=1"})
    assert refused.status_code == 303
    assert _confirm_target(refused.headers["location"]) == "/account/tokens?x=1"
    assert _tokens(session, user) == []
    # A referer from elsewhere is not followed.
    elsewhere = client.post("/account/tokens", data={"name": "ci", "csrf_token": csrf},
                            headers={"referer": "https://evil.example/account/tokens"})
    assert _confirm_target(elsewhere.headers["location"]) == "/"


def test_confirming_the_password_lets_the_action_through_and_is_audited(
    client: TestClient, csrf: str, make_user: Callable[..., User], session: Session,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    user = make_user()
    sign_in(client, user)
    _age_proof(session, user)
    form = client.get("/account/confirm", params={"next": "/account/tokens"})
    assert form.status_code == 200 and "Confirm it's you" in form.text
    assert 'name="code"' not in form.text  # no second factor, no code asked
    wrong = client.post("/account/confirm", data={"password": "not-the-password-at-all",
                                                  "next": "/account/tokens", "csrf_token": csrf})
    assert wrong.status_code == 400 and "is not right" in wrong.text
    done = client.post("/account/confirm", data={"password": PASSWORD, "next": "/account/tokens",
                                                 "csrf_token": csrf})
    assert done.status_code == 303 and done.headers["location"] == "/account/tokens"
    created = client.post("/account/tokens", data={"name": "ci", "expires_days": "30",
                                                   "csrf_token": csrf})
    assert created.status_code == 303 and len(_tokens(session, user)) == 1
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "user", AuditEvent.object_id == str(user.id),
        AuditEvent.action.like("auth.step_up%")).order_by(AuditEvent.id)).all()
    assert actions == ["auth.step_up_failed", "auth.step_up"]


def test_the_confirm_page_only_sends_on_to_a_local_path(
    client: TestClient, csrf: str, make_user: Callable[..., User],
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    user = make_user()
    sign_in(client, user)
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        done = client.post("/account/confirm", data={"password": PASSWORD, "next": target,
                                                     "csrf_token": csrf})
        assert done.status_code == 303 and done.headers["location"] == "/"


def test_with_a_second_factor_the_confirmation_needs_a_code_too(
    client: TestClient, csrf: str, make_user: Callable[..., User], session: Session,
    settings: Settings, sign_in: Callable[[TestClient, User], TestClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = make_user()
    totp.start_enrolment(session=session, user=user, settings=settings, actor=ACTOR)
    factor = session.get(SecondFactor, user.id)
    assert factor is not None
    app_code = pyotp.TOTP(totp._secret(settings, user.id, factor.salt))
    totp.confirm_enrolment(session=session, user=user, settings=settings,
                           code=app_code.now(), actor=ACTOR)
    session.commit()
    sign_in(client, user)
    _age_proof(session, user)
    assert 'name="code"' in client.get("/account/confirm").text
    no_code = client.post("/account/confirm", data={"password": PASSWORD, "csrf_token": csrf})
    assert no_code.status_code == 400
    later = utcnow() + timedelta(seconds=30)  # the next time step: the first code is spent
    monkeypatch.setattr(totp, "utcnow", lambda: later)
    done = client.post("/account/confirm", data={"password": PASSWORD, "csrf_token": csrf,
                                                 "code": app_code.at(later)})
    assert done.status_code == 303
    raw = client.cookies[SESSION]
    assert step_up.is_recent(session=session, raw=raw, minutes=settings.step_up_minutes)


def test_the_api_answers_a_cookie_caller_403_step_up_required_but_not_a_token(
    client: TestClient, csrf: str, make_user: Callable[..., User], session: Session,
    sign_in: Callable[[TestClient, User], TestClient],
    bearer: Callable[[User], dict[str, str]],
) -> None:
    user = make_user()
    sign_in(client, user)
    _age_proof(session, user)
    refused = client.post("/api/v1/tokens", json={"name": "ci"},
                          headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["code"] == "step_up_required"
    headers = bearer(user)
    client.cookies.delete(SESSION)
    made = client.post("/api/v1/tokens", json={"name": "ci"}, headers=headers)
    assert made.status_code == 201


def test_an_admin_needs_a_recent_proof_to_change_a_role(
    client: TestClient, csrf: str, people: SimpleNamespace, session: Session,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    sign_in(client, people.admin)
    _age_proof(session, people.admin)
    refused = client.post(f"/admin/users/{people.bob.id}",
                          data={"role": "officer", "is_active": "1", "csrf_token": csrf},
                          headers={"referer": "http://testserver/admin/users"})
    assert _confirm_target(refused.headers["location"]) == "/admin/users"
    session.expire_all()
    assert account_service.get_user(session=session, user_id=people.bob.id).platform_role is (
        PlatformRole.MEMBER)


def test_organisation_deletion_and_list_imports_need_a_recent_proof(
    client: TestClient, csrf: str, people: SimpleNamespace, session: Session,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    sign_in(client, people.alice)
    _age_proof(session, people.alice)
    refused = client.delete(f"/api/v1/orgs/{people.org.id}", headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 403 and refused.json()["code"] == "step_up_required"
    assert session.get(Organisation, people.org.id) is not None
    sign_in(client, people.admin)
    _age_proof(session, people.admin)
    imported = client.post("/api/v1/screening/lists/import", data={"format": "csv"},
                           files={"files": ("l.csv", b"name\nX\n", "text/csv")},
                           headers={"X-CSRF-Token": csrf})
    assert imported.status_code == 403 and imported.json()["code"] == "step_up_required"


def test_failed_confirmations_count_towards_the_lockout(
    client: TestClient, csrf: str, make_user: Callable[..., User],
    sign_in: Callable[[TestClient, User], TestClient], settings: Settings,
) -> None:
    user = make_user()
    sign_in(client, user)
    statuses = [
        client.post("/account/confirm", data={"password": "wrong-password-guess",
                                              "csrf_token": csrf}).status_code
        for _ in range(settings.signin_max_failures)
    ]
    assert statuses[:-1] == [400] * (settings.signin_max_failures - 1)
    assert statuses[-1] == 429
    locked = client.post("/account/confirm", data={"password": PASSWORD, "csrf_token": csrf})
    assert locked.status_code == 429 and "Retry-After" in locked.headers


def test_a_proof_is_recent_only_within_the_window(
    session: Session, make_user: Callable[..., User], settings: Settings,
) -> None:
    user = make_user()
    raw = account_service.start_web_session(session=session, user=user, settings=settings)
    row = session.get(WebSession, token_hash(raw))
    assert row is not None and row.authenticated_at is not None
    proven = row.authenticated_at
    assert step_up.is_recent(session=session, raw=raw, minutes=10,
                             now=proven + timedelta(minutes=10))
    assert not step_up.is_recent(session=session, raw=raw, minutes=10,
                                 now=proven + timedelta(minutes=10, seconds=1))
    assert not step_up.is_recent(session=session, raw="unknown", minutes=10)


def test_a_new_session_id_for_two_factor_set_up_keeps_the_old_proof_time(
    session: Session, make_user: Callable[..., User], settings: Settings,
) -> None:
    user = make_user()
    old = account_service.start_web_session(session=session, user=user, settings=settings)
    _age_proof(session, user, minutes=30)
    new = account_service.start_web_session(session=session, user=user, settings=settings,
                                            replaces=old, keep_proof=True)
    assert not step_up.is_recent(session=session, raw=new, minutes=10)
    assert step_up.proven_at(session=session, raw=old) is None  # the old one is gone


def _personal(session: Session, user: User) -> dict[str, str]:
    _, raw = account_service.create_api_token(session=session, user=user, actor=ACTOR)
    session.commit()
    return {"Authorization": f"Bearer {raw}"}


def test_a_personal_token_is_refused_on_every_step_up_route_and_changes_nothing(
    client: TestClient, people: SimpleNamespace, session: Session,
) -> None:
    admin, owner = _personal(session, people.admin), _personal(session, people.alice)
    tokens_before = len(_tokens(session, people.admin)) + len(_tokens(session, people.alice))
    calls = [
        ("POST", "/api/v1/tokens", admin, {"json": {"name": "minted"}}),
        ("PATCH", f"/api/v1/users/{people.bob.id}", admin, {"json": {"platform_role": "admin"}}),
        ("POST", f"/api/v1/users/{people.bob.id}/2fa-reset", admin, {}),
        ("POST", "/api/v1/users", admin,
         {"json": {"email": "new-admin@example.org", "full_name": "New",
                   "platform_role": "admin"}}),
        ("POST", "/api/v1/screening/lists/import", admin,
         {"data": {"format": "csv"}, "files": {"files": ("l.csv", b"name\nX\n", "text/csv")}}),
        ("DELETE", f"/api/v1/orgs/{people.org.id}", owner, {}),
    ]
    for method, path, headers, body in calls:
        refused = client.request(method, path, headers=headers, **body)  # type: ignore[arg-type]
        assert refused.status_code == 403, (path, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] == "personal_token_not_allowed", path
        assert "/api/v1/auth/login" in refused.json()["detail"]
    session.expire_all()
    assert account_service.get_user(session=session, user_id=people.bob.id).platform_role is (
        PlatformRole.MEMBER)
    assert account_service.find_user_by_email(session=session,
                                              email="new-admin@example.org") is None
    assert session.get(Organisation, people.org.id) is not None
    assert len(_tokens(session, people.admin)) + len(_tokens(session, people.alice)) == (
        tokens_before)
    # Everything else still works with it, inviting a plain member included.
    assert client.get("/api/v1/users/me", headers=admin).status_code == 200
    member = client.post("/api/v1/users", headers=admin, json={
        "email": "new-member@example.org", "full_name": "New Member"})
    assert member.status_code == 201


def test_an_access_token_counts_as_a_password_proof_only_within_the_window(
    client: TestClient, make_user: Callable[..., User], session: Session, settings: Settings,
) -> None:
    user = make_user()
    login = client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert client.post("/api/v1/tokens", json={"name": "ci"}, headers=headers).status_code == 201
    session.execute(update(ApiToken).where(ApiToken.user_id == user.id,
                                           ApiToken.name == "password sign-in")
                    .values(created_at=utcnow() - timedelta(minutes=settings.step_up_minutes,
                                                            seconds=1)))
    session.commit()
    stale = client.post("/api/v1/tokens", json={"name": "ci2"}, headers=headers)
    assert stale.status_code == 403
    assert stale.json()["code"] == "step_up_required"
    assert stale.json()["confirm_url"] == "/api/v1/auth/login"
    # The token itself still works where no fresh proof is needed.
    assert client.get("/api/v1/tokens", headers=headers).status_code == 200


def test_granting_a_role_above_member_needs_a_recent_proof(
    client: TestClient, csrf: str, people: SimpleNamespace, session: Session,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    sign_in(client, people.admin)
    _age_proof(session, people.admin)
    asked = client.post("/admin/users/invite",
                        data={"email": "boss@example.org", "role": "admin", "csrf_token": csrf},
                        headers={"referer": "http://testserver/admin/users"})
    assert asked.status_code == 303
    assert _confirm_target(asked.headers["location"]) == "/admin/users"
    api = client.post("/api/v1/users", json={"email": "chief@example.org", "full_name": "Chief",
                                             "platform_role": "officer"},
                      headers={"X-CSRF-Token": csrf})
    assert api.status_code == 403 and api.json()["code"] == "step_up_required"
    for email in ("boss@example.org", "chief@example.org"):
        assert account_service.find_user_by_email(session=session, email=email) is None
    member = client.post("/admin/users/invite",
                         data={"email": "plain@example.org", "role": "member",
                               "csrf_token": csrf})
    assert member.status_code == 303 and member.headers["location"] == "/admin/users"
    assert account_service.find_user_by_email(session=session, email="plain@example.org")


def test_someone_who_may_not_delete_an_organisation_is_refused_without_a_password_prompt(
    client: TestClient, csrf: str, people: SimpleNamespace, session: Session,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    sign_in(client, people.bob)  # a viewer of the organisation
    _age_proof(session, people.bob)
    page = f"/orgs/{people.org.slug}/delete"
    for response in (
        client.get(page),
        client.post(page, data={"csrf_token": csrf}),
        client.delete(f"/api/v1/orgs/{people.org.id}", headers={"X-CSRF-Token": csrf}),
    ):
        assert response.status_code == 403, response.headers.get("location")
    api = client.delete(f"/api/v1/orgs/{people.org.id}", headers={"X-CSRF-Token": csrf})
    assert api.json().get("code") is None and "owners" in api.json()["detail"]
    assert session.get(Organisation, people.org.id) is not None


def _failures(session: Session, user: User) -> int:
    row = session.get(SignInThrottle, f"account:{user.email}")
    return row.count if row is not None else 0


def test_a_password_recheck_counts_like_a_sign_in_and_clears_the_count_when_right(
    session: Session, make_user: Callable[..., User], settings: Settings,
) -> None:
    user = make_user()
    actor = ACTOR
    wrong = step_up.recheck_password(session=session, settings=settings, user=user,
                                     password="not-the-password-at-all", actor=actor)
    assert wrong == step_up.Recheck(proven=False, wait=None, checked=True)
    assert _failures(session, user) == 1
    right = step_up.recheck_password(session=session, settings=settings, user=user,
                                     password=PASSWORD, actor=actor)
    assert right.proven
    assert _failures(session, user) == 0
    for _ in range(settings.signin_max_failures):
        last = step_up.recheck_password(session=session, settings=settings, user=user,
                                        password="not-the-password-at-all", actor=actor)
    assert last.wait and not last.proven
    held = step_up.recheck_password(session=session, settings=settings, user=user,
                                    password=PASSWORD, actor=actor)
    assert held.wait and not held.proven and not held.checked
