"""The notifications page: each user sees their own, unread ones stand out."""

from collections.abc import Callable
from types import SimpleNamespace

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.notifications import service as outbox

SignIn = Callable[[TestClient, User], TestClient]


def _notify(session: Session, user: User, subject: str, count: int = 1) -> None:
    for n in range(count):
        outbox.enqueue(session=session, to_email=user.email, user_id=user.id, kind="membership",
                       subject=f"{subject} {n}" if count > 1 else subject,
                       body="Details inside.", link="/my-org")
    session.commit()


def test_notifications_need_a_signed_in_user(client: TestClient) -> None:
    assert client.get("/notifications").headers["location"] == "/login?next=/notifications"


def test_a_user_sees_only_their_own_notifications_and_the_unread_count(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn, session: Session
) -> None:
    _notify(session, people.bob, "Welcome to Alice Undersea Systems")
    _notify(session, people.charlie, "Something for Charlie")
    sign_in(client, people.bob)
    page = client.get("/notifications").text
    assert "Welcome to Alice Undersea Systems" in page and "Something for Charlie" not in page
    assert 'class="list-group-item notification unread"' in page
    assert '1<span class="visually-hidden"> unread</span>' in page  # the badge in the nav
    assert "Mark all as read" in page


def test_marking_all_as_read_clears_the_highlight(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn, session: Session
) -> None:
    _notify(session, people.bob, "Update", count=3)
    sign_in(client, people.bob)
    assert client.post("/notifications/read").status_code == 403  # no CSRF token
    response = client.post("/notifications/read", data={"csrf_token": csrf})
    assert response.status_code == 303 and response.headers["location"] == "/notifications"
    assert outbox.unread_count(session=session, user_id=people.bob.id) == 0
    page = client.get("/notifications").text
    assert "notification unread" not in page and "You are all caught up" in page


def test_marking_one_as_read_leaves_the_others(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn, session: Session
) -> None:
    _notify(session, people.bob, "Update", count=2)
    rows, _ = outbox.list_for_user(session=session, user_id=people.bob.id)
    sign_in(client, people.charlie)
    client.post(f"/notifications/{rows[0].id}/read", data={"csrf_token": csrf})
    assert outbox.unread_count(session=session, user_id=people.bob.id) == 2  # not charlie's
    sign_in(client, people.bob)
    client.post(f"/notifications/{rows[0].id}/read", data={"csrf_token": csrf})
    assert outbox.unread_count(session=session, user_id=people.bob.id) == 1


def test_notifications_are_paginated(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn, session: Session
) -> None:
    _notify(session, people.bob, "Item", count=25)
    sign_in(client, people.bob)
    first = client.get("/notifications").text
    assert "Item 24" in first and "Item 4" not in first
    assert 'href="/notifications?page=2"' in first
    second = client.get("/notifications?page=2").text
    assert "Item 4" in second and "Item 24" not in second


def test_an_empty_inbox_says_so(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.charlie)
    page = client.get("/notifications").text
    assert "No notifications yet" in page and "Mark all as read" not in page
