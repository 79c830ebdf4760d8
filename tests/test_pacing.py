"""The human-pace check: stamps that cannot be forged or moved, and the sign-up form end to end.

The other paced flows (introductions, proposals, data-room uploads) are tested beside their
pages: tests/matching, tests/challenges and tests/partnerships, `test_*pacing.py`.
"""

import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.config import Settings
from indusx.deps import CSRF_COOKIE
from indusx.pacing import MAX_AGE_SECONDS, TOO_FAST, Flow, Refusal, judge, make_stamp
from tests.conftest import SECRET
from tests.support.pacing import SLOW, stamp_from, stamp_in

NOW = 1_800_000_000.0
BROWSER = "browser-cookie"
SIGNUP = {"email": "hana@example.org", "full_name": "Hana Ito",
          "password": "long-enough-secret", "privacy_consent": "yes"}


def _judge(stamp: str, *, flow: Flow = Flow.SIGNUP, browser: str = BROWSER,
           now: float = NOW, min_seconds: float = 2) -> Refusal | None:
    return judge(secret_key=SECRET, flow=flow, browser=browser, stamp=stamp, now=now,
                 min_seconds=min_seconds)


def _stamp(at: float, *, flow: Flow = Flow.SIGNUP, browser: str = BROWSER,
           key: str = SECRET) -> str:
    return make_stamp(secret_key=key, flow=flow, browser=browser, at=at)


def _refusals(form: str, reason: str) -> float:
    labels = {"form": form, "reason": reason}
    return REGISTRY.get_sample_value("indusx_form_pace_refusals_total", labels) or 0.0


# --- the stamp ----------------------------------------------------------------------------

def test_a_stamp_passes_once_the_minimum_has_gone_by_and_until_it_is_a_day_old() -> None:
    assert _judge(_stamp(NOW - 2)) is None
    assert _judge(_stamp(NOW - MAX_AGE_SECONDS)) is None
    assert _judge(_stamp(NOW - 1.9)) is Refusal.TOO_FAST
    assert _judge(_stamp(NOW)) is Refusal.TOO_FAST
    assert _judge(_stamp(NOW + 60)) is Refusal.TOO_FAST  # from the future: not yet shown
    assert _judge(_stamp(NOW - MAX_AGE_SECONDS - 1)) is Refusal.TOO_OLD


def test_a_stamp_of_another_form_browser_or_key_is_refused_like_a_forged_one() -> None:
    at = NOW - 10
    assert _judge(_stamp(at, flow=Flow.INTRODUCTION)) is Refusal.INVALID
    assert _judge(_stamp(at, browser="another-browser")) is Refusal.INVALID
    assert _judge(_stamp(at, key="another-secret-key-that-is-long-enough-000")) is Refusal.INVALID
    assert _judge(_stamp(at), browser="") is Refusal.INVALID  # no cookie sent back


def test_a_stamp_whose_time_was_changed_or_made_up_is_refused() -> None:
    shown, mac = _stamp(NOW - 1).split(".")
    earlier = f"{int(shown) - 60_000}.{mac}"
    assert _judge(earlier) is Refusal.INVALID
    superscripts = "\u00b2\u00b3"  # digits to str.isdigit, not to int()
    for forged in ("1799999990000", "1799999990000.", ".abc", "x.y", f"{superscripts}.abc",
                   "1" * 40 + ".a"):
        assert _judge(forged) is Refusal.INVALID
    assert _judge("") is Refusal.MISSING


# --- the sign-up form ---------------------------------------------------------------------

def test_a_sign_up_sent_back_at_once_is_refused_with_what_was_typed_kept(
    client: TestClient, csrf: str, settings: Settings, session: Session
) -> None:
    settings.form_min_seconds = SLOW
    page = client.get("/signup").text
    before = _refusals("signup", "too_fast")

    response = client.post("/signup", data={**SIGNUP, "csrf_token": csrf,
                                            "form_stamp": stamp_in(page)})

    assert response.status_code == 422
    assert TOO_FAST in response.text
    assert 'value="Hana Ito"' in response.text and 'value="hana@example.org"' in response.text
    assert 'name="privacy_consent" value="yes" required checked' in response.text
    assert stamp_in(response.text) != stamp_in(page)  # shown again with a fresh stamp
    assert account_service.find_user_by_email(session=session, email=SIGNUP["email"]) is None
    assert _refusals("signup", "too_fast") == before + 1


def test_a_sign_up_sent_after_the_minimum_creates_the_account(
    client: TestClient, csrf: str, settings: Settings, session: Session
) -> None:
    settings.form_min_seconds = 2
    stamp = stamp_from(settings, Flow.SIGNUP, seconds_ago=10)

    response = client.post("/signup", data={**SIGNUP, "csrf_token": csrf, "form_stamp": stamp})

    assert response.status_code == 303 and response.headers["location"] == "/my-org"
    assert account_service.find_user_by_email(session=session, email=SIGNUP["email"])


@pytest.mark.parametrize("case", ["missing", "other form", "other browser", "a day old"])
def test_a_sign_up_without_a_good_stamp_is_refused(
    client: TestClient, csrf: str, settings: Settings, session: Session, case: str
) -> None:
    settings.form_min_seconds = 2
    stamp = {
        "missing": "",
        "other form": stamp_from(settings, Flow.INTRODUCTION, seconds_ago=10),
        "other browser": stamp_from(settings, Flow.SIGNUP, seconds_ago=10, browser="theirs"),
        "a day old": stamp_from(settings, Flow.SIGNUP, seconds_ago=MAX_AGE_SECONDS + 60),
    }[case]

    response = client.post("/signup", data={**SIGNUP, "csrf_token": csrf, "form_stamp": stamp})

    assert response.status_code == 422
    expected = "more than a day ago" if case == "a day old" else "does not match the page"
    assert expected in response.text and "It has been reloaded" in response.text
    assert 'value="hana@example.org"' in response.text
    assert account_service.find_user_by_email(session=session, email=SIGNUP["email"]) is None


def test_the_page_stamps_its_form_for_the_browser_that_loaded_it(
    client: TestClient, settings: Settings
) -> None:
    stamp = stamp_in(client.get("/signup").text)
    shown = int(stamp.split(".")[0]) / 1000
    assert abs(shown - time.time()) < 60  # the time it was shown, in milliseconds
    for browser, verdict in (("test-csrf-cookie", None), ("other-cookie", Refusal.INVALID)):
        assert judge(secret_key=settings.secret_key, flow=Flow.SIGNUP, browser=browser,
                     stamp=stamp, now=shown + 5, min_seconds=1) is verdict


def test_a_first_visit_gets_a_stamp_for_the_cookie_it_is_given(
    app: FastAPI, settings: Settings
) -> None:
    with TestClient(app, follow_redirects=False) as fresh:  # no CSRF cookie yet
        response = fresh.get("/signup")
    cookie = response.cookies.get(CSRF_COOKIE)
    assert cookie
    stamp = stamp_in(response.text)
    shown = int(stamp.split(".")[0]) / 1000
    assert judge(secret_key=settings.secret_key, flow=Flow.SIGNUP, browser=cookie,
                 stamp=stamp, now=shown + 5, min_seconds=1) is None


def test_with_the_minimum_at_zero_no_stamp_is_needed(
    client: TestClient, csrf: str, settings: Settings
) -> None:
    assert settings.form_min_seconds == 0
    response = client.post("/signup", data={**SIGNUP, "csrf_token": csrf})
    assert response.status_code == 303
