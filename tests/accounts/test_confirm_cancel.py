"""Cancel on a confirmation page goes back to the page the person came from."""

import html
import re
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs, urlencode, urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from indusx.accounts import totp
from indusx.accounts.models import User, WebSession
from indusx.config import Settings
from indusx.db import utcnow
from tests.accounts.test_second_factor_reset import _enrol


def _cancel(page: str) -> str:
    found = re.search(r'<a class="btn btn-outline-secondary" href="([^"]*)">Cancel</a>', page)
    assert found, "no Cancel link"
    return html.unescape(found.group(1))


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)">', page)
    assert found, f"no hidden {name}"
    return html.unescape(found.group(1))


def _lapse_proof(session: Session, user: User) -> None:
    session.execute(update(WebSession).where(WebSession.user_id == user.id)
                    .values(authenticated_at=utcnow() - timedelta(hours=1)))
    session.commit()


def test_cancelling_a_second_factor_reset_returns_to_the_user_search(
    client: TestClient, csrf: str, people: SimpleNamespace, session: Session, settings: Settings,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    _enrol(session, settings, people.bob)
    sign_in(client, people.admin)
    listing = client.get("/admin/users", params={"q": people.bob.email})
    link = re.search(rf'href="(/admin/users/{people.bob.id}/2fa-reset\?[^"]*)"', listing.text)
    assert link
    search = "/admin/users?" + urlencode({"q": people.bob.email, "page": 1})

    confirm = client.get(html.unescape(link.group(1)))

    assert confirm.status_code == 200
    assert _cancel(confirm.text) == search
    assert _hidden(confirm.text, "next") == search
    done = client.post(f"/admin/users/{people.bob.id}/2fa-reset",
                       data={"csrf_token": csrf, "next": _hidden(confirm.text, "next")})
    assert done.status_code == 303 and done.headers["location"] == search
    assert not totp.is_enrolled(session=session, user_id=people.bob.id)


def test_a_way_back_to_another_site_is_not_followed_on_the_reset_page(
    client: TestClient, csrf: str, people: SimpleNamespace, session: Session, settings: Settings,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    _enrol(session, settings, people.bob)
    sign_in(client, people.admin)
    for elsewhere in ("//evil.example", "https://evil.example/admin/users", "/x\r\n/y"):
        confirm = client.get(f"/admin/users/{people.bob.id}/2fa-reset",
                             params={"next": elsewhere})

        assert _cancel(confirm.text) == "/admin/users", elsewhere
    done = client.post(f"/admin/users/{people.bob.id}/2fa-reset",
                       data={"csrf_token": csrf, "next": "//evil.example"})
    assert done.status_code == 303 and done.headers["location"] == "/admin/users"


def test_cancelling_confirm_its_you_returns_to_the_page_the_person_came_from(
    client: TestClient, people: SimpleNamespace, session: Session, settings: Settings,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    _enrol(session, settings, people.bob)
    sign_in(client, people.admin)
    _lapse_proof(session, people.admin)
    came_from = "/admin/users?q=bob&page=2"

    asked = client.get(f"/admin/users/{people.bob.id}/2fa-reset",
                       headers={"Referer": f"http://testserver{came_from}"})

    assert asked.status_code == 303
    query = parse_qs(urlsplit(asked.headers["location"]).query)
    assert query["next"] == [f"/admin/users/{people.bob.id}/2fa-reset"]
    assert query["back"] == [came_from]
    page = client.get(asked.headers["location"])
    assert _cancel(page.text) == came_from
    assert _hidden(page.text, "back") == came_from
    # A wrong password redraws the page: Cancel still goes back.
    wrong = client.post("/account/confirm", data={
        "password": "not-the-password", "next": query["next"][0], "back": came_from,
        "csrf_token": _hidden(page.text, "csrf_token")})
    assert wrong.status_code == 400 and _cancel(wrong.text) == came_from


def test_confirm_its_you_cancels_home_when_it_does_not_know_a_local_page(
    client: TestClient, people: SimpleNamespace, sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    sign_in(client, people.admin)
    for back in ("", "//evil.example", "https://evil.example/"):
        page = client.get("/account/confirm", params={"next": "/account/tokens", "back": back})

        assert _cancel(page.text) == "/", back
