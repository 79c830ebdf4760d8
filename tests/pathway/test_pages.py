"""The regulatory-pathway pages end to end: the form, the result, the register, the rules."""

import html
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.audit.models import AuditEvent
from indusx.pathway import demo
from indusx.pathway.models import Assessment, Hurdle
from tests.conftest import ACTOR

SignIn = Callable[[TestClient, User], TestClient]


def _assessment_form(csrf: str, firms: SimpleNamespace, **extra: str) -> dict[str, Any]:
    return {
        "csrf_token": csrf,
        "title": "Turbine blades in India",
        "activity": "co-production",
        "parties-0-org": firms.us.slug,
        "parties-0-role": "licensor",
        "parties-1-org": firms.india.slug,
        "parties-2-org": "",
        "parties-2-name": "",
        "parties-2-country": "",  # a blank row
        "items-0-name": "HP turbine blade",
        "items-0-classification": "Cat. XIX",
        **extra,
    }


def test_a_member_assesses_from_the_form_and_sees_verdict_citations_and_badges(
    client: TestClient,
    csrf: str,
    people: SimpleNamespace,
    firms: SimpleNamespace,
    sign_in: SignIn,
) -> None:
    sign_in(client, people.charlie)
    form = client.get("/pathway")
    assert form.status_code == 200 and "Decision support, not legal advice." in form.text

    page = client.post("/pathway", data=_assessment_form(csrf, firms))

    assert page.status_code == 200
    text = page.text
    assert "Authorisations required" in text
    assert "ITAR Manufacturing Licence Agreement (MLA)" in text
    assert "us-itar-mla-manufacture-abroad" in text and "22 CFR 124" in text
    assert "Not screened" in text and "Harbour Turbine Works" in text
    assert "Decision support, not legal advice." in text
    assert "Save this assessment" in text


def test_saving_from_the_form_keeps_the_assessment_and_audits_it(
    client: TestClient,
    csrf: str,
    people: SimpleNamespace,
    firms: SimpleNamespace,
    sign_in: SignIn,
    session: Session,
) -> None:
    sign_in(client, people.bob)

    saved = client.post("/pathway", data=_assessment_form(csrf, firms, save="on"))

    assert saved.status_code == 303
    row = session.scalars(select(Assessment)).one()
    assert saved.headers["location"] == f"/pathway/assessments/{row.id}"
    assert row.created_by_id == people.bob.id
    assert "Turbine blades in India" in client.get("/pathway/assessments").text
    assert "Authorisations required" in client.get(saved.headers["location"]).text
    sign_in(client, people.charlie)
    assert client.get(saved.headers["location"]).status_code == 404
    assert session.scalars(
        select(AuditEvent).where(AuditEvent.action == "pathway.assessment.create")
    ).one()


def test_the_result_page_saves_what_it_shows(
    client: TestClient,
    csrf: str,
    people: SimpleNamespace,
    firms: SimpleNamespace,
    sign_in: SignIn,
    session: Session,
) -> None:
    sign_in(client, people.bob)
    page = client.post("/pathway", data=_assessment_form(csrf, firms)).text
    start = page.index('name="payload" value="') + len('name="payload" value="')
    payload = html.unescape(page[start : page.index('"', start)])

    saved = client.post("/pathway/assessments", data={"csrf_token": csrf, "payload": payload})

    assert saved.status_code == 303
    assert session.scalars(select(Assessment)).one().title == "Turbine blades in India"


def test_form_errors_are_shown_inline_on_the_right_rows(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.bob)

    page = client.post(
        "/pathway",
        data={
            "csrf_token": csrf,
            "parties-0-org": "",
            "parties-0-name": "",
            "parties-1-name": "Example Works",
            "items-0-name": "Blade",
            "items-0-classification": "Category Z",
        },
    )

    assert page.status_code == 422
    assert 'id="f-activity-error"' in page.text and "Choose at least one activity" in page.text
    assert 'id="f-parties-1"' in page.text and "A named party needs its country" in page.text
    assert 'id="f-items-0-classification-error"' in page.text
    assert 'value="Category Z"' in page.text  # what was typed comes back


def test_an_unknown_organisation_is_reported_on_its_party_row(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.bob)

    page = client.post(
        "/pathway",
        data={
            "csrf_token": csrf,
            "activity": "co-development",
            "parties-0-org": "",
            "parties-1-org": "nobody-here",
            "items-0-name": "Logger",
            "items-0-classification": "EAR99",
        },
    )

    assert page.status_code == 422
    assert 'id="f-parties-1-org-error"' in page.text and "nobody-here" in page.text


def test_the_organisation_picker_offers_matching_names(
    client: TestClient, people: SimpleNamespace, firms: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.bob)

    options = client.get(
        "/pathway/org-options?parties-0-org=deccan", headers={"HX-Request": "true"}
    ).text

    assert f'<option value="{firms.india.slug}">Deccan Aero Components (India)</option>' in options
    assert "Harbour" not in options


def test_only_officers_see_the_rule_set_page(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.alice)
    assert client.get("/pathway/rules").status_code == 403
    assert 'href="/pathway/rules"' not in client.get("/pathway").text
    sign_in(client, people.officer)
    page = client.get("/pathway/rules")
    assert page.status_code == 200
    assert "us-itar-mla-manufacture-abroad" in page.text and "us-itar.yaml:" in page.text


def test_members_read_the_register_and_officers_maintain_it(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn, session: Session
) -> None:
    demo.load_demo_hurdles(session=session, actor=ACTOR)
    session.commit()
    sign_in(client, people.bob)
    register = client.get("/pathway/hurdles")
    assert "No Reciprocal Defence Procurement agreement yet" in register.text
    assert "Demo" in register.text and "Add hurdle" not in register.text
    assert client.get("/pathway/hurdles/new").status_code == 403
    assert (
        client.post(
            "/pathway/hurdles/new", data={"csrf_token": csrf, "title": "Mine", "status": "open"}
        ).status_code
        == 403
    )

    sign_in(client, people.officer)
    bad = client.post(
        "/pathway/hurdles/new",
        data={"csrf_token": csrf, "title": "x", "status": "open", "key": "Not A Key"},
    )
    assert bad.status_code == 422
    assert 'id="f-title-error"' in bad.text and 'id="f-key-error"' in bad.text
    added = client.post(
        "/pathway/hurdles/new",
        data={
            "csrf_token": csrf,
            "title": "Slow end-user certificates",
            "status": "open",
            "regulation": "DDP SOP",
            "focus_areas": "munitions",
        },
    )
    assert added.status_code == 303
    hurdle = session.scalars(
        select(Hurdle).where(Hurdle.title == "Slow end-user certificates")
    ).one()
    edited = client.post(
        f"/pathway/hurdles/{hurdle.id}/edit",
        data={
            "csrf_token": csrf,
            "title": "Slow end-user certificates",
            "status": "in-progress",
            "focus_areas": ["munitions", "space"],
        },
    )
    assert edited.status_code == 303
    detail = client.get(f"/pathway/hurdles/{hurdle.id}").text
    assert "In progress" in detail and "Space" in detail
    confirm = client.get(f"/pathway/hurdles/{hurdle.id}/delete")
    assert confirm.status_code == 200 and "Delete hurdle" in confirm.text
    assert (
        client.post(f"/pathway/hurdles/{hurdle.id}/delete", data={"csrf_token": csrf}).status_code
        == 303
    )
    assert client.get(f"/pathway/hurdles/{hurdle.id}").status_code == 404
    actions = session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.object_type == "hurdle", AuditEvent.object_id == str(hurdle.id)
        )
    ).all()
    assert sorted(actions) == ["hurdle.create", "hurdle.delete", "hurdle.update"]


def test_the_register_filters_sorts_pages_and_answers_htmx_with_the_table(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn, session: Session
) -> None:
    demo.load_demo_hurdles(session=session, actor=ACTOR)
    session.commit()
    sign_in(client, people.bob)

    table = client.get(
        "/pathway/hurdles?status=in-progress&sort=title&page_size=1", headers={"HX-Request": "true"}
    ).text

    assert "<html" not in table and "Hurdles 1\u20131 of 2" in table
    assert "No Reciprocal Defence Procurement agreement yet" in table
    assert "page=2" in table
    by_area = client.get("/pathway/hurdles?area=space").text
    assert "SCOMET Category 6 exports need DDP authorisation" in by_area
    assert "No Reciprocal Defence" not in by_area


def test_the_report_counts_by_area_and_status(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn, session: Session
) -> None:
    demo.load_demo_hurdles(session=session, actor=ACTOR)
    session.commit()
    sign_in(client, people.bob)

    page = client.get("/pathway/hurdles/report").text

    assert "Jet propulsion" in page
    assert '<td class="fw-bold">5</td>' in page


def test_the_navigation_leads_to_the_pathway(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.charlie)

    assert 'href="/pathway"' in client.get("/orgs").text
