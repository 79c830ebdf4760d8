"""An award made to an organisation, imported from public award data."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from indusx.db import Base, UTCDateTime, utcnow


class Award(Base):
    __tablename__ = "award"
    __table_args__ = (Index("ix_award_org_year", "org_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    # Stable key of the source row (source, year, firm and title hashed): re-imports update.
    source_key: Mapped[str] = mapped_column(String(80), unique=True)
    source: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    abstract: Mapped[str] = mapped_column(Text, default="")
    agency: Mapped[str] = mapped_column(String(100), default="")
    branch: Mapped[str] = mapped_column(String(100), default="")
    program: Mapped[str] = mapped_column(String(32), default="")
    phase: Mapped[str] = mapped_column(String(32), default="")
    research_institution: Mapped[str] = mapped_column(String(300), default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
