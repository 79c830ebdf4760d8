"""Parties after creation: who may add and remove them, the rules kept, the timeline, the audit
log, notifications, and a leaving party's people taken out of the data room."""

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import Membership, User
from indusx.audit.models import AuditEvent
from indusx.errors import Conflict, Forbidden, Invalid, NotFound
from indusx.notifications.models import Notification
from indusx.orgs.models import Organisation
from indusx.partnerships import dataroom_service as rooms
from indusx.partnerships import parties, service, timeline
from indusx.partnerships.models import Partnership, PartyRole
from indusx.screening import cases as screening_cases
from indusx.screening import imports
from indusx.screening import service as screening_service
from indusx.screening.lists import ListFormat
from indusx.screening.models import CaseStatus
from tests.conftest import ACTOR
from tests.partnerships.conftest import LISTED_NAME, as_principal
from tests.screening.support import write_ofac

Bearer = Callable[[User], dict[str, str]]
SignIn = Callable[[TestClient, User], TestClient]


@pytest.fixture
def second_us(make_org: Callable[..., Organisation],
              make_user: Callable[..., User]) -> SimpleNamespace:
    """A second US firm, owned by frank."""
    frank = make_user(name="Frank Second US", password=None)
    org = make_org(owner=frank, name="Keel Sonar Corp", country="US", kind="startup")
    return SimpleNamespace(org=org, owner=frank)


def add(session: Session, user: User, pact: Partnership, org: Organisation) -> Organisation:
    added = parties.add_party(session=session, principal=as_principal(session, user),
                              partnership_id=pact.id, org_id=org.id)
    session.commit()
    return added


def remove(session: Session, user: User, pact: Partnership, org: Organisation,
           reason: str = "Left the programme") -> None:
    parties.remove_party(session=session, principal=as_principal(session, user),
                         partnership_id=pact.id, org_id=org.id, reason=reason)
    session.commit()


def party_ids(session: Session, pact: Partnership) -> list[int]:
    return [p.org_id for p in service.parties(session, pact.id)]


def test_an_owner_of_a_party_adds_a_directory_organisation(
    session: Session, people: SimpleNamespace, pact: Partnership, second_us: SimpleNamespace,
    us_org: Organisation,
) -> None:
    add(session, people.alice, pact, second_us.org)

    assert second_us.org.id in party_ids(session, pact)
    assert session.scalars(select(AuditEvent.summary).where(
        AuditEvent.action == "partnership.party.add")).one().startswith("added Keel Sonar Corp")
    events, _ = timeline.timeline(session=session, partnership_id=pact.id)
    assert events[0].title == "Party added: Keel Sonar Corp"
    assert events[0].actor == people.alice.email
    told = set(session.scalars(select(Notification.to_email).where(
        Notification.kind == "partnership_party")))
    # The new party's owner and the US party's owner hear of it; the actor does not.
    assert second_us.owner.email in told and people.alice.email not in told
    assert len(told) == 2


def test_an_officer_adds_a_party_and_others_may_not(
    session: Session, people: SimpleNamespace, pact: Partnership, second_us: SimpleNamespace,
) -> None:
    with pytest.raises(NotFound):
        add(session, people.charlie, pact, second_us.org)
    with pytest.raises(Forbidden):
        add(session, people.bob, pact, second_us.org)  # a viewer of a party
    add(session, people.officer, pact, second_us.org)
    assert second_us.org.id in party_ids(session, pact)


def test_adding_a_party_twice_or_one_not_in_the_directory_is_refused(
    session: Session, people: SimpleNamespace, pact: Partnership, us_org: Organisation,
) -> None:
    with pytest.raises(Conflict, match="already a party"):
        add(session, people.alice, pact, us_org)
    with pytest.raises(Invalid, match="No organisation with id"):
        parties.add_party(session=session, principal=as_principal(session, people.alice),
                          partnership_id=pact.id, org_id=999_999)


def test_an_organisation_with_a_confirmed_restricted_party_match_cannot_join(
    session: Session, people: SimpleNamespace, pact: Partnership, tmp_path: Path,
    make_org: Callable[..., Organisation],
) -> None:
    listed = make_org(name=LISTED_NAME, country="US", kind="large_company")
    imports.import_list(session=session, fmt=ListFormat.OFAC,
                        paths=write_ofac(tmp_path / "ofac"), actor=ACTOR)
    screening_service.screen_org(session=session, org=listed, actor=ACTOR)
    for case in screening_cases.subject_cases(session=session, org_id=listed.id):
        screening_cases.decide(session=session, principal=as_principal(session, people.officer),
                               case_id=case.id, decision=CaseStatus.CONFIRMED, reason="Match")
    session.commit()

    with pytest.raises(Conflict, match="confirmed restricted-party match"):
        add(session, people.alice, pact, listed)
    session.rollback()
    assert listed.id not in party_ids(session, pact)


def test_the_last_party_of_a_country_cannot_leave(
    session: Session, people: SimpleNamespace, pact: Partnership, us_org: Organisation,
) -> None:
    with pytest.raises(Conflict, match="only US party"):
        remove(session, people.alice, pact, us_org)
    with pytest.raises(Conflict, match="only Indian party"):
        remove(session, people.officer, pact, people.org)
    assert set(party_ids(session, pact)) == {people.org.id, us_org.id}


def test_removing_a_party_needs_a_reason_and_goes_on_the_timeline_and_audit_log(
    session: Session, people: SimpleNamespace, pact: Partnership, us_org: Organisation,
    second_us: SimpleNamespace,
) -> None:
    add(session, people.alice, pact, second_us.org)
    with pytest.raises(Invalid, match="Say why"):
        remove(session, people.alice, pact, us_org, reason="  ")

    remove(session, people.alice, pact, us_org, reason="Chose another modem supplier")

    assert set(party_ids(session, pact)) == {people.org.id, second_us.org.id}
    event = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "partnership.party.remove")).one()
    assert event.before is not None and event.before["name"] == "Harbour Acoustics Inc"
    assert event.after is not None and event.after["reason"] == "Chose another modem supplier"
    events, _ = timeline.timeline(session=session, partnership_id=pact.id)
    assert (events[0].title, events[0].detail) == ("Party removed: Harbour Acoustics Inc",
                                                   "Chose another modem supplier")
    # The leaving organisation's owner is told too.
    leaving_owner = session.scalar(select(User.email).join(
        Membership, Membership.user_id == User.id).where(Membership.org_id == us_org.id))
    told = set(session.scalars(select(Notification.to_email).where(
        Notification.kind == "partnership_party", Notification.subject.contains("left"))))
    assert leaving_owner in told and second_us.owner.email in told


def test_when_the_lead_leaves_the_next_party_leads(
    session: Session, people: SimpleNamespace, pact: Partnership,
    make_org: Callable[..., Organisation],
) -> None:
    second_in = make_org(owner=people.alice, name="Alice Sea Trials Pvt Ltd", country="IN")
    add(session, people.alice, pact, second_in)

    remove(session, people.alice, pact, people.org)

    roles = {p.org_id: p.role for p in service.parties(session, pact.id)}
    assert list(roles.values()).count(PartyRole.LEAD) == 1
    assert people.org.id not in roles


def test_removing_a_party_takes_its_people_out_of_the_data_room_at_once(
    session: Session, people: SimpleNamespace, pact: Partnership, us_org: Organisation,
    second_us: SimpleNamespace,
) -> None:
    add(session, people.alice, pact, second_us.org)
    room = rooms.load_room(session=session, principal=as_principal(session, people.alice),
                           partnership_id=pact.id)
    rooms.add_member(session=session, ctx=room, user_id=people.alice.id)
    rooms.add_member(session=session, ctx=room, user_id=second_us.owner.id)
    session.commit()
    frank = as_principal(session, second_us.owner)
    assert rooms.load_room(session=session, principal=frank, partnership_id=pact.id).is_member

    remove(session, people.officer, pact, second_us.org, reason="Withdrew")

    with pytest.raises(NotFound):
        rooms.load_room(session=session, principal=as_principal(session, second_us.owner),
                        partnership_id=pact.id)
    room = rooms.load_room(session=session, principal=as_principal(session, people.alice),
                           partnership_id=pact.id)
    assert [m.email for m in rooms.members(session=session, ctx=room)] == [people.alice.email]
    assert session.scalars(select(AuditEvent.summary).where(
        AuditEvent.action == "dataroom.member.remove")).one().startswith(
        f"removed {second_us.owner.email} from the data room")
    event = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "partnership.party.remove")).one()
    assert event.after is not None and event.after["left_data_room"] == [second_us.owner.email]


def test_the_api_adds_and_removes_parties(
    session: Session, people: SimpleNamespace, pact: Partnership, us_org: Organisation,
    second_us: SimpleNamespace, client: TestClient, bearer: Bearer,
) -> None:
    base = f"/api/v1/partnerships/{pact.id}/parties"
    headers = bearer(people.alice)

    added = client.post(base, headers=headers, json={"org_id": second_us.org.id})
    no_reason = client.delete(f"{base}/{us_org.id}", headers=headers)
    removed = client.delete(f"{base}/{us_org.id}", headers=headers,
                            params={"reason": "Chose another supplier"})
    last = client.delete(f"{base}/{second_us.org.id}", headers=headers,
                         params={"reason": "Gone"})
    viewer = client.post(base, headers=bearer(people.bob), json={"org_id": us_org.id})
    outsider = client.delete(f"{base}/{people.org.id}", headers=bearer(people.charlie),
                             params={"reason": "x"})

    assert added.status_code == 201
    assert {p["name"] for p in added.json()["parties"]} >= {"Keel Sonar Corp"}
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    assert removed.status_code == 204
    assert last.status_code == 409 and "only US party" in last.json()["detail"]
    assert viewer.status_code == 403
    assert outsider.status_code == 404
    assert set(party_ids(session, pact)) == {people.org.id, second_us.org.id}


def test_the_partnership_page_offers_adding_and_removing_to_those_who_may(
    session: Session, people: SimpleNamespace, pact: Partnership, second_us: SimpleNamespace,
    client: TestClient, sign_in: SignIn,
) -> None:
    add(session, people.alice, pact, second_us.org)

    owner_page = sign_in(client, people.alice).get(f"/partnerships/{pact.id}").text
    viewer_page = sign_in(client, people.bob).get(f"/partnerships/{pact.id}").text

    form = f'action="/partnerships/{pact.id}/parties"'
    assert form in owner_page
    assert f"/partnerships/{pact.id}/parties/{second_us.org.id}/remove" in owner_page
    # The only Indian party has no remove link.
    assert f"/parties/{people.org.id}/remove" not in owner_page
    assert "the only Indian party" in owner_page
    assert form not in viewer_page
    assert "/remove" not in viewer_page.split('id="parties"')[1].split("</section>")[0]


def test_the_add_form_names_an_unknown_organisation_beside_the_field(
    pact: Partnership, people: SimpleNamespace, client: TestClient, sign_in: SignIn, csrf: str,
) -> None:
    response = sign_in(client, people.alice).post(
        f"/partnerships/{pact.id}/parties", data={"csrf_token": csrf, "org": "No Such Firm"})
    assert response.status_code == 422
    assert 'id="f-party-org-error"' in response.text
    assert "No organisation &#39;No Such Firm&#39; in the directory" in response.text


def test_a_party_leaves_after_a_confirmation_page_with_a_reason(
    session: Session, people: SimpleNamespace, pact: Partnership, us_org: Organisation,
    second_us: SimpleNamespace, client: TestClient, sign_in: SignIn, csrf: str,
) -> None:
    add(session, people.alice, pact, second_us.org)
    browser = sign_in(client, people.alice)
    url = f"/partnerships/{pact.id}/parties/{us_org.id}/remove"

    confirm = browser.get(url)
    blank = browser.post(url, data={"csrf_token": csrf, "reason": ""})
    done = browser.post(url, data={"csrf_token": csrf, "reason": "Chose another supplier"})

    assert confirm.status_code == 200
    assert "Remove Harbour Acoustics Inc" in confirm.text and 'name="reason"' in confirm.text
    assert blank.status_code == 422 and "Say why the party leaves" in blank.text
    assert done.status_code == 303 and done.headers["location"].endswith("#parties")
    session.expire_all()
    assert us_org.id not in party_ids(session, pact)


def test_the_confirmation_page_says_why_the_last_party_of_a_country_cannot_leave(
    pact: Partnership, people: SimpleNamespace, us_org: Organisation, client: TestClient,
    sign_in: SignIn,
) -> None:
    page = sign_in(client, people.alice).get(
        f"/partnerships/{pact.id}/parties/{us_org.id}/remove")
    assert page.status_code == 200
    assert "the partnership&#39;s only US party" in page.text
    assert 'name="reason"' not in page.text
