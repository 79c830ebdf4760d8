"""Accounts API: password sign-in, sign-up, tokens, resets, invitations, user admin."""

import re
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import ApiToken, User
from indusx.audit.models import AuditEvent
from indusx.db import utcnow
from indusx.notifications import service as outbox
from indusx.notifications.models import Notification
from tests.conftest import PASSWORD

Headers = Callable[[User], dict[str, str]]


def _login(client: TestClient, email: str, password: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_password_sign_in_returns_a_short_lived_access_token(
    client: TestClient, make_user: Callable[..., User], session: Session
) -> None:
    user = make_user(email="Ravi@Example.org")
    response = client.post("/api/v1/auth/login",
                           json={"email": "ravi@example.org", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["access_token"].startswith("ixa_") and body["token_type"] == "bearer"
    me = client.get("/api/v1/users/me",
                    headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["email"] == "ravi@example.org"
    stored = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    assert body["access_token"] not in stored.token_hash
    assert stored.expires_at is not None and stored.expires_at < utcnow() + timedelta(hours=2)


def test_a_wrong_password_is_401_and_the_attempt_is_audited(
    client: TestClient, make_user: Callable[..., User], session: Session
) -> None:
    user = make_user()
    response = client.post("/api/v1/auth/login", json={"email": user.email, "password": "nope"})
    assert response.status_code == 401
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.sign_in_failed")
    ).all()[-1]
    assert event.actor_email == user.email


def test_a_deactivated_user_cannot_sign_in_or_use_tokens(
    client: TestClient, make_user: Callable[..., User], people: SimpleNamespace,
    bearer: Headers,
) -> None:
    user = make_user()
    headers = bearer(user)
    response = client.patch(f"/api/v1/users/{user.id}", headers=bearer(people.admin),
                            json={"is_active": False})
    assert response.status_code == 200
    assert client.get("/api/v1/users/me", headers=headers).status_code == 401
    login = client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    assert login.status_code == 401


def test_signup_validates_and_refuses_duplicates(client: TestClient) -> None:
    short = client.post("/api/v1/auth/signup",
                        json={"email": "new@example.org", "full_name": "New", "password": "x"})
    assert short.status_code == 422
    assert short.json()["errors"][0]["field"] == "password"
    bad_email = client.post("/api/v1/auth/signup", json={
        "email": "not-an-email", "full_name": "New", "password": PASSWORD})
    assert bad_email.json()["errors"][0]["field"] == "email"
    ok = client.post("/api/v1/auth/signup",
                     json={"email": "new@example.org", "full_name": "New", "password": PASSWORD})
    assert ok.status_code == 201 and ok.json()["platform_role"] == "member"
    again = client.post("/api/v1/auth/signup",
                        json={"email": "NEW@example.org", "full_name": "N", "password": PASSWORD})
    assert again.status_code == 409


def test_personal_tokens_are_shown_once_listed_without_secret_and_revocable(
    client: TestClient, make_user: Callable[..., User], session: Session
) -> None:
    user = make_user()
    headers = _login(client, user.email, PASSWORD)
    created = client.post("/api/v1/tokens", headers=headers,
                          json={"name": "ci script", "expires_days": 30})
    assert created.status_code == 201
    token = created.json()["token"]
    assert token.startswith("ixp_")
    listed = client.get("/api/v1/tokens", headers=headers).json()
    assert [t["name"] for t in listed] == ["ci script"]
    assert "token" not in listed[0] and token not in str(listed)
    script = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/users/me", headers=script).status_code == 200
    revoked = client.delete(f"/api/v1/tokens/{created.json()['id']}", headers=headers)
    assert revoked.status_code == 204
    assert client.get("/api/v1/users/me", headers=script).status_code == 401


def test_an_expired_token_is_refused(
    client: TestClient, make_user: Callable[..., User], session: Session, bearer: Headers
) -> None:
    user = make_user(password=None)
    headers = bearer(user)
    token = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    token.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert client.get("/api/v1/users/me", headers=headers).status_code == 401


def test_someone_elses_token_cannot_be_revoked(
    client: TestClient, people: SimpleNamespace, bearer: Headers, session: Session
) -> None:
    bearer(people.alice)
    alice_token = session.scalars(
        select(ApiToken).where(ApiToken.user_id == people.alice.id)).one()
    response = client.delete(f"/api/v1/tokens/{alice_token.id}", headers=bearer(people.charlie))
    assert response.status_code == 404


def test_token_use_is_audited_once_per_window(
    client: TestClient, people: SimpleNamespace, bearer: Headers, session: Session
) -> None:
    headers = bearer(people.bob)
    for _ in range(3):
        client.get("/api/v1/orgs", headers=headers)
    uses = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "token.use", AuditEvent.actor_id == people.bob.id)).all()
    assert len(uses) == 1


def test_password_reset_goes_through_the_outbox_and_works_once(
    client: TestClient, make_user: Callable[..., User], session: Session
) -> None:
    user = make_user()
    unknown = client.post("/api/v1/auth/password-reset", json={"email": "ghost@example.org"})
    known = client.post("/api/v1/auth/password-reset", json={"email": user.email})
    assert unknown.status_code == known.status_code == 202
    assert unknown.json() == known.json()
    note = session.scalars(select(Notification).where(Notification.to_email == user.email,
                                                      Notification.kind == "password_reset")).one()
    match = re.search(r"token=([\w-]+)", outbox.mailed_link(note))
    assert match and note.link == "/password/reset"
    token = match.group(1)
    weak = client.post("/api/v1/auth/password-reset/confirm",
                       json={"token": token, "password": "short"})
    assert weak.status_code == 422
    ok = client.post("/api/v1/auth/password-reset/confirm",
                     json={"token": token, "password": "a-brand-new-password"})
    assert ok.status_code == 200
    _login(client, user.email, "a-brand-new-password")
    reuse = client.post("/api/v1/auth/password-reset/confirm",
                        json={"token": token, "password": "another-new-password"})
    assert reuse.status_code == 422 and reuse.json()["errors"][0]["field"] == "token"


@pytest.mark.parametrize("who", ["alice", "officer", "charlie"])
def test_only_admins_list_create_and_change_users(
    client: TestClient, people: SimpleNamespace, bearer: Headers, who: str
) -> None:
    headers = bearer(getattr(people, who))
    assert client.get("/api/v1/users", headers=headers).status_code == 403
    assert client.post("/api/v1/users", headers=headers, json={
        "email": "x@example.org", "full_name": "X"}).status_code == 403
    assert client.patch(f"/api/v1/users/{people.bob.id}", headers=headers,
                        json={"platform_role": "admin"}).status_code == 403


def test_an_admin_invites_a_user_who_accepts_and_signs_in(
    client: TestClient, people: SimpleNamespace, bearer: Headers, session: Session
) -> None:
    from indusx.accounts import service as account_service

    created = client.post("/api/v1/users", headers=bearer(people.admin), json={
        "email": "invitee@example.org", "full_name": "In Vitee", "platform_role": "officer"})
    assert created.status_code == 201
    note = session.scalars(select(Notification).where(
        Notification.to_email == "invitee@example.org")).one()
    token = outbox.mailed_link(note).split("token=")[1]
    account_service.accept_invitation(session=session, raw_token=token, full_name="Ina Vitee",
                                      password="tulip-harbour-lantern")
    session.commit()
    me = client.get("/api/v1/users/me", headers=_login(client, "invitee@example.org",
                                                       "tulip-harbour-lantern")).json()
    assert me["full_name"] == "Ina Vitee" and me["platform_role"] == "officer"


def test_role_changes_are_audited_and_admins_cannot_demote_themselves(
    client: TestClient, people: SimpleNamespace, bearer: Headers
) -> None:
    admin = bearer(people.admin)
    changed = client.patch(f"/api/v1/users/{people.bob.id}", headers=admin,
                           json={"platform_role": "officer"})
    assert changed.status_code == 200 and changed.json()["platform_role"] == "officer"
    event = client.get("/api/v1/audit?action=user.role_change", headers=admin).json()["items"][0]
    assert event["before"] == {"platform_role": "member"}
    assert event["after"] == {"platform_role": "officer"}
    self_demote = client.patch(f"/api/v1/users/{people.admin.id}", headers=admin,
                               json={"platform_role": "member"})
    assert self_demote.status_code == 403


def test_users_are_searchable_and_paginated(
    client: TestClient, people: SimpleNamespace, bearer: Headers
) -> None:
    body = client.get("/api/v1/users?q=outsider", headers=bearer(people.admin)).json()
    assert [u["full_name"] for u in body["items"]] == ["Charlie Outsider"]
    page = client.get("/api/v1/users?page_size=2&page=1", headers=bearer(people.admin)).json()
    assert len(page["items"]) == 2 and page["total"] >= 5
