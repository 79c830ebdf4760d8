"""Blind review through the proposals API and downloads; closing early; withdrawing late."""

import hashlib
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.challenges import files
from indusx.challenges import proposals as proposal_service
from indusx.challenges import service as challenge_service
from indusx.challenges.models import (
    Attachment,
    Decision,
    DecisionStage,
    Outcome,
    Phase,
    ReviewStatus,
)
from indusx.config import Settings
from indusx.errors import Conflict, Invalid
from tests.challenges.conftest import pdf_bytes
from tests.challenges.review_support import give_review, principal
from tests.challenges.review_support import reviewing as reviewing

Headers = Callable[[User], dict[str, str]]


@pytest.fixture
def blind(session: Session, reviewing: SimpleNamespace, settings: Settings) -> SimpleNamespace:
    """The joint proposal under blind review, with a PDF, and reviewer A cleared to read it."""
    c = reviewing
    c.challenge.blind_review = True
    data = pdf_bytes()
    key = hashlib.sha256(data).hexdigest()[:32]
    path = files.path_for(settings, key)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(data)
    session.add(Attachment(proposal_id=c.joint.id, filename="Sagar Acoustics - plan.PDF",
                           content_type="application/pdf", size_bytes=len(data),
                           sha256=hashlib.sha256(data).hexdigest(), storage_key=key))
    give_review(session, c.joint, c.reviewers[0], status=ReviewStatus.IN_PROGRESS)
    session.commit()
    return c


def test_a_blind_reviewer_sees_no_applicant_names_in_the_proposals_api(
    client: TestClient, bearer: Headers, blind: SimpleNamespace
) -> None:
    body = client.get(f"/api/v1/proposals/{blind.joint.id}",
                      headers=bearer(blind.reviewers[0])).json()
    applicant = client.get(f"/api/v1/proposals/{blind.joint.id}",
                           headers=bearer(blind.applicant)).json()

    assert body["lead_org_id"] is None
    assert [p["name"] for p in body["parties"]] == ["Lead applicant", "Co-applicant 1"]
    assert {p["org_id"] for p in body["parties"]} == {None}
    assert [a["filename"] for a in body["attachments"]] == ["Attachment 1.pdf"]
    assert "Sagar" not in str(body) and "Bluefin" not in str(body)
    assert applicant["attachments"][0]["filename"] == "Sagar Acoustics - plan.PDF"
    assert {p["name"] for p in applicant["parties"]} == {"Sagar Acoustics Pvt Ltd",
                                                          "Bluefin Robotics Inc"}


def test_a_blind_reviewer_downloads_a_file_under_a_neutral_name(
    client: TestClient, bearer: Headers, blind: SimpleNamespace
) -> None:
    [listed] = client.get(f"/api/v1/proposals/{blind.joint.id}/attachments",
                          headers=bearer(blind.reviewers[0])).json()

    download = client.get(listed["download_url"], headers=bearer(blind.reviewers[0]))

    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert 'filename="Attachment 1.pdf"' in download.headers["content-disposition"]
    assert "Sagar" not in download.headers["content-disposition"]


def test_closing_submissions_before_the_deadline_needs_a_reason(
    session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    c.challenge.phase = Phase.OPEN
    c.challenge.deadline_at = challenge_service.now().replace(year=2099)
    officer = principal(session, c.manager)

    with pytest.raises(Invalid) as raised:
        challenge_service.change_phase(session=session, challenge=c.challenge,
                                       to=Phase.SUBMISSIONS_CLOSED, reason="", principal=officer)
    assert raised.value.errors[0]["field"] == "reason"

    challenge_service.change_phase(session=session, challenge=c.challenge,
                                   to=Phase.SUBMISSIONS_CLOSED, reason="Sponsor's instruction",
                                   principal=officer)
    assert c.challenge.phase is Phase.SUBMISSIONS_CLOSED


def test_an_awarded_proposal_cannot_be_withdrawn(
    session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    c.challenge.phase = Phase.PITCH
    session.add(Decision(proposal_id=c.joint.id, stage=DecisionStage.AWARD,
                         outcome=Outcome.AWARDED, reason="Won the pitch", award_usd=1000))
    session.flush()
    lead = principal(session, c.applicant)
    loaded = proposal_service.load(session=session, principal=lead, proposal_id=c.joint.id)

    with pytest.raises(Conflict, match="awarded"):
        proposal_service.withdraw(session=session, principal=lead, loaded=loaded)
