"""Review pages end to end: queue, declaration first, scoring with autosave and confirmation,
the review desk, the ranking with decisions and export, the report."""

from collections.abc import Callable
from types import SimpleNamespace

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.challenges.models import Phase, ReviewStatus
from tests.challenges.review_support import give_review
from tests.challenges.review_support import reviewing as reviewing

SignIn = Callable[[TestClient, User], TestClient]


def test_the_queue_shows_a_placeholder_until_the_reviewer_declares(
    client: TestClient, sign_in: SignIn, session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    item = give_review(session, c.joint, c.reviewers[0], status=ReviewStatus.ASSIGNED)
    session.commit()
    sign_in(client, c.reviewers[0])

    queue = client.get("/reviews")
    assert queue.status_code == 200
    assert f"Proposal #{c.joint.id}" in queue.text and "Joint acoustic mesh" not in queue.text
    assert 'href="/reviews"' in queue.text  # the navigation item
    page = client.get(f"/reviews/{item.id}")
    assert "First, declare any conflict of interest" in page.text
    assert "Joint acoustic mesh" not in page.text and "Sagar" not in page.text


def test_the_reviews_navigation_item_is_only_for_people_with_assignments(
    client: TestClient, sign_in: SignIn, reviewing: SimpleNamespace
) -> None:
    sign_in(client, reviewing.outsider)

    assert 'href="/reviews"' not in client.get("/orgs").text


def test_declaring_no_conflict_opens_the_proposal_and_the_rubric(
    client: TestClient, sign_in: SignIn, session: Session, reviewing: SimpleNamespace, csrf: str
) -> None:
    c = reviewing
    item = give_review(session, c.joint, c.reviewers[0], status=ReviewStatus.ASSIGNED)
    session.commit()
    sign_in(client, c.reviewers[0])

    declared = client.post(
        f"/reviews/{item.id}/declare", data={"csrf_token": csrf, "conflict": "no"}
    )

    assert declared.status_code == 303
    page = client.get(f"/reviews/{item.id}")
    assert "Joint acoustic mesh" in page.text and "Sagar Acoustics Pvt Ltd" in page.text
    assert f'name="score-{c.criteria[0].id}"' in page.text and "out of 10" in page.text


def test_declaring_a_conflict_needs_a_reason_and_then_hides_the_proposal(
    client: TestClient, sign_in: SignIn, session: Session, reviewing: SimpleNamespace, csrf: str
) -> None:
    c = reviewing
    item = give_review(session, c.single, c.reviewers[0], status=ReviewStatus.ASSIGNED)
    session.commit()
    sign_in(client, c.reviewers[0])

    missing = client.post(
        f"/reviews/{item.id}/declare", data={"csrf_token": csrf, "conflict": "yes"}
    )
    assert missing.status_code == 422 and "say what the conflict is" in missing.text.lower()
    client.post(
        f"/reviews/{item.id}/declare",
        data={"csrf_token": csrf, "conflict": "yes", "reason": "I advise Kaveri"},
    )

    page = client.get(f"/reviews/{item.id}")
    assert "You declared a conflict" in page.text
    assert "Low-power sonar modem" not in page.text and "score-" not in page.text


def test_scores_autosave_then_submit_after_confirmation(
    client: TestClient, sign_in: SignIn, session: Session, reviewing: SimpleNamespace, csrf: str
) -> None:
    c = reviewing
    item = give_review(session, c.us, c.reviewers[0], status=ReviewStatus.IN_PROGRESS)
    session.commit()
    sign_in(client, c.reviewers[0])
    merit, team = (x.id for x in c.criteria)

    autosaved = client.post(
        f"/reviews/{item.id}",
        headers={"HX-Request": "true"},
        data={
            "csrf_token": csrf,
            "action": "autosave",
            f"score-{merit}": "6",
            f"comment-{merit}": "Fair",
        },
    )
    assert autosaved.status_code == 200 and "Saved" in autosaved.text
    bad = client.post(
        f"/reviews/{item.id}", data={"csrf_token": csrf, "action": "save", f"score-{team}": "9"}
    )
    assert bad.status_code == 422 and "from 0 to 5" in bad.text
    incomplete = client.post(
        f"/reviews/{item.id}", data={"csrf_token": csrf, "action": "submit", f"score-{merit}": "6"}
    )
    assert incomplete.status_code == 422 and "Score this criterion" in incomplete.text

    to_confirm = client.post(
        f"/reviews/{item.id}",
        data={"csrf_token": csrf, "action": "submit", f"score-{merit}": "6", f"score-{team}": "4"},
    )
    assert to_confirm.headers["location"] == f"/reviews/{item.id}/submit"
    confirm = client.get(f"/reviews/{item.id}/submit")
    # (2 * 0.6 + 0.8) / 3 = 66.7%
    assert "66.7%" in confirm.text
    done = client.post(f"/reviews/{item.id}/submit", data={"csrf_token": csrf})

    assert done.status_code == 303
    session.refresh(item)
    assert item.status is ReviewStatus.SUBMITTED
    assert "can no longer change" in client.get(f"/reviews/{item.id}").text


def test_the_blind_review_page_hides_who_applied(
    client: TestClient, sign_in: SignIn, session: Session, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    c.challenge.blind_review = True
    item = give_review(session, c.joint, c.reviewers[1], status=ReviewStatus.IN_PROGRESS)
    session.commit()
    sign_in(client, c.reviewers[1])

    page = client.get(f"/reviews/{item.id}")

    assert "Joint acoustic mesh" in page.text and "Lead applicant" in page.text
    assert "Sagar" not in page.text and "Bluefin" not in page.text


def test_the_review_desk_is_for_managers_and_auto_assigns(
    client: TestClient, sign_in: SignIn, reviewing: SimpleNamespace, csrf: str
) -> None:
    c = reviewing
    url = f"/challenges/{c.challenge.slug}/review"
    sign_in(client, c.other_officer)
    assert client.get(url).status_code == 403
    sign_in(client, c.manager)

    page = client.get(url)
    assert page.status_code == 200 and "Reviewer pool" in page.text
    assert "member of an applicant organisation" in page.text  # reviewer C on the joint one
    done = client.post(f"{url}/auto-assign", data={"csrf_token": csrf, "seed": "2"})

    assert done.status_code == 303
    assert "0/2" not in client.get(url).text


def test_the_ranking_page_filters_decides_and_exports_with_the_filters(
    client: TestClient, sign_in: SignIn, session: Session, reviewing: SimpleNamespace, csrf: str
) -> None:
    c = reviewing
    merit, team = (x.id for x in c.criteria)
    give_review(session, c.joint, c.reviewers[0], {merit: 9, team: 5})
    give_review(session, c.single, c.reviewers[0], {merit: 3, team: 2})
    c.challenge.phase = Phase.SHORTLIST
    session.commit()
    sign_in(client, c.manager)
    url = f"/challenges/{c.challenge.slug}/ranking"

    page = client.get(url, params={"country": "IN"})
    assert page.status_code == 200
    assert "Joint acoustic mesh" in page.text and "Optical burst link" not in page.text
    assert f"/api/v1/challenges/{c.challenge.id}/export.csv?country=IN" in page.text
    decided = client.post(
        f"{url}/decide",
        data={
            "csrf_token": csrf,
            "proposal_id": str(c.joint.id),
            "outcome": "shortlisted",
            "reason": "Clear winner",
            "back": "?country=IN",
        },
    )

    assert decided.status_code == 303 and decided.headers["location"] == f"{url}?country=IN"
    assert "Clear winner" in client.get(url).text
    refused = client.post(
        f"{url}/decide",
        data={
            "csrf_token": csrf,
            "proposal_id": str(c.single.id),
            "outcome": "shortlisted",
            "reason": "no",
        },
    )
    assert refused.status_code == 422 and "at least 5 characters" in refused.text
    sign_in(client, c.applicant)
    assert client.get(url).status_code == 403


def test_the_report_shows_every_chart_with_its_numbers_and_csv(
    client: TestClient, sign_in: SignIn, reviewing: SimpleNamespace
) -> None:
    c = reviewing
    sign_in(client, c.manager)

    page = client.get(f"/challenges/{c.challenge.slug}/report")
    country = client.get(f"/challenges/{c.challenge.slug}/report/country.csv")

    assert page.status_code == 200 and 'id="report-data"' in page.text
    assert page.text.count("data-report-chart=") == 6
    assert "<script>" not in page.text  # CSP: no inline scripts
    assert country.text == "country,proposals\r\nIN,2\r\nUS,1\r\n"
    sign_in(client, c.reviewers[0])
    assert client.get(f"/challenges/{c.challenge.slug}/report").status_code == 403
