"""One-time tokens travel to the mailbox only: the stored notification keeps none once sent."""

import json
from collections.abc import Callable
from types import SimpleNamespace

from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import OrgRole, User
from indusx.config import Settings
from indusx.notifications import preferences
from indusx.notifications import service as outbox
from indusx.notifications.models import DeliveryStatus, Notification, NotificationPreference
from indusx.privacy import service as privacy_service
from tests.conftest import ACTOR

MakeUser = Callable[..., User]


def _send_links(session: Session, settings: Settings, people: SimpleNamespace,
                make_user: MakeUser) -> tuple[User, User]:
    """Ask for a reset, invite a newcomer, and invite an existing account into an org."""
    ravi = make_user(email="ravi@example.org")
    dana = make_user(email="dana@example.org")
    account_service.request_password_reset(session=session, email=ravi.email,
                                           settings=settings, actor=ACTOR)
    account_service.invite_user(session=session, email="newcomer@example.org",
                                settings=settings, actor=ACTOR)
    account_service.invite_user(
        session=session, email=dana.email, settings=settings, actor=ACTOR,
        org_id=people.org.id, org_name=people.org.name, org_role=OrgRole.EDITOR,
    )
    session.commit()
    return ravi, dana


def _secrets(session: Session) -> list[str]:
    found = session.scalars(select(Notification.mail_secret)
                            .where(Notification.mail_secret.is_not(None))).all()
    return [s for s in found if s is not None]


def test_no_stored_link_holds_a_reset_or_invitation_token(
    session: Session, settings: Settings, people: SimpleNamespace, make_user: MakeUser
) -> None:
    _send_links(session, settings, people, make_user)
    tokens = _secrets(session)
    assert len(tokens) == 3
    links = session.execute(text(
        "SELECT link FROM notification WHERE kind IN "
        "('password_reset', 'invitation', 'membership_invitation')")).scalars().all()
    assert sorted(links) == ["/invite/accept", "/invite/join", "/password/reset"]
    links = session.execute(text("SELECT link FROM notification")).scalars().all()
    assert not [link for link in links for token in tokens if token in link]


def test_the_sent_mail_carries_the_working_link_and_code_and_the_row_forgets_the_token(
    session: Session, settings: Settings, make_user: MakeUser
) -> None:
    ravi = make_user(email="ravi@example.org")
    account_service.request_password_reset(session=session, email=ravi.email,
                                           settings=settings, actor=ACTOR)
    session.commit()
    note = session.scalars(select(Notification).where(Notification.kind == "password_reset")).one()
    token = note.mail_secret
    assert token is not None
    mails: list[str] = []
    smtp = settings.model_copy(update={"smtp_host": "mail.example.org"})
    outbox.deliver_due(session=session, settings=smtp,
                       sender=lambda s, n: mails.append(outbox.mail_text(s, n)))
    session.commit()
    [mail] = mails
    assert f"http://127.0.0.1:8000/password/reset#token={token}" in mail
    assert token in mail.splitlines()  # the code to paste on a page without JavaScript
    session.refresh(note)
    assert note.delivery_status is DeliveryStatus.SENT and note.mail_secret is None
    assert session.execute(text("SELECT count(*) FROM notification WHERE mail_secret IS NOT NULL"
                                )).scalar() == 0
    # The mailed token still works: the row never needed it.
    user = account_service.reset_password(session=session, raw_token=token,
                                          password="a-fresh-passphrase-9")
    assert user.id == ravi.id


def test_a_mail_given_up_on_forgets_its_token(session: Session, settings: Settings,
                                              make_user: MakeUser) -> None:
    ravi = make_user(email="ravi@example.org")
    account_service.request_password_reset(session=session, email=ravi.email,
                                           settings=settings, actor=ACTOR)
    note = session.scalars(select(Notification).where(Notification.kind == "password_reset")).one()

    def broken(_settings: Settings, _note: Notification) -> None:
        raise ConnectionRefusedError("server down")

    smtp = settings.model_copy(update={"smtp_host": "mail.example.org"})
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        outbox.deliver_due(session=session, settings=smtp, sender=broken,
                           now=note.next_attempt_at)
        assert note.mail_secret is not None  # kept while the mail may still go out
    outbox.deliver_due(session=session, settings=smtp, sender=broken, now=note.next_attempt_at)
    assert note.delivery_status is DeliveryStatus.FAILED and note.mail_secret is None


def test_a_message_never_mailed_keeps_no_secret(session: Session, people: SimpleNamespace,
                                                 settings: Settings) -> None:
    topic = preferences.TOPICS[0]
    kind = topic.prefixes[0]
    session.add(NotificationPreference(user_id=people.bob.id, topic=topic.key,
                                       in_app=True, email=False))
    session.flush()
    note = outbox.enqueue(session=session, to_email=people.bob.email, user_id=people.bob.id,
                          kind=kind, subject="S", body="B", link="/x", mail_secret="secret-x")
    assert note.delivery_status is DeliveryStatus.SKIPPED and note.mail_secret is None


def test_the_data_export_and_the_api_hold_no_token(
    session: Session, settings: Settings, people: SimpleNamespace, make_user: MakeUser,
    client: TestClient, bearer: Callable[[User], dict[str, str]],
) -> None:
    ravi, dana = _send_links(session, settings, people, make_user)
    tokens = _secrets(session)
    for user in (ravi, dana):
        exported = json.dumps(privacy_service.export_data(session=session, user=user))
        assert not [t for t in tokens if t in exported] and "mail_secret" not in exported
    listed = client.get("/api/v1/notifications", headers=bearer(dana))
    assert listed.status_code == 200 and listed.json()["items"][0]["link"] == "/invite/join"
    assert not [t for t in tokens if t in listed.text] and "mail_secret" not in listed.text
