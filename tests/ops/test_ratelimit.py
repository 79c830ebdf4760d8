"""The per-caller request rate limit: a sliding minute, 429 with Retry-After, exemptions."""

from collections.abc import Callable, Iterator
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from indusx.accounts.models import User
from indusx.config import Settings
from indusx.ops import ratelimit
from indusx.ops.ratelimit import SlidingWindow
from tests.conftest import CSRF_COOKIE_VALUE


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_window_lets_the_limit_through_then_says_when_a_slot_frees() -> None:
    clock = Clock()
    window = SlidingWindow(3, clock)
    assert [window.hit("a") for _ in range(3)] == [None, None, None]
    clock.now += 20
    assert window.hit("a") == 40
    assert window.hit("b") is None  # another caller counts apart
    clock.now += 40
    assert window.hit("a") is None  # the first three left the minute
    assert window.hit("a") is None and window.hit("a") is None
    assert window.hit("a") == 60


def test_idle_callers_are_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "SWEEP", 2)
    clock = Clock()
    window = SlidingWindow(5, clock)
    window.hit("old")
    clock.now += 61
    window.hit("new")
    assert set(window.hits) == {"new"}


@pytest.fixture
def limited(app: FastAPI, settings: Settings) -> Iterator[TestClient]:
    """The app with the rate limit on (main.py puts it in front of every app)."""
    settings.api_rate_per_minute = 3
    with TestClient(app, follow_redirects=False) as client:
        client.cookies.set("indusx_csrf", CSRF_COOKIE_VALUE)
        yield client


def test_a_caller_over_the_limit_gets_429_with_retry_after(
    limited: TestClient, people: SimpleNamespace, bearer: Callable[[User], dict[str, str]],
) -> None:
    before = REGISTRY.get_sample_value("indusx_rate_limited_total", {"kind": "api"}) or 0.0
    headers = bearer(people.alice)
    assert [limited.get("/api/v1/orgs", headers=headers).status_code
            for _ in range(3)] == [200, 200, 200]
    refused = limited.get("/api/v1/orgs", headers=headers)
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["X-Frame-Options"] == "DENY"  # inside the security headers
    assert refused.headers["X-Request-ID"]
    assert "INDUSX_API_RATE_PER_MINUTE" in refused.json()["detail"]
    # Another token is another caller, and probes are never counted.
    assert limited.get("/api/v1/orgs", headers=bearer(people.bob)).status_code == 200
    assert limited.get("/healthz").status_code == 200
    assert REGISTRY.get_sample_value("indusx_rate_limited_total", {"kind": "api"}) == before + 1


def test_a_browser_over_the_limit_gets_the_error_page(limited: TestClient) -> None:
    for _ in range(3):
        limited.get("/login")
    refused = limited.get("/login")
    assert refused.status_code == 429 and "text/html" in refused.headers["content-type"]
    assert "Retry-After" in refused.headers


def test_zero_turns_the_limit_off(app: FastAPI, settings: Settings) -> None:
    settings.api_rate_per_minute = 0
    with TestClient(app) as client:
        assert {client.get("/healthz").status_code for _ in range(5)} == {200}
        assert {client.get("/login").status_code for _ in range(5)} == {200}


def test_the_caller_is_the_token_then_the_session_then_the_address() -> None:
    from starlette.requests import Request

    def request(headers: list[tuple[bytes, bytes]]) -> Request:
        return Request({"type": "http", "headers": headers, "client": ("198.51.100.7", 1)})

    assert ratelimit.caller_key(request([(b"authorization", b"Bearer abc")])).startswith(
        "token:")
    assert ratelimit.caller_key(request([(b"cookie", b"indusx_session=xyz")])).startswith(
        "session:")
    assert ratelimit.caller_key(request([])) == "ip:198.51.100.7"
    assert "abc" not in ratelimit.caller_key(request([(b"authorization", b"Bearer abc")]))
