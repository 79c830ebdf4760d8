"""Per-user notification settings: topics, channels, the settings page and the API."""

from collections.abc import Callable
from types import SimpleNamespace

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.audit.models import AuditEvent
from indusx.config import Settings
from indusx.notifications import preferences
from indusx.notifications import service as outbox
from indusx.notifications.models import DeliveryStatus, Notification, NotificationPreference
from indusx.notifications.preferences import Channels
from tests.conftest import ACTOR

SignIn = Callable[[TestClient, User], TestClient]
Headers = Callable[[User], dict[str, str]]


def _send(session: Session, user: User, kind: str) -> Notification:
    note = outbox.enqueue(
        session=session,
        to_email=user.email,
        user_id=user.id,
        kind=kind,
        subject=f"About {kind}",
        body="Details inside.",
        link="/x",
    )
    session.commit()
    return note


def test_kinds_fall_into_topics_and_security_messages_into_none() -> None:
    assert preferences.topic_for("challenge_invite") == "challenges"
    assert preferences.topic_for("challenge_review_assigned") == "reviews"
    assert preferences.topic_for("review_reminder") == "reviews"
    assert preferences.topic_for("introduction_accepted") == "introductions"
    assert preferences.topic_for("screening_case_opened") == "screening"
    for kind in ("password_reset", "invitation", "membership_invitation", "membership"):
        assert preferences.topic_for(kind) is None


def test_without_settings_every_topic_is_on_for_both_channels(
    session: Session, people: SimpleNamespace
) -> None:
    prefs = preferences.preferences_for(session=session, user_id=people.bob.id)
    assert list(prefs) == list(preferences.TOPIC_KEYS)
    assert all(c == Channels(in_app=True, email=True) for c in prefs.values())
    note = _send(session, people.bob, "challenge_invite")
    assert note.in_app and note.delivery_status is DeliveryStatus.PENDING


def test_email_off_keeps_the_message_in_the_app_but_never_sends_it(
    session: Session, people: SimpleNamespace, settings: Settings
) -> None:
    preferences.update_preferences(
        session=session,
        user=people.bob,
        actor=ACTOR,
        changes={"challenges": Channels(in_app=True, email=False)},
    )
    note = _send(session, people.bob, "challenge_invite")
    assert note.in_app and note.read_at is None
    assert note.delivery_status is DeliveryStatus.SKIPPED
    assert outbox.unread_count(session=session, user_id=people.bob.id) == 1


def test_in_app_off_sends_the_email_and_hides_the_message(
    session: Session, people: SimpleNamespace
) -> None:
    preferences.update_preferences(
        session=session,
        user=people.bob,
        actor=ACTOR,
        changes={"reviews": Channels(in_app=False, email=True)},
    )
    note = _send(session, people.bob, "challenge_review_assigned")
    assert not note.in_app and note.delivery_status is DeliveryStatus.PENDING
    assert outbox.unread_count(session=session, user_id=people.bob.id) == 0


def test_both_off_stores_the_message_read_hidden_and_unsent(
    session: Session, people: SimpleNamespace
) -> None:
    preferences.update_preferences(
        session=session,
        user=people.bob,
        actor=ACTOR,
        changes={"introductions": Channels(in_app=False, email=False)},
    )
    note = _send(session, people.bob, "introduction_request")
    assert not note.in_app and note.read_at is not None
    assert note.delivery_status is DeliveryStatus.SKIPPED
    rows, total = outbox.list_for_user(session=session, user_id=people.bob.id)
    assert total == 0 and not rows


def test_a_setting_applies_only_to_its_topic_and_its_user(
    session: Session, people: SimpleNamespace
) -> None:
    preferences.update_preferences(
        session=session,
        user=people.bob,
        actor=ACTOR,
        changes={"challenges": Channels(in_app=False, email=False)},
    )
    assert _send(session, people.bob, "introduction_request").in_app
    assert _send(session, people.charlie, "challenge_invite").in_app


def test_security_messages_are_never_suppressed(session: Session, people: SimpleNamespace) -> None:
    every_topic_off = {key: Channels(in_app=False, email=False) for key in preferences.TOPIC_KEYS}
    preferences.update_preferences(
        session=session, user=people.bob, actor=ACTOR, changes=every_topic_off
    )
    for kind in ("password_reset", "invitation", "membership_invitation"):
        assert _send(session, people.bob, kind).delivery_status is DeliveryStatus.PENDING


def test_only_settings_that_differ_from_the_default_are_stored(
    session: Session, people: SimpleNamespace
) -> None:
    def stored() -> int:
        return len(
            session.scalars(
                select(NotificationPreference).where(
                    NotificationPreference.user_id == people.bob.id
                )
            ).all()
        )

    preferences.update_preferences(
        session=session,
        user=people.bob,
        actor=ACTOR,
        changes={"screening": Channels(in_app=True, email=False)},
    )
    assert stored() == 1
    preferences.update_preferences(
        session=session, user=people.bob, actor=ACTOR, changes={"screening": Channels()}
    )
    assert stored() == 0


def test_the_settings_page_needs_a_signed_in_user(client: TestClient) -> None:
    response = client.get("/account/notifications")
    assert response.headers["location"] == "/login?next=/account/notifications"


def test_the_settings_page_shows_each_topic_with_its_switches(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn, session: Session
) -> None:
    preferences.update_preferences(
        session=session,
        user=people.bob,
        actor=ACTOR,
        changes={"reviews": Channels(in_app=True, email=False)},
    )
    session.commit()
    page = sign_in(client, people.bob).get("/account/notifications").text
    for topic in preferences.TOPICS:
        assert topic.label in page
    assert 'id="f-reviews-in_app" aria-label="Reviews: in the app"' in page
    assert 'name="email" value="reviews"\n                       id="f-reviews-email"' in page
    email_box = page.split('id="f-reviews-email"')[1].split(">")[0]
    assert "checked" not in email_box
    assert 'href="/account/notifications"' in page  # the account menu links here


def test_saving_the_form_needs_csrf_and_is_audited(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn, session: Session
) -> None:
    sign_in(client, people.bob)
    # Every topic on except challenges by e-mail and introductions in the app.
    form = {
        "in_app": [k for k in preferences.TOPIC_KEYS if k != "introductions"],
        "email": [k for k in preferences.TOPIC_KEYS if k != "challenges"],
    }
    assert client.post("/account/notifications", data=form).status_code == 403
    response = client.post("/account/notifications", data={**form, "csrf_token": csrf})
    assert response.status_code == 303
    assert response.headers["location"] == "/account/notifications"
    prefs = preferences.preferences_for(session=session, user_id=people.bob.id)
    assert prefs["challenges"] == Channels(in_app=True, email=False)
    assert prefs["introductions"] == Channels(in_app=False, email=True)
    assert prefs["reviews"] == Channels()
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "notification.preferences")
    ).one()
    assert event.actor_id == people.bob.id and event.object_id == str(people.bob.id)
    assert event.after == {"challenges.email": False, "introductions.in_app": False}


def test_the_api_reads_and_changes_only_the_callers_settings(
    client: TestClient, people: SimpleNamespace, bearer: Headers, session: Session
) -> None:
    url = "/api/v1/notification-preferences"
    assert client.get(url).status_code == 401
    got = client.get(url, headers=bearer(people.bob)).json()
    assert [p["topic"] for p in got] == list(preferences.TOPIC_KEYS)
    assert all(p["in_app"] and p["email"] for p in got)

    body = {"preferences": [{"topic": "challenges", "in_app": False, "email": True}]}
    changed = client.put(url, json=body, headers=bearer(people.bob)).json()
    assert {p["topic"]: (p["in_app"], p["email"]) for p in changed}["challenges"] == (False, True)
    assert (
        preferences.preferences_for(session=session, user_id=people.charlie.id)["challenges"]
        == Channels()
    )

    bad = client.put(url, json={"preferences": [{"topic": "gossip"}]}, headers=bearer(people.bob))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "topic"


def test_a_message_with_email_off_is_never_delivered(
    session: Session, people: SimpleNamespace, settings: Settings
) -> None:
    preferences.update_preferences(
        session=session,
        user=people.bob,
        actor=ACTOR,
        changes={"challenges": Channels(in_app=True, email=False)},
    )
    _send(session, people.bob, "challenge_invite")
    sent: list[str] = []
    counts = outbox.deliver_due(
        session=session, settings=settings, sender=lambda _s, note: sent.append(note.kind)
    )
    assert sent == [] and counts["delivered"] == 0
