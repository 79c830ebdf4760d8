import io
import re
from collections.abc import Callable
from types import SimpleNamespace

from fastapi.testclient import TestClient

from indusx.accounts.models import User
from indusx.ops.logging import REQUEST_ID_HEADER
from tests.conftest import PASSWORD
from tests.ops.conftest import LogLines


def test_each_request_writes_one_json_line_with_its_fields(
    client: TestClient, json_log: tuple[io.StringIO, LogLines]
) -> None:
    _, lines = json_log
    response = client.get("/healthz?secret=abc", headers={REQUEST_ID_HEADER: "req-42"})
    access = [line for line in lines() if line["logger"] == "indusx.access"]
    assert len(access) == 1
    entry = access[0]
    assert {"time", "level", "logger", "message", "request_id", "method", "path", "status",
            "duration_ms"} <= entry.keys()
    assert (entry["request_id"], entry["method"], entry["path"], entry["status"]) == (
        "req-42", "GET", "/healthz", 200)
    assert entry["duration_ms"] >= 0
    assert "secret=abc" not in str(entry)  # the query string stays out of the log
    assert response.headers[REQUEST_ID_HEADER] == "req-42"


def test_a_signed_in_request_names_the_user_in_its_log_line(
    client: TestClient, people: SimpleNamespace, bearer: Callable[[User], dict[str, str]],
    json_log: tuple[io.StringIO, LogLines],
) -> None:
    _, lines = json_log
    client.get("/api/v1/orgs", headers=bearer(people.alice))
    access = [line for line in lines() if line["logger"] == "indusx.access"]
    assert access[-1]["user_id"] == people.alice.id


def test_signing_in_leaves_no_password_token_or_cookie_in_the_log(
    client: TestClient, csrf: str, make_user: Callable[..., User],
    json_log: tuple[io.StringIO, LogLines],
) -> None:
    buffer, lines = json_log
    make_user(email="logcheck@example.org")
    web = client.post("/login", data={"email": "logcheck@example.org", "password": PASSWORD,
                                      "csrf_token": csrf})
    api = client.post("/api/v1/auth/login",
                      json={"email": "logcheck@example.org", "password": PASSWORD})
    failed = client.post("/api/v1/auth/login",
                         json={"email": "logcheck@example.org", "password": "wrong-" + PASSWORD})
    assert web.status_code == 303 and api.status_code == 200 and failed.status_code == 401
    text = buffer.getvalue()
    assert len([line for line in lines() if line["logger"] == "indusx.access"]) == 3
    assert PASSWORD not in text
    assert api.json()["access_token"] not in text
    assert client.cookies.get("indusx_session") not in text
    assert csrf not in text


def test_a_request_id_is_made_when_none_is_sent_or_the_sent_one_is_unsafe(
    client: TestClient,
) -> None:
    made = client.get("/healthz").headers[REQUEST_ID_HEADER]
    assert re.fullmatch(r"[0-9a-f]{16}", made)
    unsafe = client.get("/healthz", headers={REQUEST_ID_HEADER: "a b\"}{" + "x" * 200})
    assert re.fullmatch(r"[0-9a-f]{16}", unsafe.headers[REQUEST_ID_HEADER])
    assert client.get("/healthz").headers[REQUEST_ID_HEADER] != made


def test_error_pages_carry_the_request_id_too(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-thing", headers={REQUEST_ID_HEADER: "abc.123"})
    assert response.status_code == 404
    assert response.headers[REQUEST_ID_HEADER] == "abc.123"
