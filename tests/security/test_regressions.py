"""Bugs the permission matrix found, each pinned by a test of its own."""

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.roadmap import service as roadmap_service
from indusx.roadmap.schemas import InitiativeCreate
from indusx.supply import imports as supply_imports
from tests.challenges.review_support import make_challenge
from tests.conftest import ACTOR


def test_an_initiative_page_shows_its_own_title_and_status(
    session: Session, people: SimpleNamespace, client: TestClient,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    # base.html once defined a navigation macro called `item`, shadowing the page's `item`.
    initiative = roadmap_service.create_initiative(
        session=session, actor=ACTOR, initiative_in=InitiativeCreate.model_validate(
            {"title": "Undersea domain awareness", "focus_area": "undersea"}))
    session.commit()
    response = sign_in(client, people.bob).get(f"/roadmap/initiatives/{initiative.id}")
    assert response.status_code == 200
    assert "Undersea domain awareness" in response.text
    assert "rm-active" in response.text


def test_deleting_an_organisation_that_others_refer_to_is_a_conflict_not_a_crash(
    session: Session, people: SimpleNamespace, client: TestClient,
    bearer: Callable[[User], dict[str, str]],
) -> None:
    # The access log read the signed-in user after the failed write had expired it.
    make_challenge(session, people.org)  # a challenge's sponsor may not be deleted
    session.commit()
    headers = bearer(people.alice)
    response = client.delete(f"/api/v1/orgs/{people.org.id}", headers=headers)
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")


def test_deleting_such_an_organisation_from_its_page_shows_the_conflict_page(
    session: Session, people: SimpleNamespace, client: TestClient, csrf: str,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    # The error page drew the user's menus from the user the failed flush had expired.
    make_challenge(session, people.org)
    session.commit()
    response = sign_in(client, people.alice).post(
        f"/orgs/{people.org.slug}/delete", data={"csrf_token": csrf})
    assert response.status_code == 409
    assert "conflicts with existing data" in response.text


def test_a_supply_import_with_a_stray_carriage_return_is_a_problem_not_a_crash(
    session: Session,
) -> None:
    # csv.Error escaped the import (found by the property tests): a 500 from the API.
    with pytest.raises(supply_imports.ImportProblems) as raised:
        supply_imports.check(session=session, principal=None,
                             texts={"bom.csv": "system,part\rname\nS,P\n"})
    assert any("malformed CSV" in problem for problem in raised.value.problems)


def test_an_id_beyond_64_bits_is_refused_as_invalid_not_a_crash(
    people: SimpleNamespace, client: TestClient, bearer: Callable[[User], dict[str, str]],
) -> None:
    # Schemathesis found it: SQLite raised OverflowError on ids past 2**63 (a 500).
    response = client.post("/api/v1/partnerships", headers=bearer(people.alice),
                           json={"title": "Big", "type": "co-development",
                                 "org_ids": [people.org.id, 2**70]})
    # PostgreSQL's DataError (once answered 503, "unavailable") is 422 as well.
    assert response.status_code == 422
