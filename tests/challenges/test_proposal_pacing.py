"""Proposal submission and attachment uploads from the pages come at a person's pace."""

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.challenges import proposals, service
from indusx.challenges.models import Attachment, Challenge, Phase, Proposal, ProposalStatus
from indusx.config import Settings
from indusx.pacing import TOO_FAST, Flow
from tests.challenges.conftest import MakeChallenge, pdf_bytes, principal_of
from tests.support.pacing import SLOW, stamp_from, stamp_in

SignIn = Callable[[TestClient, User], TestClient]
APPROACH = "Our approach: acoustic mesh relays."


@pytest.fixture
def ready(
    session: Session, world: SimpleNamespace, make_challenge: MakeChallenge,
    client: TestClient, csrf: str, sign_in: SignIn,
) -> Proposal:
    """alice's draft with every question answered, ready to submit; alice is signed in."""
    challenge: Challenge = make_challenge(phase=Phase.OPEN)
    draft = proposals.start(session=session, principal=principal_of(session, world.alice),
                            challenge=challenge, lead_org_id=world.india.id, title="Mesh")
    session.commit()
    sign_in(client, world.alice)
    first = service.questions_of(session, challenge.id)[0]
    saved = client.post(f"/proposals/{draft.id}/autosave", headers={"HX-Request": "true"},
                        data={"csrf_token": csrf, "version": "1", "title": "Mesh", "trl": "5",
                              f"answer-{first.id}": APPROACH})
    assert saved.status_code == 200
    return draft


def _attachments(session: Session, proposal: Proposal) -> list[Attachment]:
    return list(session.scalars(select(Attachment).where(Attachment.proposal_id == proposal.id)))


def test_a_proposal_submitted_at_once_is_refused_and_stays_a_draft(
    client: TestClient, csrf: str, settings: Settings, session: Session, ready: Proposal
) -> None:
    settings.form_min_seconds = SLOW
    confirm = client.get(f"/proposals/{ready.id}/submit").text

    response = client.post(f"/proposals/{ready.id}/submit",
                           data={"csrf_token": csrf, "form_stamp": stamp_in(confirm)})

    assert response.status_code == 422
    assert TOO_FAST in response.text and APPROACH in response.text
    session.refresh(ready)
    assert ready.status is ProposalStatus.DRAFT


@pytest.mark.parametrize("case", ["missing", "other form", "other browser"])
def test_a_submission_without_its_own_stamp_is_refused(
    client: TestClient, csrf: str, settings: Settings, session: Session, ready: Proposal,
    case: str,
) -> None:
    settings.form_min_seconds = 2
    stamp = {
        "missing": "",
        "other form": stamp_from(settings, Flow.PROPOSAL_ATTACHMENT, seconds_ago=10),
        "other browser": stamp_from(settings, Flow.PROPOSAL_SUBMIT, seconds_ago=10,
                                    browser="theirs"),
    }[case]

    response = client.post(f"/proposals/{ready.id}/submit",
                           data={"csrf_token": csrf, "form_stamp": stamp})

    assert response.status_code == 422 and "does not match the page" in response.text
    session.refresh(ready)
    assert ready.status is ProposalStatus.DRAFT


def test_a_proposal_submitted_after_the_minimum_is_submitted(
    client: TestClient, csrf: str, settings: Settings, session: Session, ready: Proposal
) -> None:
    settings.form_min_seconds = 2
    stamp = stamp_from(settings, Flow.PROPOSAL_SUBMIT, seconds_ago=5)

    response = client.post(f"/proposals/{ready.id}/submit",
                           data={"csrf_token": csrf, "form_stamp": stamp})

    assert response.status_code == 303
    session.refresh(ready)
    assert ready.status is ProposalStatus.SUBMITTED


def test_a_file_attached_at_once_is_refused_and_the_editor_shown_again(
    client: TestClient, csrf: str, settings: Settings, session: Session, ready: Proposal
) -> None:
    settings.form_min_seconds = SLOW
    editor = client.get(f"/proposals/{ready.id}").text

    response = client.post(f"/proposals/{ready.id}/attachments",
                           data={"csrf_token": csrf, "form_stamp": stamp_in(editor)},
                           files={"file": ("Volume 1.pdf", pdf_bytes(), "application/pdf")})

    assert response.status_code == 422
    assert TOO_FAST in response.text and APPROACH in response.text
    assert _attachments(session, ready) == []


@pytest.mark.parametrize("case", ["missing", "other form", "other browser"])
def test_a_file_without_its_own_stamp_is_refused(
    client: TestClient, csrf: str, settings: Settings, session: Session, ready: Proposal,
    case: str,
) -> None:
    settings.form_min_seconds = 2
    stamp = {
        "missing": "",
        "other form": stamp_from(settings, Flow.PROPOSAL_SUBMIT, seconds_ago=10),
        "other browser": stamp_from(settings, Flow.PROPOSAL_ATTACHMENT, seconds_ago=10,
                                    browser="theirs"),
    }[case]

    response = client.post(f"/proposals/{ready.id}/attachments",
                           data={"csrf_token": csrf, "form_stamp": stamp},
                           files={"file": ("Volume 1.pdf", pdf_bytes(), "application/pdf")})

    assert response.status_code == 422 and "does not match the page" in response.text
    assert _attachments(session, ready) == []


def test_a_file_attached_after_the_minimum_is_kept(
    client: TestClient, csrf: str, settings: Settings, session: Session, ready: Proposal
) -> None:
    settings.form_min_seconds = 2
    stamp = stamp_from(settings, Flow.PROPOSAL_ATTACHMENT, seconds_ago=5)

    response = client.post(f"/proposals/{ready.id}/attachments",
                           data={"csrf_token": csrf, "form_stamp": stamp},
                           files={"file": ("Volume 1.pdf", pdf_bytes(), "application/pdf")})

    assert response.status_code == 303
    assert [a.filename for a in _attachments(session, ready)] == ["Volume 1.pdf"]
