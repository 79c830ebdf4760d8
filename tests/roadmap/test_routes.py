"""The roadmap API end to end: shapes, visibility, officer-only writes, validation, links."""

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.audit.models import AuditEvent
from tests.roadmap.conftest import days, initiative_body

Bearer = Callable[[User], dict[str, str]]


def test_the_roadmap_nests_areas_initiatives_and_milestones_with_progress(
    client: TestClient, bearer: Bearer, people: SimpleNamespace, plan: SimpleNamespace
) -> None:
    response = client.get("/api/v1/roadmap", headers=bearer(people.bob))
    assert response.status_code == 200
    body = response.json()
    areas = {a["area"]: a for a in body["areas"]}
    engine = areas["jet-propulsion"]["initiatives"][0]
    assert engine["progress"] == 0.5
    assert engine["overdue"] == 1
    late = next(m for m in engine["milestones"] if m["title"] == "Suppliers qualified")
    assert late["overdue"] is True and late["days_overdue"] == 3
    assert late["owner"] == {"id": people.bob.id, "name": "Bob Viewer"}
    assert areas["ai-autonomy"]["initiatives"] == []  # not public: bob does not see it


def test_members_get_404_for_non_public_initiatives_and_officers_read_them(
    client: TestClient, bearer: Bearer, people: SimpleNamespace, plan: SimpleNamespace
) -> None:
    url = f"/api/v1/roadmap/initiatives/{plan.hidden.id}"
    assert client.get(url, headers=bearer(people.alice)).status_code == 404
    response = client.get(url, headers=bearer(people.officer))
    assert response.status_code == 200
    assert response.json()["is_public"] is False
    listed = client.get("/api/v1/roadmap/initiatives", headers=bearer(people.charlie)).json()
    assert [i["title"] for i in listed["items"]] == ["Jet engine co-production"]


def test_anonymous_callers_are_turned_away(client: TestClient) -> None:
    assert client.get("/api/v1/roadmap").status_code == 401


@pytest.mark.parametrize("who", ["alice", "bob", "charlie"])
def test_only_officers_change_the_roadmap(
    client: TestClient, bearer: Bearer, people: SimpleNamespace, plan: SimpleNamespace, who: str
) -> None:
    headers = bearer(getattr(people, who))
    engine = f"/api/v1/roadmap/initiatives/{plan.engine.id}"
    attempts = [
        client.post("/api/v1/roadmap/initiatives", json=initiative_body(), headers=headers),
        client.patch(engine, json={"title": "Renamed"}, headers=headers),
        client.delete(engine, headers=headers),
        client.post(f"{engine}/milestones", json={"title": "Trials", "due_on": "2027-01-01"},
                    headers=headers),
        client.patch(f"/api/v1/roadmap/milestones/{plan.late.id}", json={"status": "done"},
                     headers=headers),
        client.delete(f"/api/v1/roadmap/milestones/{plan.late.id}", headers=headers),
        client.post(f"{engine}/links", json={"kind": "org", "id": people.org.id},
                    headers=headers),
    ]
    assert [r.status_code for r in attempts] == [403] * len(attempts)


def test_an_officer_creates_changes_and_deletes_an_initiative(
    client: TestClient, bearer: Bearer, people: SimpleNamespace, session: Session
) -> None:
    headers = bearer(people.officer)
    created = client.post(
        "/api/v1/roadmap/initiatives",
        json=initiative_body(title="Undersea domain awareness", focus_area="undersea"),
        headers=headers,
    )
    assert created.status_code == 201
    item = created.json()
    assert (item["focus_area"], item["progress"], item["milestones"]) == ("undersea", 0.0, [])
    url = f"/api/v1/roadmap/initiatives/{item['id']}"
    changed = client.patch(url, json={"status": "on-hold", "lead_agency": "DIU"},
                           headers=headers)
    assert changed.status_code == 200
    assert (changed.json()["status"], changed.json()["lead_agency"]) == ("on-hold", "DIU")
    assert client.delete(url, headers=headers).status_code == 204
    assert client.get(url, headers=headers).status_code == 404
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "initiative",
                                        AuditEvent.object_id == str(item["id"]))
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["initiative.create", "initiative.update", "initiative.delete"]


def test_milestones_are_added_marked_done_and_deleted(
    client: TestClient, bearer: Bearer, people: SimpleNamespace, plan: SimpleNamespace
) -> None:
    headers = bearer(people.officer)
    added = client.post(
        f"/api/v1/roadmap/initiatives/{plan.engine.id}/milestones",
        json={"title": "Engine test run", "due_on": days(20).isoformat(),
              "owner_label": "DoD OUSD(A&S)",
              "evidence": [{"label": "Plan", "url": "https://example.org/plan"}]},
        headers=headers,
    )
    assert added.status_code == 201
    milestone = added.json()
    assert milestone["status"] == "planned" and milestone["overdue"] is False
    assert milestone["evidence"] == [{"label": "Plan", "url": "https://example.org/plan"}]
    done = client.patch(f"/api/v1/roadmap/milestones/{milestone['id']}",
                        json={"status": "done"}, headers=headers)
    assert done.json()["completed_on"] == days(0).isoformat()
    engine = client.get(f"/api/v1/roadmap/initiatives/{plan.engine.id}", headers=headers).json()
    assert engine["progress"] == pytest.approx((1 + 0.5 + 0 + 1) / 4)
    url = f"/api/v1/roadmap/milestones/{milestone['id']}"
    assert client.delete(url, headers=headers).status_code == 204
    assert client.patch(url, json={"status": "done"}, headers=headers).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "Trials", "due_on": "2027-01-01", "status": "finished"}, "status"),
        ({"title": "Trials", "due_on": "not a date"}, "due_on"),
        ({"title": "Trials", "due_on": "2027-01-01",
          "evidence": [{"label": "x", "url": "javascript:alert(1)"}]}, "evidence.0.url"),
        ({"title": "Trials", "due_on": "2027-01-01", "owner_id": 999999}, "owner_id"),
    ],
)
def test_invalid_milestones_are_422_naming_the_field(
    client: TestClient, bearer: Bearer, people: SimpleNamespace, plan: SimpleNamespace,
    body: dict[str, object], field: str,
) -> None:
    response = client.post(f"/api/v1/roadmap/initiatives/{plan.engine.id}/milestones",
                           json=body, headers=bearer(people.officer))
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_links_are_added_listed_and_removed(
    client: TestClient, bearer: Bearer, people: SimpleNamespace, plan: SimpleNamespace
) -> None:
    headers = bearer(people.officer)
    url = f"/api/v1/roadmap/initiatives/{plan.engine.id}/links"
    added = client.post(url, json={"kind": "org", "id": people.org.id}, headers=headers)
    assert added.status_code == 201
    assert [o["name"] for o in added.json()["orgs"]] == ["Alice Undersea Systems"]
    again = client.post(url, json={"kind": "org", "id": people.org.id}, headers=headers)
    assert len(again.json()["orgs"]) == 1
    missing = client.post(url, json={"kind": "challenge", "id": 999999}, headers=headers)
    assert missing.status_code == 422
    detail = client.get(f"/api/v1/roadmap/initiatives/{plan.engine.id}",
                        headers=bearer(people.bob)).json()
    assert detail["links"]["orgs"][0]["url"] == f"/orgs/{people.org.slug}"
    assert client.delete(f"{url}/org/{people.org.id}", headers=headers).status_code == 204
    assert client.delete(f"{url}/org/{people.org.id}", headers=headers).status_code == 404
