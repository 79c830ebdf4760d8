"""Solver discovery: ranked, eligible organisations not yet involved; invitations to apply."""

from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import OrgRole, User
from indusx.accounts.permissions import Principal
from indusx.audit.models import AuditEvent
from indusx.challenges import discovery
from indusx.challenges.discovery import InviteCreate
from indusx.challenges.models import (
    Challenge,
    ChallengeInvite,
    PartyRole,
    Phase,
    Proposal,
    ProposalParty,
    ProposalStatus,
    challenge_focus_area,
)
from indusx.db import utcnow
from indusx.errors import Conflict, Forbidden, Invalid, NotFound
from indusx.notifications.models import Notification
from indusx.orgs.models import FocusArea, Organisation
from tests.conftest import ACTOR

Headers = Callable[[User], dict[str, str]]
ACOUSTIC = dict(
    description="Acoustic modems and underwater networks for unmanned undersea vehicles.",
    capabilities="Acoustic modems, underwater networking, low-probability-of-intercept links.",
    focus_areas=["undersea"],
)


@pytest.fixture
def solving(
    session: Session, make_user: Callable[..., User], make_org: Callable[..., Organisation]
) -> SimpleNamespace:
    """An agency (olga) with an open challenge on undersea links; solvers in both countries.

    alice owns an Indian start-up (erin edits it, bob views it), dave a US MSME, a US prime
    fits too but is not an eligible kind; oscar is an officer of another agency.
    """
    olga = make_user(role="officer", name="Olga Officer", password=None)
    oscar = make_user(role="officer", name="Oscar Other-Agency", password=None)
    admin = make_user(role="admin", name="Adam Admin", password=None)
    alice = make_user(name="Alice Owner", password=None)
    erin = make_user(name="Erin Editor", password=None)
    bob = make_user(name="Bob Viewer", password=None)
    dave = make_user(name="Dave US Owner", password=None)
    charlie = make_user(name="Charlie Outsider", password=None)
    agency = make_org(owner=olga, name="Navy Innovation Cell", kind="government", **ACOUSTIC)
    make_org(owner=oscar, name="Other Agency", kind="government", country="US")
    india = make_org(owner=alice, name="Alice Undersea Systems", **ACOUSTIC)
    us = make_org(owner=dave, name="Dave Acoustic Links", country="US", kind="msme", **ACOUSTIC)
    prime = make_org(name="Big Sonar Prime", country="US", kind="prime", **ACOUSTIC)
    farm = make_org(
        name="Paddy Field Analytics",
        description="Crop yield forecasting for rice farmers.",
        capabilities="Agronomy, satellite crop indices.",
        focus_areas=["space"],
    )
    for user, role in ((erin, OrgRole.EDITOR), (bob, OrgRole.VIEWER)):
        account_service.add_member(
            session=session, org_id=india.id, user=user, role=role, actor=ACTOR
        )
    challenge = Challenge(
        slug="undersea-links",
        title="Covert undersea communications",
        summary="Low-probability-of-intercept data links between unmanned undersea vehicles.",
        problem_statement="UUVs need acoustic modems that network over 5 km without being heard.",
        sponsor_org_id=agency.id,
        phase=Phase.OPEN,
        eligible_countries=["IN", "US"],
        eligible_kinds=["startup", "msme"],
        timezone="Asia/Kolkata",
        deadline_at=utcnow() + timedelta(days=20),
    )
    session.add(challenge)
    session.flush()
    undersea = session.scalars(select(FocusArea).where(FocusArea.slug == "undersea")).one()
    session.execute(
        insert(challenge_focus_area).values(challenge_id=challenge.id, focus_area_id=undersea.id)
    )
    session.commit()
    return SimpleNamespace(
        olga=olga,
        oscar=oscar,
        admin=admin,
        alice=alice,
        erin=erin,
        bob=bob,
        dave=dave,
        charlie=charlie,
        agency=agency,
        india=india,
        us=us,
        prime=prime,
        farm=farm,
        challenge=challenge,
    )


def _p(session: Session, user: User) -> Principal:
    return Principal.load(session=session, user=user, via="api")


def _ids(result: discovery.SolverList) -> list[int]:
    return [m.candidate.id for m in result.items]


def test_the_query_joins_title_summary_problem_and_focus_areas(
    session: Session, solving: SimpleNamespace
) -> None:
    text = discovery.query_text(session, solving.challenge)
    assert text.startswith("Covert undersea communications\n\nLow-probability")
    assert "acoustic modems that network" in text
    assert text.endswith("\n\nFocus areas: Undersea domain.")


def test_solvers_are_ranked_with_reasons_and_evidence_and_kept_to_the_eligible(
    session: Session, solving: SimpleNamespace
) -> None:
    result = discovery.solvers(
        session=session, principal=_p(session, solving.olga), challenge=solving.challenge, k=10
    )
    ids = _ids(result)
    assert set(ids[:2]) == {solving.india.id, solving.us.id}
    assert solving.prime.id not in ids  # a prime is not an eligible kind
    assert solving.agency.id not in ids  # never the sponsor
    assert all(m.candidate.org_kind in ("startup", "msme") for m in result.items)
    assert all(m.candidate.country in ("IN", "US") for m in result.items)
    top = result.items[0]
    assert top.reason and top.evidence and top.score > 0
    assert result.items == sorted(result.items, key=lambda m: -m.score)


def test_organisations_already_in_a_proposal_or_invited_are_left_out(
    session: Session, solving: SimpleNamespace
) -> None:
    proposal = Proposal(
        challenge_id=solving.challenge.id, lead_org_id=solving.farm.id, status=ProposalStatus.DRAFT
    )
    session.add(proposal)
    session.flush()
    session.add_all(
        [
            ProposalParty(proposal_id=proposal.id, org_id=solving.farm.id, role=PartyRole.LEAD),
            ProposalParty(
                proposal_id=proposal.id, org_id=solving.us.id, role=PartyRole.CO_APPLICANT
            ),
            ChallengeInvite(challenge_id=solving.challenge.id, org_id=solving.india.id),
        ]
    )
    session.commit()
    result = discovery.solvers(
        session=session, principal=_p(session, solving.olga), challenge=solving.challenge, k=10
    )
    assert not {solving.farm.id, solving.us.id, solving.india.id} & set(_ids(result))
    assert result.excluded >= 2


@pytest.mark.parametrize("who", ["alice", "oscar", "charlie"])
def test_only_the_challenges_managers_see_solvers(
    session: Session, solving: SimpleNamespace, who: str
) -> None:
    with pytest.raises(Forbidden):
        discovery.solvers(
            session=session,
            principal=_p(session, getattr(solving, who)),
            challenge=solving.challenge,
        )


def test_a_draft_is_not_found_by_those_who_may_not_see_it(
    session: Session, solving: SimpleNamespace
) -> None:
    solving.challenge.phase = Phase.DRAFT
    with pytest.raises(NotFound):
        discovery.solvers(
            session=session, principal=_p(session, solving.oscar), challenge=solving.challenge
        )
    assert discovery.solvers(
        session=session, principal=_p(session, solving.admin), challenge=solving.challenge
    ).items


def test_an_invitation_notifies_owners_and_editors_and_is_audited(
    session: Session, solving: SimpleNamespace
) -> None:
    row = discovery.invite(
        session=session,
        principal=_p(session, solving.olga),
        challenge=solving.challenge,
        invite_in=InviteCreate(org_id=solving.india.id, message="  Your modems fit well.  "),
    )
    assert (row.org_id, row.invited_by_id, row.message) == (
        solving.india.id,
        solving.olga.id,
        "Your modems fit well.",
    )
    notes = session.scalars(
        select(Notification).where(Notification.kind == "challenge_invite")
    ).all()
    assert {n.user_id for n in notes} == {solving.alice.id, solving.erin.id}  # not bob
    assert all(n.link == "/challenges/undersea-links" for n in notes)
    assert "Your modems fit well." in notes[0].body and "Olga Officer" in notes[0].body
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "challenge.invite")).one()
    assert event.actor_id == solving.olga.id and event.after == {
        "org_id": solving.india.id,
        "message": "Your modems fit well.",
    }


def test_an_organisation_is_invited_only_once(session: Session, solving: SimpleNamespace) -> None:
    olga = _p(session, solving.olga)
    invite_in = InviteCreate(org_id=solving.us.id)
    discovery.invite(
        session=session, principal=olga, challenge=solving.challenge, invite_in=invite_in
    )
    with pytest.raises(Conflict, match="already been invited"):
        discovery.invite(
            session=session, principal=olga, challenge=solving.challenge, invite_in=invite_in
        )


def test_invitations_are_refused_to_the_ineligible_the_involved_and_after_opening(
    session: Session, solving: SimpleNamespace
) -> None:
    olga = _p(session, solving.olga)

    def invite(org: Organisation) -> None:
        discovery.invite(
            session=session,
            principal=olga,
            challenge=solving.challenge,
            invite_in=InviteCreate(org_id=org.id),
        )

    with pytest.raises(Invalid, match="not an eligible kind"):
        invite(solving.prime)
    with pytest.raises(Invalid, match="sponsoring agency"):
        invite(solving.agency)
    session.add(Proposal(challenge_id=solving.challenge.id, lead_org_id=solving.farm.id))
    session.flush()
    with pytest.raises(Conflict, match="already part of a proposal"):
        invite(solving.farm)
    solving.challenge.phase = Phase.REVIEW
    with pytest.raises(Conflict, match="review phase"):
        invite(solving.india)
    with pytest.raises(Forbidden):
        discovery.invite(
            session=session,
            principal=_p(session, solving.oscar),
            challenge=solving.challenge,
            invite_in=InviteCreate(org_id=solving.us.id),
        )


def test_the_api_lists_solvers_and_invites_for_managers_only(
    client: TestClient, solving: SimpleNamespace, bearer: Headers, session: Session
) -> None:
    base = f"/api/v1/challenges/{solving.challenge.id}"
    assert client.get(f"{base}/solvers").status_code == 401
    assert client.get(f"{base}/solvers", headers=bearer(solving.alice)).status_code == 403
    assert client.get(f"{base}/solvers", headers=bearer(solving.oscar)).status_code == 403
    assert (
        client.get("/api/v1/challenges/999999/solvers", headers=bearer(solving.olga)).status_code
        == 404
    )
    assert client.get(f"{base}/solvers?k=500", headers=bearer(solving.olga)).status_code == 422

    found = client.get(f"{base}/solvers?k=5", headers=bearer(solving.olga)).json()
    assert found["challenge_id"] == solving.challenge.id and len(found["items"]) <= 5
    first = found["items"][0]
    assert first["candidate"]["id"] in {solving.india.id, solving.us.id}
    assert first["reason"] and first["evidence"][0]["text"]

    made = client.post(
        f"{base}/invites",
        json={"org_id": solving.us.id, "message": "Apply!"},
        headers=bearer(solving.olga),
    )
    assert made.status_code == 201, made.text
    assert made.json()["org_name"] == "Dave Acoustic Links"
    assert made.json()["invited_by"] == "Olga Officer"
    again = client.post(
        f"{base}/invites", json={"org_id": solving.us.id}, headers=bearer(solving.olga)
    )
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    assert (
        client.post(
            f"{base}/invites", json={"org_id": solving.india.id}, headers=bearer(solving.alice)
        ).status_code
        == 403
    )

    after = client.get(f"{base}/solvers", headers=bearer(solving.olga)).json()
    assert solving.us.id not in [m["candidate"]["id"] for m in after["items"]]

    session.add(Proposal(challenge_id=solving.challenge.id, lead_org_id=solving.us.id))
    session.commit()
    listed = client.get(f"{base}/invites", headers=bearer(solving.olga)).json()
    assert [(i["org_id"], i["proposal_status"]) for i in listed] == [(solving.us.id, "draft")]
