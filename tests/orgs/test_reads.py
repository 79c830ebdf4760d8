"""Reads of an organisation's private details (contacts, needs, notes, members) by officers
and admins who are not its members are audited as `data.read`, once per reader and
organisation in the window; members' reads and the public profile are not."""

from collections.abc import Callable
from types import SimpleNamespace

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.audit import reads
from indusx.audit.models import AuditEvent

SignIn = Callable[[TestClient, User], TestClient]
Bearer = Callable[[User], dict[str, str]]


def _reads(session: Session) -> list[tuple[int | None, str, str, str]]:
    session.expire_all()
    events = session.scalars(select(AuditEvent).where(
        AuditEvent.action == reads.ACTION).order_by(AuditEvent.id))
    return [(e.actor_id, e.object_type, e.object_id, e.via) for e in events]


def test_an_officers_view_of_the_private_details_is_audited_once_in_the_window(
    client: TestClient, session: Session, people: SimpleNamespace, sign_in: SignIn,
    bearer: Bearer,
) -> None:
    org = people.org
    page = sign_in(client, people.officer).get(f"/orgs/{org.slug}")
    assert page.status_code == 200 and org.contact_email in page.text
    assert client.get(f"/orgs/{org.slug}").status_code == 200
    api = client.get(f"/api/v1/orgs/{org.id}", headers=bearer(people.officer))
    assert api.status_code == 200 and api.json()["contact_email"] == org.contact_email

    members = client.get(f"/api/v1/orgs/{org.id}/members", headers=bearer(people.admin))
    assert members.status_code == 200

    assert _reads(session) == [(people.officer.id, "organisation", str(org.id), "web"),
                               (people.admin.id, "organisation", str(org.id), "api")]
    event = session.scalars(select(AuditEvent).where(
        AuditEvent.action == reads.ACTION, AuditEvent.actor_id == people.admin.id)).one()
    assert event.after == {"read": "members"} and org.contact_email not in event.summary


def test_members_and_the_public_profile_leave_no_read_event(
    client: TestClient, session: Session, people: SimpleNamespace, sign_in: SignIn,
    bearer: Bearer,
) -> None:
    org = people.org
    for member in (people.alice, people.bob):
        assert client.get(f"/api/v1/orgs/{org.id}", headers=bearer(member)).status_code == 200
    outsider = client.get(f"/api/v1/orgs/{org.id}", headers=bearer(people.charlie))
    assert outsider.status_code == 200 and "contact_email" not in outsider.json()
    assert sign_in(client, people.alice).get(f"/orgs/{org.slug}/edit").status_code == 200
    assert _reads(session) == []
