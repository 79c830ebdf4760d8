"""An administrator resets a user's lost second factor: confirmed, audited, never their own."""

from collections.abc import Callable
from types import SimpleNamespace

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts import totp
from indusx.accounts.models import RecoveryCode, SecondFactor, User, WebSession
from indusx.accounts.permissions import Principal
from indusx.audit.models import AuditEvent
from indusx.config import Settings
from indusx.db import utcnow
from indusx.notifications.models import Notification
from tests.conftest import ACTOR, PASSWORD


def _enrol(session: Session, settings: Settings, user: User) -> None:
    totp.start_enrolment(session=session, user=user, settings=settings, actor=ACTOR)
    factor = session.get(SecondFactor, user.id)
    assert factor is not None
    code = pyotp.TOTP(totp._secret(settings, user.id, factor.salt)).at(utcnow())
    totp.confirm_enrolment(session=session, user=user, settings=settings, code=code,
                           actor=ACTOR)
    session.commit()


def test_an_admin_resets_a_users_second_factor_after_confirming(
    client: TestClient, csrf: str, people: SimpleNamespace, session: Session, settings: Settings,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    bob = people.bob
    _enrol(session, settings, bob)
    account_service.start_web_session(session=session, user=bob, settings=settings)
    session.commit()
    sign_in(client, people.admin)
    listing = client.get("/admin/users")
    assert f'href="/admin/users/{bob.id}/2fa-reset?' in listing.text
    assert f'href="/admin/users/{people.charlie.id}/2fa-reset' not in listing.text
    confirm = client.get(f"/admin/users/{bob.id}/2fa-reset")
    assert confirm.status_code == 200 and "Reset two-factor" in confirm.text
    done = client.post(f"/admin/users/{bob.id}/2fa-reset", data={"csrf_token": csrf})
    assert done.status_code == 303 and done.headers["location"] == "/admin/users"
    assert not totp.is_enrolled(session=session, user_id=bob.id)
    assert session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == bob.id)).all() == []
    assert session.scalars(select(WebSession).where(WebSession.user_id == bob.id)).all() == []
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.2fa_reset",
                                                     AuditEvent.object_id == str(bob.id))).one()
    assert event.actor_id == people.admin.id
    note = session.scalars(select(Notification).where(
        Notification.user_id == bob.id, Notification.kind == "account_security",
        Notification.subject.like("%reset"))).one()
    assert people.admin.email in note.body and note.in_app


def test_a_non_admin_cannot_reset_a_second_factor(
    client: TestClient, csrf: str, people: SimpleNamespace, session: Session, settings: Settings,
    sign_in: Callable[[TestClient, User], TestClient],
    bearer: Callable[[User], dict[str, str]],
) -> None:
    _enrol(session, settings, people.bob)
    sign_in(client, people.officer)
    assert client.post(f"/admin/users/{people.bob.id}/2fa-reset",
                       data={"csrf_token": csrf}).status_code == 403
    assert client.post(f"/api/v1/users/{people.bob.id}/2fa-reset",
                       headers=bearer(people.alice)).status_code == 403
    assert totp.is_enrolled(session=session, user_id=people.bob.id)


def test_an_admin_cannot_reset_their_own_second_factor(
    client: TestClient, people: SimpleNamespace, session: Session, settings: Settings,
    bearer: Callable[[User], dict[str, str]],
) -> None:
    _enrol(session, settings, people.admin)
    own = client.post(f"/api/v1/users/{people.admin.id}/2fa-reset",
                      headers=bearer(people.admin))
    assert own.status_code == 403 and "Another administrator" in own.json()["detail"]
    assert totp.is_enrolled(session=session, user_id=people.admin.id)


def test_the_api_resets_it_and_ends_access_tokens_and_refuses_a_user_without_one(
    client: TestClient, people: SimpleNamespace, session: Session, settings: Settings,
    bearer: Callable[[User], dict[str, str]],
) -> None:
    _enrol(session, settings, people.bob)
    _, access = account_service.issue_access_token(session=session, user=people.bob,
                                                   settings=settings, actor=ACTOR)
    session.commit()
    admin = bearer(people.admin)
    assert client.post(f"/api/v1/users/{people.bob.id}/2fa-reset",
                       headers=admin).status_code == 204
    assert client.get("/api/v1/users/me",
                      headers={"Authorization": f"Bearer {access}"}).status_code == 401
    again = client.post(f"/api/v1/users/{people.bob.id}/2fa-reset", headers=admin)
    assert again.status_code == 409


def test_a_role_that_needs_a_second_factor_enrols_again_at_next_sign_in(
    client: TestClient, csrf: str, people: SimpleNamespace, session: Session,
    make_user: Callable[..., User], settings: Settings,
) -> None:
    settings.require_2fa_roles = "admin,officer"
    officer = make_user(role="officer")
    _enrol(session, settings, officer)
    account_service.reset_second_factor(session=session, user=officer,
                                        actor=Principal(user=people.admin).actor)
    session.commit()
    signed = client.post("/login", data={"email": officer.email, "password": PASSWORD,
                                         "csrf_token": csrf})
    # No second step (nothing to check): straight to setting up the authenticator again.
    assert signed.status_code == 303 and signed.headers["location"] == "/account/2fa"
    assert client.get("/orgs").headers["location"] == "/account/2fa"
