"""The notification outbox: enqueue in the caller's transaction, deliver with retry."""

import logging
import smtplib
import ssl
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from indusx.audit import service as audit
from indusx.audit.service import Actor
from indusx.config import Settings
from indusx.db import utcnow
from indusx.notifications import preferences
from indusx.notifications.models import DeliveryStatus, Notification

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=6)

Sender = Callable[[Settings, Notification], None]


def enqueue(
    *,
    session: Session,
    to_email: str,
    kind: str,
    subject: str,
    body: str,
    user_id: int | None = None,
    link: str = "",
    in_app: bool = True,
    mail_secret: str | None = None,
) -> Notification:
    """Store a message in the outbox; it is delivered after the transaction commits.

    The recipient's settings for the kind's topic apply: with e-mail off the message is
    kept but never sent (status skipped); with in-app off it is stored hidden and already
    read. A message with both off is still stored (hidden, read, skipped): that keeps a
    record and lets callers such as the deadline reminders see what was already sent.
    `mail_secret` (a one-time token) goes only into the e-mail, after `link`'s '#'.
    """
    wants = (
        preferences.channels_for(session=session, user_id=user_id, kind=kind)
        if user_id is not None
        else preferences.Channels()
    )
    now = utcnow()
    note = Notification(
        user_id=user_id,
        to_email=to_email,
        kind=kind,
        subject=subject,
        body=body,
        link=link,
        # A message that is never mailed needs no secret kept.
        mail_secret=mail_secret if wants.email else None,
        in_app=in_app and user_id is not None and wants.in_app,
        next_attempt_at=now,
        delivery_status=DeliveryStatus.PENDING if wants.email else DeliveryStatus.SKIPPED,
        read_at=None if wants.in_app else now,
    )
    session.add(note)
    session.flush()
    return note


def backoff(attempts: int) -> timedelta:
    """Return the wait before the next try after `attempts` failures (exponential, capped)."""
    return min(BASE_BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def mailed_link(note: Notification) -> str:
    """Return the link as the e-mail gives it: a one-time token after the '#', if any."""
    # The form of accounts.service.one_time_link; the token never reaches a server (ASVS 8.3.1).
    if note.link and note.mail_secret:
        return f"{note.link}#token={note.mail_secret}"
    return note.link


def mail_text(settings: Settings, note: Notification) -> str:
    """Return a message's e-mail text: its body, its link, and a one-time link's code."""
    text = note.body
    if note.link:
        text += f"\n\n{settings.base_url.rstrip('/')}{mailed_link(note)}"
        if note.mail_secret:
            # A page without JavaScript asks for the token as a code (docs/accounts.md). Added
            # here, at sending, so that the stored row (shown in the app, exported, backed
            # up) holds no secret once the mail is out.
            text += f"\n\nIf the page asks for a code, paste this one:\n{note.mail_secret}"
    return text


def smtp_send(settings: Settings, note: Notification) -> None:
    """Send one message through the configured SMTP server."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = note.to_email
    message["Subject"] = note.subject
    message.set_content(mail_text(settings, note))
    assert settings.smtp_host
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
        if settings.smtp_starttls:
            # Without a context Python checks neither the certificate nor the host name.
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username and settings.smtp_password:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(message)


def log_delivery(settings: Settings, note: Notification) -> None:
    """Write a message to the log instead of mailing it; its body only in dev mode."""
    if settings.is_dev:
        link = f"{settings.base_url.rstrip('/')}{mailed_link(note)}" if note.link else ""
        log.warning(
            "outbox (no SMTP configured) to %s: %s\n%s\n%s",
            note.to_email,
            note.subject,
            note.body,
            link,
        )
    else:
        # The body may carry a one-time secret, which must never reach a log outside dev.
        log.warning("outbox (no SMTP configured) to %s: %s", note.to_email, note.subject)


def deliver_due(
    *,
    session: Session,
    settings: Settings,
    now: datetime | None = None,
    sender: Sender | None = None,
    limit: int = 100,
) -> dict[str, int]:
    """Deliver messages that are due; failures are kept and retried later with backoff."""
    now = now or utcnow()
    if sender is None:
        sender = smtp_send if settings.smtp_host else log_delivery
    done_status = DeliveryStatus.SENT if settings.smtp_host else DeliveryStatus.LOGGED
    due = session.scalars(
        select(Notification)
        .where(
            Notification.delivery_status == DeliveryStatus.PENDING,
            Notification.next_attempt_at <= now,
        )
        .order_by(Notification.id)
        .limit(limit)
    ).all()
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    for note in due:
        note.attempts += 1
        try:
            sender(settings, note)
        except Exception as exc:  # any transport failure is retried, never lost
            note.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            if note.attempts >= MAX_ATTEMPTS:
                note.delivery_status = DeliveryStatus.FAILED
                note.next_attempt_at = None
                # Given up: the token is not kept (a retried mail goes without it; the
                # person asks for a new link).
                note.mail_secret = None
                counts["failed"] += 1
            else:
                note.next_attempt_at = now + backoff(note.attempts)
                counts["retrying"] += 1
            log.warning("delivery of notification %s failed: %s", note.id, note.last_error)
        else:
            note.delivery_status = done_status
            note.mail_secret = None  # the mailbox has it now; the row keeps no secret
            note.delivered_at = now
            note.next_attempt_at = None
            note.last_error = ""
            counts["delivered"] += 1
    session.flush()
    return counts


def retry_failed(*, session: Session, actor: Actor) -> int:
    """Put failed messages back in the queue; return how many."""
    result = session.execute(
        update(Notification)
        .where(Notification.delivery_status == DeliveryStatus.FAILED)
        .values(delivery_status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=utcnow())
    )
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        audit.record(
            session=session,
            actor=actor,
            action="notification.retry",
            object_type="notification",
            summary=f"queued {count} failed again",
        )
    return count


def list_for_user(
    *, session: Session, user_id: int, page: int = 1, page_size: int = 20
) -> tuple[Sequence[Notification], int]:
    """Return one page of a user's in-app notifications, newest first, and the total."""
    where = (Notification.user_id == user_id, Notification.in_app.is_(True))
    total = session.scalar(select(func.count()).select_from(Notification).where(*where)) or 0
    rows = session.scalars(
        select(Notification)
        .where(*where)
        .order_by(Notification.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return rows, total


def unread_count(*, session: Session, user_id: int) -> int:
    """Return how many in-app notifications the user has not read."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(
                Notification.user_id == user_id,
                Notification.in_app.is_(True),
                Notification.read_at.is_(None),
            )
        )
        or 0
    )


def mark_read(
    *, session: Session, user_id: int, actor: Actor, notification_id: int | None = None
) -> int:
    """Mark one (or, with no id, every) notification of the user as read; return how many."""
    query = update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    result = session.execute(query.values(read_at=utcnow()))
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        audit.record(
            session=session,
            actor=actor,
            action="notification.read",
            object_type="notification",
            object_id=notification_id or "",
            summary=f"marked {count} as read",
        )
    return count
