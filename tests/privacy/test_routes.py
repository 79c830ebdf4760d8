from collections.abc import Callable
from types import SimpleNamespace

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.privacy import service as privacy_service
from tests.conftest import ACTOR, PASSWORD


def test_the_api_exports_my_data_without_a_consent_banner_in_the_way(
    client: TestClient, people: SimpleNamespace, bearer: Callable[[User], dict[str, str]],
) -> None:
    response = client.get("/api/v1/me/data", headers=bearer(people.bob))
    assert response.status_code == 200
    data = response.json()
    assert data["profile"]["id"] == people.bob.id
    assert data["memberships"][0]["role"] == "viewer"
    assert all("token_hash" not in t for t in data["api_tokens"])


def test_the_api_records_consent_and_lists_it(
    client: TestClient, people: SimpleNamespace, bearer: Callable[[User], dict[str, str]],
) -> None:
    headers = bearer(people.bob)
    assert client.post("/api/v1/me/consents", headers=headers).status_code == 201
    listed = client.get("/api/v1/me/consents", headers=headers).json()
    assert [(c["notice_version"], c["via"]) for c in listed] == [
        (privacy_service.NOTICE_VERSION, "api")]


def test_the_api_refuses_to_erase_me_with_a_wrong_password(
    client: TestClient, make_user: Callable[..., User],
    bearer: Callable[[User], dict[str, str]],
) -> None:
    user = make_user()
    response = client.request("DELETE", "/api/v1/me", headers=bearer(user),
                              json={"password": "not-my-password"})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "password",
                                          "message": "that is not your password"}]


def test_the_api_erases_me_and_my_token_stops_working(
    client: TestClient, session: Session, make_user: Callable[..., User],
    bearer: Callable[[User], dict[str, str]],
) -> None:
    user = make_user()
    headers = bearer(user)
    response = client.request("DELETE", "/api/v1/me", headers=headers,
                              json={"password": PASSWORD})
    assert response.status_code == 204
    assert privacy_service.is_erased(session=session, user_id=user.id)
    assert client.get("/api/v1/me/data", headers=headers).status_code == 401


def test_the_api_refuses_to_erase_the_last_owner_with_409(
    client: TestClient, session: Session, make_user: Callable[..., User],
    make_org: Callable[..., object], bearer: Callable[[User], dict[str, str]],
) -> None:
    user = make_user()
    make_org(owner=user, name="Solo Sonar Ltd")
    response = client.request("DELETE", "/api/v1/me", headers=bearer(user),
                              json={"password": PASSWORD})
    assert response.status_code == 409
    assert "Solo Sonar Ltd" in response.json()["detail"]


def test_the_api_refuses_to_reactivate_an_erased_account_with_409(
    client: TestClient, session: Session, people: SimpleNamespace,
    bearer: Callable[[User], dict[str, str]],
) -> None:
    bob = people.bob
    privacy_service.anonymise(session=session, user=bob, reason="request", actor=ACTOR)
    session.commit()
    response = client.patch(f"/api/v1/users/{bob.id}", headers=bearer(people.admin),
                            json={"is_active": True})
    assert response.status_code == 409
    assert "erased" in response.json()["detail"]
    session.refresh(bob)
    assert not bob.is_active
