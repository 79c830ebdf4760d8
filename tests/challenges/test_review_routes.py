"""Review API end to end: queue, declaration, scores, pool, assignment, ranking, decisions,
export; who may call what, and blind review in the answers."""

import csv
import io
from collections.abc import Callable
from types import SimpleNamespace

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.challenges.models import Phase, ReviewStatus
from tests.challenges.review_support import give_review
from tests.challenges.review_support import reviewing as reviewing

Bearer = Callable[[User], dict[str, str]]


def test_a_reviewer_declares_scores_saves_and_submits_through_the_api(
    client: TestClient, bearer: Bearer, session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    me = bearer(c.reviewers[0])
    item = give_review(session, c.joint, c.reviewers[0], status=ReviewStatus.ASSIGNED)
    session.commit()

    queue = client.get("/api/v1/reviews", headers=me).json()
    assert queue["total"] == 1 and queue["counts"]["assigned"] == 1
    assert queue["items"][0]["title"] == f"Proposal #{c.joint.id}"
    before = client.get(f"/api/v1/reviews/{item.id}", headers=me).json()
    assert before["readable"] is False and before["proposal"] is None
    assert before["title"] == f"Proposal #{c.joint.id}"

    declared = client.post(
        f"/api/v1/reviews/{item.id}/declare", headers=me, json={"conflict": False}
    )
    assert declared.status_code == 200
    assert declared.json()["proposal"]["parties"][0]["label"] == "Sagar Acoustics Pvt Ltd"
    merit, team = (x.id for x in c.criteria)
    saved = client.put(
        f"/api/v1/reviews/{item.id}",
        headers=me,
        json={"scores": [{"criterion_id": merit, "score": 7, "comment": "Good link budget"}]},
    )
    assert saved.status_code == 200 and saved.json()["status"] == "in-progress"
    refused = client.put(f"/api/v1/reviews/{item.id}", headers=me, json={"submit": True})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": f"scores.{team}", "message": "score this criterion"}
    ]

    done = client.put(
        f"/api/v1/reviews/{item.id}",
        headers=me,
        json={"scores": [{"criterion_id": team, "score": 3}], "comment": "Fund it", "submit": True},
    )

    assert done.status_code == 200
    body = done.json()
    assert body["status"] == "submitted" and body["comment"] == "Fund it"
    assert {s["criterion_id"]: s["score"] for s in body["scores"]} == {merit: 7, team: 3}


def test_a_conflicted_reviewer_gets_no_content_from_the_api(
    client: TestClient, bearer: Bearer, session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    me = bearer(c.reviewers[0])
    item = give_review(session, c.single, c.reviewers[0], status=ReviewStatus.ASSIGNED)
    session.commit()

    response = client.post(
        f"/api/v1/reviews/{item.id}/declare",
        headers=me,
        json={"conflict": True, "reason": "Former director of Kaveri"},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "conflicted" and body["proposal"] is None
    assert body["title"] == f"Proposal #{c.single.id}"
    assert "Low-power" not in response.text
    assert (
        client.put(f"/api/v1/reviews/{item.id}", headers=me, json={"scores": []}).status_code == 409
    )


def test_blind_review_hides_identity_in_the_api_for_the_reviewer(
    client: TestClient, bearer: Bearer, session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    c.challenge.blind_review = True
    item = give_review(session, c.joint, c.reviewers[1], status=ReviewStatus.IN_PROGRESS)
    session.commit()

    response = client.get(f"/api/v1/reviews/{item.id}", headers=bearer(c.reviewers[1]))

    assert response.status_code == 200
    assert "Sagar" not in response.text and "Bluefin" not in response.text
    assert [p["label"] for p in response.json()["proposal"]["parties"]] == [
        "Lead applicant",
        "Co-applicant 1",
    ]
    ranking = client.get(
        f"/api/v1/challenges/{c.challenge.id}/ranking", headers=bearer(c.reviewers[1])
    )
    assert ranking.status_code == 200 and ranking.json()["see_identity"] is False
    assert "Sagar" not in ranking.text


def test_only_the_reviewer_and_the_managers_read_a_review(
    client: TestClient, bearer: Bearer, session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    item = give_review(session, c.us, c.reviewers[0], status=ReviewStatus.IN_PROGRESS)
    session.commit()
    path = f"/api/v1/reviews/{item.id}"

    assert client.get(path, headers=bearer(c.manager)).status_code == 200
    for user in (c.reviewers[1], c.other_officer, c.applicant, c.outsider):
        assert client.get(path, headers=bearer(user)).status_code == 403, user.full_name
    assert client.get(path).status_code == 401
    assert client.get("/api/v1/reviews/999999", headers=bearer(c.manager)).status_code == 404


def test_managers_build_the_pool_assign_and_auto_assign_and_others_may_not(
    client: TestClient, bearer: Bearer, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    base = f"/api/v1/challenges/{c.challenge.id}"
    boss = bearer(c.manager)
    for user in (c.other_officer, c.reviewers[0], c.applicant, c.outsider):
        headers = bearer(user)
        assert (
            client.post(
                f"{base}/reviewers", headers=headers, json={"emails": [c.outsider.email]}
            ).status_code
            == 403
        )
        assert client.post(f"{base}/auto-assign", headers=headers, json={}).status_code == 403
        assert client.get(f"{base}/progress", headers=headers).status_code == 403

    pool = client.post(f"{base}/reviewers", headers=boss, json={"emails": [c.outsider.email]})
    assert pool.status_code == 200 and len(pool.json()) == 4
    member = client.post(
        f"{base}/assignments",
        headers=boss,
        json={"proposal_id": c.joint.id, "reviewer_id": c.reviewers[2].id},
    )
    assert member.status_code == 409 and "member of an applicant" in member.json()["detail"]
    made = client.post(
        f"{base}/assignments",
        headers=boss,
        json={"proposal_id": c.joint.id, "reviewer_id": c.reviewers[0].id},
    )
    assert made.status_code == 201 and made.json()["status"] == "assigned"

    auto = client.post(f"{base}/auto-assign", headers=boss, json={"seed": 5})

    assert auto.status_code == 200
    assert auto.json()["created"] == 5 and auto.json()["unstaffed"] == []
    progress = client.get(f"{base}/progress", headers=boss).json()
    assert all(row["active"] == 2 for row in progress["proposals"])
    assert max(row["active"] for row in progress["reviewers"]) == 2


def test_decisions_through_the_api_keep_to_phases_and_parties_see_them(
    client: TestClient, bearer: Bearer, session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    path = f"/api/v1/proposals/{c.joint.id}/decisions"
    early = client.post(
        path,
        headers=bearer(c.manager),
        json={"outcome": "shortlisted", "reason": "Top of the ranking"},
    )
    assert early.status_code == 409
    c.challenge.phase = Phase.SHORTLIST
    session.commit()
    assert (
        client.post(
            path, headers=bearer(c.other_officer), json={"outcome": "shortlisted", "reason": "Mine"}
        ).status_code
        == 403
    )

    made = client.post(
        path,
        headers=bearer(c.manager),
        json={"outcome": "shortlisted", "reason": "Top of the ranking"},
    )

    assert made.status_code == 201 and made.json()["stage"] == "shortlist"
    seen = client.get(path, headers=bearer(c.co_applicant))
    assert seen.status_code == 200 and seen.json()[0]["reason"] == "Top of the ranking"
    assert client.get(path, headers=bearer(c.outsider)).status_code == 403


def test_the_export_keeps_the_filters_and_blind_rules_of_the_caller(
    client: TestClient, bearer: Bearer, session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    merit, team = (x.id for x in c.criteria)
    for proposal in (c.joint, c.single, c.us):
        give_review(session, proposal, c.reviewers[1], {merit: 5, team: 3})
    c.challenge.blind_review = True
    session.commit()
    url = f"/api/v1/challenges/{c.challenge.id}/export.csv"

    managers = client.get(url, params={"country": "IN"}, headers=bearer(c.manager))
    reviewers = client.get(url, headers=bearer(c.reviewers[1]))

    assert managers.status_code == 200 and managers.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(managers.text)))
    assert {r["lead_organisation"] for r in rows} == {
        "Sagar Acoustics Pvt Ltd",
        "Kaveri Sonar Systems",
    }
    assert "Bluefin Robotics Inc" in managers.text
    assert reviewers.status_code == 200
    assert "Sagar" not in reviewers.text and "Kaveri" not in reviewers.text
    assert len(list(csv.DictReader(io.StringIO(reviewers.text)))) == 3
    assert client.get(url, headers=bearer(c.applicant)).status_code == 403


def test_a_reviewer_records_a_standing_conflict(
    client: TestClient, bearer: Bearer, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    response = client.post(
        "/api/v1/reviewer-conflicts",
        headers=bearer(c.reviewers[0]),
        json={"org_id": c.solo.id, "reason": "I hold shares in it"},
    )

    assert response.status_code == 201
    assert response.json() == {
        "user_id": c.reviewers[0].id,
        "org_id": c.solo.id,
        "reason": "I hold shares in it",
    }
    assigned = client.post(
        f"/api/v1/challenges/{c.challenge.id}/assignments",
        headers=bearer(c.manager),
        json={"proposal_id": c.single.id, "reviewer_id": c.reviewers[0].id},
    )
    assert assigned.status_code == 409


def test_the_review_api_is_documented_with_summaries(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]

    assert paths["/api/v1/reviews"]["get"]["summary"] == "My review queue"
    assert "summary" in paths["/api/v1/challenges/{challenge_id}/auto-assign"]["post"]
    assert "summary" in paths["/api/v1/proposals/{proposal_id}/decisions"]["post"]
