"""The roadmap: initiatives per focus area, their milestones, and what they link to."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from indusx.accounts.models import User, _enum
from indusx.db import Base, JSONType, UTCDateTime, utcnow
from indusx.orgs.models import FocusArea


class InitiativeStatus(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    ON_HOLD = "on-hold"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


INITIATIVE_STATUS_LABELS: dict[InitiativeStatus, str] = {
    InitiativeStatus.PROPOSED: "Proposed",
    InitiativeStatus.ACTIVE: "Active",
    InitiativeStatus.ON_HOLD: "On hold",
    InitiativeStatus.COMPLETED: "Completed",
    InitiativeStatus.CANCELLED: "Cancelled",
}


class MilestoneStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    AT_RISK = "at-risk"
    CANCELLED = "cancelled"


MILESTONE_STATUS_LABELS: dict[MilestoneStatus, str] = {
    MilestoneStatus.PLANNED: "Planned",
    MilestoneStatus.IN_PROGRESS: "In progress",
    MilestoneStatus.DONE: "Done",
    MilestoneStatus.AT_RISK: "At risk",
    MilestoneStatus.CANCELLED: "Cancelled",
}


initiative_org = Table(
    "roadmap_initiative_org",
    Base.metadata,
    Column("initiative_id", ForeignKey("roadmap_initiative.id", ondelete="CASCADE"),
           primary_key=True),
    Column("org_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)

initiative_challenge = Table(
    "roadmap_initiative_challenge",
    Base.metadata,
    Column("initiative_id", ForeignKey("roadmap_initiative.id", ondelete="CASCADE"),
           primary_key=True),
    Column("challenge_id", ForeignKey("challenge.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)

initiative_partnership = Table(
    "roadmap_initiative_partnership",
    Base.metadata,
    Column("initiative_id", ForeignKey("roadmap_initiative.id", ondelete="CASCADE"),
           primary_key=True),
    Column("partnership_id", ForeignKey("partnership.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Initiative(Base):
    """A line of work under one focus area (e.g. jet engine co-production)."""

    __tablename__ = "roadmap_initiative"
    __table_args__ = (
        CheckConstraint(
            "starts_on IS NULL OR target_on IS NULL OR target_on >= starts_on",
            name="target_after_start",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    focus_area_id: Mapped[int] = mapped_column(
        ForeignKey("focus_area.id", ondelete="RESTRICT"), index=True
    )
    # The agencies that lead it, as they are named (e.g. "MoD (DDP) and DoD OUSD(A&S)").
    lead_agency: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[InitiativeStatus] = mapped_column(
        _enum(InitiativeStatus, "initiative_status"), default=InitiativeStatus.ACTIVE
    )
    # Everyone signed in reads public initiatives; the others only officers and admins.
    is_public: Mapped[bool] = mapped_column(default=True)
    starts_on: Mapped[date | None] = mapped_column(Date)
    target_on: Mapped[date | None] = mapped_column(Date)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    focus_area: Mapped[FocusArea] = relationship(lazy="raise")
    milestones: Mapped[list["Milestone"]] = relationship(
        lazy="raise",
        back_populates="initiative",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(Milestone.due_on, Milestone.id)",
    )


class Milestone(Base):
    """A dated step of an initiative, with its owner, status and evidence."""

    __tablename__ = "roadmap_milestone"
    __table_args__ = (Index("ix_roadmap_milestone_status_due_on", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("roadmap_initiative.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # Who owns it when that is not a platform user (e.g. "DoD OUSD(A&S)").
    owner_label: Mapped[str] = mapped_column(String(200), default="")
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[MilestoneStatus] = mapped_column(
        _enum(MilestoneStatus, "milestone_status"), default=MilestoneStatus.PLANNED
    )
    completed_on: Mapped[date | None] = mapped_column(Date)
    # [{"label": ..., "url": "https://..."}]
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    # The day its owner was told it is overdue; cleared when it stops being overdue (or the
    # owner changes), so that each overdue episode is notified once.
    overdue_notified_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    initiative: Mapped[Initiative] = relationship(lazy="raise", back_populates="milestones")
    owner: Mapped[User | None] = relationship(lazy="raise")
