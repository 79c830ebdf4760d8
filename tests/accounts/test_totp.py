"""The TOTP second factor: set-up, sign-in in two steps, recovery codes, required roles."""

import base64
import hashlib
import hmac
import re
from collections.abc import Callable
from datetime import datetime, timedelta

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts import totp
from indusx.accounts.models import RecoveryCode, SecondFactor, User, WebSession
from indusx.accounts.secrets import key_id, token_hash
from indusx.audit.models import AuditEvent
from indusx.config import Settings
from indusx.db import utcnow
from tests.conftest import ACTOR, PASSWORD

SESSION = "indusx_session"


def _code(settings: Settings, session: Session, user: User, at: datetime) -> str:
    factor = session.get(SecondFactor, user.id)
    assert factor is not None
    return pyotp.TOTP(totp._secret(settings, user.id, factor.salt)).at(at)


def _enrol(session: Session, settings: Settings, user: User) -> list[str]:
    totp.start_enrolment(session=session, user=user, settings=settings, actor=ACTOR)
    # A code of the step before the authenticator's clock (accepted as drift), so that the
    # step `later` moves to is never the one spent here, however slowly the test runs.
    before = totp.utcnow() - timedelta(seconds=30)
    codes = totp.confirm_enrolment(session=session, user=user, settings=settings,
                                   code=_code(settings, session, user, before), actor=ACTOR)
    session.commit()
    return codes


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Move the authenticator's clock one step on, past the code used to confirm it."""
    moment = utcnow() + timedelta(seconds=30)
    monkeypatch.setattr(totp, "utcnow", lambda: moment)
    return moment


def _sign_in_with_password(client: TestClient, csrf: str, user: User) -> str:
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "next": "/notifications", "csrf_token": csrf})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login/2fa")
    return response.cookies[SESSION]


def test_enrolment_shows_a_qr_code_and_the_secret_and_a_code_turns_it_on(
    client: TestClient, csrf: str, make_user: Callable[..., User],
    sign_in: Callable[[TestClient, User], TestClient], session: Session, settings: Settings,
) -> None:
    user = make_user()
    sign_in(client, user)
    page = client.get("/account/2fa")
    assert page.status_code == 200 and "<svg" in page.text
    secret = re.search(r'id="tfa-secret">([A-Z2-7]+)<', page.text)
    assert secret is not None
    wrong = client.post("/account/2fa/confirm", data={"code": "000000", "csrf_token": csrf})
    assert wrong.status_code == 422 and 'id="f-code-error"' in wrong.text
    assert not totp.is_enrolled(session=session, user_id=user.id)
    done = client.post("/account/2fa/confirm", data={
        "code": pyotp.TOTP(secret.group(1)).now(), "csrf_token": csrf})
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    codes = re.findall(r"<li class=\"col\">([a-z0-9]{5}-[a-z0-9]{5})</li>", done.text)
    assert len(codes) == 10
    assert totp.is_enrolled(session=session, user_id=user.id)
    stored = session.scalars(select(RecoveryCode.code_hash)
                             .where(RecoveryCode.user_id == user.id)).all()
    assert all(h.startswith("$argon2id$") for h in stored)
    assert not any(c.replace("-", "") in h for c in codes for h in stored)


def test_the_secret_is_not_stored_and_depends_on_the_app_secret(
    session: Session, settings: Settings, make_user: Callable[..., User]
) -> None:
    user = make_user(password=None)
    enrolment = totp.start_enrolment(session=session, user=user, settings=settings,
                                     actor=ACTOR)
    factor = session.get(SecondFactor, user.id)
    assert factor is not None and enrolment.secret not in factor.salt
    other = settings.model_copy(update={"secret_key": "another-secret-key-" + "x" * 30})
    assert totp._secret(other, user.id, factor.salt) != enrolment.secret


def test_signing_in_with_a_second_factor_takes_two_steps_and_rotates_the_session(
    client: TestClient, csrf: str, make_user: Callable[..., User], session: Session,
    settings: Settings, later: datetime,
) -> None:
    user = make_user()
    _enrol(session, settings, user)
    pending = _sign_in_with_password(client, csrf, user)
    # The password alone signs nobody in.
    assert client.get("/notifications").status_code == 303
    assert client.get("/login/2fa").status_code == 200
    bad = client.post("/login/2fa", data={"code": "123456", "csrf_token": csrf})
    assert bad.status_code == 400 and "not right" in bad.text
    good = client.post("/login/2fa", data={
        "code": _code(settings, session, user, later), "next": "/notifications",
        "csrf_token": csrf})
    assert good.status_code == 303 and good.headers["location"] == "/notifications"
    signed_in = good.cookies[SESSION]
    assert signed_in != pending
    assert session.get(WebSession, token_hash(pending)) is None
    assert client.get("/notifications").status_code == 200
    actions = session.scalars(select(AuditEvent.action)
                              .where(AuditEvent.object_id == str(user.id))
                              .order_by(AuditEvent.id)).all()
    assert "auth.second_factor_failed" in actions and actions[-1] == "auth.sign_in"


def test_a_code_works_only_once(
    session: Session, settings: Settings, make_user: Callable[..., User], later: datetime
) -> None:
    user = make_user(password=None)
    _enrol(session, settings, user)
    code = _code(settings, session, user, later)
    assert totp.verify(session=session, user=user, settings=settings, code=code, actor=ACTOR)
    assert not totp.verify(session=session, user=user, settings=settings, code=code,
                           actor=ACTOR)


def test_a_recovery_code_signs_in_once(
    client: TestClient, csrf: str, make_user: Callable[..., User], session: Session,
    settings: Settings,
) -> None:
    user = make_user()
    codes = _enrol(session, settings, user)
    _sign_in_with_password(client, csrf, user)
    used = client.post("/login/2fa", data={"code": codes[3].upper(), "csrf_token": csrf})
    assert used.status_code == 303
    assert totp.recovery_codes_left(session=session, user_id=user.id) == 9
    client.cookies.clear()
    client.cookies.set("indusx_csrf", "test-csrf-cookie")
    _sign_in_with_password(client, csrf, user)
    again = client.post("/login/2fa", data={"code": codes[3], "csrf_token": csrf})
    assert again.status_code == 400


def test_the_api_login_needs_the_totp_field_for_an_enrolled_user(
    client: TestClient, make_user: Callable[..., User], session: Session, settings: Settings,
    later: datetime,
) -> None:
    user = make_user()
    _enrol(session, settings, user)
    missing = client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    assert missing.status_code == 401
    assert missing.json()["errors"] == [{"field": "totp", "message": "required for this account"}]
    wrong = client.post("/api/v1/auth/login",
                        json={"email": user.email, "password": PASSWORD, "totp": "000000"})
    assert wrong.status_code == 401
    ok = client.post("/api/v1/auth/login", json={
        "email": user.email, "password": PASSWORD,
        "totp": _code(settings, session, user, later)})
    assert ok.status_code == 200 and ok.json()["access_token"].startswith("ixa_")


def test_wrong_codes_count_towards_the_lockout(
    client: TestClient, csrf: str, make_user: Callable[..., User], session: Session,
    settings: Settings,
) -> None:
    settings.signin_max_failures = 2
    user = make_user()
    _enrol(session, settings, user)
    _sign_in_with_password(client, csrf, user)
    client.post("/login/2fa", data={"code": "111111", "csrf_token": csrf})
    locked = client.post("/login/2fa", data={"code": "222222", "csrf_token": csrf})
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0


def test_turning_it_off_needs_a_code(
    client: TestClient, csrf: str, make_user: Callable[..., User],
    sign_in: Callable[[TestClient, User], TestClient], session: Session, settings: Settings,
) -> None:
    user = make_user()
    codes = _enrol(session, settings, user)
    sign_in(client, user)
    refused = client.post("/account/2fa/disable", data={"code": "000000", "csrf_token": csrf})
    assert refused.status_code == 422
    assert totp.is_enrolled(session=session, user_id=user.id)
    done = client.post("/account/2fa/disable", data={"code": codes[0], "csrf_token": csrf})
    assert done.status_code == 303
    assert session.get(SecondFactor, user.id) is None
    assert session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []


def test_an_officer_without_a_second_factor_is_sent_to_set_one_up(
    client: TestClient, csrf: str, make_user: Callable[..., User], settings: Settings,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    settings.require_2fa_roles = "admin,officer"
    officer = make_user(role="officer")
    signed = client.post("/login", data={"email": officer.email, "password": PASSWORD,
                                         "csrf_token": csrf})
    assert signed.headers["location"] == "/account/2fa"
    for page in ("/orgs", "/notifications", "/"):
        response = client.get(page)
        assert response.status_code == 303 and response.headers["location"] == "/account/2fa"
    assert client.get("/account/2fa").status_code == 200
    member = make_user()
    assert sign_in(TestClient(client.app), member).get("/notifications").status_code == 200


def test_the_api_refuses_an_admin_without_a_second_factor_with_403(
    client: TestClient, make_user: Callable[..., User], settings: Settings,
    bearer: Callable[[User], dict[str, str]],
) -> None:
    settings.require_2fa_roles = "admin,officer"
    admin = make_user(role="admin")
    login = client.post("/api/v1/auth/login", json={"email": admin.email, "password": PASSWORD})
    assert login.status_code == 403 and "/account/2fa" in login.json()["detail"]
    response = client.get("/api/v1/users", headers=bearer(admin))
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert "two-factor" in response.json()["detail"]


def test_an_enrolled_admin_uses_the_api_and_cannot_turn_the_factor_off(
    client: TestClient, csrf: str, make_user: Callable[..., User], settings: Settings,
    session: Session, bearer: Callable[[User], dict[str, str]],
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    settings.require_2fa_roles = "admin,officer"
    admin = make_user(role="admin")
    codes = _enrol(session, settings, admin)
    assert client.get("/api/v1/users", headers=bearer(admin)).status_code == 200
    sign_in(client, admin)
    refused = client.post("/account/2fa/disable", data={"code": codes[0], "csrf_token": csrf})
    assert refused.status_code == 403
    assert totp.is_enrolled(session=session, user_id=admin.id)


def test_settings_require_the_second_factor_for_admins_and_officers_in_production() -> None:
    from indusx.config import Environment

    secret = "s" * 40
    file_keys = "k:" + "A" * 43 + "="  # production needs a file key ring (one 32-byte key)
    assert Settings(env=Environment.PRODUCTION, secret_key=secret,
                    file_keys=file_keys).second_factor_roles == {"admin", "officer"}
    assert Settings(env=Environment.DEV).second_factor_roles == frozenset()
    assert Settings(env=Environment.TEST, secret_key=secret).second_factor_roles == frozenset()
    with pytest.raises(ValueError, match="unknown roles"):
        Settings(env=Environment.DEV, require_2fa_roles="root")


def test_the_pending_session_expires_within_minutes(
    session: Session, settings: Settings, make_user: Callable[..., User]
) -> None:
    user = make_user(password=None)
    raw = account_service.start_web_session(session=session, user=user, settings=settings,
                                            pending_second_factor=True)
    row = session.get(WebSession, token_hash(raw))
    assert row is not None and row.expires_at - row.created_at == timedelta(minutes=5)
    assert account_service.user_for_web_session(session=session, raw=raw) is None


def _old_enrolment(session: Session, user: User, key_id: str | None = None) -> SecondFactor:
    """Store a confirmed enrolment as it was stored before derivation versions and key ids."""
    factor = SecondFactor(user_id=user.id, salt="0123456789abcdef", created_at=utcnow(),
                          confirmed_at=utcnow(), derivation=1, key_id=key_id)
    session.add(factor)
    session.commit()
    return factor


def _first_derivation_code(secret_key: str, user: User, salt: str, at: datetime) -> str:
    # The derivation as it was written before versions (accounts/totp.py, derivation 1).
    digest = hmac.new(secret_key.encode(), f"totp:{user.id}:{salt}".encode(),
                      hashlib.sha256).digest()[:20]
    return pyotp.TOTP(base64.b32encode(digest).decode()).at(at)


def test_new_enrolments_record_the_current_derivation_and_key(
    session: Session, settings: Settings, make_user: Callable[..., User]
) -> None:
    user = make_user(password=None)
    _enrol(session, settings, user)
    factor = session.get(SecondFactor, user.id)
    assert factor is not None
    assert (factor.derivation, factor.key_id) == (totp.DERIVATION, key_id(settings.secret_key))


def test_an_enrolment_from_before_derivation_versions_keeps_working_and_gets_its_key_id(
    session: Session, settings: Settings, make_user: Callable[..., User], later: datetime
) -> None:
    user = make_user(password=None)
    factor = _old_enrolment(session, user)
    code = _first_derivation_code(settings.secret_key, user, factor.salt, later)
    assert totp.verify(session=session, user=user, settings=settings, code=code, actor=ACTOR)
    session.commit()
    assert (factor.derivation, factor.key_id) == (1, key_id(settings.secret_key))


def test_an_enrolment_survives_a_key_rotation_while_its_key_is_kept_as_a_previous_one(
    session: Session, settings: Settings, make_user: Callable[..., User], later: datetime
) -> None:
    user = make_user(password=None)
    _enrol(session, settings, user)
    code = _code(settings, session, user, later)
    new_key = "a-new-secret-key-" + "n" * 30
    dropped = settings.model_copy(update={"secret_key": new_key})
    assert not totp.verify(session=session, user=user, settings=dropped, code=code, actor=ACTOR)
    kept = settings.model_copy(update={"secret_key": new_key,
                                       "previous_secret_keys": settings.secret_key})
    assert totp.verify(session=session, user=user, settings=kept, code=code, actor=ACTOR)
    # A new enrolment after the rotation uses the new key.
    other = make_user(password=None)
    totp.start_enrolment(session=session, user=other, settings=kept, actor=ACTOR)
    factor = session.get(SecondFactor, other.id)
    assert factor is not None and factor.key_id == key_id(new_key)


def test_an_enrolment_made_with_a_retired_key_accepts_no_code_of_the_current_key(
    session: Session, settings: Settings, make_user: Callable[..., User], later: datetime
) -> None:
    user = make_user(password=None)
    factor = _old_enrolment(session, user, key_id=key_id("an-old-key-" + "o" * 30))
    code = pyotp.TOTP(totp._derive(settings.secret_key, 1, user.id, factor.salt)).at(later)
    assert not totp.verify(session=session, user=user, settings=settings, code=code,
                           actor=ACTOR)
