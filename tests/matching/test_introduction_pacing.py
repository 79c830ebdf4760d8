"""Introduction requests from the suggestions page come at a person's pace (pacing.py)."""

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.config import Settings
from indusx.matching.models import Introduction
from indusx.orgs.models import Organisation
from indusx.pacing import TOO_FAST, Flow
from tests.support.pacing import SLOW, stamp_from, stamp_in

SignIn = Callable[[TestClient, User], TestClient]
NOTE = "Sea trials together in March?"


@pytest.fixture
def partner(make_org: Callable[..., Organisation]) -> Organisation:
    """A US firm that alice's Indian undersea start-up is suggested to meet."""
    return make_org(
        name="Harbour Acoustics", country="US", kind="large_company",
        description="Undersea acoustic communications and sonar for navies.",
        capabilities="Acoustic modems, sonar arrays, underwater networking, sea trials.",
        focus_areas=["undersea"], seeking=["co_development"],
    )


def _request(people: SimpleNamespace, partner: Organisation, csrf: str,
             stamp: str) -> dict[str, Any]:
    return {"csrf_token": csrf, "org": people.org.id, "mode": "co-development",
            "to_org": partner.id, "note": NOTE, "form_stamp": stamp,
            "next": f"/matchmaking?org={people.org.id}&mode=co-development"}


def test_an_introduction_requested_at_once_is_refused_and_keeps_the_note(
    client: TestClient, csrf: str, settings: Settings, session: Session, sign_in: SignIn,
    people: SimpleNamespace, partner: Organisation,
) -> None:
    settings.form_min_seconds = SLOW
    sign_in(client, people.alice)
    page = client.get(f"/matchmaking?org={people.org.id}&mode=co-development").text
    assert f'name="to_org" value="{partner.id}"' in page

    response = client.post("/matchmaking/introductions",
                           data=_request(people, partner, csrf, stamp_in(page)))

    assert response.status_code == 422
    card = response.text.split(f'id="match-org-{partner.id}"')[1].split("</article>")[0]
    assert TOO_FAST in card and NOTE in card and "<details class=\"mm-action\" open>" in card
    assert session.scalars(select(Introduction)).first() is None


@pytest.mark.parametrize("case", ["missing", "other form", "other browser"])
def test_an_introduction_without_its_own_stamp_is_refused(
    client: TestClient, csrf: str, settings: Settings, session: Session, sign_in: SignIn,
    people: SimpleNamespace, partner: Organisation, case: str,
) -> None:
    settings.form_min_seconds = 2
    stamp = {
        "missing": "",
        "other form": stamp_from(settings, Flow.SIGNUP, seconds_ago=10),
        "other browser": stamp_from(settings, Flow.INTRODUCTION, seconds_ago=10,
                                    browser="theirs"),
    }[case]
    sign_in(client, people.alice)

    response = client.post("/matchmaking/introductions",
                           data=_request(people, partner, csrf, stamp))

    assert response.status_code == 422 and "does not match the page" in response.text
    assert session.scalars(select(Introduction)).first() is None


def test_an_introduction_requested_after_the_minimum_is_sent(
    client: TestClient, csrf: str, settings: Settings, session: Session, sign_in: SignIn,
    people: SimpleNamespace, partner: Organisation,
) -> None:
    settings.form_min_seconds = 2
    sign_in(client, people.alice)
    stamp = stamp_from(settings, Flow.INTRODUCTION, seconds_ago=5)

    response = client.post("/matchmaking/introductions",
                           data=_request(people, partner, csrf, stamp))

    assert response.status_code == 303
    intro = session.scalars(select(Introduction)).one()
    assert (intro.to_org_id, intro.note) == (partner.id, NOTE)


def test_a_viewer_is_refused_for_their_role_before_their_pace(
    client: TestClient, csrf: str, settings: Settings, sign_in: SignIn,
    people: SimpleNamespace, partner: Organisation,
) -> None:
    settings.form_min_seconds = SLOW
    sign_in(client, people.bob)
    response = client.post("/matchmaking/introductions", data=_request(people, partner, csrf, ""))
    assert response.status_code == 403
