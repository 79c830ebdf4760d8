"""Stored embeddings, introductions and the feedback that steers suggestions."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from indusx.accounts.models import _enum
from indusx.db import Base, JSONType, UTCDateTime, utcnow


class MatchMode(StrEnum):
    CO_DEVELOPMENT = "co-development"
    CO_PRODUCTION = "co-production"
    INVESTMENT = "investment"
    RESEARCH = "research"
    MENTORING = "mentoring"


class IntroductionStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class FeedbackAction(StrEnum):
    DISMISSED = "dismissed"
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class DismissReason(StrEnum):
    NOT_RELEVANT = "not-relevant"
    ALREADY_PARTNERS = "already-partners"
    WRONG_STAGE = "wrong-stage"
    NOT_NOW = "not-now"
    OTHER = "other"


class OrgVector(Base):
    """One embedded passage of an organisation's profile; ordinal 0 is the whole profile.

    Kept in step with the profile by the matching service: a passage is re-embedded only
    when its text (text_hash) or the model changes.
    """

    __tablename__ = "org_vector"
    __table_args__ = (UniqueConstraint("org_id", "ordinal", name="uq_org_vector_org_ordinal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Introduction(Base):
    """A double opt-in introduction: contact details are shared only once it is accepted."""

    __tablename__ = "introduction"
    __table_args__ = (
        CheckConstraint("(to_org_id IS NULL) <> (to_user_id IS NULL)", name="one_recipient"),
        Index("ix_introduction_to_org_status", "to_org_id", "status"),
        Index("ix_introduction_from_org_status", "from_org_id", "status"),
        Index("ix_introduction_to_user_status", "to_user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mode: Mapped[MatchMode] = mapped_column(_enum(MatchMode, "match_mode"))
    from_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    # The recipient is an organisation, or a mentor (a person) in mentoring mode.
    to_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    to_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE")
    )
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    note: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float] = mapped_column(Float, default=0.0)
    reason: Mapped[str] = mapped_column(Text, default="")
    components: Mapped[dict[str, float]] = mapped_column(JSONType, default=dict)
    status: Mapped[IntroductionStatus] = mapped_column(
        _enum(IntroductionStatus, "introduction_status"), default=IntroductionStatus.PENDING
    )
    responded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    response_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MatchFeedback(Base):
    """What an organisation did with a suggestion: dismissals never come back."""

    __tablename__ = "match_feedback"
    __table_args__ = (
        CheckConstraint(
            "(candidate_org_id IS NULL) <> (candidate_user_id IS NULL)", name="one_candidate"
        ),
        Index("ix_match_feedback_org_action", "org_id", "action"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    candidate_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE")
    )
    candidate_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE")
    )
    mode: Mapped[MatchMode] = mapped_column(_enum(MatchMode, "match_mode"))
    action: Mapped[FeedbackAction] = mapped_column(_enum(FeedbackAction, "feedback_action"))
    reason: Mapped[DismissReason | None] = mapped_column(_enum(DismissReason, "dismiss_reason"))
    note: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
