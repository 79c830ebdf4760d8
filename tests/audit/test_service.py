"""The audit log: recorded in the caller's transaction, filterable, exportable, append-only."""

import json
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.audit import service as audit
from indusx.audit.models import AuditEvent
from indusx.audit.service import Actor, AuditFilter
from indusx.orgs import service as org_service
from indusx.orgs.models import Organisation
from indusx.orgs.schemas import OrgUpdate

ACTOR = Actor(user_id=7, email="olga@example.org", via="api", ip="10.0.0.1")


def test_it_keeps_only_the_changed_fields_of_before_and_after(session: Session) -> None:
    event = audit.record(session=session, actor=ACTOR, action="org.update",
                         object_type="organisation", object_id=3,
                         before={"name": "A", "city": "Pune"}, after={"name": "A", "city": "Goa"})
    assert event.before == {"city": "Pune"} and event.after == {"city": "Goa"}
    assert event.actor_email == "olga@example.org" and event.ip == "10.0.0.1"


def test_a_changed_contact_email_is_recorded_as_changed_without_either_value(
    session: Session, make_org: Callable[..., Organisation]
) -> None:
    org = make_org(contact_email="first@harbour.example", contact_phone="+91 22 5555 0100",
                   description="Sonar arrays")
    org_service.update_org(session=session, org=org_service.get_org(session=session,
                                                                      org_id=org.id),
                           org_in=OrgUpdate(contact_email="second@harbour.example",
                                            contact_phone="", description="Sonar buoys"),
                           actor=ACTOR)
    event = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "org.update", AuditEvent.object_id == str(org.id))).one()
    assert event.before is not None and event.after is not None
    assert event.before["contact_email"] == event.after["contact_email"] == audit.REDACTED
    # Cleared: the new value holds nothing personal, and shows the field was emptied.
    assert event.before["contact_phone"] == audit.REDACTED and event.after["contact_phone"] == ""
    assert event.before["description"] == "Sonar arrays"
    assert event.after["description"] == "Sonar buoys"
    stored = json.dumps([event.before, event.after, event.summary])
    assert "harbour.example" not in stored and "5555" not in stored


def test_the_creation_of_an_organisation_keeps_no_contact_details(
    session: Session, make_org: Callable[..., Organisation]
) -> None:
    org = make_org(contact_name="Priya Raman", contact_email="priya@harbour.example",
                   private_notes="Met at DefExpo; prefers WhatsApp")
    event = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "org.create", AuditEvent.object_id == str(org.id))).one()
    assert event.after is not None and event.after["name"] == org.name
    assert {event.after[k] for k in ("contact_name", "contact_email", "needs",
                                     "private_notes")} == {audit.REDACTED}
    assert event.after["contact_phone"] in ("", None)  # never filled in: nothing to hide


def test_personal_and_secret_fields_are_redacted_at_any_depth_and_others_kept(
    session: Session,
) -> None:
    event = audit.record(
        session=session, actor=ACTOR, action="x.update", object_type="x",
        before={"status": "pending", "people": [{"email": "a@x.example", "role": "owner"}],
                "token": "abc123", "challenges.email": True},
        after={"status": "declined", "people": [{"email": "b@x.example", "role": "owner"}],
               "token": None, "challenges.email": False},
    )
    assert event.before == {"status": "pending", "people": [
        {"email": audit.REDACTED, "role": "owner"}], "token": audit.REDACTED,
        "challenges.email": True}
    assert event.after == {"status": "declined", "people": [
        {"email": audit.REDACTED, "role": "owner"}], "token": None, "challenges.email": False}


@pytest.mark.parametrize("statement", ["update", "delete"])
def test_the_database_refuses_to_change_or_delete_audit_rows(
    session: Session, statement: str
) -> None:
    event = audit.record(session=session, actor=ACTOR, action="x.create", object_type="x")
    query = (update(AuditEvent).values(summary="tampered") if statement == "update"
             else delete(AuditEvent)).where(AuditEvent.id == event.id)
    nested = session.begin_nested()
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(query)
    nested.rollback()


def test_it_filters_by_actor_action_prefix_and_object(session: Session) -> None:
    for action in ("org.create", "org.update", "user.create"):
        audit.record(session=session, actor=ACTOR, action=action, object_type=action[:3],
                     object_id=1)
    rows, total = audit.list_events(session=session, flt=AuditFilter(action="org."))
    assert total == 2 and {r.action for r in rows} == {"org.create", "org.update"}
    rows, total = audit.list_events(session=session,
                                    flt=AuditFilter(actor="olga", object_type="use"))
    assert total == 1 and rows[0].action == "user.create"


def test_only_admins_browse_and_export_the_log(
    client: TestClient, people: SimpleNamespace, bearer: Callable[[User], dict[str, str]]
) -> None:
    for who in ("alice", "bob", "charlie", "officer"):
        headers = bearer(getattr(people, who))
        assert client.get("/api/v1/audit", headers=headers).status_code == 403
        assert client.get("/api/v1/audit/export.csv", headers=headers).status_code == 403
    admin = bearer(people.admin)
    listed = client.get("/api/v1/audit?object_type=organisation", headers=admin).json()
    assert listed["total"] >= 1
    assert listed["items"][0]["action"] == "org.create"
    csv_text = client.get("/api/v1/audit/export.csv?action=org.create", headers=admin).text
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("id,at,actor_id,actor_email,action")
    assert all(",org.create," in line for line in lines[1:]) and len(lines) >= 2
