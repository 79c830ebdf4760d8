"""Organisations of both ecosystems, their offerings, focus areas and investor theses."""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from indusx.accounts.models import _enum
from indusx.db import Base, JSONType, UTCDateTime, utcnow
from indusx.orgs.taxonomy import Country, FundingStage, OrgKind, Seeking

org_focus_area = Table(
    "org_focus_area",
    Base.metadata,
    Column("org_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "focus_area_id",
        ForeignKey("focus_area.id", ondelete="RESTRICT"),
        primary_key=True,
        index=True,
    ),
)


# Each focus area owns one bit of organisation.focus_mask (see orgs/facets.py).
MAX_FOCUS_AREAS = 63


class FocusArea(Base):
    __tablename__ = "focus_area"
    __table_args__ = (CheckConstraint("bit BETWEEN 0 AND 62", name="bit_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bit: Mapped[int] = mapped_column(Integer, unique=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Organisation(Base):
    __tablename__ = "organisation"
    __table_args__ = (
        # Covers every column that facets, filters and sorting read: without a text query,
        # counting and choosing the page are index-only scans of this narrow index.
        Index(
            "ix_organisation_facets",
            "facet_mask", "focus_mask", "max_trl", "name", "updated_at", "created_at",
        ),
        Index("ix_organisation_name", "name"),
        Index("uq_organisation_external_ref", "external_ref", unique=True),
        CheckConstraint("headcount IS NULL OR headcount >= 0", name="headcount_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[Country] = mapped_column(_enum(Country, "country"))
    kind: Mapped[OrgKind] = mapped_column(_enum(OrgKind, "org_kind"))
    description: Mapped[str] = mapped_column(Text, default="")
    capabilities: Mapped[str] = mapped_column(Text, default="")
    funding_stage: Mapped[FundingStage | None] = mapped_column(
        _enum(FundingStage, "funding_stage")
    )
    headcount: Mapped[int | None] = mapped_column(Integer)
    city: Mapped[str] = mapped_column(String(100), default="")
    state: Mapped[str] = mapped_column(String(100), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    uei: Mapped[str | None] = mapped_column(String(12), unique=True)
    cage: Mapped[str | None] = mapped_column(String(5), unique=True)
    cin: Mapped[str | None] = mapped_column(String(21), unique=True)
    udyam: Mapped[str | None] = mapped_column(String(19), unique=True)
    dpiit: Mapped[str | None] = mapped_column(String(16), unique=True)
    # Visible only to the organisation's members and to officers.
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    needs: Mapped[str] = mapped_column(Text, default="")
    private_notes: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(default=False)
    # Where an imported organisation came from, e.g. "sbir:acme" (re-imports update it).
    external_ref: Mapped[str | None] = mapped_column(String(200))
    # Derived, kept by the service: the most mature offering, and the text the search indexes.
    max_trl: Mapped[int | None] = mapped_column(Integer)
    focus_mask: Mapped[int] = mapped_column(BigInteger, default=0)
    # Derived bit sets for counting facets in one pass (see orgs/facets.py).
    facet_mask: Mapped[int] = mapped_column(BigInteger, default=0)
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    focus_areas: Mapped[list[FocusArea]] = relationship(
        secondary=org_focus_area, lazy="raise", order_by=FocusArea.name
    )
    seeking_links: Mapped[list["OrgSeeking"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )
    offerings: Mapped[list["Offering"]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Offering.id",
    )
    thesis: Mapped["InvestorThesis | None"] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def seeking(self) -> list[Seeking]:
        """Return what the organisation seeks, in the vocabulary's order."""
        return sorted((link.seeking for link in self.seeking_links), key=list(Seeking).index)


class OrgSeeking(Base):
    __tablename__ = "org_seeking"

    org_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
    )
    seeking: Mapped[Seeking] = mapped_column(
        Enum(Seeking, name="seeking", native_enum=False, length=32,
             values_callable=lambda e: [m.value for m in e]),
        primary_key=True,
        index=True,
    )


class Offering(Base):
    __tablename__ = "offering"
    __table_args__ = (CheckConstraint("trl BETWEEN 1 AND 9", name="trl_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    trl: Mapped[int] = mapped_column(Integer)
    # None means the classification is not yet known.
    export_control: Mapped[str | None] = mapped_column(String(60))


class InvestorThesis(Base):
    __tablename__ = "investor_thesis"

    org_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
    )
    focus_areas: Mapped[list[str]] = mapped_column(JSONType, default=list)
    stages: Mapped[list[str]] = mapped_column(JSONType, default=list)
    countries: Mapped[list[str]] = mapped_column(JSONType, default=list)
    ticket_min_usd: Mapped[int | None] = mapped_column(Integer)
    ticket_max_usd: Mapped[int | None] = mapped_column(Integer)

