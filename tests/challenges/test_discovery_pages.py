"""The solver discovery page: ranked solvers with evidence, invitations from the page."""

from collections.abc import Callable
from types import SimpleNamespace

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.challenges.models import ChallengeInvite, Phase
from tests.challenges.test_discovery import solving  # noqa: F401  (fixture)

SignIn = Callable[[TestClient, User], TestClient]
URL = "/challenges/undersea-links/solvers"


def test_managers_see_ranked_solvers_with_evidence_and_invite_buttons(
    client: TestClient,
    solving: SimpleNamespace,  # noqa: F811
    sign_in: SignIn,
) -> None:
    page = sign_in(client, solving.olga).get(URL)
    assert page.status_code == 200
    html = page.text
    assert "Who could solve “Covert undersea communications”" in html
    assert "Alice Undersea Systems" in html and "Dave Acoustic Links" in html
    assert "Big Sonar Prime" not in html  # not an eligible kind
    assert "Passages that fit" in html and 'class="mm-evidence' in html
    assert html.count("Invite to apply<span") >= 2
    assert f'id="invite-{solving.india.id}"' in html


def test_others_are_turned_away_from_the_page(
    client: TestClient,
    solving: SimpleNamespace,  # noqa: F811
    sign_in: SignIn,
) -> None:
    assert client.get(URL).headers["location"] == f"/login?next={URL}"
    assert sign_in(client, solving.alice).get(URL).status_code == 403
    assert sign_in(client, solving.oscar).get(URL).status_code == 403
    assert sign_in(client, solving.olga).get("/challenges/nope/solvers").status_code == 404


def test_an_invitation_from_the_page_needs_csrf_and_moves_the_solver_to_invited(
    client: TestClient,
    csrf: str,
    solving: SimpleNamespace,  # noqa: F811
    sign_in: SignIn,
    session: Session,
) -> None:
    sign_in(client, solving.olga)
    form = {"org_id": str(solving.india.id), "message": "Please apply", "k": "20"}
    assert client.post(f"{URL}/invite", data=form).status_code == 403
    done = client.post(f"{URL}/invite", data={**form, "csrf_token": csrf})
    assert done.status_code == 303 and done.headers["location"] == f"{URL}?k=20"
    assert session.get(ChallengeInvite, (solving.challenge.id, solving.india.id)) is not None

    html = client.get(done.headers["location"]).text
    assert "Alice Undersea Systems is invited to apply" in html  # the flash
    invited = html.split('id="invited-heading"')[1].split("</aside>")[0]
    assert "Alice Undersea Systems" in invited and "Please apply" in invited
    assert f'id="invite-{solving.india.id}"' not in html  # no longer among the suggestions


def test_htmx_gets_the_badge_in_place_or_the_form_with_its_error(
    client: TestClient,
    csrf: str,
    solving: SimpleNamespace,  # noqa: F811
    sign_in: SignIn,
    session: Session,
) -> None:
    sign_in(client, solving.olga)
    hx = {"HX-Request": "true"}
    form = {"org_id": str(solving.us.id), "csrf_token": csrf}
    first = client.post(f"{URL}/invite", data=form, headers=hx)
    assert first.status_code == 200
    assert "Invited to apply" in first.text and "<html" not in first.text
    again = client.post(f"{URL}/invite", data=form, headers=hx)
    assert again.status_code == 200 and "already been invited" in again.text
    assert 'role="alert"' in again.text


def test_an_ineligible_invitation_is_shown_on_the_page(
    client: TestClient,
    csrf: str,
    solving: SimpleNamespace,  # noqa: F811
    sign_in: SignIn,
    session: Session,
) -> None:
    sign_in(client, solving.olga)
    form = {"org_id": str(solving.prime.id), "csrf_token": csrf}
    response = client.post(f"{URL}/invite", data=form)
    assert response.status_code == 422 and "not an eligible kind" in response.text
    assert session.scalars(select(ChallengeInvite)).all() == []


def test_after_the_deadline_phase_there_are_no_invite_buttons(
    client: TestClient,
    solving: SimpleNamespace,  # noqa: F811
    sign_in: SignIn,
    session: Session,
) -> None:
    solving.challenge.phase = Phase.REVIEW
    session.commit()
    html = sign_in(client, solving.olga).get(URL).text
    assert "Invite to apply<span" not in html
    assert "Invitations are sent while the challenge is a draft or open" in html
