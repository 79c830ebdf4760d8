"""Double opt-in introductions: who sees and answers them, what is shared, what is recorded."""

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import OrgRole, User
from indusx.accounts.permissions import Principal
from indusx.audit.models import AuditEvent
from indusx.errors import Conflict, Forbidden, Invalid, NotFound
from indusx.matching import introductions as intros
from indusx.matching.models import (
    DismissReason,
    FeedbackAction,
    Introduction,
    IntroductionStatus,
    MatchFeedback,
    MatchMode,
)
from indusx.notifications.models import Notification
from indusx.orgs.models import Organisation
from tests.conftest import ACTOR

CODEV = MatchMode.CO_DEVELOPMENT


def principal_of(session: Session, user: User) -> Principal:
    """Return the principal of a user as a web request would load it."""
    return Principal.load(session=session, user=user, via="web")


@pytest.fixture
def parties(
    session: Session, people: SimpleNamespace, make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
) -> SimpleNamespace:
    """alice's Indian start-up (bob views it) and dora's US prime (eve edits, fay views it);
    mo is a mentor; charlie has no access to either organisation."""
    dora = make_user(name="Dora Partner", password=None)
    eve = make_user(name="Eve Editor", password=None)
    fay = make_user(name="Fay Viewer", password=None)
    mo = make_user(name="Mo Mentor", password=None)
    mo.is_mentor, mo.expertise = True, "Export licensing and ITAR technical assistance agreements"
    alice_org = people.org
    alice_org.contact_name, alice_org.contact_phone = "Alice Owner", "+91 80 5555 0100"
    us = make_org(owner=dora, name="Dora Maritime Inc", country="US", kind="prime",
                  contact_name="Dora Partner", contact_email="dora@maritime.example",
                  contact_phone="+1 555 0100")
    account_service.add_member(session=session, org_id=us.id, user=eve, role=OrgRole.EDITOR,
                               actor=ACTOR)
    account_service.add_member(session=session, org_id=us.id, user=fay, role=OrgRole.VIEWER,
                               actor=ACTOR)
    session.commit()
    return SimpleNamespace(**vars(people), dora=dora, eve=eve, fay=fay, mo=mo, us=us,
                           org_in=alice_org)


def ask(session: Session, p: SimpleNamespace, **fields: object) -> Introduction:
    """Return a pending request from alice's organisation to dora's (or to whom fields say)."""
    values: dict[str, object] = {"from_org_id": p.org_in.id, "mode": CODEV,
                                 "note": "We build acoustic modems; you integrate sonar."}
    if "to_user_id" not in fields:
        values["to_org_id"] = p.us.id
    values.update(fields)
    intro = intros.request(session=session, principal=principal_of(session, p.alice),
                           **values)  # type: ignore[arg-type]
    session.commit()
    return intro


def answer(session: Session, user: User, intro: Introduction, accept: bool = True,
           note: str = "") -> Introduction:
    result = intros.respond(session=session, principal=principal_of(session, user),
                            intro_id=intro.id, accept=accept, note=note)
    session.commit()
    return result


# --- who sees it ----------------------------------------------------------------------------

def test_only_the_two_sides_and_officers_see_an_introduction(
    session: Session, parties: SimpleNamespace
) -> None:
    intro = ask(session, parties)
    for user in (parties.alice, parties.bob, parties.dora, parties.fay, parties.officer,
                 parties.admin):
        assert intros.get(session=session, principal=principal_of(session, user),
                          intro_id=intro.id).id == intro.id
    with pytest.raises(NotFound):
        intros.get(session=session, principal=principal_of(session, parties.charlie),
                   intro_id=intro.id)
    rows, total = intros.list_for(session=session,
                                  principal=principal_of(session, parties.charlie))
    assert rows == [] and total == 0


def test_each_side_lists_it_in_its_own_direction_and_officers_list_everything(
    session: Session, parties: SimpleNamespace, make_org: Callable[..., Organisation]
) -> None:
    intro = ask(session, parties)
    other = make_org(name="Unrelated Labs", country="US", kind="academic")
    stray = Introduction(mode=CODEV, from_org_id=other.id, to_org_id=parties.us.id)
    session.add(stray)
    session.commit()

    def ids(user: User, direction: str | None) -> list[int]:
        rows, _ = intros.list_for(session=session, principal=principal_of(session, user),
                                  direction=direction)
        return [r.id for r in rows]

    assert ids(parties.alice, "outgoing") == [intro.id]
    assert ids(parties.alice, "incoming") == []
    assert ids(parties.alice, None) == [intro.id]  # not the stray one between others
    assert set(ids(parties.dora, "incoming")) == {intro.id, stray.id}
    assert set(ids(parties.officer, None)) >= {intro.id, stray.id}


def test_only_an_organisations_members_and_officers_list_its_introductions(
    session: Session, parties: SimpleNamespace
) -> None:
    intro = ask(session, parties)
    rows, total = intros.list_for(session=session, principal=principal_of(session, parties.fay),
                                  org_id=parties.us.id)
    assert [r.id for r in rows] == [intro.id] and total == 1
    with pytest.raises(Forbidden):
        intros.list_for(session=session, principal=principal_of(session, parties.charlie),
                        org_id=parties.us.id)


# --- what is shared ---------------------------------------------------------------------------

def test_contact_details_are_shared_only_after_acceptance(
    session: Session, parties: SimpleNamespace
) -> None:
    intro = ask(session, parties)
    before = intros.view(session=session, principal=principal_of(session, parties.dora),
                         intro=intro)
    assert before.direction == "incoming" and before.can_respond and not before.can_withdraw
    assert before.sender.contact_email == "" and before.sender.contact_phone == ""
    assert before.recipient.contact_email == "dora@maritime.example"  # their own side
    sender_view = intros.view(session=session, principal=principal_of(session, parties.alice),
                              intro=intro)
    assert sender_view.recipient.contact_email == "" and sender_view.recipient.contact_name == ""
    observer = intros.view(session=session, principal=principal_of(session, parties.officer),
                           intro=intro)
    assert observer.direction == "observer"
    assert observer.sender.contact_email == observer.recipient.contact_email == ""

    answer(session, parties.dora, intro)
    after = intros.view(session=session, principal=principal_of(session, parties.alice),
                        intro=intro)
    assert after.recipient.contact_email == "dora@maritime.example"
    assert after.recipient.contact_phone == "+1 555 0100"
    assert intros.view(session=session, principal=principal_of(session, parties.dora),
                       intro=intro).sender.contact_phone == "+91 80 5555 0100"


def test_a_declined_introduction_shares_nothing(
    session: Session, parties: SimpleNamespace
) -> None:
    intro = ask(session, parties)
    answer(session, parties.dora, intro, accept=False, note="Not our market.")
    view = intros.view(session=session, principal=principal_of(session, parties.alice),
                       intro=intro)
    assert intro.status is IntroductionStatus.DECLINED and intro.response_note == "Not our market."
    assert view.recipient.contact_email == "" and not view.can_withdraw


# --- who may answer and withdraw ----------------------------------------------------------

def test_only_the_recipients_owners_and_editors_can_answer(
    session: Session, parties: SimpleNamespace
) -> None:
    intro = ask(session, parties)
    for user in (parties.fay, parties.alice, parties.bob):  # viewer; the sender's side
        with pytest.raises(Forbidden):
            answer(session, user, intro)
    with pytest.raises(NotFound):
        answer(session, parties.charlie, intro)
    assert intro.status is IntroductionStatus.PENDING
    answer(session, parties.eve, intro)  # an editor may
    assert intro.status is IntroductionStatus.ACCEPTED
    assert intro.responded_by_id == parties.eve.id and intro.responded_at is not None


def test_a_mentor_answers_their_own_requests_and_nobody_else_can(
    session: Session, parties: SimpleNamespace
) -> None:
    intro = ask(session, parties, mode=MatchMode.MENTORING, to_user_id=parties.mo.id)
    assert intros.pending_count(session=session, principal=principal_of(session, parties.mo)) == 1
    for user, error in ((parties.dora, NotFound), (parties.alice, Forbidden)):
        with pytest.raises(error):
            answer(session, user, intro)
    answer(session, parties.mo, intro)
    view = intros.view(session=session, principal=principal_of(session, parties.alice),
                       intro=intro)
    assert view.recipient.kind == "mentor" and view.recipient.name == "Mo Mentor"
    assert view.recipient.contact_email == parties.mo.email


def test_only_the_senders_owners_and_editors_can_withdraw(
    session: Session, parties: SimpleNamespace
) -> None:
    intro = ask(session, parties)
    for user in (parties.dora, parties.bob):
        with pytest.raises(Forbidden):
            intros.withdraw(session=session, principal=principal_of(session, user),
                            intro_id=intro.id)
    intros.withdraw(session=session, principal=principal_of(session, parties.alice),
                    intro_id=intro.id)
    assert intro.status is IntroductionStatus.WITHDRAWN
    with pytest.raises(Conflict):
        answer(session, parties.dora, intro)


def test_an_answered_introduction_cannot_be_answered_or_withdrawn_again(
    session: Session, parties: SimpleNamespace
) -> None:
    intro = ask(session, parties)
    answer(session, parties.dora, intro)
    with pytest.raises(Conflict, match="already accepted"):
        answer(session, parties.eve, intro, accept=False)
    with pytest.raises(Conflict):
        intros.withdraw(session=session, principal=principal_of(session, parties.alice),
                        intro_id=intro.id)
    assert intro.status is IntroductionStatus.ACCEPTED


def test_pending_count_counts_only_what_the_user_can_answer(
    session: Session, parties: SimpleNamespace
) -> None:
    ask(session, parties)
    counts = {u.full_name: intros.pending_count(session=session, principal=principal_of(session, u))
              for u in (parties.dora, parties.eve, parties.fay, parties.alice, parties.officer)}
    assert counts == {"Dora Partner": 1, "Eve Editor": 1, "Fay Viewer": 0, "Alice Owner": 0,
                      "Olga Officer": 0}


# --- requests that are refused ---------------------------------------------------------------

def test_only_owners_and_editors_can_ask_for_an_introduction(
    session: Session, parties: SimpleNamespace
) -> None:
    for user in (parties.bob, parties.charlie):
        with pytest.raises(Forbidden):
            intros.request(session=session, principal=principal_of(session, user),
                           from_org_id=parties.org_in.id, mode=CODEV, to_org_id=parties.us.id)
    assert session.scalars(select(Introduction)).all() == []


def test_a_second_request_to_the_same_partner_is_refused_while_one_is_open(
    session: Session, parties: SimpleNamespace
) -> None:
    first = ask(session, parties)
    with pytest.raises(Conflict, match="already pending"):
        ask(session, parties, note="Again")
    answer(session, parties.dora, first, accept=False)
    second = ask(session, parties, note="A year later, with sea-trial data.")
    assert second.id != first.id and second.status is IntroductionStatus.PENDING


def test_an_organisation_cannot_be_introduced_to_itself(
    session: Session, parties: SimpleNamespace
) -> None:
    with pytest.raises(Invalid, match="itself"):
        ask(session, parties, to_org_id=parties.org_in.id)


def test_mentoring_requests_go_to_active_mentors_only(
    session: Session, parties: SimpleNamespace
) -> None:
    with pytest.raises(Invalid, match="mentor"):
        ask(session, parties, mode=MatchMode.MENTORING)  # to an organisation
    with pytest.raises(Invalid, match="no active mentor"):
        ask(session, parties, mode=MatchMode.MENTORING, to_user_id=parties.charlie.id)


def test_a_note_longer_than_the_limit_is_refused(
    session: Session, parties: SimpleNamespace
) -> None:
    with pytest.raises(Invalid, match="at most"):
        ask(session, parties, note="x" * (intros.NOTE_MAX + 1))
    intro = ask(session, parties)
    with pytest.raises(Invalid):
        answer(session, parties.dora, intro, note="y" * (intros.NOTE_MAX + 1))
    assert intro.status is IntroductionStatus.PENDING


# --- what is recorded -------------------------------------------------------------------------

def test_every_step_is_audited(session: Session, parties: SimpleNamespace) -> None:
    first = ask(session, parties)
    answer(session, parties.dora, first, accept=False, note="No capacity")
    second = ask(session, parties)
    intros.withdraw(session=session, principal=principal_of(session, parties.alice),
                    intro_id=second.id)
    third = ask(session, parties)
    answer(session, parties.eve, third)
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "introduction").order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.object_id) for e in events] == [
        ("introduction.request", str(first.id)), ("introduction.decline", str(first.id)),
        ("introduction.request", str(second.id)), ("introduction.withdraw", str(second.id)),
        ("introduction.request", str(third.id)), ("introduction.accept", str(third.id)),
    ]
    decline = events[1]
    assert decline.actor_email == parties.dora.email
    assert decline.before is not None and decline.before["status"] == "pending"
    assert decline.after is not None and decline.after["status"] == "declined"
    # A private note: the log says it was written, never what it says (ASVS 7.1.2).
    assert decline.after["response_note"] == "[redacted]"


def test_the_recipients_deciders_are_notified_and_then_the_senders(
    session: Session, parties: SimpleNamespace
) -> None:
    intro = ask(session, parties)
    requests = session.scalars(
        select(Notification).where(Notification.kind == "introduction_request")
    ).all()
    assert {n.to_email for n in requests} == {parties.dora.email, parties.eve.email}  # not fay
    assert {n.link for n in requests} == {f"/introductions/{intro.id}"}
    assert "Alice Undersea Systems" in requests[0].subject
    answer(session, parties.dora, intro, note="Call us next week.")
    accepted = session.scalars(
        select(Notification).where(Notification.kind == "introduction_accepted")
    ).all()
    assert [n.to_email for n in accepted] == [parties.alice.email]  # bob only views
    assert "Call us next week." in accepted[0].body
    assert accepted[0].link == f"/introductions/{intro.id}"


def test_requests_and_answers_are_stored_as_feedback_for_ranking(
    session: Session, parties: SimpleNamespace
) -> None:
    intro = ask(session, parties)
    answer(session, parties.dora, intro, accept=False)
    rows = session.scalars(select(MatchFeedback).order_by(MatchFeedback.id)).all()
    assert [(r.org_id, r.candidate_org_id, r.action, r.user_id) for r in rows] == [
        (parties.org_in.id, parties.us.id, FeedbackAction.REQUESTED, parties.alice.id),
        (parties.org_in.id, parties.us.id, FeedbackAction.DECLINED, parties.dora.id),
    ]


def test_a_dismissed_suggestion_is_recorded_with_its_reason(
    session: Session, parties: SimpleNamespace
) -> None:
    with pytest.raises(Forbidden):
        intros.dismiss(session=session, principal=principal_of(session, parties.bob),
                       org_id=parties.org_in.id, mode=CODEV, candidate_org_id=parties.us.id)
    row = intros.dismiss(session=session, principal=principal_of(session, parties.alice),
                         org_id=parties.org_in.id, mode=CODEV, candidate_org_id=parties.us.id,
                         reason=DismissReason.ALREADY_PARTNERS, note=" We work together. ")
    assert (row.action, row.reason, row.note) == (
        FeedbackAction.DISMISSED, DismissReason.ALREADY_PARTNERS, "We work together.")
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "suggestion.dismiss"))
    assert event.one().object_id == str(parties.org_in.id)
