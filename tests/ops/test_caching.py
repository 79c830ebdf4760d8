"""Nothing private or page-like is kept by browsers or proxies; static assets are."""

from collections.abc import Callable
from types import SimpleNamespace

from fastapi.testclient import TestClient

from indusx.accounts.models import User
from tests.conftest import PASSWORD


def test_an_api_answer_to_a_signed_in_caller_is_not_stored(
    client: TestClient, people: SimpleNamespace, bearer: Callable[[User], dict[str, str]],
) -> None:
    response = client.get("/api/v1/orgs", headers=bearer(people.alice))

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_every_page_is_not_stored_even_for_visitors(client: TestClient) -> None:
    response = client.get("/login")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_a_public_json_answer_to_a_visitor_may_be_cached(client: TestClient) -> None:
    response = client.get("/healthz")

    assert "Cache-Control" not in response.headers


def test_static_assets_keep_caching_even_for_signed_in_callers(
    client: TestClient, people: SimpleNamespace,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    sign_in(client, people.alice)

    response = client.get("/static/app.css")

    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert response.headers["ETag"]


def test_a_signed_in_page_is_not_stored(
    client: TestClient, people: SimpleNamespace,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    sign_in(client, people.alice)

    response = client.get("/notifications")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_the_access_token_answer_to_a_password_sign_in_is_not_stored(
    client: TestClient, make_user: Callable[..., User],
) -> None:
    user = make_user()
    client.cookies.clear()  # a script: no cookie, no Authorization header

    response = client.post("/api/v1/auth/login",
                           json={"email": user.email, "password": PASSWORD})

    assert response.status_code == 200 and response.json()["access_token"]
    assert response.headers["Cache-Control"] == "no-store"


def test_any_api_answer_is_not_stored_even_to_a_visitor(client: TestClient) -> None:
    client.cookies.clear()

    response = client.get("/api/v1/orgs")

    assert response.headers["Cache-Control"] == "no-store"
