"""Request bodies over their address's limit are refused with 413 before they are read whole."""

from collections.abc import Callable, Iterator
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from indusx.accounts.models import User
from indusx.config import Settings
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
