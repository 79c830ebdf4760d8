"""Security events are counted for the alert rules: failed sign-ins, lockouts, rate limits."""

from collections.abc import Callable

from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from indusx.accounts.models import User
from indusx.config import Settings


def _value(name: str, labels: dict[str, str] | None = None) -> float:
    return REGISTRY.get_sample_value(name, labels or {}) or 0.0


def test_failed_sign_ins_and_the_lockout_they_cause_are_counted(
    client: TestClient, make_user: Callable[..., User], settings: Settings,
) -> None:
    settings.signin_max_failures = 3
    settings.ip_attempts_per_minute = 1000
    user = make_user()
    failures, lockouts = _value("indusx_signin_failures_total"), _value("indusx_lockouts_total")
    statuses = [client.post("/api/v1/auth/login",
                            json={"email": user.email, "password": "wrong-guess"}).status_code
                for _ in range(3)]
    assert statuses == [401, 401, 429]
    assert _value("indusx_signin_failures_total") == failures + 3
    assert _value("indusx_lockouts_total") == lockouts + 1


def test_sign_ins_over_the_address_limit_are_counted_as_rate_limited(
    client: TestClient, settings: Settings,
) -> None:
    settings.ip_attempts_per_minute = 2
    before = _value("indusx_rate_limited_total", {"kind": "ip"})
    statuses = [client.post("/api/v1/auth/login",
                            json={"email": "nobody@example.org", "password": "x" * 12}
                            ).status_code for _ in range(3)]
    assert statuses[-1] == 429
    assert _value("indusx_rate_limited_total", {"kind": "ip"}) == before + 1
