"""Credential-change notices: the owner hears of each change, in-app and by e-mail, no secrets."""

import re
from collections.abc import Callable
from datetime import timedelta

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts import totp
from indusx.accounts.models import SecondFactor, User
from indusx.config import Settings
from indusx.db import utcnow
from indusx.notifications.models import DeliveryStatus, Notification
from indusx.notifications.preferences import topic_for
from tests.conftest import ACTOR, PASSWORD

NEW_PASSWORD = "another-horse-staple-2027"


def _notices(session: Session, user: User) -> list[Notification]:
    return list(session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == "account_security",
    ).order_by(Notification.id)))


def test_a_password_change_tells_the_owner_what_when_and_what_to_do(
    client: TestClient, csrf: str, make_user: Callable[..., User], session: Session,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    user = make_user()
    sign_in(client, user)
    changed = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "csrf_token": csrf})
    assert changed.status_code == 303
    [note] = _notices(session, user)
    assert note.subject == "INDUS-X security notice: password changed"
    assert "Your password was changed on" in note.body
    assert utcnow().strftime("%d %b %Y") in note.body
    assert "If it was not you" in note.body and "reset your password" in note.body
    assert NEW_PASSWORD not in note.body and PASSWORD not in note.body
    assert note.in_app and note.delivery_status is DeliveryStatus.PENDING
    # No topic: the owner cannot switch these off.
    assert topic_for(note.kind) is None


def test_a_reset_by_link_is_noticed(
    session: Session, make_user: Callable[..., User], settings: Settings,
) -> None:
    user = make_user()
    account_service.request_password_reset(session=session, email=user.email,
                                           settings=settings, actor=ACTOR)
    raw = session.scalars(select(Notification.mail_secret).where(
        Notification.user_id == user.id, Notification.kind == "password_reset")).one()
    assert raw is not None
    account_service.reset_password(session=session, raw_token=raw, password=NEW_PASSWORD,
                                   ip="203.0.113.9")
    [note] = _notices(session, user)
    assert note.subject.endswith("password reset") and "203.0.113.9" in note.body
    assert raw not in note.body and note.link == "/account/password"


def test_two_factor_on_new_codes_and_off_are_each_noticed_without_the_codes(
    client: TestClient, csrf: str, make_user: Callable[..., User], session: Session,
    settings: Settings, sign_in: Callable[[TestClient, User], TestClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = make_user()
    sign_in(client, user)
    client.get("/account/2fa")
    factor = session.get(SecondFactor, user.id)
    assert factor is not None
    app_code = pyotp.TOTP(totp._secret(settings, user.id, factor.salt))
    on = client.post("/account/2fa/confirm", data={"code": app_code.now(), "csrf_token": csrf})
    assert on.status_code == 200
    fresh = client.post("/account/2fa/recovery-codes", data={"csrf_token": csrf})
    assert fresh.status_code == 200 and fresh.headers["Cache-Control"] == "no-store"
    codes = re.findall(r"<li class=\"col\">([a-z0-9]{5}-[a-z0-9]{5})</li>", fresh.text)
    assert len(codes) == 10
    later = utcnow() + timedelta(seconds=30)
    monkeypatch.setattr(totp, "utcnow", lambda: later)
    off = client.post("/account/2fa/disable", data={"code": app_code.at(later),
                                                    "csrf_token": csrf})
    assert off.status_code == 303
    notes = _notices(session, user)
    assert [n.subject.removeprefix("INDUS-X security notice: ") for n in notes] == [
        "two-factor authentication on", "new recovery codes", "two-factor authentication off"]
    everything = " ".join(n.body for n in notes)
    assert not any(code in everything or code.replace("-", "") in everything for code in codes)
    assert app_code.at(later) not in everything


def test_a_personal_token_made_by_its_owner_is_noticed_without_its_secret(
    client: TestClient, csrf: str, make_user: Callable[..., User], session: Session,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    user = make_user()
    sign_in(client, user)
    made = client.post("/api/v1/tokens", json={"name": "nightly export"},
                       headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201
    secret = made.json()["token"]
    [note] = _notices(session, user)
    assert "named 'nightly export'" in note.body and note.link == "/account/tokens"
    assert secret not in note.body and secret[4:] not in note.body
