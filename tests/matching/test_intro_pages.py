"""Introduction pages end to end: the inbox, one introduction, answering and withdrawing."""

import re
from collections.abc import Callable
from types import SimpleNamespace
from urllib.parse import unquote

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.matching.models import Introduction, IntroductionStatus, MatchMode
from indusx.notifications.models import Notification
from indusx.templating import FLASH_COOKIE
from tests.matching.test_introductions import ask, parties

__all__ = ["parties"]  # the fixture, shared with the service tests

SignIn = Callable[[TestClient, User], TestClient]


def _flash(response: object) -> str:
    return unquote(response.cookies.get(FLASH_COOKIE, ""))  # type: ignore[attr-defined]


def _status(session: Session, intro: Introduction) -> IntroductionStatus:
    session.expire_all()
    fresh = session.get(Introduction, intro.id)
    assert fresh is not None
    return fresh.status


# --- the list -----------------------------------------------------------------------------

def test_the_introduction_pages_need_a_signed_in_user(client: TestClient) -> None:
    assert client.get("/introductions").headers["location"] == "/login?next=/introductions"
    assert client.get("/introductions/1").headers["location"] == "/login?next=/introductions/1"


def test_a_request_awaiting_an_answer_opens_the_incoming_tab_and_shows_in_the_nav(
    client: TestClient, parties: SimpleNamespace, session: Session, sign_in: SignIn
) -> None:
    intro = ask(session, parties)
    sign_in(client, parties.dora)
    page = client.get("/introductions").text
    assert re.search(r'class="nav-link active" href="/introductions\?tab=incoming"', page)
    assert f'href="/introductions/{intro.id}"' in page
    assert "Request from </span>Alice Undersea Systems" in page
    assert "Awaiting your answer" in page
    assert "We build acoustic modems; you integrate sonar." in page  # the note's excerpt
    assert '1<span class="visually-hidden"> awaiting your answer</span></span>' in page
    note = session.scalars(
        select(Notification).where(Notification.user_id == parties.dora.id)
    ).one()
    assert client.get(note.link).status_code == 200  # the notification leads to the page


def test_without_a_pending_request_the_list_opens_on_all(
    client: TestClient, parties: SimpleNamespace, session: Session, sign_in: SignIn
) -> None:
    ask(session, parties)
    sign_in(client, parties.fay)  # sees the request but may not answer it
    page = client.get("/introductions").text
    assert re.search(r'class="nav-link active" href="/introductions\?tab=all"', page)
    assert "Alice Undersea Systems" in page and "Awaiting your answer" not in page
    assert "awaiting your answer</span>" not in page  # no badge in the nav


def test_each_tab_has_its_own_empty_state(
    client: TestClient, parties: SimpleNamespace, session: Session, sign_in: SignIn
) -> None:
    ask(session, parties)
    sign_in(client, parties.alice)
    outgoing = client.get("/introductions?tab=outgoing").text
    assert "Your request to </span>Dora Maritime Inc" in outgoing
    incoming = client.get("/introductions?tab=incoming").text
    assert "No introduction requests yet" in incoming and "Dora Maritime" not in incoming
    sign_in(client, parties.charlie)
    everything = client.get("/introductions").text
    assert "No introductions yet" in everything
    assert "You have not asked for an introduction yet" in client.get(
        "/introductions?tab=outgoing").text


def test_officers_see_every_introduction_on_the_platform(
    client: TestClient, parties: SimpleNamespace, session: Session, sign_in: SignIn
) -> None:
    ask(session, parties)
    sign_in(client, parties.officer)
    page = client.get("/introductions?tab=all").text
    assert 'All<span class="d-none d-sm-inline"> on the platform</span>' in page
    assert "Alice Undersea Systems" in page and "Dora Maritime Inc" in page
    sign_in(client, parties.charlie)
    page = client.get("/introductions?tab=all").text
    assert "on the platform" not in page and "Dora Maritime Inc" not in page


def test_the_list_filters_by_status_and_pages_by_twenty(
    client: TestClient, parties: SimpleNamespace, session: Session, sign_in: SignIn
) -> None:
    for n in range(23):
        session.add(Introduction(mode=MatchMode.RESEARCH, from_org_id=parties.org_in.id,
                                 to_org_id=parties.us.id, note=f"Old request {n:02d}",
                                 status=IntroductionStatus.DECLINED))
    ask(session, parties, note="The open one")
    sign_in(client, parties.alice)
    first = client.get("/introductions?tab=outgoing").text
    assert first.count('class="list-group-item intro-row') == 20
    assert "Showing 1\u201320 of 24" in first
    assert 'href="/introductions?tab=outgoing&amp;page=2"' in first
    second = client.get("/introductions?tab=outgoing&page=2").text
    assert second.count('class="list-group-item intro-row') == 4
    pending = client.get("/introductions?tab=outgoing&status=pending").text
    assert "The open one" in pending and "Old request" not in pending
    assert 'aria-current="true">Pending</a>' in pending
    none = client.get("/introductions?tab=incoming&status=accepted").text
    assert "No accepted introductions here" in none
    assert client.get("/introductions?status=lost").status_code == 422


# --- one introduction ---------------------------------------------------------------------

def test_contact_details_stay_hidden_until_the_recipient_accepts(
    client: TestClient, parties: SimpleNamespace, session: Session, sign_in: SignIn
) -> None:
    intro = ask(session, parties)
    sign_in(client, parties.alice)
    page = client.get(f"/introductions/{intro.id}").text
    assert "dora@maritime.example" not in page and "+1 555 0100" not in page
    assert "Contact details are shared when Dora Maritime Inc accepts." in page
    assert "Shared with Dora Maritime Inc only if the introduction is accepted." in page
    assert "Withdraw request" in page and "Accept and share" not in page
    sign_in(client, parties.dora)
    page = client.get(f"/introductions/{intro.id}").text
    assert "+91 80 5555 0100" not in page and parties.org_in.contact_email not in page
    assert "Accept and share contact details" in page and "Decline…" in page


def test_accepting_shares_contact_details_and_says_so(
    client: TestClient, csrf: str, parties: SimpleNamespace, session: Session, sign_in: SignIn
) -> None:
    intro = ask(session, parties)
    sign_in(client, parties.dora)
    response = client.post(f"/introductions/{intro.id}/accept",
                           data={"csrf_token": csrf, "note": "Our CTO will call you."})
    assert response.status_code == 303
    assert response.headers["location"] == f"/introductions/{intro.id}"
    assert "accepted" in _flash(response)
    assert _status(session, intro) is IntroductionStatus.ACCEPTED
    sign_in(client, parties.alice)
    page = client.get(f"/introductions/{intro.id}").text
    assert 'href="mailto:dora@maritime.example"' in page and "+1 555 0100" in page
    assert "Our CTO will call you." in page
    assert "Both sides can now see each other's contact details." in page
    assert "Withdraw request" not in page


def test_declining_asks_for_confirmation_and_keeps_the_note(
    client: TestClient, csrf: str, parties: SimpleNamespace, session: Session, sign_in: SignIn
) -> None:
    intro = ask(session, parties)
    sign_in(client, parties.eve)
    asked = client.post(f"/introductions/{intro.id}/decline",
                        data={"csrf_token": csrf, "note": "Not our market."})
    assert asked.status_code == 200 and "Decline this introduction?" in asked.text
    assert 'name="note" value="Not our market."' in asked.text
    assert _status(session, intro) is IntroductionStatus.PENDING
    done = client.post(f"/introductions/{intro.id}/decline",
                       data={"csrf_token": csrf, "note": "Not our market.", "confirm": "yes"})
    assert done.status_code == 303 and "declined" in _flash(done)
    assert _status(session, intro) is IntroductionStatus.DECLINED
    sign_in(client, parties.alice)
    page = client.get(f"/introductions/{intro.id}").text
    assert "Dora Maritime Inc declined. No contact details were shared." in page
    assert "Not our market." in page and "dora@maritime.example" not in page


def test_answering_an_answered_introduction_shows_where_it_stands(
    client: TestClient, csrf: str, parties: SimpleNamespace, session: Session, sign_in: SignIn
) -> None:
    intro = ask(session, parties)
    sign_in(client, parties.dora)
    client.post(f"/introductions/{intro.id}/accept", data={"csrf_token": csrf})
    sign_in(client, parties.eve)  # a colleague answers the same request a moment later
    again = client.post(f"/introductions/{intro.id}/decline",
                        data={"csrf_token": csrf, "confirm": "yes"})
    assert again.status_code == 409
    assert 'role="alert"' in again.text and "already accepted" in again.text
    assert _status(session, intro) is IntroductionStatus.ACCEPTED


def test_only_the_recipients_owners_and_editors_may_answer(
    client: TestClient, csrf: str, parties: SimpleNamespace, session: Session, sign_in: SignIn
) -> None:
    intro = ask(session, parties)
    sign_in(client, parties.fay)
    page = client.get(f"/introductions/{intro.id}").text
    assert "Only owners and editors of Dora Maritime Inc can answer" in page
    assert "Accept and share" not in page
    refused = client.post(f"/introductions/{intro.id}/accept", data={"csrf_token": csrf})
    assert refused.status_code == 403 and "Error 403" in refused.text
    sign_in(client, parties.charlie)
    assert client.get(f"/introductions/{intro.id}").status_code == 404
    assert client.post(f"/introductions/{intro.id}/accept",
                       data={"csrf_token": csrf}).status_code == 404
    assert client.post(f"/introductions/{intro.id}/accept").status_code == 403  # no CSRF
    assert _status(session, intro) is IntroductionStatus.PENDING


def test_a_note_over_the_limit_is_shown_inline(
    client: TestClient, csrf: str, parties: SimpleNamespace, session: Session, sign_in: SignIn
) -> None:
    intro = ask(session, parties)
    sign_in(client, parties.dora)
    response = client.post(f"/introductions/{intro.id}/accept",
                           data={"csrf_token": csrf, "note": "x" * 2001})
    assert response.status_code == 422
    assert 'id="f-note-error"' in response.text and 'aria-invalid="true"' in response.text
    assert _status(session, intro) is IntroductionStatus.PENDING


def test_withdrawing_asks_first_and_only_the_sender_may(
    client: TestClient, csrf: str, parties: SimpleNamespace, session: Session, sign_in: SignIn
) -> None:
    intro = ask(session, parties)
    sign_in(client, parties.dora)
    assert client.get(f"/introductions/{intro.id}/withdraw").status_code == 403
    assert client.post(f"/introductions/{intro.id}/withdraw",
                       data={"csrf_token": csrf}).status_code == 403
    sign_in(client, parties.alice)
    confirm = client.get(f"/introductions/{intro.id}/withdraw").text
    assert "Withdraw your request to Dora Maritime Inc?" in confirm
    assert f'action="/introductions/{intro.id}/withdraw"' in confirm
    done = client.post(f"/introductions/{intro.id}/withdraw", data={"csrf_token": csrf})
    assert done.status_code == 303 and _flash(done) == "Request withdrawn."
    assert _status(session, intro) is IntroductionStatus.WITHDRAWN
    late = client.get(f"/introductions/{intro.id}/withdraw")
    assert late.status_code == 409 and "already withdrawn" in late.text


def test_a_mentor_recipient_shows_their_name_and_expertise(
    client: TestClient, csrf: str, parties: SimpleNamespace, session: Session, sign_in: SignIn
) -> None:
    intro = ask(session, parties, mode=MatchMode.MENTORING, to_user_id=parties.mo.id)
    sign_in(client, parties.alice)
    page = client.get(f"/introductions/{intro.id}").text
    assert "Mo Mentor" in page and "Export licensing and ITAR technical" in page
    assert parties.mo.email not in page
    sign_in(client, parties.mo)
    assert "Request from </span>Alice Undersea Systems" in client.get("/introductions").text
    client.post(f"/introductions/{intro.id}/accept", data={"csrf_token": csrf})
    sign_in(client, parties.alice)
    assert f'href="mailto:{parties.mo.email}"' in client.get(f"/introductions/{intro.id}").text


def test_the_suggestions_score_and_reason_stay_with_the_introduction(
    client: TestClient, parties: SimpleNamespace, session: Session, sign_in: SignIn
) -> None:
    intro = ask(session, parties, score=0.8249, reason="Both work on undersea acoustics.",
                components={"semantic": 0.91, "focus": 0.5})
    sign_in(client, parties.dora)
    page = client.get(f"/introductions/{intro.id}").text
    assert ">82%<" in page and "Both work on undersea acoustics." in page
    assert "Capability fit" in page and 'aria-valuenow="91"' in page
    intro.score, intro.reason, intro.components = 0.0, "", {}
    session.commit()
    page = client.get(f"/introductions/{intro.id}").text
    assert "made directly, not from a suggestion" in page and ">0%<" not in page
