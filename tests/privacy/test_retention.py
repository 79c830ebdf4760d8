from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from indusx.accounts import service as account_service
from indusx.accounts.models import User
from indusx.audit.models import AuditEvent
from indusx.config import Settings
from indusx.db import utcnow
from indusx.notifications.models import DeliveryStatus, Notification
from indusx.ops.jobs import handlers, worker
from indusx.ops.jobs.models import Job, JobStatus
from indusx.orgs.models import Organisation
from indusx.partnerships.dataroom_models import AccessAction, AccessLog, AccessOutcome, Document
from indusx.privacy import retention
from indusx.privacy import service as privacy_service
from tests.conftest import ACTOR
from tests.partnerships.dataroom_support import build, name_members, put


def _notification(session: Session, user: User, *, age_days: int, read: bool,
                  in_app: bool = True) -> Notification:
    at = utcnow() - timedelta(days=age_days)
    row = Notification(user_id=user.id, to_email=user.email, kind="test", subject="s", body="b",
                       in_app=in_app, created_at=at, read_at=at if read else None,
                       delivery_status=DeliveryStatus.SENT)
    session.add(row)
    session.flush()
    return row


def test_purge_removes_old_read_notifications_and_keeps_unread_and_recent_ones(
    session: Session, people: SimpleNamespace, settings: Settings
) -> None:
    old_read = _notification(session, people.bob, age_days=400, read=True)
    old_mail_only = _notification(session, people.bob, age_days=400, read=False, in_app=False)
    old_unread = _notification(session, people.bob, age_days=400, read=False)
    recent_read = _notification(session, people.bob, age_days=3, read=True)

    dry = retention.purge(session=session, settings=settings, dry_run=True)
    assert dry.notifications == 2
    assert session.get(Notification, old_read.id) is not None  # a dry run deletes nothing

    counts = retention.purge(session=session, settings=settings)
    assert counts.notifications == 2
    left = set(session.scalars(select(Notification.id).where(
        Notification.id.in_([old_read.id, old_mail_only.id, old_unread.id, recent_read.id]))))
    assert left == {old_unread.id, recent_read.id}


def test_purge_removes_data_room_access_records_past_their_period(
    session: Session, people: SimpleNamespace, make_user: Callable[..., User],
    make_org: Callable[..., Organisation], tmp_path: Path, database_url: str, settings: Settings,
) -> None:
    w = build(session, people, make_user, make_org, tmp_path, database_url)
    name_members(session, w, w.alice)
    version = put(session, w, w.alice, marking="public", data=b"Hello.\n")
    room_id = session.scalar(select(Document.room_id).where(Document.id == version.document_id))
    for age in (800, 10):
        session.add(AccessLog(room_id=room_id, document_id=version.document_id,
                              version_id=version.id, user_id=w.alice.id,
                              action=AccessAction.VIEW, outcome=AccessOutcome.ALLOWED,
                              at=utcnow() - timedelta(days=age)))
    session.flush()
    counts = retention.purge(session=session, settings=settings)
    assert counts.data_room_access == 1
    ages = session.scalars(select(AccessLog.at).where(AccessLog.room_id == room_id)).all()
    assert len(ages) == 1 and utcnow() - ages[0] < timedelta(days=11)


def test_purge_anonymises_users_deactivated_past_the_period_only(
    session: Session, make_user: Callable[..., User], settings: Settings
) -> None:
    long_gone = make_user(name="Long Gone", password=None)
    recently_gone = make_user(name="Recently Gone", password=None)
    for user in (long_gone, recently_gone):
        account_service.update_user(session=session, user=user, actor=ACTOR, is_active=False)
    session.flush()
    later = utcnow() + timedelta(days=settings.retention_deactivated_user_days + 1)
    # Seen from a year on, both are past the period; the recent one acts again meanwhile.
    recently_gone.last_login_at = later - timedelta(days=2)
    session.flush()

    counts = retention.purge(session=session, settings=settings, now=later)

    assert counts.users_anonymised == 1
    assert privacy_service.is_erased(session=session, user_id=long_gone.id)
    assert long_gone.full_name == "Erased user"
    assert not privacy_service.is_erased(session=session, user_id=recently_gone.id)
    assert retention.purge(session=session, settings=settings, now=later).users_anonymised == 0


def test_the_background_work_runs_the_purge(settings: Settings) -> None:
    assert "privacy.purge" in {p.kind for p in worker.schedule(settings)}
    assert handlers.HANDLERS["privacy.purge"] is handlers.privacy_purge


def test_indusx_privacy_purge_prints_its_counts(cli_db: str) -> None:
    from indusx.cli import app as cli_app

    dry = CliRunner().invoke(cli_app, ["privacy", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "notifications: 0" in dry.output and "would remove 0 records" in dry.output
    done = CliRunner().invoke(cli_app, ["privacy", "purge"])
    assert done.exit_code == 0 and "removed 0 records" in done.output



def test_a_refusal_naming_a_deactivated_user_does_not_restart_their_retention_clock(
    session: Session, make_user: Callable[..., User], settings: Settings
) -> None:
    gone = make_user(name="Quietly Gone", password=None)
    account_service.update_user(session=session, user=gone, actor=ACTOR, is_active=False)
    later = utcnow() + timedelta(days=settings.retention_deactivated_user_days + 1)
    # Someone else's refused request on /admin/users/{user_id}, just before the purge.
    session.add(AuditEvent(at=later - timedelta(days=1), actor_id=None, actor_email="anonymous",
                           via="web", ip="203.0.113.5", action="access.denied",
                           object_type="user", object_id=str(gone.id), summary="refused"))
    session.flush()
    assert retention.purge(session=session, settings=settings, now=later).users_anonymised == 1
    assert privacy_service.is_erased(session=session, user_id=gone.id)


def test_finished_jobs_are_purged_once_by_the_retention_setting(
    session: Session, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    settings.retention_finished_job_days = 30
    now = utcnow()
    jobs = {age: Job(kind="test.done", status=JobStatus.DONE, payload={}, run_at=now,
                     created_at=now - timedelta(days=age), finished_at=now - timedelta(days=age))
            for age in (10, 40)}
    session.add_all(jobs.values())
    session.commit()
    # The worker's housekeeping keeps them: the purge below is the only one, by the setting.
    worker._housekeeping(session_factory, settings)
    session.expire_all()
    assert all(session.get(Job, job.id) is not None for job in jobs.values())
    assert retention.purge(session=session, settings=settings, dry_run=True).finished_jobs == 1
    assert retention.purge(session=session, settings=settings).finished_jobs == 1
    assert session.get(Job, jobs[10].id) is not None and session.get(Job, jobs[40].id) is None
