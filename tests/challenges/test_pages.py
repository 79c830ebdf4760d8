"""The challenge pages end to end: listing, challenge page, officers' form, proposal editor."""

from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.challenges import proposals, service
from indusx.challenges.models import Challenge, Phase, Proposal, ProposalStatus
from tests.challenges.conftest import MakeChallenge, pdf_bytes, principal_of

SignIn = Callable[[TestClient, User], TestClient]


@pytest.fixture
def challenge(make_challenge: MakeChallenge) -> Challenge:
    return make_challenge(phase=Phase.OPEN)


@pytest.fixture
def draft(session: Session, world: SimpleNamespace, challenge: Challenge) -> Proposal:
    proposal = proposals.start(
        session=session,
        principal=principal_of(session, world.alice),
        challenge=challenge,
        lead_org_id=world.india.id,
        title="Mesh",
    )
    session.commit()
    return proposal


def _form(csrf: str, agency_id: int, **extra: str) -> dict[str, Any]:
    return {
        "csrf_token": csrf,
        "title": "Maritime domain awareness",
        "sponsor_org_id": str(agency_id),
        "summary": "Find dark vessels.",
        "problem_statement": "Detect vessels that switch off AIS.",
        "timezone": "Asia/Kolkata",
        "deadline_at": "2031-06-30T17:00",
        "schedule-review": "2031-07-15T10:00",
        "eligible_countries": ["IN", "US"],
        "criteria-0-name": "Technical merit",
        "criteria-0-weight": "3",
        "criteria-0-scale_max": "10",
        "criteria-1-name": "",
        "criteria-1-weight": "",
        "questions-0-prompt": "Your approach",
        "questions-0-max_chars": "2000",
        "questions-0-required": "on",
        **extra,
    }


def test_anyone_sees_the_open_challenges_with_their_deadline_and_countdown(
    client: TestClient, challenge: Challenge, make_challenge: MakeChallenge
) -> None:
    make_challenge(phase=Phase.DRAFT, title="Hidden draft")

    page = client.get("/challenges")

    assert page.status_code == 200
    assert "Undersea acoustic communications" in page.text
    assert "Hidden draft" not in page.text
    assert "days left" in page.text and "IST" in page.text
    assert "Innovations for Defence Excellence" in page.text


def test_the_listing_searches_and_htmx_gets_only_the_cards(
    client: TestClient, challenge: Challenge, make_challenge: MakeChallenge
) -> None:
    make_challenge(phase=Phase.OPEN, title="Space ISR constellation", focus_areas=["space"])

    found = client.get("/challenges?q=space", headers={"HX-Request": "true"})

    assert "Space ISR constellation" in found.text
    assert "Undersea acoustic" not in found.text
    assert "<html" not in found.text and "1 challenge open for proposals" in found.text


def test_the_challenge_page_shows_everything_an_applicant_needs(
    client: TestClient, challenge: Challenge
) -> None:
    page = client.get(f"/challenges/{challenge.slug}")

    text = page.text
    assert page.status_code == 200
    assert "Submarines and UUVs need low-probability-of-intercept links." in text
    assert "Technical merit" in text and "75%" in text and "25%" in text
    assert "Describe your approach" in text and "optional" in text
    assert "Up to USD 250,000 shared among winners" in text
    assert "TRL 3 to 7" in text and "Start-up, MSME" in text
    assert "Submission deadline" in text and "Times in Asia/Kolkata" in text
    assert "Sign in to apply" in text


def test_a_draft_challenge_page_is_404_to_outsiders(
    client: TestClient, make_challenge: MakeChallenge, sign_in: SignIn, world: SimpleNamespace
) -> None:
    draft = make_challenge(phase=Phase.DRAFT)
    assert client.get(f"/challenges/{draft.slug}").status_code == 404
    sign_in(client, world.oscar)
    assert client.get(f"/challenges/{draft.slug}").status_code == 404


def test_members_of_eligible_organisations_apply_and_then_continue_their_draft(
    client: TestClient, csrf: str, challenge: Challenge, sign_in: SignIn, world: SimpleNamespace
) -> None:
    sign_in(client, world.alice)
    page = client.get(f"/challenges/{challenge.slug}")
    assert "Apply as Alice Undersea Systems" in page.text

    started = client.post(
        f"/challenges/{challenge.slug}/apply",
        data={"csrf_token": csrf, "org_id": str(world.india.id)},
    )

    assert started.status_code == 303
    assert started.headers["location"].startswith("/proposals/")
    again = client.get(f"/challenges/{challenge.slug}")
    assert "Continue your draft" in again.text


def test_an_ineligible_organisation_is_told_why_it_cannot_apply(
    client: TestClient, make_challenge: MakeChallenge, sign_in: SignIn, world: SimpleNamespace
) -> None:
    only_us = make_challenge(phase=Phase.OPEN, eligible_countries=["US"])
    sign_in(client, world.alice)
    page = client.get(f"/challenges/{only_us.slug}")
    assert "Not eligible: not open to organisations in India" in page.text


def test_a_viewer_gets_no_apply_button(
    client: TestClient, challenge: Challenge, sign_in: SignIn, world: SimpleNamespace
) -> None:
    sign_in(client, world.bob)
    page = client.get(f"/challenges/{challenge.slug}")
    assert "Apply as" not in page.text and "owner or editor" in page.text


def test_an_officer_creates_a_challenge_from_the_form(
    client: TestClient, csrf: str, sign_in: SignIn, world: SimpleNamespace, session: Session
) -> None:
    sign_in(client, world.olga)
    form = client.get("/challenges/new")
    assert form.status_code == 200 and "Add a criterion" in form.text
    assert "Asia/Kolkata" in form.text

    created = client.post("/challenges/new", data=_form(csrf, world.agency.id))

    assert created.status_code == 303
    challenge = service.get_by_slug(session=session, slug="maritime-domain-awareness")
    assert challenge.phase is Phase.DRAFT
    assert [c.name for c in service.criteria_of(session, challenge.id)] == ["Technical merit"]
    assert challenge.deadline_at is not None and challenge.deadline_at.hour == 11
    assert challenge.schedule["review"].startswith("2031-07-15T04:30")


def test_the_form_shows_each_error_inline_and_keeps_what_was_typed(
    client: TestClient, csrf: str, sign_in: SignIn, world: SimpleNamespace
) -> None:
    sign_in(client, world.olga)
    response = client.post(
        "/challenges/new",
        data=_form(
            csrf,
            world.agency.id,
            title="",
            **{
                "criteria-1-name": "Team",
                "criteria-1-weight": "-2",
                "trl_min": "7",
                "trl_max": "3",
            },
        ),
    )

    assert response.status_code == 422
    text = response.text
    assert 'href="#f-title"' in text
    assert "Criterion 2, weight" in text and "Detect vessels that switch off AIS." in text


def test_members_and_anonymous_visitors_cannot_open_the_form(
    client: TestClient, sign_in: SignIn, world: SimpleNamespace
) -> None:
    assert client.get("/challenges/new").status_code == 303  # to sign in
    sign_in(client, world.alice)
    assert client.get("/challenges/new").status_code == 403


def test_a_manager_opens_a_draft_from_its_page_and_a_missing_piece_is_named(
    client: TestClient,
    csrf: str,
    sign_in: SignIn,
    world: SimpleNamespace,
    make_challenge: MakeChallenge,
) -> None:
    draft = make_challenge(phase=Phase.DRAFT, criteria=[])
    sign_in(client, world.olga)
    page = client.get(f"/challenges/{draft.slug}")
    assert "Before it can open" in page.text and "Add at least one rubric criterion" in page.text

    refused = client.post(
        f"/challenges/{draft.slug}/phase", data={"csrf_token": csrf, "phase": "open"}
    )
    assert refused.status_code == 409 and "add at least one rubric criterion" in refused.text


def test_an_open_challenge_form_shows_the_rubric_frozen(
    client: TestClient,
    csrf: str,
    sign_in: SignIn,
    world: SimpleNamespace,
    challenge: Challenge,
    session: Session,
) -> None:
    sign_in(client, world.olga)
    form = client.get(f"/challenges/{challenge.slug}/edit")
    assert "frozen once the challenge is open" in form.text
    assert "Add a criterion" not in form.text

    saved = client.post(
        f"/challenges/{challenge.slug}/edit",
        data=_form(
            csrf,
            world.agency.id,
            title="Undersea acoustic communications",
            **{"criteria-0-name": "Changed"},
        ),
    )
    assert saved.status_code == 303
    assert [c.name for c in service.criteria_of(session, challenge.id)] == [
        "Technical merit",
        "Team",
    ]


def test_an_officer_of_another_agency_cannot_edit(
    client: TestClient, sign_in: SignIn, world: SimpleNamespace, challenge: Challenge
) -> None:
    sign_in(client, world.oscar)
    assert client.get(f"/challenges/{challenge.slug}/edit").status_code == 403


def test_the_editor_autosaves_and_answers_with_the_time_and_new_version(
    client: TestClient,
    csrf: str,
    sign_in: SignIn,
    world: SimpleNamespace,
    draft: Proposal,
    session: Session,
) -> None:
    sign_in(client, world.alice)
    editor = client.get(f"/proposals/{draft.id}")
    assert editor.status_code == 200 and "Saved automatically as you type" in editor.text
    assert "Before you submit" in editor.text

    saved = client.post(
        f"/proposals/{draft.id}/autosave",
        headers={"HX-Request": "true"},
        data={"csrf_token": csrf, "version": "1", "title": "Mesh v2", "summary": "S", "trl": "5"},
    )

    assert saved.status_code == 200
    assert "Saved" in saved.text and 'value="2"' in saved.text and "hx-swap-oob" in saved.text
    session.refresh(draft)
    assert draft.title == "Mesh v2" and draft.version == 2 and draft.trl == 5


def test_a_stale_autosave_is_a_409_that_shows_both_texts(
    client: TestClient,
    csrf: str,
    sign_in: SignIn,
    world: SimpleNamespace,
    draft: Proposal,
    session: Session,
) -> None:
    sign_in(client, world.alice)
    client.post(
        f"/proposals/{draft.id}/autosave",
        headers={"HX-Request": "true"},
        data={"csrf_token": csrf, "version": "1", "title": "Saved by Erin"},
    )

    stale = client.post(
        f"/proposals/{draft.id}/autosave",
        headers={"HX-Request": "true"},
        data={"csrf_token": csrf, "version": "1", "title": "Typed by Alice"},
    )

    assert stale.status_code == 409
    assert "Your text (not saved)" in stale.text and "Typed by Alice" in stale.text
    assert "Saved version 2" in stale.text and "Saved by Erin" in stale.text
    session.refresh(draft)
    assert draft.title == "Saved by Erin"


def test_the_draft_survives_signing_out_and_back_in(
    client: TestClient, csrf: str, sign_in: SignIn, world: SimpleNamespace, draft: Proposal
) -> None:
    sign_in(client, world.alice)
    client.post(
        f"/proposals/{draft.id}/autosave",
        headers={"HX-Request": "true"},
        data={"csrf_token": csrf, "version": "1", "summary": "Kept on the server"},
    )
    client.post("/logout", data={"csrf_token": csrf})
    client.cookies.clear()

    sign_in(client, world.alice)
    assert "Kept on the server" in client.get(f"/proposals/{draft.id}").text


def test_a_late_submission_from_the_page_says_why_and_keeps_the_draft(
    client: TestClient,
    csrf: str,
    sign_in: SignIn,
    world: SimpleNamespace,
    draft: Proposal,
    challenge: Challenge,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert challenge.deadline_at is not None
    deadline = challenge.deadline_at
    monkeypatch.setattr(service, "now", lambda: deadline + timedelta(seconds=1))
    sign_in(client, world.alice)

    response = client.post(f"/proposals/{draft.id}/submit", data={"csrf_token": csrf})

    assert response.status_code == 409
    assert "Your draft is kept." in response.text and "no longer possible" in response.text
    assert draft.status is ProposalStatus.DRAFT


def test_the_submit_confirmation_lists_what_blocks_then_submits(
    client: TestClient,
    csrf: str,
    sign_in: SignIn,
    world: SimpleNamespace,
    draft: Proposal,
    challenge: Challenge,
    session: Session,
) -> None:
    sign_in(client, world.alice)
    blocked = client.get(f"/proposals/{draft.id}/submit")
    assert blocked.status_code == 409 and "Answer question 1: Describe your approach" in (
        blocked.text
    )
    first = service.questions_of(session, challenge.id)[0]
    client.post(
        f"/proposals/{draft.id}/autosave",
        headers={"HX-Request": "true"},
        data={
            "csrf_token": csrf,
            "version": "1",
            "title": "Mesh",
            "trl": "5",
            f"answer-{first.id}": "Our approach.",
        },
    )

    confirm = client.get(f"/proposals/{draft.id}/submit")
    assert confirm.status_code == 200 and "Submit proposal" in confirm.text
    done = client.post(f"/proposals/{draft.id}/submit", data={"csrf_token": csrf})
    assert done.status_code == 303
    session.refresh(draft)
    assert draft.status is ProposalStatus.SUBMITTED


def test_a_co_applicant_is_invited_by_name_and_confirms_on_its_page(
    client: TestClient,
    csrf: str,
    sign_in: SignIn,
    world: SimpleNamespace,
    draft: Proposal,
    session: Session,
) -> None:
    sign_in(client, world.alice)
    unknown = client.post(
        f"/proposals/{draft.id}/co-applicants", data={"csrf_token": csrf, "org": "Dave Maritime"}
    )
    assert unknown.status_code == 422 and "Did you mean Dave Maritime Robotics?" in unknown.text
    invited = client.post(
        f"/proposals/{draft.id}/co-applicants",
        data={"csrf_token": csrf, "org": "dave maritime robotics"},
    )
    assert invited.status_code == 303

    sign_in(client, world.dave)
    page = client.get(f"/proposals/{draft.id}/confirm")
    assert "Alice Undersea Systems invites you" in page.text
    answered = client.post(
        f"/proposals/{draft.id}/confirm",
        data={"csrf_token": csrf, "org_id": str(world.us.id), "decision": "confirm"},
    )
    assert answered.status_code == 303
    sign_in(client, world.alice)
    assert "Confirmed" in client.get(f"/proposals/{draft.id}").text


def test_files_are_attached_from_the_editor_and_refused_with_the_reason(
    client: TestClient, csrf: str, sign_in: SignIn, world: SimpleNamespace, draft: Proposal
) -> None:
    sign_in(client, world.alice)
    refused = client.post(
        f"/proposals/{draft.id}/attachments",
        data={"csrf_token": csrf},
        files={"file": ("notes.pdf", b"plain text, not a PDF", "application/pdf")},
    )
    assert refused.status_code == 422 and "checked by its content" in refused.text

    added = client.post(
        f"/proposals/{draft.id}/attachments",
        data={"csrf_token": csrf},
        files={"file": ("Volume 1.pdf", pdf_bytes(), "application/pdf")},
    )
    assert added.status_code == 303
    editor = client.get(f"/proposals/{draft.id}")
    assert "Volume 1.pdf" in editor.text and "/api/v1/attachments/" in editor.text


def test_withdrawal_asks_first_then_withdraws(
    client: TestClient,
    csrf: str,
    sign_in: SignIn,
    world: SimpleNamespace,
    draft: Proposal,
    session: Session,
) -> None:
    sign_in(client, world.alice)
    assert "Withdraw proposal" in client.get(f"/proposals/{draft.id}/withdraw").text
    client.post(f"/proposals/{draft.id}/withdraw", data={"csrf_token": csrf})
    session.refresh(draft)
    assert draft.status is ProposalStatus.WITHDRAWN


def test_the_viewer_sees_a_read_only_proposal_and_outsiders_a_404(
    client: TestClient, sign_in: SignIn, world: SimpleNamespace, draft: Proposal
) -> None:
    sign_in(client, world.bob)
    page = client.get(f"/proposals/{draft.id}")
    assert page.status_code == 200 and "hx-post" not in page.text and "readonly" in page.text
    sign_in(client, world.charlie)
    assert client.get(f"/proposals/{draft.id}").status_code == 404


def test_my_proposals_lists_the_proposals_of_my_organisations(
    client: TestClient, sign_in: SignIn, world: SimpleNamespace, draft: Proposal
) -> None:
    sign_in(client, world.bob)
    page = client.get("/proposals")
    assert "Mesh" in page.text and "Undersea acoustic communications" in page.text
    sign_in(client, world.charlie)
    assert "No proposals yet." in client.get("/proposals").text
