"""One-time links carry their token after '#', never in a URL the server receives (ASVS 8.3.1)."""

from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import OneTimeKind, OneTimeToken, OrgRole, User
from indusx.config import Settings
from indusx.db import utcnow
from indusx.notifications import service as outbox
from indusx.notifications.models import Notification
from tests.conftest import ACTOR

SignIn = Callable[[TestClient, User], TestClient]
SCRIPT = '<script src="/static/one-time-link.js'


def _note(session: Session, email: str) -> Notification:
    note = session.scalars(
        select(Notification).where(Notification.to_email == email).order_by(Notification.id.desc())
    ).first()
    assert note is not None
    return note


def _token_of(note: Notification, path: str, settings: Settings) -> str:
    """Return the token of an e-mailed link, checking it sits only after the '#'."""
    # The stored link is the bare page; the token is kept apart for the e-mail alone.
    assert note.link == path and note.mail_secret is not None
    link = outbox.mailed_link(note)
    assert "?" not in link and link.startswith(f"{path}#token=")
    token = link.split("#token=", 1)[1]
    assert len(token) >= 32
    # The e-mail also shows the code on its own line, for a page without JavaScript; the
    # stored body (shown in the app, exported with the user's data) holds no secret.
    assert token in outbox.mail_text(settings, note).splitlines() and token not in note.body
    return token


def _expire(session: Session, kind: OneTimeKind) -> None:
    session.execute(update(OneTimeToken).where(OneTimeToken.kind == kind)
                    .values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()


def _invite_to_org(session: Session, settings: Settings, people: SimpleNamespace,
                   user: User) -> str:
    account_service.invite_user(
        session=session, email=user.email, settings=settings, actor=ACTOR,
        org_id=people.org.id, org_name=people.org.name, org_role=OrgRole.EDITOR,
    )
    session.commit()
    return _token_of(_note(session, user.email), "/invite/join", settings)


def test_a_reset_email_links_to_the_page_with_the_token_after_the_hash(
    client: TestClient, csrf: str, make_user: Callable[..., User], session: Session,
    settings: Settings,
) -> None:
    make_user(email="ravi@example.org")
    client.post("/password/forgot", data={"email": "ravi@example.org", "csrf_token": csrf})
    token = _token_of(_note(session, "ravi@example.org"), "/password/reset", settings)
    page = client.get("/password/reset")
    assert page.status_code == 200 and token not in page.text
    # The code's field, which the page's script fills from the fragment (or the person pastes).
    assert 'id="f-token"' in page.text and 'autocomplete="one-time-code"' in page.text
    assert SCRIPT in page.text
    done = client.post("/password/reset", data={"token": token, "password": "a-new-password-1",
                                                "csrf_token": csrf})
    assert done.status_code == 303 and done.headers["location"] == "/login"


def test_an_old_query_string_reset_link_redirects_once_to_the_fragment_form(
    client: TestClient, csrf: str, make_user: Callable[..., User], session: Session,
    settings: Settings,
) -> None:
    make_user(email="uma@example.org")
    client.post("/password/forgot", data={"email": "uma@example.org", "csrf_token": csrf})
    token = _token_of(_note(session, "uma@example.org"), "/password/reset", settings)
    old = client.get(f"/password/reset?token={token}")
    assert old.status_code == 303 and old.headers["location"] == f"/password/reset#token={token}"
    assert old.headers["referrer-policy"] == "no-referrer"
    assert old.headers["cache-control"] == "no-store"
    done = client.post("/password/reset", data={"token": token, "password": "a-new-password-1",
                                                "csrf_token": csrf})
    assert done.status_code == 303  # the redirect did not spend the token


def test_a_spent_old_reset_link_is_explained_on_a_page_that_sends_no_referrer(
    client: TestClient,
) -> None:
    page = client.get("/password/reset?token=not-a-real-token")
    assert page.status_code == 400 and "invalid, used or expired" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"


def test_a_wrong_or_expired_reset_code_gives_the_clear_error(
    client: TestClient, csrf: str, make_user: Callable[..., User], session: Session,
    settings: Settings,
) -> None:
    make_user(email="ivy@example.org")
    client.post("/password/forgot", data={"email": "ivy@example.org", "csrf_token": csrf})
    token = _token_of(_note(session, "ivy@example.org"), "/password/reset", settings)
    wrong = client.post("/password/reset", data={"token": "x" * 43, "password": "a-new-pass-1",
                                                 "csrf_token": csrf})
    assert wrong.status_code == 422 and "invalid, used or expired" in wrong.text
    assert "Ask for a new reset link" in wrong.text
    _expire(session, OneTimeKind.PASSWORD_RESET)
    expired = client.post("/password/reset", data={"token": token, "password": "a-new-pass-1",
                                                   "csrf_token": csrf})
    assert expired.status_code == 422 and "invalid, used or expired" in expired.text


def test_a_new_persons_invitation_page_holds_no_token_and_the_posted_token_accepts(
    client: TestClient, csrf: str, people: SimpleNamespace, session: Session, settings: Settings
) -> None:
    account_service.invite_user(session=session, email="noor@example.org", settings=settings,
                                actor=ACTOR)
    session.commit()
    token = _token_of(_note(session, "noor@example.org"), "/invite/accept", settings)
    page = client.get("/invite/accept")
    assert page.status_code == 200 and token not in page.text and SCRIPT in page.text
    old = client.get(f"/invite/accept?token={token}")
    assert old.status_code == 303 and old.headers["location"] == f"/invite/accept#token={token}"
    assert old.headers["referrer-policy"] == "no-referrer"
    assert old.headers["cache-control"] == "no-store"
    accepted = client.post("/invite/accept", data={
        "token": token, "full_name": "Noor Das", "password": "harbour-lamp-violet",
        "csrf_token": csrf})
    assert accepted.status_code == 303 and accepted.headers["location"] == "/my-org"


def test_an_expired_invitation_code_is_shown_in_its_field_with_the_clear_error(
    client: TestClient, csrf: str, session: Session, settings: Settings
) -> None:
    account_service.invite_user(session=session, email="omar@example.org", settings=settings,
                                actor=ACTOR)
    session.commit()
    token = _token_of(_note(session, "omar@example.org"), "/invite/accept", settings)
    _expire(session, OneTimeKind.INVITATION)
    response = client.post("/invite/accept", data={
        "token": token, "full_name": "Omar", "password": "harbour-lamp-violet", "csrf_token": csrf})
    assert response.status_code == 422 and "invalid, used or expired" in response.text
    assert 'id="f-token-error"' in response.text  # a visible field, to paste a good code


def test_a_join_invitation_is_shown_after_posting_its_code_and_joined_by_accepting(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn, session: Session,
    settings: Settings, make_user: Callable[..., User],
) -> None:
    dana = make_user(name="Dana Partner")  # with a password: an existing account joins
    token = _invite_to_org(session, settings, people, dana)
    sign_in(client, dana)
    page = client.get("/invite/join")
    assert page.status_code == 200 and token not in page.text and SCRIPT in page.text
    assert 'name="show"' in page.text and "Alice Undersea Systems" not in page.text
    shown = client.post("/invite/join", data={"token": token, "show": "1", "csrf_token": csrf})
    assert shown.status_code == 200 and "Join Alice Undersea Systems?" in shown.text
    assert "as editor" in shown.text and "Accept and join" in shown.text
    assert account_service.role_in_org(session=session, user_id=dana.id,
                                       org_id=people.org.id) is None
    joined = client.post("/invite/join", data={"token": token, "csrf_token": csrf})
    assert joined.status_code == 303 and joined.headers["location"] == f"/orgs/{people.org.id}"
    assert account_service.role_in_org(session=session, user_id=dana.id,
                                       org_id=people.org.id) is OrgRole.EDITOR


def test_an_old_join_link_redirects_to_the_fragment_form_even_when_signed_out(
    client: TestClient, people: SimpleNamespace, session: Session, settings: Settings,
    make_user: Callable[..., User],
) -> None:
    token = _invite_to_org(session, settings, people, make_user(name="Dana Partner"))
    old = client.get(f"/invite/join?token={token}")
    assert old.status_code == 303 and old.headers["location"] == f"/invite/join#token={token}"
    assert old.headers["referrer-policy"] == "no-referrer"
    # Signed out, the page asks to sign in; its script takes the token off the address bar.
    page = client.get("/invite/join")
    assert page.status_code == 200 and 'href="/login?next=/invite/join"' in page.text
    assert SCRIPT in page.text and token not in page.text


def test_a_wrong_or_expired_join_code_gives_the_clear_error(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn, session: Session,
    settings: Settings, make_user: Callable[..., User],
) -> None:
    dana = make_user(name="Dana Partner")  # with a password: an existing account joins
    token = _invite_to_org(session, settings, people, dana)
    sign_in(client, dana)
    wrong = client.post("/invite/join", data={"token": "x" * 43, "show": "1",
                                              "csrf_token": csrf})
    assert wrong.status_code == 422 and "invalid, used or expired" in wrong.text
    assert 'id="f-token-error"' in wrong.text
    _expire(session, OneTimeKind.INVITATION)
    expired = client.post("/invite/join", data={"token": token, "show": "1", "csrf_token": csrf})
    assert expired.status_code == 422 and "invalid, used or expired" in expired.text
    refused = client.post("/invite/join", data={"token": token, "csrf_token": csrf})
    assert refused.status_code == 422 and "invalid, used or expired" in refused.text


def test_an_old_style_link_with_a_malformed_token_gets_the_page_and_a_400_never_a_500(
    client: TestClient,
) -> None:
    # A newline or a backslash cannot go into a redirect; they once made an anonymous 500.
    for path in ("/password/reset", "/invite/accept", "/invite/join"):
        for bad in ("%0A", "a%5Cb", "abc", "a%20" + "b" * 40):
            page = client.get(f"{path}?token={bad}", follow_redirects=False)
            assert page.status_code == 400, (path, bad)
            assert "invalid, used or expired" in page.text and "location" not in page.headers
            assert page.headers["Referrer-Policy"] == "no-referrer"
