"""Saved pathway assessments and the register of regulatory hurdles."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from indusx.accounts.models import _enum
from indusx.db import Base, JSONType, UTCDateTime, utcnow
from indusx.orgs.models import FocusArea
from indusx.pathway.engine.evaluate import Verdict


class HurdleStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in-progress"
    RESOLVED = "resolved"


HURDLE_STATUS_LABELS = {
    HurdleStatus.OPEN: "Open",
    HurdleStatus.IN_PROGRESS: "In progress",
    HurdleStatus.RESOLVED: "Resolved",
}

assessment_hurdle = Table(
    "assessment_hurdle",
    Base.metadata,
    Column(
        "assessment_id", ForeignKey("pathway_assessment.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("hurdle_id", ForeignKey("hurdle.id", ondelete="CASCADE"), primary_key=True, index=True),
)

hurdle_focus_area = Table(
    "hurdle_focus_area",
    Base.metadata,
    Column("hurdle_id", ForeignKey("hurdle.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "focus_area_id",
        ForeignKey("focus_area.id", ondelete="RESTRICT"),
        primary_key=True,
        index=True,
    ),
)


class Hurdle(Base):
    """A known regulatory hurdle to US-India industry cooperation, maintained by officers.

    `key` is how rules name the hurdle they hit (a rule's `hurdles:` list); officers' own
    entries may leave it empty.
    """

    __tablename__ = "hurdle"
    __table_args__ = (Index("ix_hurdle_status_title", "status", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    regulation: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[HurdleStatus] = mapped_column(
        _enum(HurdleStatus, "hurdle_status"), default=HurdleStatus.OPEN
    )
    remedy: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    focus_areas: Mapped[list[FocusArea]] = relationship(
        secondary=hurdle_focus_area, lazy="raise", order_by=FocusArea.name
    )


class Assessment(Base):
    """A saved regulatory-pathway assessment: what was asked, and what the rules concluded.

    `partnership_id` is where a partnership (issue 8) will point its regulatory review; it has
    no foreign key until that table exists.
    """

    __tablename__ = "pathway_assessment"
    __table_args__ = (
        Index("ix_pathway_assessment_created_by_created_at", "created_by_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    verdict: Mapped[Verdict] = mapped_column(_enum(Verdict, "pathway_verdict"))
    ruleset_version: Mapped[str] = mapped_column(String(40))
    input: Mapped[dict[str, Any]] = mapped_column(JSONType)
    result: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    partnership_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    hurdles: Mapped[list[Hurdle]] = relationship(
        secondary=assessment_hurdle, lazy="raise", order_by=Hurdle.title
    )
