"""Reads of a proposal and its files by anyone outside its organisations (managers, admins,
reviewers) are audited as `data.read`, once per reader and object in the window; the
applicants' own reads are not."""

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.audit import reads
from indusx.audit.models import AuditEvent
from indusx.challenges.models import Challenge, Phase, ReviewStatus
from tests.challenges.conftest import MakeChallenge, pdf_bytes
from tests.challenges.review_support import give_review
from tests.challenges.review_support import reviewing as reviewing

Bearer = Callable[[User], dict[str, str]]
SignIn = Callable[[TestClient, User], TestClient]


def _reads(session: Session, object_type: str = "proposal") -> list[tuple[int | None, str, str]]:
    session.expire_all()
    events = session.scalars(select(AuditEvent).where(
        AuditEvent.action == reads.ACTION, AuditEvent.object_type == object_type,
    ).order_by(AuditEvent.id))
    return [(e.actor_id, e.object_id, e.via) for e in events]


def test_a_managers_and_an_admins_reads_are_audited_once_each_naming_only_the_proposal(
    client: TestClient, bearer: Bearer, session: Session, reviewing: SimpleNamespace,
    make_user: Callable[..., User],
) -> None:
    c = reviewing
    admin = make_user(role="admin", password=None)
    url = f"/api/v1/proposals/{c.joint.id}"
    for _ in range(2):
        assert client.get(url, headers=bearer(c.manager)).status_code == 200
    assert client.get(url, headers=bearer(admin)).status_code == 200

    assert _reads(session) == [(c.manager.id, str(c.joint.id), "api"),
                               (admin.id, str(c.joint.id), "api")]
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == reads.ACTION)).first()
    assert event is not None and "Joint acoustic mesh" not in event.summary
    assert event.after == {"read": "view"}


def test_the_applicants_own_reads_are_not_audited(
    client: TestClient, bearer: Bearer, session: Session, reviewing: SimpleNamespace,
    sign_in: SignIn,
) -> None:
    c = reviewing
    for user in (c.applicant, c.co_applicant):
        response = client.get(f"/api/v1/proposals/{c.joint.id}", headers=bearer(user))
        assert response.status_code == 200
    assert sign_in(client, c.applicant).get(f"/proposals/{c.joint.id}").status_code == 200
    assert _reads(session) == []


def test_the_read_only_page_audits_a_managers_view(
    client: TestClient, session: Session, reviewing: SimpleNamespace, sign_in: SignIn,
) -> None:
    c = reviewing
    page = sign_in(client, c.manager).get(f"/proposals/{c.single.id}")
    assert page.status_code == 200 and "Low-power sonar modem" in page.text
    assert _reads(session) == [(c.manager.id, str(c.single.id), "web")]


@pytest.mark.parametrize("status", [ReviewStatus.ASSIGNED, ReviewStatus.IN_PROGRESS])
def test_a_reviewer_is_audited_once_the_proposal_is_shown_to_them(
    client: TestClient, bearer: Bearer, session: Session, reviewing: SimpleNamespace,
    sign_in: SignIn, status: ReviewStatus,
) -> None:
    c = reviewing
    reviewer = c.reviewers[0]
    item = give_review(session, c.us, reviewer, status=status)
    session.commit()
    assert client.get(f"/api/v1/reviews/{item.id}", headers=bearer(reviewer)).status_code == 200
    assert sign_in(client, reviewer).get(f"/reviews/{item.id}").status_code == 200
    # Before the conflict declaration the proposal is a placeholder: nothing was read.
    expected = [] if status is ReviewStatus.ASSIGNED else [(reviewer.id, str(c.us.id), "api")]
    assert _reads(session) == expected


def test_a_download_by_the_sponsor_is_audited_and_the_applicants_is_not(
    client: TestClient, bearer: Bearer, session: Session, world: SimpleNamespace,
    make_challenge: MakeChallenge,
) -> None:
    challenge: Challenge = make_challenge(phase=Phase.OPEN)
    alice = bearer(world.alice)
    proposal = client.post(f"/api/v1/challenges/{challenge.id}/proposals", headers=alice,
                           json={"lead_org_id": world.india.id, "title": "Covert mesh"}).json()
    uploaded = client.post(f"/api/v1/proposals/{proposal['id']}/attachments", headers=alice,
                           files={"file": ("Technical volume.pdf", pdf_bytes(), "text/plain")})
    assert uploaded.status_code == 201, uploaded.text
    url = uploaded.json()["download_url"]

    for reader in (world.alice, world.olga, world.olga):
        assert client.get(url, headers=bearer(reader)).status_code == 200

    assert _reads(session, "proposal_attachment") == [
        (world.olga.id, str(uploaded.json()["id"]), "api")]


def test_a_report_charts_csv_is_audited_once_per_reader_and_chart(
    client: TestClient, session: Session, reviewing: SimpleNamespace, sign_in: SignIn,
) -> None:
    c = reviewing
    manager = sign_in(client, c.manager)
    for key in ("country", "country", "status"):
        csv = manager.get(f"/challenges/{c.challenge.slug}/report/{key}.csv")
        assert csv.status_code == 200, csv.text
    assert [object_id for _, object_id, _ in _reads(session, "challenge_report")] == [
        f"{c.challenge.id}/country", f"{c.challenge.id}/status"]
