from collections.abc import Callable
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import ApiToken, Membership, PlatformRole, User, WebSession
from indusx.audit.models import AuditEvent
from indusx.audit.service import Actor
from indusx.config import Settings
from indusx.errors import Conflict, Invalid
from indusx.notifications import service as outbox
from indusx.privacy import service as privacy_service
from indusx.privacy.models import Consent, Erasure
from tests.conftest import ACTOR


def own_actor(user: User) -> Actor:
    """Return the actor of a user acting for themself in the browser."""
    return Actor(user_id=user.id, email=user.email, via="web")


def test_consent_is_recorded_once_per_notice_version_and_audited(
    session: Session, people: SimpleNamespace
) -> None:
    alice = people.alice
    assert not privacy_service.has_accepted(session=session, user_id=alice.id)
    privacy_service.record_consent(session=session, user=alice, actor=ACTOR)
    privacy_service.record_consent(session=session, user=alice, actor=ACTOR)
    rows = session.scalars(select(Consent).where(Consent.user_id == alice.id)).all()
    assert [c.notice_version for c in rows] == [privacy_service.NOTICE_VERSION]
    assert privacy_service.has_accepted(session=session, user_id=alice.id)
    assert session.scalar(select(AuditEvent.summary).where(
        AuditEvent.action == "privacy.consent", AuditEvent.object_id == str(alice.id))
    ) == f"accepted the privacy notice of {privacy_service.NOTICE_VERSION}"


def test_a_new_notice_version_needs_a_new_acceptance(
    session: Session, people: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    privacy_service.record_consent(session=session, user=people.alice, actor=ACTOR)
    monkeypatch.setattr(privacy_service, "NOTICE_VERSION", "2099-01-01")
    assert not privacy_service.has_accepted(session=session, user_id=people.alice.id)
    privacy_service.record_consent(session=session, user=people.alice, actor=ACTOR)
    versions = [c.notice_version for c in
                privacy_service.consents_of(session=session, user_id=people.alice.id)]
    assert versions[-1] == "2099-01-01" and len(versions) == 2


def test_the_export_holds_the_users_data_and_none_of_their_secrets(
    session: Session, people: SimpleNamespace, settings: Settings
) -> None:
    alice = people.alice
    raw_session = account_service.start_web_session(session=session, user=alice,
                                                    settings=settings)
    token, raw_token = account_service.create_api_token(session=session, user=alice,
                                                        actor=ACTOR, name="CI script")
    outbox.enqueue(session=session, to_email=alice.email, user_id=alice.id, kind="test",
                   subject="Hello Alice", body="A message.", link="/orgs")
    privacy_service.record_consent(session=session, user=alice, actor=own_actor(alice))
    session.flush()

    data = privacy_service.export_data(session=session, user=alice)

    assert data["profile"]["email"] == alice.email
    assert data["profile"]["full_name"] == "Alice Owner"
    assert [m["organisation"] for m in data["memberships"]] == ["Alice Undersea Systems"]
    assert [t["name"] for t in data["api_tokens"]] == ["CI script"]
    assert [n["subject"] for n in data["notifications"]] == ["Hello Alice"]
    assert len(data["sessions"]) == 1 and set(data["sessions"][0]) == {
        "created_at", "expires_at", "last_seen_at"}
    assert data["consents"][0]["notice_version"] == privacy_service.NOTICE_VERSION
    assert "privacy.consent" in [e["action"] for e in data["audit_events"]]
    text = repr(data)
    for secret in (raw_session, raw_token, token.token_hash, "password_hash"):
        assert secret not in text


def test_erasure_anonymises_the_account_and_removes_its_access(
    session: Session, people: SimpleNamespace, settings: Settings
) -> None:
    bob = people.bob
    account_service.start_web_session(session=session, user=bob, settings=settings)
    account_service.create_api_token(session=session, user=bob, actor=ACTOR)
    actor = own_actor(bob)
    privacy_service.record_consent(session=session, user=bob, actor=actor)
    email = bob.email

    privacy_service.erase_account(session=session, user=bob, confirm_email=email.upper(),
                                  actor=actor)
    session.commit()

    session.refresh(bob)
    assert bob.email == f"erased-{bob.id}@erased.invalid" and bob.full_name == "Erased user"
    assert not bob.is_active and bob.password_hash is None
    for model in (WebSession, ApiToken, Membership):
        assert session.scalars(select(model).where(model.user_id == bob.id)).all() == []
    assert account_service.find_user_by_email(session=session, email=email) is None
    erasure = session.get(Erasure, bob.id)
    assert erasure is not None and erasure.reason == "request"
    # The audit trail keeps the id: what bob did stays attributable to one account.
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == bob.id)
                              .order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["membership.delete", "privacy.erase"]


def test_erasure_is_refused_for_the_last_owner_naming_the_organisation(
    session: Session, people: SimpleNamespace
) -> None:
    with pytest.raises(Conflict, match="last owner of Alice Undersea Systems"):
        privacy_service.erase_account(session=session, user=people.alice,
                                      confirm_email=people.alice.email, actor=ACTOR)
    assert people.alice.is_active


def test_erasure_is_refused_for_the_last_admin_but_not_when_another_remains(
    session: Session, people: SimpleNamespace, make_user: Callable[..., User]
) -> None:
    others = session.scalars(select(User).where(User.platform_role == "admin",
                                                User.id != people.admin.id)).all()
    for other in others:
        other.is_active = False
    session.flush()
    assert any("last administrator" in p for p in
               privacy_service.erasure_blockers(session=session, user=people.admin))
    make_user(role="admin", password=None)
    assert privacy_service.erasure_blockers(session=session, user=people.admin) == []


def test_erasure_needs_the_accounts_own_email(session: Session, people: SimpleNamespace) -> None:
    with pytest.raises(Invalid) as caught:
        privacy_service.erase_account(session=session, user=people.bob,
                                      confirm_email="someone@example.org", actor=ACTOR)
    assert caught.value.errors[0]["field"] == "email"
    assert people.bob.is_active


def test_erasure_takes_the_platform_role_away(
    session: Session, people: SimpleNamespace
) -> None:
    officer = people.officer
    privacy_service.erase_account(session=session, user=officer, confirm_email=officer.email,
                                  actor=own_actor(officer))
    session.flush()
    assert officer.platform_role is PlatformRole.MEMBER and not officer.is_active


def test_an_erased_account_cannot_be_reactivated(
    session: Session, people: SimpleNamespace
) -> None:
    bob = people.bob
    privacy_service.erase_account(session=session, user=bob, confirm_email=bob.email,
                                  actor=own_actor(bob))
    admin = Actor(user_id=people.admin.id, email=people.admin.email, via="web")
    with pytest.raises(Conflict, match="was erased") as caught:
        account_service.update_user(session=session, user=bob, actor=admin, is_active=True)
    assert caught.value.errors == [{"field": "is_active", "message": "the account was erased"}]
    assert not bob.is_active
    # A deactivated (not erased) account still comes back.
    charlie = people.charlie
    account_service.update_user(session=session, user=charlie, actor=admin, is_active=False)
    account_service.update_user(session=session, user=charlie, actor=admin, is_active=True)
    assert charlie.is_active


def test_a_second_consent_row_for_one_notice_version_is_refused_by_the_database(
    session: Session, people: SimpleNamespace
) -> None:
    privacy_service.record_consent(session=session, user=people.bob, actor=ACTOR)
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(Consent(user_id=people.bob.id, via="web",
                            notice_version=privacy_service.NOTICE_VERSION))


def test_recording_consent_that_another_request_just_recorded_keeps_that_one(
    session: Session, people: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = privacy_service.record_consent(session=session, user=people.bob, actor=ACTOR)
    # As if the other request's row landed between this one's look and its insert.
    looks = iter([None])
    real = privacy_service._consent
    monkeypatch.setattr(privacy_service, "_consent",
                        lambda s, uid: next(looks, None) or real(s, uid))
    again = privacy_service.record_consent(session=session, user=people.bob, actor=ACTOR)
    assert again.id == first.id
    assert len(privacy_service.consents_of(session=session, user_id=people.bob.id)) == 1
    assert len(session.scalars(select(AuditEvent).where(
        AuditEvent.action == "privacy.consent",
        AuditEvent.object_id == str(people.bob.id))).all()) == 1
