"""Mass assignment (ASVS 5.1.2): a request body naming a field its schema does not is refused.

Each request posts a field a caller must never set (platform_role, id, created_by, org_id,
status, user_id) alongside valid ones, and shows a 422 naming that field with nothing changed.
"""

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.accounts.models import ApiToken, User
from indusx.accounts.permissions import Principal
from indusx.challenges import proposals, service
from indusx.challenges.models import Phase, Proposal
from indusx.challenges.schemas import ChallengeCreate
from indusx.orgs.models import Organisation
from tests.challenges.conftest import challenge_body


def refused(response: Any, *fields: str) -> None:
    """Assert a 422 whose problem names exactly the given fields as not permitted."""
    assert response.status_code == 422, response.text
    problems = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert set(problems) == set(fields)
    assert all("not permitted" in m for m in problems.values())


def test_a_signup_that_names_its_platform_role_is_refused_and_creates_no_account(
    client: TestClient, session: Session
) -> None:
    response = client.post("/api/v1/auth/signup", json={
        "email": "mallory@example.com", "full_name": "Mallory", "password": "a long passphrase 7",
        "platform_role": "admin", "id": 1})

    refused(response, "platform_role", "id")
    assert session.scalar(select(User).where(User.email == "mallory@example.com")) is None


def test_an_owner_cannot_set_an_organisations_id_or_creator_through_an_update(
    client: TestClient, session: Session, people: SimpleNamespace,
    bearer: Callable[[User], dict[str, str]],
) -> None:
    org: Organisation = people.org
    name, org_id = org.name, org.id

    response = client.patch(f"/api/v1/orgs/{org_id}", headers=bearer(people.alice), json={
        "name": "Renamed By Mass Assignment", "id": org_id + 1000, "created_by": people.bob.id,
        "verified": True})

    refused(response, "id", "created_by", "verified")
    session.expire_all()
    assert session.get_one(Organisation, org_id).name == name


def test_a_member_cannot_create_a_token_for_someone_else_or_of_another_kind(
    client: TestClient, session: Session, people: SimpleNamespace,
    bearer: Callable[[User], dict[str, str]],
) -> None:
    headers = bearer(people.bob)
    before = session.scalar(select(func.count()).select_from(ApiToken))

    response = client.post("/api/v1/tokens", headers=headers, json={
        "name": "borrowed", "user_id": people.admin.id, "kind": "session"})

    refused(response, "user_id", "kind")
    assert session.scalar(select(func.count()).select_from(ApiToken)) == before


def test_a_proposal_save_cannot_move_its_status_or_lead_organisation(
    client: TestClient, session: Session, people: SimpleNamespace,
    make_org: Callable[..., Organisation], bearer: Callable[[User], dict[str, str]],
) -> None:
    agency = make_org(owner=people.officer, name="Agency", kind="government", country="IN")
    other = make_org(owner=people.alice, name="Alice Second Firm", kind="startup", country="IN")
    officer = Principal.load(session=session, user=people.officer, via="api")
    challenge = service.create_challenge(
        session=session, principal=officer,
        challenge_in=ChallengeCreate.model_validate(challenge_body(agency.id)))
    service.change_phase(session=session, challenge=challenge, to=Phase.OPEN,
                         reason="Test set-up: opening the challenge", principal=officer)
    alice = Principal.load(session=session, user=people.alice, via="api")
    proposal = proposals.start(session=session, principal=alice, challenge=challenge,
                               lead_org_id=people.org.id, title="Acoustic modem")
    session.commit()
    status, version = proposal.status, proposal.version

    response = client.patch(f"/api/v1/proposals/{proposal.id}", headers=bearer(people.alice),
                             json={"version": version, "title": "Changed",
                                   "status": "submitted", "lead_org_id": other.id})

    refused(response, "status", "lead_org_id")
    session.expire_all()
    stored = session.get_one(Proposal, proposal.id)
    assert (stored.title, stored.status, stored.version, stored.lead_org_id) == (
        "Acoustic modem", status, version, people.org.id)
