"""The roadmap pages end to end: lists, detail, partials, officers' forms with inline errors."""

from collections.abc import Callable
from types import SimpleNamespace

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.roadmap import service
from indusx.roadmap.models import MilestoneStatus
from tests.roadmap.conftest import days

SignIn = Callable[[TestClient, User], TestClient]
HTMX = {"HX-Request": "true"}


def test_the_roadmap_page_shows_areas_progress_and_overdue_flags(
    client: TestClient, sign_in: SignIn, people: SimpleNamespace, plan: SimpleNamespace
) -> None:
    page = sign_in(client, people.bob).get("/roadmap")
    assert page.status_code == 200
    assert "Jet engine co-production" in page.text
    assert 'aria-valuenow="50"' in page.text  # the engine initiative and its area
    assert "1 overdue" in page.text
    assert "Trusted autonomy testbed" not in page.text  # not public
    assert "Add initiative" not in page.text


def test_officers_see_non_public_initiatives_marked_as_such(
    client: TestClient, sign_in: SignIn, people: SimpleNamespace, plan: SimpleNamespace
) -> None:
    page = sign_in(client, people.officer).get("/roadmap").text
    assert "Trusted autonomy testbed" in page and "Officers only" in page
    assert "Add initiative" in page


def test_htmx_filters_get_just_the_area_list(
    client: TestClient, sign_in: SignIn, people: SimpleNamespace, plan: SimpleNamespace
) -> None:
    sign_in(client, people.officer)
    partial = client.get("/roadmap?overdue=1&area=ai-autonomy", headers=HTMX)
    assert partial.status_code == 200
    assert "<html" not in partial.text
    assert "Trusted autonomy testbed" in partial.text
    assert "Jet engine co-production" not in partial.text
    empty = client.get("/roadmap?status=completed", headers=HTMX).text
    assert "No initiative matches" in empty


def test_an_initiative_page_lists_milestones_with_owners_due_dates_and_overdue_text(
    client: TestClient, sign_in: SignIn, people: SimpleNamespace, plan: SimpleNamespace
) -> None:
    page = sign_in(client, people.bob).get(f"/roadmap/initiatives/{plan.engine.id}")
    assert page.status_code == 200
    assert "Overdue by 3 days" in page.text
    assert "Bob Viewer" in page.text and "MoD (DDP)" in page.text
    assert f"/roadmap/milestones/{plan.late.id}/edit" not in page.text  # no edit for members
    assert sign_in(client, people.bob).get(
        f"/roadmap/initiatives/{plan.hidden.id}").status_code == 404


def test_members_cannot_open_the_officers_forms(
    client: TestClient, sign_in: SignIn, people: SimpleNamespace, plan: SimpleNamespace
) -> None:
    sign_in(client, people.alice)
    for url in ("/roadmap/initiatives/new", f"/roadmap/initiatives/{plan.engine.id}/edit",
                f"/roadmap/initiatives/{plan.engine.id}/milestones/new",
                f"/roadmap/milestones/{plan.late.id}/delete"):
        assert client.get(url).status_code == 403


def test_an_officer_adds_an_initiative_and_sees_inline_errors_first(
    client: TestClient, sign_in: SignIn, people: SimpleNamespace, csrf: str
) -> None:
    sign_in(client, people.officer)
    assert client.get("/roadmap/initiatives/new").status_code == 200
    form = {"csrf_token": csrf, "title": "Undersea domain awareness", "focus_area": "undersea",
            "status": "active", "is_public": "1", "starts_on": "2027-05-01",
            "target_on": "2027-01-01", "lead_agency": "", "summary": ""}
    refused = client.post("/roadmap/initiatives/new", data=form)
    assert refused.status_code == 422
    assert "The target date cannot be before the start date" in refused.text
    assert 'id="f-target_on-error"' in refused.text
    created = client.post("/roadmap/initiatives/new", data={**form, "target_on": "2028-01-01"})
    assert created.status_code == 303
    detail = client.get(created.headers["location"])
    assert "Undersea domain awareness" in detail.text and "No milestones yet" in detail.text


def test_an_officer_adds_a_milestone_with_evidence_and_an_owner_by_email(
    client: TestClient, sign_in: SignIn, people: SimpleNamespace, plan: SimpleNamespace,
    csrf: str, session: Session,
) -> None:
    sign_in(client, people.officer)
    url = f"/roadmap/initiatives/{plan.engine.id}/milestones/new"
    form = {"csrf_token": csrf, "title": "Engine test run", "status": "planned",
            "due_on": days(40).isoformat(), "completed_on": "", "owner_email": "nobody@x.org",
            "owner_label": "", "evidence": "Plan | ftp://example.org/plan", "notes": ""}
    refused = client.post(url, data=form)
    assert refused.status_code == 422
    assert "Line 1: Enter a web address" in refused.text
    form.update(owner_email=people.alice.email, evidence="Plan | https://example.org/plan")
    refused = client.post(url, data={**form, "due_on": ""})
    assert refused.status_code == 422 and 'id="f-due_on-error"' in refused.text
    assert client.post(url, data=form).status_code == 303
    engine = service.get_initiative(session=session, initiative_id=plan.engine.id)
    added = next(m for m in engine.milestones if m.title == "Engine test run")
    assert added.owner_id == people.alice.id
    assert added.evidence == [{"label": "Plan", "url": "https://example.org/plan"}]


def test_the_status_select_returns_the_updated_row_to_htmx(
    client: TestClient, sign_in: SignIn, people: SimpleNamespace, plan: SimpleNamespace,
    csrf: str, session: Session,
) -> None:
    sign_in(client, people.officer)
    row = client.post(f"/roadmap/milestones/{plan.late.id}/status",
                      data={"csrf_token": csrf, "status": "done"}, headers=HTMX)
    assert row.status_code == 200
    assert row.text.lstrip().startswith(f'<tr id="milestone-{plan.late.id}"')
    assert "Overdue" not in row.text
    session.expire_all()
    assert service.get_milestone(session=session, milestone_id=plan.late.id).status \
        is MilestoneStatus.DONE


def test_deleting_asks_for_confirmation_first(
    client: TestClient, sign_in: SignIn, people: SimpleNamespace, plan: SimpleNamespace,
    csrf: str,
) -> None:
    sign_in(client, people.officer)
    confirm = client.get(f"/roadmap/initiatives/{plan.engine.id}/delete")
    assert confirm.status_code == 200 and "Its 4 milestones" in confirm.text
    assert client.get(f"/roadmap/initiatives/{plan.engine.id}").status_code == 200
    gone = client.post(f"/roadmap/initiatives/{plan.engine.id}/delete", data={"csrf_token": csrf})
    assert gone.status_code == 303
    assert client.get(f"/roadmap/initiatives/{plan.engine.id}").status_code == 404


def test_an_officer_links_an_organisation_by_its_address(
    client: TestClient, sign_in: SignIn, people: SimpleNamespace, plan: SimpleNamespace,
    csrf: str,
) -> None:
    sign_in(client, people.officer)
    url = f"/roadmap/initiatives/{plan.engine.id}/links"
    wrong = client.post(url, data={"csrf_token": csrf, "kind": "org", "ref_org": "no-such-org"})
    assert wrong.status_code == 422 and "f-ref_org-error" in wrong.text
    assert client.post(url, data={"csrf_token": csrf, "kind": "org",
                                  "ref_org": people.org.slug}).status_code == 303
    page = client.get(f"/roadmap/initiatives/{plan.engine.id}").text
    assert f'href="/orgs/{people.org.slug}"' in page
