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
    clock.now = 1200.0  # the start of a minute
    assert [window.hit("a") for _ in range(3)] == [None, None, None]
    clock.now += 20
    # Refused until the previous minute's three weigh less than two: 40 s, then 20 s more.
    assert window.hit("a") == 60
    assert window.hit("b") is None  # another caller counts apart
    clock.now += 60
    assert window.hit("a") is None  # a third of the way into the next minute: 3 * 2/3 = 2
    assert window.hit("a") == 20  # 2 + 1 in use; the old three weigh 1 at 40 s
    clock.now += 20
    assert window.hit("a") is None
    clock.now += 120
    assert [window.hit("a") for _ in range(3)] == [None, None, None]  # all forgotten


def test_refused_requests_do_not_count_against_the_caller() -> None:
    clock = Clock()
    window = SlidingWindow(2, clock)
    clock.now = 600.0
    window.hit("a"), window.hit("a")
    assert all(window.hit("a") is not None for _ in range(50))
    clock.now += 120
    assert window.hit("a") is None


def test_the_least_recently_seen_callers_are_forgotten_past_the_cap() -> None:
    window = SlidingWindow(5, Clock(), max_keys=3)
    for key in ("a", "b", "c"):
        window.hit(key)
    window.hit("a")  # a is the most recent now
    window.hit("d")
    assert set(window.counts) == {"a", "c", "d"}
    assert len(window.counts) == 3


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
    assert 1 <= int(refused.headers["Retry-After"]) <= 120
    assert refused.headers["X-Frame-Options"] == "DENY"  # inside the security headers
    assert refused.headers["X-Request-ID"]
    # Plain words with when to try again; the setting's name is for the docs, not people.
    detail = refused.json()["detail"]
    assert "at most 3 a minute" in detail and "Try again in" in detail
    assert "INDUSX_" not in detail and "setting" not in detail
    # Probes are never counted.
    assert limited.get("/healthz").status_code == 200
    assert REGISTRY.get_sample_value("indusx_rate_limited_total", {"kind": "api"}) == before + 1


def test_a_person_over_the_limit_reads_when_to_try_again_and_no_setting_name(
    limited: TestClient,
) -> None:
    pages = [limited.get("/login", headers={"Accept": "text/html"}) for _ in range(4)]

    assert [p.status_code for p in pages[:3]] == [200, 200, 200]
    refused = pages[3]
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("text/html")
    assert "Try again in" in refused.text
    assert "INDUSX_" not in refused.text and "RATE_PER_MINUTE" not in refused.text


def test_a_fresh_made_up_credential_gets_no_fresh_allowance(limited: TestClient) -> None:
    statuses = []
    for i in range(3):
        limited.cookies.set("indusx_session", f"made-up-{i}")
        statuses.append(limited.get("/orgs").status_code)
    limited.cookies.delete("indusx_session")
    for i in range(3, 5):
        statuses.append(limited.get("/api/v1/orgs",
                                    headers={"Authorization": f"Bearer made-up-{i}"})
                        .status_code)

    assert 429 not in statuses[:3]
    assert statuses[3:] == [429, 429]


def test_another_client_address_is_another_caller(
    app: FastAPI, settings: Settings,
) -> None:
    settings.api_rate_per_minute = 2
    first = TestClient(app, client=("198.51.100.7", 5000))
    second = TestClient(app, client=("198.51.100.8", 5000))
    assert [first.get("/login").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("/login").status_code == 200


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


def test_the_caller_is_the_client_address_and_ipv6_callers_their_64_prefix() -> None:
    from starlette.requests import Request

    def request(host: str, headers: list[tuple[bytes, bytes]]) -> Request:
        return Request({"type": "http", "headers": headers, "client": (host, 1)})

    assert ratelimit.caller_key(request("198.51.100.7", [(b"authorization", b"Bearer abc")])) \
        == ratelimit.caller_key(request("198.51.100.7", [])) == "198.51.100.7"
    assert ratelimit.caller_key(request("2001:db8:1:2:aaaa::1", [])) == \
        ratelimit.caller_key(request("2001:db8:1:2:bbbb::9", [])) == "2001:db8:1:2::/64"
    assert ratelimit.caller_key(request("2001:db8:1:3::1", [])) == "2001:db8:1:3::/64"
