"""Partnerships, their parties, and the history of their stages."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from indusx.accounts.models import _enum
from indusx.db import Base, JSONType, UTCDateTime, utcnow


class PartnershipType(StrEnum):
    CO_DEVELOPMENT = "co-development"
    CO_PRODUCTION = "co-production"
    TECHNOLOGY_TRANSFER = "technology-transfer"
    INVESTMENT = "investment"
    RESEARCH = "research"


class Stage(StrEnum):
    """The pipeline's stages in order; `stopped` can be entered from any open stage."""

    IDENTIFIED = "identified"
    INTRODUCED = "introduced"
    NDA = "nda"
    PROPOSAL = "proposal"
    REGULATORY_REVIEW = "regulatory-review"
    AGREEMENT = "agreement"
    EXECUTION = "execution"
    DELIVERED = "delivered"
    CLOSED = "closed"
    STOPPED = "stopped"


STAGE_ORDER: tuple[Stage, ...] = tuple(s for s in Stage if s is not Stage.STOPPED)


class Origin(StrEnum):
    MANUAL = "manual"
    INTRODUCTION = "introduction"
    CHALLENGE_AWARD = "challenge-award"


class PartyRole(StrEnum):
    LEAD = "lead"
    PARTNER = "partner"


class Partnership(Base):
    """A partnership between two or more organisations, moving through gated stages."""

    __tablename__ = "partnership"
    __table_args__ = (Index("ix_partnership_stage_type", "stage", "type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[PartnershipType] = mapped_column(_enum(PartnershipType, "partnership_type"))
    stage: Mapped[Stage] = mapped_column(
        _enum(Stage, "partnership_stage"), default=Stage.IDENTIFIED
    )
    stop_reason: Mapped[str] = mapped_column(Text, default="")
    # The items involved (products, technologies, systems), as the parties describe them.
    items: Mapped[str] = mapped_column(Text, default="")
    value_usd: Mapped[int | None] = mapped_column(BigInteger)
    focus_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("focus_area.id", ondelete="SET NULL"), index=True
    )
    origin: Mapped[Origin] = mapped_column(_enum(Origin, "partnership_origin"))
    introduction_id: Mapped[int | None] = mapped_column(
        ForeignKey("introduction.id", ondelete="SET NULL"), unique=True
    )
    # The challenge award decision it grew from.
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal_decision.id", ondelete="SET NULL"), unique=True
    )
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stage_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PartnershipParty(Base):
    """An organisation that is party to a partnership."""

    __tablename__ = "partnership_party"
    __table_args__ = (UniqueConstraint("partnership_id", "org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), index=True
    )
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    role: Mapped[PartyRole] = mapped_column(
        _enum(PartyRole, "partnership_party_role"), default=PartyRole.PARTNER
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StageChange(Base):
    """One move of a partnership between stages (forward, back, or stopped): its history."""

    __tablename__ = "partnership_stage_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), index=True
    )
    from_stage: Mapped[Stage | None] = mapped_column(_enum(Stage, "partnership_stage"))
    to_stage: Mapped[Stage] = mapped_column(_enum(Stage, "partnership_stage"))
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class PartnershipOfficer(Base):
    """A programme officer assigned to follow a partnership; the data room admits them."""

    __tablename__ = "partnership_officer"
    __table_args__ = (UniqueConstraint("partnership_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    assigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PartnershipComment(Base):
    """A comment on a partnership; deleting one keeps the row and blanks what is shown."""

    __tablename__ = "partnership_comment"
    __table_args__ = (Index("ix_partnership_comment_partnership_created", "partnership_id",
                            "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text)
    # The users it mentions, by id, as resolved when it was last saved.
    mentions: Mapped[list[int]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PartnershipTask(Base):
    """A task on a partnership with an assignee and an optional due date."""

    __tablename__ = "partnership_task"
    __table_args__ = (Index("ix_partnership_task_partnership_done", "partnership_id", "done_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    due_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
