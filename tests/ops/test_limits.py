"""Request bodies over their address's limit are refused with 413 before they are read whole."""

from collections.abc import Callable, Iterator
from datetime import timedelta
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session, sessionmaker

from indusx.accounts.models import ApiToken, User, WebSession
from indusx.config import Settings
from indusx.db import utcnow
from indusx.main import create_app
from indusx.ops.limits import limit_for
from indusx.ops.logging import REQUEST_ID_HEADER
from tests.conftest import CSRF_COOKIE_VALUE, make_settings

LIMIT = 4096
LIST_LIMIT = 16384


@pytest.fixture
def small_settings(database_url: str) -> Settings:
    return make_settings(database_url, upload_max_bytes=1024, max_request_bytes=LIMIT,
                         max_list_import_bytes=LIST_LIMIT)


@pytest.fixture
def small_client(
    small_settings: Settings, engine: Engine, session_factory: sessionmaker[Session]
) -> Iterator[TestClient]:
    app = create_app(small_settings, engine=engine, session_factory=session_factory)
    with TestClient(app, follow_redirects=False) as test_client:
        test_client.cookies.set("indusx_csrf", CSRF_COOKIE_VALUE)
        yield test_client


def _login_json(size: int) -> bytes:
    body = b'{"email": "someone@example.org", "password": "'
    return body + b"x" * (size - len(body) - 2) + b'"}'


def test_a_declared_body_over_the_limit_is_refused_naming_the_limit(
    small_client: TestClient,
) -> None:
    response = small_client.post("/api/v1/auth/login", content=_login_json(LIMIT + 1),
                                 headers={"Content-Type": "application/json"})

    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["max_bytes"] == LIMIT
    assert "4 KB" in response.json()["detail"]
    assert response.headers[REQUEST_ID_HEADER]


def test_a_body_at_the_limit_is_read_as_usual(small_client: TestClient) -> None:
    response = small_client.post("/api/v1/auth/login", content=_login_json(LIMIT),
                                 headers={"Content-Type": "application/json"})

    # Read and validated: refused for its over-long password, not for its size.
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "password"


def test_a_chunked_body_is_counted_and_refused_once_it_passes_the_limit(
    small_client: TestClient,
) -> None:
    data = _login_json(LIMIT + 1000)
    chunks = iter([data[:3000], data[3000:]])

    response = small_client.post("/api/v1/auth/login", content=chunks,
                                 headers={"Content-Type": "application/json"})

    assert response.request.headers.get("content-length") is None
    assert response.status_code == 413
    assert response.json()["max_bytes"] == LIMIT


def test_a_browser_gets_the_error_page_for_a_form_over_the_limit(
    small_client: TestClient,
) -> None:
    response = small_client.post("/login", data={"email": "a@example.org",
                                                 "password": "x" * LIMIT},
                                 headers={"Accept": "text/html"})

    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "4 KB" in response.text


def test_the_list_import_takes_the_larger_limit_and_other_addresses_do_not(
    small_client: TestClient, people: SimpleNamespace,
    bearer: Callable[[User], dict[str, str]],
) -> None:
    files = {"files": ("list.csv", b"name\n" + b"x" * (LIMIT * 2), "text/csv")}
    admin = bearer(people.admin)

    imported = small_client.post("/api/v1/screening/lists/import", files=files,
                                 data={"format": "csv"}, headers=admin)
    elsewhere = small_client.post("/api/v1/supply/import", files=files, headers=admin)

    assert imported.status_code != 413
    assert elsewhere.status_code == 413


def test_limits_are_chosen_by_address_and_method(small_settings: Settings) -> None:
    assert limit_for(small_settings, "POST", "/api/v1/screening/lists/import") == LIST_LIMIT
    assert limit_for(small_settings, "POST", "/screening/lists") == LIST_LIMIT
    assert limit_for(small_settings, "GET", "/screening/lists") == LIMIT
    assert limit_for(small_settings, "POST", "/api/v1/orgs") == LIMIT


def test_settings_refuse_a_request_limit_below_the_upload_limit(database_url: str) -> None:
    with pytest.raises(ValueError, match="INDUSX_MAX_REQUEST_BYTES"):
        make_settings(database_url, upload_max_bytes=8192, max_request_bytes=4096)


def _big_list(size: int) -> dict[str, tuple[str, bytes, str]]:
    return {"files": ("list.csv", b"name\n" + b"x" * size, "text/csv")}


def test_an_anonymous_list_import_gets_the_ordinary_limit_not_the_list_one(
    small_client: TestClient,
) -> None:
    # Between the two limits: read whole (and then refused 401) if the large one applied.
    for path in ("/api/v1/screening/lists/import", "/screening/lists"):
        response = small_client.post(path, files=_big_list(LIMIT * 2), data={"format": "csv"},
                                     headers={"Accept": "application/json"})

        assert response.status_code == 413, path
        assert response.json()["max_bytes"] == LIMIT


def test_a_member_or_a_random_credential_gets_the_ordinary_limit_on_list_imports(
    small_client: TestClient, people: SimpleNamespace,
    bearer: Callable[[User], dict[str, str]],
    sign_in: Callable[[TestClient, User], TestClient], csrf: str,
) -> None:
    for headers in (bearer(people.bob), {"Authorization": "Bearer made-up"}):
        api = small_client.post("/api/v1/screening/lists/import", files=_big_list(LIMIT * 2),
                                data={"format": "csv"}, headers=headers)
        assert api.status_code == 413 and api.json()["max_bytes"] == LIMIT
    sign_in(small_client, people.bob)
    page = small_client.post("/screening/lists", files=_big_list(LIMIT * 2),
                             data={"csrf_token": csrf, "format": "csv"},
                             headers={"Accept": "application/json"})
    assert page.status_code == 413 and page.json()["max_bytes"] == LIMIT


def test_a_stepped_up_administrator_imports_a_list_over_the_ordinary_limit_on_the_page(
    small_client: TestClient, people: SimpleNamespace,
    sign_in: Callable[[TestClient, User], TestClient], csrf: str,
) -> None:
    sign_in(small_client, people.admin)
    names = b"name\n" + b"".join(f"Party {i:05d}\n".encode() for i in range(LIMIT // 8))
    assert LIMIT < len(names) < LIST_LIMIT

    response = small_client.post(
        "/screening/lists", files={"files": ("big.csv", names, "text/csv")},
        data={"csrf_token": csrf, "format": "csv", "list": "big",
              "name": "Big list"})

    assert response.status_code == 303
    assert small_client.get("/screening/lists/big").status_code == 200


def _lapse_proof(session: Session, user: User) -> None:
    session.execute(update(WebSession).where(WebSession.user_id == user.id)
                    .values(authenticated_at=utcnow() - timedelta(hours=1)))
    session.commit()


def test_an_administrator_without_a_recent_proof_is_asked_to_confirm_not_told_413(
    small_client: TestClient, people: SimpleNamespace, session: Session,
    sign_in: Callable[[TestClient, User], TestClient], csrf: str,
) -> None:
    sign_in(small_client, people.admin)
    _lapse_proof(session, people.admin)

    # Over the ordinary limit: the prompt, as for a small list, not "the file is too big".
    response = small_client.post("/screening/lists", files=_big_list(LIMIT * 2),
                                 data={"csrf_token": csrf, "format": "csv"},
                                 headers={"Accept": "application/json"})
    page = small_client.post(
        "/screening/lists", files=_big_list(LIMIT * 2),
        data={"csrf_token": csrf, "format": "csv"},
        headers={"Referer": "http://testserver/screening/lists"})

    assert response.status_code == 403
    assert response.json()["code"] == "step_up_required"
    assert page.status_code == 303
    assert page.headers["location"].startswith("/account/confirm?next=%2Fscreening%2Flists")


def test_an_administrator_with_an_old_access_token_is_asked_to_sign_in_again_not_told_413(
    small_client: TestClient, people: SimpleNamespace, session: Session,
    bearer: Callable[[User], dict[str, str]],
) -> None:
    headers = bearer(people.admin)
    session.execute(update(ApiToken).where(ApiToken.user_id == people.admin.id)
                    .values(created_at=utcnow() - timedelta(minutes=30)))
    session.commit()

    response = small_client.post("/api/v1/screening/lists/import", files=_big_list(LIMIT * 2),
                                 data={"format": "csv"}, headers=headers)

    assert response.status_code == 403
    assert response.json()["code"] == "step_up_required"
    assert response.json()["confirm_url"] == "/api/v1/auth/login"


def test_a_list_import_over_the_list_limit_is_refused_before_it_is_read(
    small_client: TestClient, people: SimpleNamespace,
    bearer: Callable[[User], dict[str, str]],
) -> None:
    response = small_client.post("/api/v1/screening/lists/import",
                                 files=_big_list(LIST_LIMIT), data={"format": "csv"},
                                 headers=bearer(people.admin))

    assert response.status_code == 413 and response.json()["max_bytes"] == LIST_LIMIT
