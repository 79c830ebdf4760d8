"""Account pages end to end: sign in and out, sign-up, resets, invitations, tokens, users."""

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import ApiToken, OrgRole, PlatformRole, User
from indusx.audit.models import AuditEvent
from indusx.config import Settings
from indusx.deps import SESSION_COOKIE
from indusx.notifications import service as outbox
from indusx.notifications.models import Notification
from tests.conftest import ACTOR, PASSWORD

SignIn = Callable[[TestClient, User], TestClient]


def _link(session: Session, email: str, kind: str) -> str:
    note = session.scalars(
        select(Notification).where(Notification.to_email == email, Notification.kind == kind)
        .order_by(Notification.id.desc())
    ).first()
    assert note is not None
    return outbox.mailed_link(note)  # the link as the e-mail gives it


def test_the_home_page_sends_visitors_to_sign_in_and_members_to_the_directory(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn
) -> None:
    assert client.get("/").headers["location"] == "/login"
    sign_in(client, people.charlie)
    assert client.get("/").headers["location"] == "/orgs"


def test_a_protected_page_sends_an_anonymous_visitor_to_sign_in(client: TestClient) -> None:
    response = client.get("/account/tokens")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/account/tokens"


def test_the_sign_in_page_is_labelled_and_carries_the_csrf_token(
    client: TestClient, csrf: str
) -> None:
    page = client.get("/login?next=/my-org").text
    assert '<html lang="en">' in page
    assert "<title>Sign in · INDUS-X</title>" in page
    assert '<label for="f-email"' in page and '<label for="f-password"' in page
    assert f'name="csrf_token" value="{csrf}"' in page
    assert 'name="next" value="/my-org"' in page
    assert 'href="#main"' in page


def test_signing_in_starts_a_session_and_returns_where_the_user_was_heading(
    client: TestClient, csrf: str, make_user: Callable[..., User]
) -> None:
    user = make_user(email="dana@example.org")
    response = client.post("/login", data={"email": "Dana@Example.org", "password": PASSWORD,
                                           "next": "/my-org", "csrf_token": csrf})
    assert response.status_code == 303
    assert response.headers["location"] == "/my-org"
    cookie = response.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie and "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    page = client.get("/my-org")
    assert page.status_code == 200
    assert user.full_name in page.text


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "orgs"])
def test_signing_in_never_redirects_off_the_site(
    client: TestClient, csrf: str, make_user: Callable[..., User], target: str
) -> None:
    make_user(email="erin@example.org")
    response = client.post("/login", data={"email": "erin@example.org", "password": PASSWORD,
                                           "next": target, "csrf_token": csrf})
    assert response.headers["location"] == "/orgs"


def test_a_wrong_password_shows_the_form_again_and_the_attempt_is_audited(
    client: TestClient, csrf: str, make_user: Callable[..., User], session: Session
) -> None:
    make_user(email="fay@example.org")
    response = client.post("/login", data={"email": "fay@example.org", "password": "wrong-one!",
                                           "csrf_token": csrf})
    assert response.status_code == 400
    assert "Wrong e-mail address or password" in response.text
    assert 'value="fay@example.org"' in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    failed = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.sign_in_failed",
                                 AuditEvent.actor_email == "fay@example.org")
    ).all()
    assert len(failed) == 1


def test_a_sign_in_form_without_the_csrf_token_is_refused(
    client: TestClient, make_user: Callable[..., User]
) -> None:
    make_user(email="gus@example.org")
    response = client.post("/login", data={"email": "gus@example.org", "password": PASSWORD})
    assert response.status_code == 403
    assert "expired" in response.text


def test_signing_out_ends_the_session(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.charlie)
    refused = client.post("/logout")
    assert refused.status_code == 403
    assert client.get("/orgs").status_code == 200
    response = client.post("/logout", data={"csrf_token": csrf})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    client.cookies.delete(SESSION_COOKIE)
    assert client.get("/orgs").status_code == 303


def test_the_session_cookie_is_useless_after_signing_out(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.charlie)
    raw = client.cookies.get(SESSION_COOKIE)
    client.post("/logout", data={"csrf_token": csrf})
    client.cookies.set(SESSION_COOKIE, raw or "")
    assert client.get("/orgs").headers["location"] == "/login?next=/orgs"


def test_signing_up_creates_a_member_and_signs_them_in(
    client: TestClient, csrf: str, session: Session
) -> None:
    response = client.post("/signup", data={"email": "hana@example.org", "full_name": "Hana Ito",
                                            "password": "long-enough-secret", "csrf_token": csrf,
                                            "privacy_consent": "yes"})
    assert response.status_code == 303
    assert response.headers["location"] == "/my-org"
    user = account_service.find_user_by_email(session=session, email="hana@example.org")
    assert user is not None and user.platform_role is PlatformRole.MEMBER
    assert "Create your organisation" in client.get("/my-org").text


def test_sign_up_errors_appear_next_to_their_fields_and_keep_what_was_typed(
    client: TestClient, csrf: str
) -> None:
    response = client.post("/signup", data={"email": "not-an-address", "full_name": "Ivo Ilic",
                                            "password": "short", "csrf_token": csrf})
    assert response.status_code == 422
    page = response.text
    assert 'id="error-summary"' in page
    assert 'value="Ivo Ilic"' in page and 'value="not-an-address"' in page
    assert 'id="f-email-error"' in page and 'id="f-password-error"' in page
    assert 'aria-describedby="f-password-error f-password-help"' in page
    assert "at least 12 characters" in page


def test_signing_up_twice_with_one_address_is_explained(
    client: TestClient, csrf: str, make_user: Callable[..., User]
) -> None:
    make_user(email="jo@example.org", password=None)
    response = client.post("/signup", data={"email": "jo@example.org", "full_name": "Jo",
                                            "password": "long-enough-secret", "csrf_token": csrf})
    assert response.status_code == 422
    assert "Already registered" in response.text


def test_forgot_password_answers_the_same_whether_or_not_the_account_exists(
    client: TestClient, csrf: str, make_user: Callable[..., User], session: Session
) -> None:
    make_user(email="kim@example.org")
    known = client.post("/password/forgot", data={"email": "kim@example.org", "csrf_token": csrf})
    unknown = client.post("/password/forgot",
                          data={"email": "nobody@example.org", "csrf_token": csrf})
    assert known.status_code == unknown.status_code == 200
    assert "If an account exists for that address" in known.text
    assert "If an account exists for that address" in unknown.text
    assert _link(session, "kim@example.org", "password_reset").startswith("/password/reset#token=")


def test_a_reset_link_sets_a_new_password_once(
    client: TestClient, csrf: str, make_user: Callable[..., User], session: Session
) -> None:
    make_user(email="lee@example.org")
    client.post("/password/forgot", data={"email": "lee@example.org", "csrf_token": csrf})
    link = _link(session, "lee@example.org", "password_reset")
    token = link.split("token=", 1)[1]
    form = client.get(link)  # the client, like a browser, sends no fragment
    assert form.status_code == 200 and 'name="token"' in form.text and token not in form.text

    short = client.post("/password/reset",
                        data={"token": token, "password": "short", "csrf_token": csrf})
    assert short.status_code == 422 and 'id="f-password-error"' in short.text

    done = client.post("/password/reset", data={"token": token, "password": "a-new-password-1",
                                                "csrf_token": csrf})
    assert done.status_code == 303 and done.headers["location"] == "/login"
    again = client.post("/password/reset", data={"token": token, "password": "another-password",
                                                 "csrf_token": csrf})
    assert again.status_code == 422 and "invalid, used or expired" in again.text
    signed_in = client.post("/login", data={"email": "lee@example.org",
                                            "password": "a-new-password-1", "csrf_token": csrf})
    assert signed_in.status_code == 303


def test_an_invitation_sets_name_and_password_joins_the_org_and_signs_in(
    client: TestClient, csrf: str, people: SimpleNamespace, session: Session, settings: Settings
) -> None:
    account_service.invite_user(
        session=session, email="mo@example.org", settings=settings, actor=ACTOR,
        org_id=people.org.id, org_name=people.org.name, org_role=OrgRole.EDITOR,
    )
    session.commit()
    link = _link(session, "mo@example.org", "invitation")
    token = link.split("token=", 1)[1]
    assert client.get(link).status_code == 200
    response = client.post("/invite/accept", data={"token": token, "full_name": "Mo Rahman",
                                                   "password": "mo-secret-pass",
                                                   "csrf_token": csrf})
    assert response.status_code == 303 and response.headers["location"] == "/my-org"
    page = client.get("/my-org").text
    assert "Alice Undersea Systems" in page and "Editor" in page


def test_a_bad_invitation_link_is_explained(client: TestClient, csrf: str) -> None:
    response = client.post("/invite/accept", data={"token": "x" * 40, "full_name": "Nat",
                                                   "password": "long-enough-secret",
                                                   "csrf_token": csrf})
    assert response.status_code == 422
    assert "invalid, used or expired" in response.text
    assert 'value="Nat"' in response.text


def test_a_new_token_is_shown_once_and_then_only_its_prefix(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn, session: Session
) -> None:
    sign_in(client, people.bob)
    created = client.post("/account/tokens", data={"name": "CRM sync", "expires_days": "30",
                                                   "csrf_token": csrf})
    assert created.status_code == 303 and created.headers["location"] == "/account/tokens"
    response = client.get("/account/tokens")
    token = session.scalars(select(ApiToken).where(ApiToken.user_id == people.bob.id)).one()
    assert "Copy your new token now" in response.text
    assert f'value="{token.prefix}' in response.text
    # A reload shows the list without the secret and creates nothing.
    listing = client.get("/account/tokens").text
    assert len(session.scalars(select(ApiToken).where(ApiToken.user_id == people.bob.id))
               .all()) == 1
    assert "CRM sync" in listing and f"{token.prefix}…" in listing
    assert "Copy your new token now" not in listing


def test_a_token_expiry_outside_one_to_365_days_is_refused_inline(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.bob)
    response = client.post("/account/tokens", data={"name": "Too long", "expires_days": "400",
                                                    "csrf_token": csrf})
    assert response.status_code == 422
    assert 'id="f-expires_days-error"' in response.text
    assert 'value="Too long"' in response.text


def test_revoking_a_token_asks_first_and_only_the_owner_may(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn, session: Session
) -> None:
    token, _ = account_service.create_api_token(session=session, user=people.bob, actor=ACTOR,
                                                name="Laptop")
    session.commit()
    sign_in(client, people.charlie)
    assert client.get(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert client.post(f"/account/tokens/{token.id}/revoke",
                       data={"csrf_token": csrf}).status_code == 404

    sign_in(client, people.bob)
    confirm = client.get(f"/account/tokens/{token.id}/revoke")
    assert confirm.status_code == 200 and "Revoke this API token?" in confirm.text
    assert token.revoked_at is None
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 403
    done = client.post(f"/account/tokens/{token.id}/revoke", data={"csrf_token": csrf})
    assert done.status_code == 303
    session.refresh(token)
    assert token.revoked_at is not None
    assert "Revoked" in client.get("/account/tokens").text


@pytest.mark.parametrize("who", ["alice", "bob", "charlie", "officer"])
def test_user_administration_is_forbidden_to_everyone_but_admins(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn, who: str
) -> None:
    sign_in(client, getattr(people, who))
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "Only platform administrators" in response.text
    assert "Go to the home page" in response.text


def test_an_admin_finds_users_and_changes_their_role_and_access(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn, session: Session
) -> None:
    sign_in(client, people.admin)
    page = client.get("/admin/users?q=viewer")
    assert page.status_code == 200
    assert "Bob Viewer" in page.text and "Alice Owner" not in page.text
    partial = client.get("/admin/users?q=viewer", headers={"HX-Request": "true"})
    assert "<html" not in partial.text and "Bob Viewer" in partial.text

    response = client.post(f"/admin/users/{people.bob.id}",
                           data={"role": "officer", "is_active": "1", "csrf_token": csrf})
    assert response.status_code == 303
    session.refresh(people.bob)
    assert people.bob.platform_role is PlatformRole.OFFICER and people.bob.is_active

    # A switch left off deactivates the account.
    client.post(f"/admin/users/{people.bob.id}", data={"role": "officer", "csrf_token": csrf})
    session.refresh(people.bob)
    assert people.bob.is_active is False


def test_an_admin_cannot_demote_themselves_from_the_page(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.admin)
    page = client.get("/admin/users").text
    assert f'action="/admin/users/{people.admin.id}"' not in page
    assert f'action="/admin/users/{people.bob.id}"' in page


def test_an_admin_invites_a_user_and_mistakes_are_shown_inline(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn, session: Session
) -> None:
    sign_in(client, people.admin)
    bad = client.post("/admin/users/invite", data={"email": "nope", "full_name": "Pat",
                                                   "role": "officer", "csrf_token": csrf})
    assert bad.status_code == 422
    assert 'id="f-email-error"' in bad.text and 'value="Pat"' in bad.text
    good = client.post("/admin/users/invite", data={"email": "pat@example.org", "full_name": "Pat",
                                                    "role": "officer", "csrf_token": csrf})
    assert good.status_code == 303
    user = account_service.find_user_by_email(session=session, email="pat@example.org")
    assert user is not None and user.platform_role is PlatformRole.OFFICER
    assert _link(session, "pat@example.org", "invitation").startswith("/invite/accept#token=")


def test_the_error_page_renders_for_anonymous_visitors(client: TestClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Not found" in response.text and 'href="/login"' in response.text


def test_an_existing_user_joins_an_organisation_only_by_accepting_the_invitation(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn, session: Session,
    make_user: Callable[..., User],
) -> None:
    dana = make_user(name="Dana Partner")
    sign_in(client, people.alice)
    sent = client.post(f"/orgs/{people.org.slug}/members",
                       data={"email": dana.email, "role": "editor", "csrf_token": csrf})
    assert sent.status_code == 303
    assert account_service.role_in_org(session=session, user_id=dana.id,
                                       org_id=people.org.id) is None
    note = session.scalars(select(Notification).where(Notification.user_id == dana.id)).one()
    token = outbox.mailed_link(note).split("#token=")[1]
    show = {"token": token, "show": "1", "csrf_token": csrf}
    sign_in(client, people.bob)
    assert client.post("/invite/join", data=show).status_code == 403
    sign_in(client, dana)
    page = client.post("/invite/join", data=show)
    assert page.status_code == 200 and "Join Alice Undersea Systems?" in page.text
    assert account_service.role_in_org(session=session, user_id=dana.id,
                                       org_id=people.org.id) is None
    joined = client.post("/invite/join", data={"token": token, "csrf_token": csrf})
    assert joined.status_code == 303
    assert account_service.role_in_org(session=session, user_id=dana.id,
                                       org_id=people.org.id) is OrgRole.EDITOR
    again = client.post("/invite/join", data={"token": token, "csrf_token": csrf})
    assert again.status_code == 422


def test_a_spent_reset_link_says_so_before_asking_for_a_password(client: TestClient) -> None:
    page = client.get("/password/reset?token=not-a-real-token")
    assert page.status_code == 400
    assert "Ask for a new reset link" in page.text and 'name="password"' not in page.text


def test_a_member_offers_mentoring_with_their_expertise_and_the_change_is_audited(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn, session: Session
) -> None:
    sign_in(client, people.charlie)
    page = client.get("/account/mentor").text
    assert 'href="/account/mentor"' in page  # the user menu links to it
    assert '<label class="form-check-label fw-semibold" for="f-is_mentor">' in page
    assert "checked" not in page.split('id="f-is_mentor"')[1].split(">")[0]
    response = client.post("/account/mentor", data={
        "csrf_token": csrf, "is_mentor": "yes", "expertise": "  Undersea acoustics; ITAR.  "})
    assert response.status_code == 303 and response.headers["location"] == "/account/mentor"
    session.refresh(people.charlie)
    assert people.charlie.is_mentor and people.charlie.expertise == "Undersea acoustics; ITAR."
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.mentor_profile")).one()
    assert event.object_id == str(people.charlie.id)
    assert event.before == {"is_mentor": False, "expertise": ""}
    assert event.after == {"is_mentor": True, "expertise": "Undersea acoustics; ITAR."}
    page = client.get("/account/mentor").text
    assert "Undersea acoustics; ITAR.</textarea>" in page
    assert " checked" in page.split('id="f-is_mentor"')[1].split(">")[0]


def test_mentoring_needs_a_description_of_the_expertise_within_the_limit(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn, session: Session
) -> None:
    sign_in(client, people.charlie)
    empty = client.post("/account/mentor",
                        data={"csrf_token": csrf, "is_mentor": "yes", "expertise": "   "})
    assert empty.status_code == 422
    assert 'id="f-expertise-error"' in empty.text and 'id="error-summary"' in empty.text
    assert "Describe your expertise to offer mentoring" in empty.text
    long = client.post("/account/mentor",
                       data={"csrf_token": csrf, "is_mentor": "yes", "expertise": "x" * 2001})
    assert long.status_code == 422 and "Use at most 2,000 characters" in long.text
    assert " checked" in long.text.split('id="f-is_mentor"')[1].split(">")[0]  # kept as typed
    session.refresh(people.charlie)
    assert not people.charlie.is_mentor
    assert session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.mentor_profile")).all() == []


def test_stopping_mentoring_keeps_the_expertise_for_later(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn, session: Session
) -> None:
    account_service.update_mentor_profile(session=session, user=people.charlie, is_mentor=True,
                                          expertise="Space ISR payloads", actor=ACTOR)
    session.commit()
    sign_in(client, people.charlie)
    response = client.post("/account/mentor",
                           data={"csrf_token": csrf, "expertise": "Space ISR payloads"})
    assert response.status_code == 303
    session.refresh(people.charlie)
    assert not people.charlie.is_mentor and people.charlie.expertise == "Space ISR payloads"
    assert client.post("/account/mentor", data={"is_mentor": "yes"}).status_code == 403  # CSRF
