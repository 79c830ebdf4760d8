"""The last-resort error answer, and numbers the database cannot hold."""

import io
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError

from indusx.accounts.models import User
from indusx.db import make_engine
from indusx.deps import SessionDep
from indusx.ops.logging import REQUEST_ID_HEADER
from tests.conftest import CSRF_COOKIE_VALUE, make_settings
from tests.ops.conftest import LogLines, json_log  # noqa: F401 (a fixture)

SECRET_TEXT = "the-secret-internals-of-the-failure"


@pytest.fixture
def failing_app(app: FastAPI) -> FastAPI:
    """Return the app with two routes that fail unexpectedly (an API and a page address)."""

    @app.get("/api/v1/test-failure")
    def _api_failure() -> None:
        raise RuntimeError(SECRET_TEXT)

    @app.get("/test-failure")
    def _page_failure() -> None:
        raise KeyError(SECRET_TEXT)

    return app


@pytest.fixture
def failing_client(failing_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(failing_app, follow_redirects=False) as test_client:
        test_client.cookies.set("indusx_csrf", CSRF_COOKIE_VALUE)
        yield test_client


def test_an_unexpected_error_is_a_500_problem_that_quotes_the_request_id(
    failing_client: TestClient, json_log: tuple[io.StringIO, LogLines],  # noqa: F811
) -> None:
    _, lines = json_log
    response = failing_client.get("/api/v1/test-failure")

    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    request_id = response.headers[REQUEST_ID_HEADER]
    assert body["request_id"] == request_id
    assert f"quote this id: {request_id}" in body["detail"]
    assert SECRET_TEXT not in response.text and "Traceback" not in response.text
    # The traceback is in the log, under the same id, and the access line counts a 500.
    failure = next(line for line in lines() if line["logger"] == "indusx.errors")
    assert failure["request_id"] == request_id
    assert SECRET_TEXT in failure["exception"] and "RuntimeError" in failure["exception"]
    access = next(line for line in lines() if line["logger"] == "indusx.access")
    assert (access["status"], access["request_id"]) == (500, request_id)


def test_an_unexpected_error_on_a_page_is_the_error_page_with_the_id_the_caller_sent(
    failing_client: TestClient,
) -> None:
    response = failing_client.get("/test-failure", headers={REQUEST_ID_HEADER: "support-77"})

    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers[REQUEST_ID_HEADER] == "support-77"
    assert "quote this id: support-77" in response.text
    assert SECRET_TEXT not in response.text
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_an_error_outside_every_middleware_still_gets_an_id_and_a_generic_answer(
    app: FastAPI,
) -> None:
    # Raised outermost, where only Starlette's server-error layer (and our handler) remain.
    async def broken(request: Request, call_next: Callable[[Request], Awaitable[Response]]
                     ) -> Response:
        raise RuntimeError(SECRET_TEXT)

    app.middleware("http")(broken)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        response = test_client.get("/api/v1/orgs")

    assert response.status_code == 500
    request_id = response.headers[REQUEST_ID_HEADER]
    assert response.json()["request_id"] == request_id and len(request_id) == 16
    assert SECRET_TEXT not in response.text


def test_an_id_past_64_bits_in_the_address_is_invalid_and_named(
    client: TestClient, people: SimpleNamespace, bearer: Callable[[User], dict[str, str]],
) -> None:
    response = client.get(f"/api/v1/challenges/{2**64}", headers=bearer(people.alice))

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "challenge_id", "message": "too large"}]


def test_a_negative_id_past_64_bits_is_invalid_too(
    client: TestClient, people: SimpleNamespace, bearer: Callable[[User], dict[str, str]],
) -> None:
    response = client.get(f"/api/v1/challenges/-{2**64}", headers=bearer(people.alice))

    assert response.status_code == 422


def test_a_digit_that_is_not_a_decimal_beside_a_huge_id_is_not_a_crash(
    client: TestClient, people: SimpleNamespace, bearer: Callable[[User], dict[str, str]],
) -> None:
    # '²' is a digit to str.isdigit but not a number to int(); '--1' passes lstrip("+-").
    for odd in ("\u00b2", "--1", "+-5"):
        response = client.get(f"/api/v1/challenges/{2**64}", params={"x": odd},
                              headers=bearer(people.alice))

        assert response.status_code == 422, odd
        assert response.json()["errors"] == [{"field": "challenge_id", "message": "too large"}]


def test_a_failed_statement_does_not_carry_its_parameters_into_the_log(
    tmp_path: Path,
) -> None:
    engine = make_engine(make_settings(f"sqlite:///{tmp_path / 'p.db'}"))

    with pytest.raises(DBAPIError) as failure, engine.connect() as connection:
        connection.execute(text("SELECT no_such_function(:secret)"), {"secret": "hunter2-x"})

    assert "hunter2-x" not in str(failure.value)


def test_an_integrity_error_logs_its_constraint_and_code_but_never_the_key_values(
    app: FastAPI, people: SimpleNamespace, database_url: str,
    json_log: tuple[io.StringIO, LogLines],  # noqa: F811
) -> None:
    _, lines = json_log
    taken = people.bob.email

    @app.post("/api/v1/test-duplicate")
    def _duplicate(session: SessionDep) -> None:
        # PostgreSQL's message quotes the key: "Key (email)=(bob...) already exists".
        session.execute(update(User).where(User.id == people.alice.id).values(email=taken))

    with TestClient(app) as test_client:
        response = test_client.post("/api/v1/test-duplicate")

    assert response.status_code == 409 and taken not in response.text
    logged = next(line for line in lines() if line["message"].startswith("integrity error"))
    assert taken not in str(logged)
    if database_url.startswith("postgresql"):
        assert logged["message"].endswith(
            "constraint uq_user_account_email, SQLSTATE 23505")
    else:
        # SQLite names no constraint and has no SQLSTATE: its error name stands in.
        assert logged["message"].endswith(
            "constraint unknown, SQLSTATE SQLITE_CONSTRAINT_UNIQUE")


def test_a_value_the_database_rejects_is_logged_by_its_kind_never_by_its_content(
    app: FastAPI, people: SimpleNamespace, database_url: str,
    json_log: tuple[io.StringIO, LogLines],  # noqa: F811
) -> None:
    _, lines = json_log
    rejected = "private-value-4711"

    @app.post("/api/v1/test-out-of-range")
    def _malformed(session: SessionDep) -> None:
        if database_url.startswith("postgresql"):
            # PostgreSQL's DataError quotes it: 'invalid input syntax for type integer: "..."'.
            session.execute(text("SELECT CAST(:v AS integer)"), {"v": rejected})
        else:
            # SQLite casts anything; a number past 64 bits is its out-of-range value.
            session.execute(text("SELECT :v"), {"v": 2**70})

    with TestClient(app) as test_client:
        response = test_client.post("/api/v1/test-out-of-range")

    assert response.status_code == 422 and rejected not in response.text
    logged = next(line for line in lines() if line["message"].startswith("value out of range"))
    assert rejected not in str(logged)
    kind = "InvalidTextRepresentation, SQLSTATE 22P02" if database_url.startswith(
        "postgresql") else "OverflowError, SQLSTATE -"
    assert logged["message"].endswith(kind)
