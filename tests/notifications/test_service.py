"""The outbox: stored, delivered, retried with backoff, never lost."""

import ssl
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.audit.models import AuditEvent
from indusx.audit.service import Actor
from indusx.config import Settings
from indusx.db import utcnow
from indusx.notifications import service as outbox
from indusx.notifications.models import DeliveryStatus, Notification


def _note(session: Session, user_id: int | None = None) -> Notification:
    return outbox.enqueue(session=session, to_email="pat@example.org", user_id=user_id,
                          kind="test", subject="Hello", body="Body")


def test_without_smtp_messages_are_logged_and_marked(session: Session, settings: Settings,
                                                    caplog) -> None:  # type: ignore[no-untyped-def]
    note = _note(session)
    counts = outbox.deliver_due(session=session, settings=settings)
    assert counts["delivered"] == 1
    assert note.delivery_status is DeliveryStatus.LOGGED
    assert "pat@example.org" in caplog.text


def test_a_failing_transport_is_retried_with_growing_backoff_then_marked_failed(
    session: Session, settings: Settings
) -> None:
    note = _note(session)
    smtp = settings.model_copy(update={"smtp_host": "smtp.invalid"})
    calls: list[int] = []

    def broken(_settings: Settings, message: Notification) -> None:
        calls.append(message.id)
        raise ConnectionRefusedError("server down")

    now = utcnow()
    waits = []
    for _ in range(outbox.MAX_ATTEMPTS):
        outbox.deliver_due(session=session, settings=smtp, sender=broken, now=now)
        if note.next_attempt_at is not None:
            waits.append(note.next_attempt_at - now)
            # Not due again before its backoff has passed.
            before = outbox.deliver_due(session=session, settings=smtp, sender=broken,
                                        now=note.next_attempt_at - timedelta(seconds=1))
            assert before["retrying"] == 0
            now = note.next_attempt_at
    assert len(calls) == outbox.MAX_ATTEMPTS
    assert waits == sorted(waits) and waits[0] == outbox.BASE_BACKOFF
    assert note.delivery_status is DeliveryStatus.FAILED
    assert "server down" in note.last_error
    assert outbox.retry_failed(session=session, actor=Actor.system("test")) == 1
    retry = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "notification.retry")).one()
    assert retry.summary == "queued 1 failed again"
    sent: list[str] = []
    outbox.deliver_due(session=session, settings=smtp,
                       sender=lambda _s, m: sent.append(m.to_email))
    assert sent == ["pat@example.org"] and note.delivery_status is DeliveryStatus.SENT


def test_smtp_delivery_builds_a_message_with_the_link(
    session: Session, settings: Settings, monkeypatch  # type: ignore[no-untyped-def]
) -> None:
    sent = []

    class FakeSMTP:
        def __init__(self, host: str, port: int, timeout: int) -> None:
            self.host = host

        def __enter__(self) -> "FakeSMTP":
            return self

        def __exit__(self, *args: object) -> None:
            return None

        def starttls(self, context: ssl.SSLContext) -> None:
            # The server's certificate and host name are checked.
            assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname
            sent.append("starttls")

        def send_message(self, message) -> None:  # type: ignore[no-untyped-def]
            sent.append(message)

    monkeypatch.setattr(outbox.smtplib, "SMTP", FakeSMTP)
    note = outbox.enqueue(session=session, to_email="pat@example.org", kind="t", subject="S",
                          body="B", link="/orgs/1")
    smtp = settings.model_copy(update={"smtp_host": "mail.example.org"})
    outbox.deliver_due(session=session, settings=smtp)
    assert sent[0] == "starttls"
    assert sent[1]["To"] == "pat@example.org"
    assert "http://127.0.0.1:8000/orgs/1" in sent[1].get_content()
    assert note.delivery_status is DeliveryStatus.SENT


def test_users_see_and_mark_only_their_own_notifications(
    client: TestClient, people: SimpleNamespace, session: Session,
    bearer: Callable[[User], dict[str, str]],
) -> None:
    _note(session, user_id=people.alice.id)
    _note(session, user_id=people.alice.id)
    _note(session, user_id=people.bob.id)
    session.commit()
    alice = bearer(people.alice)
    body = client.get("/api/v1/notifications", headers=alice).json()
    assert body["total"] == 2 and body["unread"] == 2
    first = body["items"][0]["id"]
    bob = bearer(people.bob)
    assert client.post(f"/api/v1/notifications/read?notification_id={first}",
                       headers=bob).json() == {"marked": 0}
    assert client.post(f"/api/v1/notifications/read?notification_id={first}",
                       headers=alice).json() == {"marked": 1}
    assert client.get("/api/v1/notifications", headers=alice).json()["unread"] == 1
