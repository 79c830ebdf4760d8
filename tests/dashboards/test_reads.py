"""The numbers behind a dashboard chart, downloaded as CSV, are audited as `data.read`
(once per officer and chart in the window), though not counted as a bulk export."""

from collections.abc import Callable
from types import SimpleNamespace

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.audit import reads
from indusx.audit.models import AuditEvent


def test_each_chart_csv_is_audited_once_per_officer_in_the_window(
    client: TestClient, session: Session, people: SimpleNamespace,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    officer = sign_in(client, people.officer)
    for path in ("kinds.csv", "kinds.csv?from=2026-01-01&to=2026-06-30", "focus-areas.csv"):
        assert officer.get(f"/dashboards/ecosystem/{path}").status_code == 200

    session.expire_all()
    events = session.scalars(select(AuditEvent).where(
        AuditEvent.action == reads.ACTION).order_by(AuditEvent.id)).all()
    assert [(e.actor_id, e.object_type, e.object_id, e.after) for e in events] == [
        (people.officer.id, "dashboard_chart", "ecosystem/kinds", {"read": "csv"}),
        (people.officer.id, "dashboard_chart", "ecosystem/focus-areas", {"read": "csv"}),
    ]
