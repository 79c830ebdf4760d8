"""Per-user notification settings: which topics reach a user in-app and by e-mail.

A message's topic follows from its `kind` (see `topic_for`). Kinds outside every topic
(password resets, invitations, membership news) are always delivered: a user cannot turn
off the messages that keep their account safe. With no stored row a topic is on for both
channels; only settings that differ from that default are stored.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.audit import service as audit
from indusx.audit.service import Actor
from indusx.errors import DomainError
from indusx.notifications.models import NotificationPreference


@dataclass(frozen=True, slots=True)
class Topic:
    key: str
    label: str
    description: str
    prefixes: tuple[str, ...]  # kinds that start with one of these belong to the topic


# Checked in order: the first topic with a matching prefix wins, so the more specific
# `challenge_review_` (reviews) comes before `challenge_` (challenges).
TOPICS: tuple[Topic, ...] = (
    Topic(
        "reviews",
        "Reviews",
        "Review assignments, conflict declarations and reminders of reviews due.",
        ("challenge_review_", "review_"),
    ),
    Topic(
        "challenges",
        "Challenges",
        "Invitations to apply, co-applicant requests, submissions, deadline reminders and "
        "decisions on your proposals.",
        ("challenge_",),
    ),
    Topic(
        "introductions",
        "Introductions",
        "Requests for an introduction and the answers to yours.",
        ("introduction_",),
    ),
    Topic(
        "partnerships",
        "Partnerships",
        "Stage changes, mentions, tasks and officer assignments on partnerships you are part of.",
        ("partnership_",),
    ),
    Topic(
        "screening",
        "Screening",
        "Restricted-party screening cases and their decisions.",
        ("screening_",),
    ),
    Topic(
        "supply",
        "Security of Supply requests",
        "Priority-delivery requests routed to your organisation, answers to yours, and their "
        "status.",
        ("sos_",),
    ),
    Topic(
        "roadmap",
        "Roadmap",
        "Milestones you own on the roadmap that have become overdue.",
        ("roadmap_",),
    ),
)
TOPIC_KEYS: tuple[str, ...] = tuple(t.key for t in TOPICS)


@dataclass(frozen=True, slots=True)
class Channels:
    """Whether a user wants one topic's messages in the app and by e-mail."""

    in_app: bool = True
    email: bool = True


def topic_for(kind: str) -> str | None:
    """Return the topic a message kind belongs to, or None if it cannot be turned off."""
    for topic in TOPICS:
        if kind.startswith(topic.prefixes):
            return topic.key
    return None


def channels_for(*, session: Session, user_id: int, kind: str) -> Channels:
    """Return how the user wants messages of this kind delivered."""
    topic = topic_for(kind)
    if topic is None:
        return Channels()
    row = session.get(NotificationPreference, (user_id, topic))
    return Channels() if row is None else Channels(in_app=row.in_app, email=row.email)


def preferences_for(*, session: Session, user_id: int) -> dict[str, Channels]:
    """Return the user's settings for every topic, in display order (defaults filled in)."""
    stored = {
        row.topic: Channels(in_app=row.in_app, email=row.email)
        for row in session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user_id)
        )
    }
    return {key: stored.get(key, Channels()) for key in TOPIC_KEYS}


def _flat(prefs: dict[str, Channels]) -> dict[str, bool]:
    out = {}
    for key, channels in prefs.items():
        out[f"{key}.in_app"] = channels.in_app
        out[f"{key}.email"] = channels.email
    return out


def update_preferences(
    *, session: Session, user: User, changes: dict[str, Channels], actor: Actor
) -> dict[str, Channels]:
    """Change the settings of the given topics (others stay as they are); return them all."""
    unknown = sorted(set(changes) - set(TOPIC_KEYS))
    if unknown:
        raise DomainError(
            f"Unknown notification topic: {', '.join(unknown)}",
            status=422,
            errors=[{"field": "topic", "message": f"choose from {', '.join(TOPIC_KEYS)}"}],
        )
    before = preferences_for(session=session, user_id=user.id)
    after = {**before, **changes}
    if after == before:
        return after
    for key, channels in changes.items():
        row = session.get(NotificationPreference, (user.id, key))
        if channels == Channels():
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(
                NotificationPreference(
                    user_id=user.id, topic=key, in_app=channels.in_app, email=channels.email
                )
            )
        else:
            row.in_app, row.email = channels.in_app, channels.email
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="notification.preferences",
        object_type="user",
        object_id=user.id,
        summary="changed notification settings",
        before=_flat(before),
        after=_flat(after),
    )
    return after
