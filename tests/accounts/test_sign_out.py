"""Signing out clears what the browser kept, as well as the session on the server."""

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from indusx.accounts.models import User, WebSession
from indusx.accounts.secrets import token_hash
from indusx.deps import CSRF_COOKIE, SESSION_COOKIE


def test_signing_out_asks_the_browser_to_clear_its_cache_and_storage_but_not_cookies(
    client: TestClient, csrf: str, make_user: Callable[..., User], session: Session,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    sign_in(client, make_user(password=None))
    raw = client.cookies[SESSION_COOKIE]

    response = client.post("/logout", data={"csrf_token": csrf})

    assert response.status_code == 303
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert session.get(WebSession, token_hash(raw)) is None
    # The CSRF cookie stays, so the sign-in form works straight away.
    assert client.cookies.get(CSRF_COOKIE)
    assert client.get("/login").status_code == 200
