"""The partnership API and pages end to end: access, the gate's 409 body, mentions, tasks."""

from collections.abc import Callable
from types import SimpleNamespace

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.audit.models import AuditEvent
from indusx.notifications.models import Notification
from indusx.orgs.models import Organisation
from indusx.partnerships import service
from indusx.partnerships.models import Partnership
from indusx.pathway.engine.evaluate import Verdict
from indusx.pathway.models import Assessment
from tests.partnerships.conftest import as_principal, save_assessment

Bearer = Callable[[User], dict[str, str]]


def test_who_sees_a_partnership(client: TestClient, bearer: Bearer, people: SimpleNamespace,
                                pact: Partnership) -> None:
    url = f"/api/v1/partnerships/{pact.id}"
    assert client.get(url, headers=bearer(people.alice)).status_code == 200
    assert client.get(url, headers=bearer(people.bob)).status_code == 200
    assert client.get(url, headers=bearer(people.officer)).status_code == 200
    assert client.get(url, headers=bearer(people.charlie)).status_code == 404
    listed = client.get("/api/v1/partnerships", headers=bearer(people.charlie)).json()
    assert listed == {"items": [], "total": 0, "page": 1, "page_size": 20}


def test_the_list_filters_by_stage_and_pages(client: TestClient, bearer: Bearer,
                                             people: SimpleNamespace, pact: Partnership) -> None:
    headers = bearer(people.alice)
    body = client.get("/api/v1/partnerships?stage=identified", headers=headers).json()
    assert [p["id"] for p in body["items"]] == [pact.id] and body["total"] == 1
    assert client.get("/api/v1/partnerships?stage=nda", headers=headers).json()["total"] == 0


def test_a_viewer_may_not_move_a_stage(client: TestClient, bearer: Bearer,
                                       people: SimpleNamespace, pact: Partnership) -> None:
    response = client.post(f"/api/v1/partnerships/{pact.id}/stage", json={"stage": "nda"},
                           headers=bearer(people.bob))
    assert response.status_code == 403


def test_a_gate_refuses_with_409_naming_each_missing_requirement(
    client: TestClient, bearer: Bearer, people: SimpleNamespace, pact: Partnership,
) -> None:
    response = client.post(f"/api/v1/partnerships/{pact.id}/stage",
                           json={"stage": "agreement"}, headers=bearer(people.alice))

    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 409
    assert [m["code"] for m in body["missing"]] == ["assessment-missing"]
    assert body["missing"][0]["message"]


def test_a_move_with_the_gates_met_is_kept_in_the_history(
    client: TestClient, bearer: Bearer, session: Session, people: SimpleNamespace,
    pact: Partnership,
) -> None:
    save_assessment(session, pact.id, Verdict.NO_LICENCE_REQUIRED)
    session.commit()
    headers = bearer(people.alice)

    moved = client.post(f"/api/v1/partnerships/{pact.id}/stage",
                        json={"stage": "agreement"}, headers=headers)
    back = client.post(f"/api/v1/partnerships/{pact.id}/stage",
                       json={"stage": "proposal", "reason": "Terms reopened"}, headers=headers)

    assert moved.status_code == 200 and back.json()["stage"] == "proposal"
    history = client.get(f"/api/v1/partnerships/{pact.id}/history", headers=headers).json()
    assert [(h["from_stage"], h["to_stage"]) for h in history] == [
        (None, "identified"), ("identified", "agreement"), ("agreement", "proposal")]
    assert history[-1]["reason"] == "Terms reopened"


def test_creating_needs_both_countries(client: TestClient, bearer: Bearer,
                                       people: SimpleNamespace,
                                       make_org: Callable[..., Organisation]) -> None:
    other = make_org(name="Another Indian Firm", country="IN")
    response = client.post("/api/v1/partnerships", headers=bearer(people.alice), json={
        "title": "Indian only", "type": "research", "org_ids": [people.org.id, other.id]})

    assert response.status_code == 422
    assert "one US and one Indian" in response.json()["detail"]


def test_mentioning_an_outsider_is_refused_and_a_member_is_notified(
    client: TestClient, bearer: Bearer, session: Session, people: SimpleNamespace,
    pact: Partnership,
) -> None:
    url = f"/api/v1/partnerships/{pact.id}/comments"
    headers = bearer(people.alice)

    refused = client.post(url, json={"body": f"Ask @{people.charlie.email}"}, headers=headers)
    made = client.post(url, json={"body": f"Please review, @{people.bob.email}."},
                       headers=headers)

    assert refused.status_code == 422 and people.charlie.email in refused.json()["detail"]
    assert "cannot see this partnership" in refused.json()["detail"]
    assert made.status_code == 201 and made.json()["mentions"] == [people.bob.email]
    notes = session.scalars(select(Notification).where(
        Notification.kind == "partnership_mention")).all()
    assert [n.user_id for n in notes] == [people.bob.id]
    assert session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "partnership.comment.create"))


def test_a_comment_is_edited_and_deleted_only_by_its_author(
    client: TestClient, bearer: Bearer, people: SimpleNamespace, pact: Partnership,
) -> None:
    url = f"/api/v1/partnerships/{pact.id}/comments"
    made = client.post(url, json={"body": "First draft"}, headers=bearer(people.alice)).json()

    assert client.patch(f"{url}/{made['id']}", json={"body": "Mine now"},
                        headers=bearer(people.bob)).status_code == 403
    assert client.delete(f"{url}/{made['id']}", headers=bearer(people.alice)).status_code == 204
    kept = client.get(url, headers=bearer(people.alice)).json()
    assert kept[0]["deleted"] is True and kept[0]["body"] == ""


def test_tasks_go_to_people_who_can_see_and_are_flagged_overdue(
    client: TestClient, bearer: Bearer, session: Session, people: SimpleNamespace,
    pact: Partnership,
) -> None:
    url = f"/api/v1/partnerships/{pact.id}/tasks"
    headers = bearer(people.alice)

    outsider = client.post(url, json={"title": "Sign NDA", "assignee_email": people.charlie.email},
                           headers=headers)
    made = client.post(url, json={"title": "Sign NDA", "assignee_email": people.bob.email,
                                  "due_on": "2020-01-01"}, headers=headers)
    done = client.post(f"{url}/{made.json()['id']}/done", json={"done": True},
                       headers=bearer(people.bob))

    assert outsider.status_code == 422
    assert made.status_code == 201 and made.json()["overdue"] is True
    assert done.json()["done"] is True and done.json()["overdue"] is False
    assert session.scalar(select(Notification.user_id).where(
        Notification.kind == "partnership_task")) == people.bob.id


def test_an_assigned_officer_may_edit_and_the_timeline_shows_what_happened(
    client: TestClient, bearer: Bearer, session: Session, people: SimpleNamespace,
    pact: Partnership,
) -> None:
    officer = bearer(people.officer)
    assert client.post(f"/api/v1/partnerships/{pact.id}/stage", json={"stage": "nda"},
                       headers=officer).status_code == 403
    assert client.post(f"/api/v1/partnerships/{pact.id}/officers",
                       json={"email": people.officer.email},
                       headers=bearer(people.admin)).status_code == 201
    assert client.post(f"/api/v1/partnerships/{pact.id}/stage", json={"stage": "nda"},
                       headers=officer).status_code == 200

    events = client.get(f"/api/v1/partnerships/{pact.id}/timeline", headers=officer).json()
    assert [e["kind"] for e in events["items"]] == ["stage", "stage"]
    assert events["items"][0]["title"] == "Identified → NDA"


def test_the_partnership_page_shows_the_gates_and_controls(
    client: TestClient, sign_in: Callable[[TestClient, User], TestClient],
    people: SimpleNamespace, pact: Partnership,
) -> None:
    page = sign_in(client, people.alice).get(f"/partnerships/{pact.id}")

    assert page.status_code == 200
    assert "Run the regulatory assessment" in page.text
    assert "No regulatory-pathway assessment has been saved" in page.text
    assert "Move stage" in page.text and "Add task" in page.text and "Post comment" in page.text
    assert f"/partnerships/{pact.id}/room" in page.text


def test_the_pipeline_page_lists_and_shows_an_empty_state(
    client: TestClient, sign_in: Callable[[TestClient, User], TestClient],
    people: SimpleNamespace, pact: Partnership,
) -> None:
    assert pact.title in sign_in(client, people.alice).get("/partnerships").text
    assert "No partnerships here yet" in sign_in(client, people.charlie).get(
        "/partnerships").text
    assert client.get("/partnerships/new").status_code == 200


def test_a_refused_move_on_the_web_lists_what_to_fix(
    client: TestClient, sign_in: Callable[[TestClient, User], TestClient], csrf: str,
    people: SimpleNamespace, pact: Partnership,
) -> None:
    response = sign_in(client, people.alice).post(
        f"/partnerships/{pact.id}/stage", data={"stage": "agreement", "csrf_token": csrf})

    assert response.status_code == 409
    assert "Agreement cannot be entered yet" in response.text
    assert f'href="/pathway?partnership={pact.id}"' in response.text


def test_the_assessment_form_for_a_partnership_is_prefilled_and_saves_for_it(
    client: TestClient, sign_in: Callable[[TestClient, User], TestClient], csrf: str,
    session: Session, people: SimpleNamespace, pact: Partnership, us_org: Organisation,
) -> None:
    browser = sign_in(client, people.alice)
    form = browser.get(f"/pathway?partnership={pact.id}")
    assert form.status_code == 200
    assert f'value="{us_org.slug}"' in form.text and "Acoustic modem" in form.text

    saved = browser.post("/pathway", data={
        "csrf_token": csrf, "partnership_id": str(pact.id), "title": "Review",
        "activity": "co-development",
        "parties-0-org": people.org.slug, "parties-1-org": us_org.slug,
        "items-0-name": "Acoustic modem", "items-0-classification": "EAR99"})

    assert saved.status_code == 303 and saved.headers["location"] == f"/partnerships/{pact.id}"
    assert session.scalar(select(Assessment.partnership_id)) == pact.id
    bob_form = sign_in(client, people.bob).get(f"/pathway?partnership={pact.id}")
    assert bob_form.status_code == 403


def test_an_accepted_introduction_turns_into_a_partnership_from_its_page(
    client: TestClient, sign_in: Callable[[TestClient, User], TestClient], csrf: str,
    session: Session, people: SimpleNamespace, us_org: Organisation,
) -> None:
    from tests.partnerships.test_service import _intro

    intro_id = _intro(session, people, us_org, accept=True)
    session.commit()
    browser = sign_in(client, people.alice)
    assert "Turn into a partnership" in browser.get(f"/introductions/{intro_id}").text

    made = browser.post(f"/partnerships/from-introduction/{intro_id}",
                        data={"csrf_token": csrf})
    again = browser.post(f"/partnerships/from-introduction/{intro_id}",
                         data={"csrf_token": csrf})

    assert made.status_code == 303
    existing = service.list_partnerships(session=session,
                                         principal=as_principal(session, people.alice))[0]
    assert made.headers["location"] == f"/partnerships/{existing[0].id}"
    assert again.status_code == 409 and f"/partnerships/{existing[0].id}" in again.text
