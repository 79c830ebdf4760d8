"""Reads of sensitive data: one `data.read` event per reader and object in the window."""

from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.audit import reads
from indusx.audit.models import AuditEvent
from indusx.audit.service import Actor
from indusx.db import utcnow

OLGA = Actor(user_id=7, email="olga@example.org", via="web", ip="10.0.0.1")
OSCAR = Actor(user_id=8, email="oscar@example.org", via="api", ip="10.0.0.2")


def _reads(session: Session) -> list[AuditEvent]:
    return list(session.scalars(
        select(AuditEvent).where(AuditEvent.action == reads.ACTION).order_by(AuditEvent.id)))


def _read(session: Session, actor: Actor, object_id: int = 12, how: str = "view") -> bool:
    return reads.record_read(session=session, actor=actor, object_type="proposal",
                             object_id=object_id, how=how)


def test_a_read_is_audited_once_per_reader_and_object_in_the_window(session: Session) -> None:
    assert _read(session, OLGA)
    assert not _read(session, OLGA)
    assert not _read(session, OLGA, how="download")  # the same object, the same window
    assert _read(session, OSCAR)
    assert _read(session, OLGA, object_id=13)
    events = _reads(session)
    assert [(e.actor_id, e.object_type, e.object_id) for e in events] == [
        (7, "proposal", "12"), (8, "proposal", "12"), (7, "proposal", "13")]
    assert events[0].summary == "view of proposal 12" and events[0].after == {"read": "view"}
    assert events[1].via == "api" and events[1].ip == "10.0.0.2"


def test_a_read_after_the_window_is_audited_again(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _read(session, OLGA)
    later: datetime = utcnow() + reads.WINDOW + reads.WINDOW / 15
    monkeypatch.setattr(reads, "utcnow", lambda: later)
    assert _read(session, OLGA)
    assert len(_reads(session)) == 2


def test_a_reader_without_an_account_is_told_apart_by_the_name_it_acts_as(
    session: Session,
) -> None:
    cli = Actor.system("cli")
    assert reads.record_read(session=session, actor=cli, object_type="screening_case",
                             object_id=3, how="view")
    assert not reads.record_read(session=session, actor=cli, object_type="screening_case",
                                 object_id=3, how="view")
    assert reads.record_read(session=session, actor=Actor.system("system"),
                             object_type="screening_case", object_id=3, how="view")
