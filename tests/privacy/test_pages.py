import json
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import SignInThrottle, User
from indusx.deps import SESSION_COOKIE
from indusx.privacy import service as privacy_service
from tests.conftest import PASSWORD


def test_the_privacy_notice_is_public_and_names_its_version(client: TestClient) -> None:
    response = client.get("/privacy")
    assert response.status_code == 200
    assert f"Version {privacy_service.NOTICE_VERSION}" in response.text
    assert "I accept" not in response.text  # nobody to accept it


def test_sign_up_without_accepting_the_notice_is_refused_next_to_the_box(
    client: TestClient, csrf: str, session: Session
) -> None:
    response = client.post("/signup", data={"email": "lee@example.org", "full_name": "Lee Park",
                                            "password": "long-enough-secret", "csrf_token": csrf})
    assert response.status_code == 422
    assert 'id="f-privacy_consent-error"' in response.text
    assert account_service.find_user_by_email(session=session, email="lee@example.org") is None


def test_sign_up_records_consent_to_the_current_notice(
    client: TestClient, csrf: str, session: Session
) -> None:
    response = client.post("/signup", data={"email": "lee@example.org", "full_name": "Lee Park",
                                            "password": "long-enough-secret", "csrf_token": csrf,
                                            "privacy_consent": "yes"})
    assert response.status_code == 303
    user = account_service.find_user_by_email(session=session, email="lee@example.org")
    assert user is not None
    [consent] = privacy_service.consents_of(session=session, user_id=user.id)
    assert (consent.notice_version, consent.via) == (privacy_service.NOTICE_VERSION, "signup")
    assert "Please read and accept the privacy notice" not in client.get("/my-org").text


def test_a_user_without_consent_sees_the_banner_until_accepting(
    client: TestClient, csrf: str, people: SimpleNamespace,
    sign_in: Callable[[TestClient, User], TestClient], monkeypatch: pytest.MonkeyPatch,
) -> None:
    sign_in(client, people.bob)
    page = client.get("/orgs").text
    assert "Please read and accept the privacy notice" in page
    assert 'href="/account/data"' in page  # the account menu's "My data"

    response = client.post("/privacy/accept", data={"csrf_token": csrf, "next": "/orgs"})
    assert response.status_code == 303 and response.headers["location"] == "/orgs"
    assert "Please read and accept the privacy notice" not in client.get("/orgs").text
    assert 'id="notice-accepted"' in client.get("/privacy").text

    monkeypatch.setattr(privacy_service, "NOTICE_VERSION", "2099-01-01")
    assert "Please read and accept the privacy notice" in client.get("/orgs").text


def test_my_data_downloads_one_json_file_of_the_users_data(
    client: TestClient, people: SimpleNamespace,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    sign_in(client, people.alice)
    assert "Download my data" in client.get("/account/data").text
    response = client.get("/account/data/export.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    data = json.loads(response.text)
    assert data["profile"]["email"] == people.alice.email
    assert data["memberships"][0]["role"] == "owner"


def test_the_last_owner_is_told_which_organisation_stops_the_deletion(
    client: TestClient, people: SimpleNamespace,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    sign_in(client, people.alice)
    assert "last owner of Alice Undersea Systems" in client.get("/account/data").text


def test_deleting_my_account_needs_my_password_then_signs_me_out(
    client: TestClient, csrf: str, session: Session, make_user: Callable[..., User],
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    user = make_user(email="dana@example.org")
    sign_in(client, user)
    wrong = client.post("/account/data/delete", data={
        "csrf_token": csrf, "email": "dana@example.org", "password": "not-my-password"})
    assert wrong.status_code == 422 and 'id="f-password-error"' in wrong.text
    # A wrong password counts towards the account's lockout, as at sign-in.
    counter = session.get(SignInThrottle, "account:dana@example.org")
    assert counter is not None and counter.count == 1

    done = client.post("/account/data/delete", data={
        "csrf_token": csrf, "email": "dana@example.org", "password": PASSWORD})
    assert done.status_code == 303 and done.headers["location"] == "/login"
    assert f'{SESSION_COOKIE}=""' in done.headers["set-cookie"]
    assert account_service.find_user_by_email(session=session, email="dana@example.org") is None
    assert client.get("/account/data").status_code in (303, 401)
