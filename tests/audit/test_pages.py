"""The audit log pages: only admins browse, filter, compare and export."""

import csv
import io
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.orgs import service as org_service
from indusx.orgs.schemas import OrgUpdate
from tests.conftest import ACTOR

SignIn = Callable[[TestClient, User], TestClient]


def test_an_anonymous_visitor_is_sent_to_sign_in(client: TestClient) -> None:
    response = client.get("/admin/audit")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/admin/audit"


@pytest.mark.parametrize("who", ["alice", "bob", "charlie", "officer"])
@pytest.mark.parametrize("url", ["/admin/audit", "/admin/audit/export.csv"])
def test_only_admins_see_the_audit_log(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn, who: str, url: str
) -> None:
    sign_in(client, getattr(people, who))
    response = client.get(url)
    assert response.status_code == 403
    assert "Only platform administrators" in response.text


def test_an_admin_filters_events_and_sees_what_changed(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn, session: Session
) -> None:
    org_service.update_org(session=session, org=people.org,
                           org_in=OrgUpdate(description="Second description"), actor=ACTOR)
    session.commit()
    sign_in(client, people.admin)
    page = client.get("/admin/audit?action=org.update").text
    assert "Events 1\u20131 of 1" in page
    assert '<option value="org.update" selected>' in page
    assert "Second description" in page and "Builds acoustic modems" in page
    assert 'class="diff-before"' in page
    assert 'href="/admin/audit/export.csv?action=org.update"' in page
    everything = client.get("/admin/audit").text
    assert "membership.create" in everything and "org.create" in everything


def test_htmx_gets_only_the_table_and_the_export_link(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.admin)
    partial = client.get("/admin/audit?object_type=organisation",
                         headers={"HX-Request": "true"}).text
    assert "<html" not in partial
    assert 'id="export-link" hx-swap-oob="outerHTML"' in partial
    assert "export.csv?object_type=organisation" in partial


def test_a_malformed_date_is_explained_next_to_its_field(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.admin)
    response = client.get("/admin/audit?since=yesterday")
    assert response.status_code == 200
    assert 'id="f-since-error"' in response.text and "YYYY-MM-DD" in response.text
    assert 'value="yesterday"' in response.text


def test_the_csv_export_has_only_the_filtered_events(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.admin)
    response = client.get(f"/admin/audit/export.csv?object_type=organisation"
                          f"&object_id={people.org.id}&since=2000-01-01")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["action"] for r in rows] == ["org.create"]
    assert rows[0]["summary"] == "Alice Undersea Systems"
