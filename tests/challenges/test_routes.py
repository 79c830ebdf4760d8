"""The challenges REST API end to end, with its permissions."""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from indusx.accounts.models import User
from indusx.challenges import files, service
from indusx.challenges.models import Challenge, Phase
from indusx.config import Settings
from indusx.db import utcnow
from tests.challenges.conftest import MakeChallenge, challenge_body, office_bytes, pdf_bytes

Headers = Callable[[User], dict[str, str]]


@pytest.fixture
def challenge(make_challenge: MakeChallenge) -> Challenge:
    return make_challenge(phase=Phase.OPEN)


def _start(client: TestClient, headers: dict[str, str], challenge: Challenge, org_id: int) -> Any:
    response = client.post(
        f"/api/v1/challenges/{challenge.id}/proposals",
        headers=headers,
        json={"lead_org_id": org_id, "title": "Covert acoustic mesh"},
    )
    assert response.status_code == 201, response.text
    return response.json()


def _complete(client: TestClient, headers: dict[str, str], proposal: dict[str, Any]) -> Any:
    challenge = client.get(f"/api/v1/challenges/{proposal['challenge_id']}", headers=headers)
    first = challenge.json()["questions"][0]["id"]
    response = client.patch(
        f"/api/v1/proposals/{proposal['id']}",
        headers=headers,
        json={
            "version": proposal["version"],
            "trl": 5,
            "answers": {str(first): "Spread spectrum."},
        },
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_an_officer_creates_and_opens_a_challenge_through_the_api(
    client: TestClient, world: SimpleNamespace, bearer: Headers
) -> None:
    headers = bearer(world.olga)
    created = client.post(
        "/api/v1/challenges", headers=headers, json=challenge_body(world.agency.id)
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["phase"] == "draft" and body["sponsor"] == "Innovations for Defence Excellence"

    opened = client.post(
        f"/api/v1/challenges/{body['id']}/phase", headers=headers, json={"phase": "open"}
    )

    assert opened.status_code == 200 and opened.json()["phase"] == "open"
    listing = client.get(
        "/api/v1/challenges?status=open&q=acoustic", headers=bearer(world.charlie)
    ).json()
    assert listing["total"] == 1 and listing["items"][0]["slug"] == body["slug"]
    assert listing["items"][0]["deadline_local"].endswith("IST")


def test_a_member_cannot_create_a_challenge_and_anonymous_callers_get_401(
    client: TestClient, world: SimpleNamespace, bearer: Headers
) -> None:
    body = challenge_body(world.agency.id)
    assert (
        client.post("/api/v1/challenges", headers=bearer(world.alice), json=body).status_code == 403
    )
    assert client.post("/api/v1/challenges", json=body).status_code == 401
    assert client.get("/api/v1/challenges").status_code == 401


def test_changing_the_rubric_of_an_open_challenge_is_a_409_that_says_it_is_frozen(
    client: TestClient, world: SimpleNamespace, bearer: Headers, challenge: Challenge
) -> None:
    response = client.patch(
        f"/api/v1/challenges/{challenge.id}",
        headers=bearer(world.olga),
        json={"criteria": [{"name": "Cost", "weight": 1}]},
    )
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert (
        "The rubric and questions are frozen once the challenge is open"
        in (response.json()["detail"])
    )
    assert response.json()["errors"][0]["field"] == "criteria"


def test_an_officer_of_another_agency_cannot_change_or_move_the_challenge(
    client: TestClient, world: SimpleNamespace, bearer: Headers, challenge: Challenge
) -> None:
    headers = bearer(world.oscar)
    assert (
        client.patch(
            f"/api/v1/challenges/{challenge.id}", headers=headers, json={"prize": "x"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/v1/challenges/{challenge.id}/phase",
            headers=headers,
            json={"phase": "submissions-closed"},
        ).status_code
        == 403
    )


def test_a_skipped_phase_is_a_409_problem(
    client: TestClient, world: SimpleNamespace, bearer: Headers, challenge: Challenge
) -> None:
    response = client.post(
        f"/api/v1/challenges/{challenge.id}/phase",
        headers=bearer(world.olga),
        json={"phase": "awarded"},
    )
    assert response.status_code == 409
    assert "moves on to submissions closed (submissions-closed)" in response.json()["detail"]


def test_a_draft_challenge_is_404_to_everyone_but_its_managers(
    client: TestClient, world: SimpleNamespace, bearer: Headers, make_challenge: MakeChallenge
) -> None:
    draft = make_challenge(phase=Phase.DRAFT)
    assert (
        client.get(f"/api/v1/challenges/{draft.id}", headers=bearer(world.alice)).status_code == 404
    )
    assert (
        client.get(f"/api/v1/challenges/{draft.id}", headers=bearer(world.oscar)).status_code == 404
    )
    assert (
        client.get(f"/api/v1/challenges/{draft.id}", headers=bearer(world.olga)).json()[
            "can_manage"
        ]
        is True
    )


def test_a_stale_autosave_is_a_409_and_the_stored_text_is_kept(
    client: TestClient, world: SimpleNamespace, bearer: Headers, challenge: Challenge
) -> None:
    proposal = _start(client, bearer(world.alice), challenge, world.india.id)
    first = client.patch(
        f"/api/v1/proposals/{proposal['id']}",
        headers=bearer(world.alice),
        json={"version": 1, "summary": "Alice's summary"},
    )
    assert first.json()["version"] == 2

    stale = client.patch(
        f"/api/v1/proposals/{proposal['id']}",
        headers=bearer(world.erin),
        json={"version": 1, "summary": "Erin's summary"},
    )

    assert stale.status_code == 409
    assert stale.json()["errors"] == [
        {"field": "version", "message": "stale: the stored version is 2"}
    ]
    kept = client.get(f"/api/v1/proposals/{proposal['id']}", headers=bearer(world.erin)).json()
    assert kept["summary"] == "Alice's summary"


def test_a_late_submission_is_a_409_with_the_deadline_and_the_draft_is_kept(
    client: TestClient,
    world: SimpleNamespace,
    bearer: Headers,
    challenge: Challenge,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    headers = bearer(world.alice)
    proposal = _complete(client, headers, _start(client, headers, challenge, world.india.id))
    assert challenge.deadline_at is not None
    deadline = challenge.deadline_at
    monkeypatch.setattr(service, "now", lambda: deadline + timedelta(seconds=1))

    response = client.post(f"/api/v1/proposals/{proposal['id']}/submit", headers=headers)

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    detail = response.json()["detail"]
    assert service.local(deadline, "Asia/Kolkata") in detail and "Your draft is kept." in detail
    kept = client.get(f"/api/v1/proposals/{proposal['id']}", headers=headers).json()
    assert kept["status"] == "draft" and kept["title"] == "Covert acoustic mesh"
    assert kept["answers"] == proposal["answers"]


def test_a_consortium_confirms_and_submits_through_the_api(
    client: TestClient, world: SimpleNamespace, bearer: Headers, challenge: Challenge
) -> None:
    alice, dave = bearer(world.alice), bearer(world.dave)
    proposal = _complete(client, alice, _start(client, alice, challenge, world.india.id))
    invited = client.post(
        f"/api/v1/proposals/{proposal['id']}/co-applicants",
        headers=alice,
        json={"org_id": world.us.id},
    )
    assert invited.status_code == 201 and invited.json()["state"] == "invited"

    blocked = client.post(f"/api/v1/proposals/{proposal['id']}/submit", headers=alice)
    assert blocked.status_code == 422
    assert blocked.json()["errors"] == [
        {
            "field": f"co_applicants.{world.us.id}.confirmed",
            "message": "Dave Maritime Robotics has not confirmed its participation yet",
        }
    ]
    assert (
        client.post(f"/api/v1/proposals/{proposal['id']}/confirm", headers=alice).status_code == 403
    )
    confirmed = client.post(f"/api/v1/proposals/{proposal['id']}/confirm", headers=dave)
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"

    submitted = client.post(f"/api/v1/proposals/{proposal['id']}/submit", headers=alice)
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    withdrawn = client.post(f"/api/v1/proposals/{proposal['id']}/withdraw", headers=alice)
    assert withdrawn.json()["status"] == "withdrawn"


def test_a_co_applicant_may_decline(
    client: TestClient, world: SimpleNamespace, bearer: Headers, challenge: Challenge
) -> None:
    alice = bearer(world.alice)
    proposal = _start(client, alice, challenge, world.india.id)
    client.post(
        f"/api/v1/proposals/{proposal['id']}/co-applicants",
        headers=alice,
        json={"org_id": world.us.id},
    )
    declined = client.post(
        f"/api/v1/proposals/{proposal['id']}/decline", headers=bearer(world.dave)
    )
    assert declined.status_code == 200 and declined.json()["state"] == "declined"


def test_managers_list_every_proposal_and_applicants_only_their_own(
    client: TestClient, world: SimpleNamespace, bearer: Headers, challenge: Challenge
) -> None:
    _start(client, bearer(world.alice), challenge, world.india.id)
    _start(client, bearer(world.dave), challenge, world.us.id)
    url = f"/api/v1/challenges/{challenge.id}/proposals"

    def leads(user: User) -> list[str]:
        return sorted(p["lead"] for p in client.get(url, headers=bearer(user)).json()["items"])

    assert leads(world.olga) == ["Alice Undersea Systems", "Dave Maritime Robotics"]
    assert leads(world.admin) == ["Alice Undersea Systems", "Dave Maritime Robotics"]
    assert leads(world.bob) == ["Alice Undersea Systems"]
    assert leads(world.dave) == ["Dave Maritime Robotics"]
    assert leads(world.oscar) == [] and leads(world.charlie) == []


@pytest.mark.parametrize(
    ("who", "status"),
    [("bob", 200), ("olga", 200), ("admin", 200), ("oscar", 404), ("charlie", 404)],
)
def test_who_may_read_a_proposal(
    client: TestClient,
    world: SimpleNamespace,
    bearer: Headers,
    challenge: Challenge,
    who: str,
    status: int,
) -> None:
    proposal = _start(client, bearer(world.alice), challenge, world.india.id)
    response = client.get(
        f"/api/v1/proposals/{proposal['id']}", headers=bearer(getattr(world, who))
    )
    assert response.status_code == status


def test_a_pdf_is_attached_stored_outside_the_web_root_and_downloaded_only_by_readers(
    client: TestClient,
    world: SimpleNamespace,
    bearer: Headers,
    challenge: Challenge,
    settings: Settings,
) -> None:
    alice = bearer(world.alice)
    proposal = _start(client, alice, challenge, world.india.id)
    data = pdf_bytes()

    uploaded = client.post(
        f"/api/v1/proposals/{proposal['id']}/attachments",
        headers=alice,
        files={"file": ("Technical volume.pdf", data, "text/plain")},
    )

    assert uploaded.status_code == 201, uploaded.text
    attachment = uploaded.json()
    assert attachment["content_type"] == "application/pdf"  # the content, not the claim
    stored = list(Path(settings.upload_dir).rglob("*"))
    stored_files = [p for p in stored if p.is_file()]
    assert len(stored_files) == 1 and data not in stored_files[0].read_bytes()  # sealed
    assert "Technical volume" not in str(stored_files[0])
    assert files.STATIC_DIR not in stored_files[0].resolve().parents

    url = attachment["download_url"]
    for reader in (world.alice, world.bob, world.olga):
        response = client.get(url, headers=bearer(reader))
        assert response.status_code == 200 and response.content == data
        assert response.headers["content-disposition"].startswith(
            'attachment; filename="Technical volume.pdf"'
        )
    for outsider in (world.charlie, world.oscar, world.dave):
        assert client.get(url, headers=bearer(outsider)).status_code == 404
    assert client.get(url).status_code == 401

    assert client.delete(url, headers=bearer(world.bob)).status_code == 403
    assert client.delete(url, headers=alice).status_code == 204
    assert not stored_files[0].exists()
    assert client.get(url, headers=alice).status_code == 404


def test_a_renamed_text_file_and_an_oversized_file_are_refused(
    client: TestClient,
    world: SimpleNamespace,
    bearer: Headers,
    challenge: Challenge,
    settings: Settings,
) -> None:
    alice = bearer(world.alice)
    proposal = _start(client, alice, challenge, world.india.id)
    url = f"/api/v1/proposals/{proposal['id']}/attachments"

    text = client.post(
        url, headers=alice, files={"file": ("budget.xlsx", b"name,amount\nsonar,10\n", "text/csv")}
    )
    big = client.post(
        url,
        headers=alice,
        files={
            "file": ("big.pdf", pdf_bytes() + b"%" * settings.upload_max_bytes, "application/pdf")
        },
    )
    docx = client.post(
        url,
        headers=alice,
        files={"file": ("plan.docx", office_bytes(), "application/octet-stream")},
    )

    assert text.status_code == 422 and text.json()["errors"][0]["field"] == "file"
    assert "checked by its content" in text.json()["errors"][0]["message"]
    assert big.status_code == 422 and "the limit is 64 KB" in big.json()["detail"]
    assert docx.status_code == 201
    listed = client.get(url, headers=bearer(world.bob)).json()
    assert [a["filename"] for a in listed] == ["plan.docx"]


def test_the_openapi_document_describes_the_challenge_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert paths["/api/v1/proposals/{proposal_id}/submit"]["post"]["summary"] == (
        "Submit a proposal"
    )
    assert "409" in paths["/api/v1/proposals/{proposal_id}/submit"]["post"]["description"]
    assert paths["/api/v1/challenges"]["get"]["summary"] == "List challenges"


def test_times_without_an_offset_are_read_in_the_challenge_time_zone(
    client: TestClient, world: SimpleNamespace, bearer: Headers
) -> None:
    year = utcnow().year + 2
    body = challenge_body(
        world.agency.id, timezone="America/New_York", deadline_at=f"{year}-01-15T17:00:00"
    )
    made = client.post("/api/v1/challenges", headers=bearer(world.olga), json=body).json()
    assert made["deadline_at"].startswith(f"{year}-01-15T22:00:00")
    assert made["deadline_local"] == f"15 Jan {year}, 17:00 EST"
